"""Event names on the simulator's command line, turned into ``ctx.on`` events.

The syntax is ``KIND[:TARGET...]``, with Juju's dashed names or Python's underscored ones:

=============================================  ==============================================
``install``, ``config-changed``, ...           a lifecycle event
``relation-changed:db[:ID]``                   a relation event on endpoint ``db`` (also
                                               ``db-relation-changed[:ID]``)
``action:backup``                              an action (parameters from ``--param k=v``)
``pebble-ready:web``                           a workload event (also ``web-pebble-ready``)
``pebble-custom-notice:web:KEY``               a custom Pebble notice, by key or id
``pebble-check-failed:web:CHECK``              a Pebble check failing (or ``-recovered``)
``secret-changed:ID_OR_LABEL``                 a secret event (``--revision`` for expired/remove)
``storage-attached:data[:INDEX]``              a storage event (also ``data-storage-attached``)
=============================================  ==============================================

Entities are looked up in the input State. Where the charm's metadata declares an entity
the State lacks (a relation endpoint, a container, a storage), a default one is added to the
State first, so that a single event can be tried from an empty state.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import yaml

from .._state._containers import Container, Notice
from .._state._relations import PeerRelation, Relation, RelationBase, SubordinateRelation
from .._state._secrets import Secret
from .._state._storage import Storage

if TYPE_CHECKING:
    from .._charm_spec import CharmSpec
    from .._context import Context
    from .._events import Event
    from .._state._state import State

__all__ = ['EventRequest', 'UsageError', 'build_event', 'convert_options', 'new_relation']

_LIFECYCLE = (
    'install',
    'start',
    'stop',
    'remove',
    'update_status',
    'config_changed',
    'upgrade_charm',
    'pre_series_upgrade',
    'post_series_upgrade',
    'leader_elected',
)
_RELATION = ('created', 'joined', 'changed', 'departed', 'broken')
_WORKLOAD = ('ready', 'custom_notice', 'check_failed', 'check_recovered')
_SECRET = ('changed', 'expired', 'rotate', 'remove')
_STORAGE = ('attached', 'detaching')
_ENTITY_HOOK = re.compile(
    r'^(?P<entity>.+?)_(?P<family>relation|pebble|storage)_(?P<what>[a-z_]+)$'
)

EXAMPLES = (
    'install, config-changed, relation-changed:db:1, action:backup, pebble-ready:web, '
    'secret-changed:<id or label>, storage-attached:data'
)


class UsageError(Exception):
    """A bad command line, event name or state file: reported on one line, exit status 2."""


@dataclasses.dataclass(frozen=True)
class EventRequest:
    """What the command line asked for, besides the event name.

    Attributes:
        params: action parameters as ``key=value`` strings.
        remote_unit: the remote unit number of a relation event.
        departing_unit: the departing unit number of a relation-departed event.
        revision: the secret revision of a secret-expired or secret-remove event.
    """

    params: Sequence[str] = ()
    remote_unit: int | None = None
    departing_unit: int | None = None
    revision: int | None = None


def build_event(
    ctx: Context[Any], state: State, text: str, request: EventRequest
) -> tuple[Event, State, list[str]]:
    """The event named by ``text``, the State to run it on, and notes on what was added.

    Raises:
        UsageError: the name is unknown, or names an entity neither the State nor the
            metadata has, or the options do not fit the event.
    """
    kind, _, rest = text.strip().partition(':')
    kind = kind.strip().lower().replace('-', '_')
    args = rest.split(':') if rest else []
    spec: CharmSpec = ctx._spec
    builder = _EventBuilder(ctx, spec, state, text, request)
    if request.params and kind != 'action' and not kind.endswith('_action'):
        raise UsageError(f'--param is only for actions, not for {text!r}')
    if kind in _LIFECYCLE:
        builder.no_args(args)
        event = getattr(ctx.on, kind)()
    elif kind == 'action' or kind.endswith('_action'):
        name = rest if kind == 'action' else kind[: -len('_action')].replace('_', '-')
        event = builder.action(name)
    elif kind.startswith('relation_') and kind[len('relation_') :] in _RELATION:
        if not args:
            raise UsageError(f'{text!r} needs an endpoint: {text}:ENDPOINT[:RELATION_ID]')
        event = builder.relation(kind[len('relation_') :], args[0], args[1:])
    elif kind.startswith('pebble_') and kind[len('pebble_') :] in _WORKLOAD:
        if not args:
            raise UsageError(f'{text!r} needs a container: {text}:CONTAINER')
        event = builder.workload(kind[len('pebble_') :], args[0], args[1:])
    elif kind.startswith('secret_') and kind[len('secret_') :] in _SECRET:
        if not rest:
            raise UsageError(f'{text!r} needs a secret: {text}:SECRET_ID_OR_LABEL')
        event = builder.secret(kind[len('secret_') :], rest)
    elif kind.startswith('storage_') and kind[len('storage_') :] in _STORAGE:
        if not args:
            raise UsageError(f'{text!r} needs a storage name: {text}:STORAGE[:INDEX]')
        event = builder.storage(kind[len('storage_') :], args[0], args[1:])
    else:
        event = _entity_hook(builder, kind, args, text)
    return event, builder.state, builder.notes


def _entity_hook(builder: _EventBuilder, kind: str, args: list[str], text: str) -> Event:
    """Juju hook names with the entity first: ``db-relation-changed``, ``web-pebble-ready``."""
    match = _ENTITY_HOOK.match(kind)
    if match is not None:
        entity, family, what = match.group('entity', 'family', 'what')
        # Keep the entity's own spelling (dashes) from the command line.
        raw_entity = text.strip().split(':', 1)[0][: len(entity)]
        if family == 'relation' and what in _RELATION:
            return builder.relation(what, raw_entity, args)
        if family == 'pebble' and what in _WORKLOAD:
            return builder.workload(what, raw_entity, args)
        if family == 'storage' and what in _STORAGE:
            return builder.storage(what, raw_entity, args)
    raise UsageError(f'unknown event {text!r}; events look like: {EXAMPLES}')


class _EventBuilder:
    """Finds (or adds) the entities an event names; ``state`` and ``notes`` follow along."""

    def __init__(
        self,
        ctx: Context[Any],
        spec: CharmSpec,
        state: State,
        text: str,
        request: EventRequest,
    ) -> None:
        self.ctx = ctx
        self.spec = spec
        self.state = state
        self.text = text
        self.request = request
        self.notes: list[str] = []

    def no_args(self, args: list[str]) -> None:
        if args:
            raise UsageError(f'{self.text!r}: this event takes no ":" arguments')

    def _replace(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)

    # -- actions ---------------------------------------------------------------------------

    def action(self, name: str) -> Event:
        """``action:NAME``, with the ``--param`` values typed by the action's params."""
        specs = self.spec.action_specs
        if not name:
            raise UsageError(f'{self.text!r} needs an action name: action:NAME')
        if name not in specs:
            known = ', '.join(sorted(specs)) or 'none'
            raise UsageError(f'the charm has no action {name!r} (its actions: {known})')
        properties = specs[name].get('params') or {}
        # Unknown parameters are refused unless the action explicitly allows them.
        strict = specs[name].get('additionalProperties') is not True
        params = convert_options(
            self.request.params,
            properties,
            what=f'action {name!r}',
            strict=strict,
            noun='parameter',
        )
        # As Juju does: declared defaults fill what was not given, then every required
        # parameter must have a value.
        for key, declared in properties.items():
            if key not in params and isinstance(declared, Mapping) and 'default' in declared:
                params[key] = copy.deepcopy(declared['default'])
        missing = [key for key in _required(specs[name]) if key not in params]
        if missing:
            flags = ' '.join(f'--param {key}=VALUE' for key in missing)
            noun = 'parameter' if len(missing) == 1 else 'parameters'
            raise UsageError(
                f'action {name!r} needs the required {noun} '
                f'{", ".join(repr(k) for k in missing)} ({flags})'
            )
        event: Event = self.ctx.on.action(name, params=params)
        return event

    # -- relations -------------------------------------------------------------------------

    def relation(self, what: str, endpoint: str, args: list[str]) -> Event:
        """``relation-WHAT:ENDPOINT[:ID]``; the remote unit defaults to the relation's first."""
        if len(args) > 1:
            raise UsageError(f'{self.text!r}: expected ENDPOINT[:RELATION_ID]')
        declared = self.spec.endpoints
        if endpoint not in declared:
            known = ', '.join(sorted(declared)) or 'none'
            raise UsageError(
                f'the charm has no relation endpoint {endpoint!r} (its endpoints: {known})'
            )
        relation = self._find_relation(endpoint, args[0] if args else None)
        remote_unit = self.request.remote_unit
        if remote_unit is None and what in ('joined', 'changed', 'departed'):
            remote_units = relation._remote_unit_ids
            remote_unit = remote_units[0] if remote_units else None
        if self.request.departing_unit is not None and what != 'departed':
            raise UsageError(f'--departing-unit is only for relation-departed, not {self.text!r}')
        if what in ('joined', 'changed', 'departed'):
            event: Event = getattr(self.ctx.on, f'relation_{what}')(
                relation,
                remote_unit=remote_unit,
                **({'departing_unit': self.request.departing_unit} if what == 'departed' else {}),
            )
            return event
        if remote_unit is not None or self.request.departing_unit is not None:
            raise UsageError(f'relation-{what} takes no --remote-unit or --departing-unit')
        event = getattr(self.ctx.on, f'relation_{what}')(relation)
        return event

    def _find_relation(self, endpoint: str, id_text: str | None) -> RelationBase:
        if id_text is not None:
            try:
                rel_id = int(id_text)
            except ValueError:
                raise UsageError(
                    f'relation id {id_text!r} in {self.text!r} is not a number'
                ) from None
            for relation in self.state.relations:
                if relation.id == rel_id:
                    if relation.endpoint != endpoint:
                        raise UsageError(
                            f'relation {rel_id} in the state is on endpoint '
                            f'{relation.endpoint!r}, not {endpoint!r}'
                        )
                    return relation
            raise UsageError(f'the state has no relation with id {rel_id} (on {endpoint!r})')
        found = [r for r in self.state.relations if r.endpoint == endpoint]
        if len(found) > 1:
            ids = ', '.join(str(r.id) for r in sorted(found, key=lambda r: r.id))
            raise UsageError(
                f'the state has several {endpoint!r} relations ({ids}); name one: '
                f'{self.text.split(":")[0]}:{endpoint}:ID'
            )
        if found:
            return found[0]
        relation = new_relation(self.spec, endpoint)
        self._replace(relations=[*self.state.relations, relation])
        self.notes.append(f'added relation {endpoint}:{relation.id} to the state')
        return relation

    # -- workloads -------------------------------------------------------------------------

    def workload(self, what: str, name: str, args: list[str]) -> Event:
        """``pebble-WHAT:CONTAINER[:NOTICE_OR_CHECK]``."""
        container = self._find_container(name)
        if what == 'ready':
            if args:
                raise UsageError(f'{self.text!r}: expected pebble-ready:CONTAINER')
            if not container.can_connect:
                # Juju sends pebble-ready once Pebble answers.
                ready = dataclasses.replace(container, can_connect=True)
                self._swap_container(container, ready)
                self.notes.append(f'container {name!r} can connect now (can_connect=True)')
                container = ready
            event: Event = self.ctx.on.pebble_ready(container)
            return event
        if len(args) != 1 or not args[0]:
            thing = 'NOTICE_KEY' if what == 'custom_notice' else 'CHECK'
            raise UsageError(f'{self.text!r}: expected {what.replace("_", "-")}:{name}:{thing}')
        if what == 'custom_notice':
            notice = self._find_notice(container, args[0])
            event = self.ctx.on.pebble_custom_notice(self.state.get_container(name), notice)
            return event
        return self._check_event(what, container, args[0])

    def _find_container(self, name: str) -> Container:
        for container in self.state.containers:
            if container.name == name:
                return container
        if name not in self.spec.containers:
            known = ', '.join(self.spec.containers) or 'none'
            raise UsageError(f'the charm has no container {name!r} (its containers: {known})')
        container = Container(name, can_connect=True)
        self._replace(containers=[*self.state.containers, container])
        self.notes.append(f'added container {name!r} (can_connect=True) to the state')
        return container

    def _swap_container(self, old: Container, new: Container) -> None:
        others = [c for c in self.state.containers if c.name != old.name]
        self._replace(containers=[*others, new])

    def _find_notice(self, container: Container, key: str) -> Notice:
        for notice in container.notices:
            if key in (notice.key, notice.id):
                return notice
        notice = Notice(key)
        self._swap_container(
            container, dataclasses.replace(container, notices=[*container.notices, notice])
        )
        self.notes.append(f'added custom notice {key!r} to container {container.name!r}')
        return notice

    def _check_event(self, what: str, container: Container, name: str) -> Event:
        import ops_pebble as pebble

        info = next((c for c in container.check_infos if c.name == name), None)
        if info is None:
            known = ', '.join(sorted(c.name for c in container.check_infos)) or 'none'
            raise UsageError(
                f'container {container.name!r} has no check {name!r} in the state '
                f'(its checks: {known})'
            )
        if what == 'check_failed':
            new_info = dataclasses.replace(
                info, status=pebble.CheckStatus.DOWN, failures=max(info.threshold, 1)
            )
        else:
            new_info = dataclasses.replace(info, status=pebble.CheckStatus.UP, failures=0)
        others = [c for c in container.check_infos if c.name != name]
        new_container = dataclasses.replace(container, check_infos=[*others, new_info])
        self._swap_container(container, new_container)
        event: Event = getattr(self.ctx.on, f'pebble_{what}')(new_container, new_info)
        return event

    # -- secrets ---------------------------------------------------------------------------

    def secret(self, what: str, target: str) -> Event:
        """``secret-WHAT:ID_OR_LABEL`` (``--revision`` for expired and remove)."""
        secret = self._find_secret(target)
        if what in ('expired', 'remove'):
            if self.request.revision is None:
                raise UsageError(f'secret-{what} needs the revision: add --revision N')
            method = getattr(self.ctx.on, f'secret_{what}')
            try:
                event: Event = method(secret, revision=self.request.revision)
            except ValueError as e:
                raise UsageError(f'secret-{what} on {target!r}: {e}') from None
            return event
        if self.request.revision is not None:
            raise UsageError(f'secret-{what} takes no --revision')
        try:
            event = getattr(self.ctx.on, f'secret_{what}')(secret)
        except ValueError as e:
            raise UsageError(f'secret-{what} on {target!r}: {e}') from None
        return event

    def _find_secret(self, target: str) -> Secret:
        for secret in self.state.secrets:
            if secret._matches_id(target) or secret.label == target:
                return secret
        raise UsageError(f'the state has no secret with id or label {target!r}')

    # -- storage ---------------------------------------------------------------------------

    def storage(self, what: str, name: str, args: list[str]) -> Event:
        """``storage-WHAT:NAME[:INDEX]``."""
        if len(args) > 1:
            raise UsageError(f'{self.text!r}: expected STORAGE[:INDEX]')
        try:
            index = int(args[0]) if args else 0
        except ValueError:
            raise UsageError(
                f'storage index {args[0]!r} in {self.text!r} is not a number'
            ) from None
        if name not in self.spec.storages:
            known = ', '.join(self.spec.storages) or 'none'
            raise UsageError(f'the charm has no storage {name!r} (its storages: {known})')
        found = next((s for s in self.state.storages if s.name == name and s.index == index), None)
        if found is None:
            found = Storage(name, index=index)
            self._replace(storages=[*self.state.storages, found])
            self.notes.append(f'added storage {name}/{index} to the state')
        event: Event = getattr(self.ctx.on, f'storage_{what}')(found)
        return event


def _required(action: Mapping[str, Any]) -> list[str]:
    """The names an action's ``required`` lists (a single name is allowed, as in YAML)."""
    required = action.get('required') or []
    if isinstance(required, str):
        return [required]
    return [str(key) for key in required] if isinstance(required, list) else []


def new_relation(spec: CharmSpec, endpoint: str, *, remote_app: str = 'remote') -> RelationBase:
    """A relation on ``endpoint`` of the right kind, with one remote unit (number 0)."""
    role, meta = spec.endpoints[endpoint]
    interface = meta.get('interface')
    if role == 'peers':
        return PeerRelation(endpoint, interface)
    if meta.get('scope') == 'container':
        return SubordinateRelation(endpoint, interface, remote_app_name=remote_app)
    limit = meta.get('limit')
    return Relation(
        endpoint,
        interface,
        remote_app_name=remote_app,
        remote_units_data={0: {}},
        limit=limit if isinstance(limit, int) else 1,
    )


_TRUE = ('true', 'yes', 'on', '1')
_FALSE = ('false', 'no', 'off', '0')


def convert_options(
    pairs: Sequence[str],
    schema: Mapping[str, Any],
    *,
    what: str,
    strict: bool = False,
    noun: str = 'option',
) -> dict[str, Any]:
    """``key=value`` strings as typed values, following the declared types in ``schema``.

    ``schema`` maps names to specs with a ``type`` (action params use JSON-schema types:
    ``string``, ``integer``, ``number``, ``boolean``, ...; config options use ``string``,
    ``int``, ``float``, ``boolean``, ``secret``). Undeclared names are read as YAML scalars
    unless ``strict``.

    Raises:
        UsageError: a pair has no ``=``, names an undeclared key (``strict``), or its value
            does not fit the declared type.
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition('=')
        key = key.strip()
        if not sep or not key:
            raise UsageError(f'{pair!r} for {what} is not of the form key=value')
        option = schema.get(key)
        if option is None and strict:
            known = ', '.join(sorted(schema)) or 'none'
            raise UsageError(f'{what} has no {noun} {key!r} (its {noun}s: {known})')
        declared = option.get('type') if isinstance(option, Mapping) else None
        out[key] = _convert(raw, declared, key=key, what=what)
    return out


def _convert(raw: str, declared: Any, *, key: str, what: str) -> Any:
    kind = declared if isinstance(declared, str) else None
    try:
        if kind in ('string', 'secret'):
            return raw
        if kind in ('int', 'integer'):
            return int(raw)
        if kind in ('float', 'number'):
            return float(raw)
        if kind == 'boolean':
            if raw.lower() in _TRUE:
                return True
            if raw.lower() in _FALSE:
                return False
            raise ValueError(raw)
        if kind in ('array', 'object'):
            value = yaml.safe_load(raw)
            if not isinstance(value, list if kind == 'array' else dict):
                raise ValueError(raw)
            return value
        value = yaml.safe_load(raw) if raw else ''
        return value if isinstance(value, (str, int, float, bool, list, dict)) else raw
    except (ValueError, yaml.YAMLError):
        raise UsageError(f'{key}={raw!r} for {what}: the value must be of type {kind}') from None
