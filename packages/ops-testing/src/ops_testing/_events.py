"""The events a Context can run: ``ctx.on.start()``, ``ctx.on.relation_changed(rel)``, ...."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ops_hookcmds.sister import field, record

from ._exports import publish
from ._state._common import action_ids, check_name, copy_dict
from ._state._containers import CheckInfo, Container, Notice
from ._state._framework import DeferredEvent
from ._state._relations import PeerRelation, RelationBase
from ._state._secrets import Secret
from ._state._storage import Storage

__all__ = ['CharmEvents', 'Action', 'Event', 'EventKind', 'EventPath']

# Suffixes of events named after a metadata entity (relation, storage, container, action).
_RELATION_SUFFIXES = (
    '_relation_created',
    '_relation_joined',
    '_relation_changed',
    '_relation_departed',
    '_relation_broken',
)
_STORAGE_SUFFIXES = ('_storage_attached', '_storage_detaching')
_WORKLOAD_SUFFIXES = (
    '_pebble_ready',
    '_pebble_custom_notice',
    '_pebble_check_failed',
    '_pebble_check_recovered',
)
_SECRET_EVENTS = ('secret_changed', 'secret_expired', 'secret_rotate', 'secret_remove')
_FRAMEWORK_EVENTS = ('pre_commit', 'commit', 'collect_app_status', 'collect_unit_status')
_LIFECYCLE_EVENTS = (
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
    'leader_settings_changed',
    'collect_metrics',
)


class EventKind:
    """The families of events, which decide the environment and consistency rules."""

    RELATION = 'relation'
    STORAGE = 'storage'
    WORKLOAD = 'workload'
    SECRET = 'secret'
    ACTION = 'action'
    FRAMEWORK = 'framework'
    LIFECYCLE = 'lifecycle'
    CUSTOM = 'custom'


@record(frozen=True)
class Action:
    """An action invocation: the action name, its parameters and its id.

    Attributes:
        name: the action name, as declared in the charm's actions.
        params: the parameters the user passed.
        id: the action id (``JUJU_ACTION_UUID``); by default ``'1'``, ``'2'``, ... per process.
    """

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(action_ids.next()))

    def __post_init__(self) -> None:
        check_name('action', self.name)
        object.__setattr__(self, 'params', copy_dict(self.params))

    def __hash__(self) -> int:
        return hash(self.id)


_ENTITY_SUFFIXES = _RELATION_SUFFIXES + _STORAGE_SUFFIXES + _WORKLOAD_SUFFIXES + ('_action',)


def _kind_of(name: str) -> str:
    if name.endswith('_action'):
        return EventKind.ACTION
    if name.endswith(_RELATION_SUFFIXES):
        return EventKind.RELATION
    if name.endswith(_STORAGE_SUFFIXES):
        return EventKind.STORAGE
    if name.endswith(_WORKLOAD_SUFFIXES):
        return EventKind.WORKLOAD
    if name in _SECRET_EVENTS:
        return EventKind.SECRET
    if name in _FRAMEWORK_EVENTS:
        return EventKind.FRAMEWORK
    if name in _LIFECYCLE_EVENTS:
        return EventKind.LIFECYCLE
    return EventKind.CUSTOM


class EventPath(str):
    """An event's path, split into its parts: the type of :attr:`Event.path`.

    The string is the event's attribute name on its emitter (``'foo_bar_relation_changed'``;
    hyphens become underscores, so ``'foo-bar_relation_changed'`` and Juju's hook name
    ``'foo-bar-relation-changed'`` are the same path), optionally preceded by the dotted path
    of the emitter (``'my_lib.on.ready'``).

    Attributes:
        python_name: the attribute name (the last dotted part).
        owner_path: the dotted parts before it (``['on']`` when there are none).
        prefix: for an entity event, the entity part (``'foo_bar'``); otherwise the name.
        suffix: for an entity event, the event part (``'_relation_changed'``), else ``''``.
        juju_prefix: the entity part as given (``'foo-bar'``), for the Juju hook name.
        type: the event's family (an :class:`EventKind` constant).
    """

    python_name: str
    owner_path: list[str]
    prefix: str
    suffix: str
    juju_prefix: str
    type: str

    def __new__(cls, path: str) -> EventPath:
        *owner, raw = str(path).split('.')
        name = raw.replace('-', '_')  # Juju's hook names ('db-relation-changed') work too
        suffix = next((s for s in _ENTITY_SUFFIXES if name.endswith(s) and len(name) > len(s)), '')
        self = super().__new__(cls, '.'.join([*owner, name]))
        self.python_name = name
        self.owner_path = owner or ['on']
        self.juju_prefix = getattr(path, 'juju_prefix', raw[: len(raw) - len(suffix)])
        self.type = _kind_of(name)
        self.prefix = name[: len(name) - len(suffix)]
        self.suffix = suffix
        return self

    @property
    def python_suffix(self) -> str:
        """:attr:`suffix`, or for a Juju or framework event its whole name (as ops-scenario 8.9)."""
        if self.suffix or self.type == EventKind.CUSTOM:
            return self.suffix
        return self.python_name

    @property
    def name(self) -> str:
        """The attribute name (same as :attr:`python_name`)."""
        return self.python_name


_OBSERVER_REPR = re.compile(r'^<function (?P<owner>\S+)\.(?P<method>\w+) at ')


@record(frozen=True)
class Event:
    """An event to run with :meth:`Context.run`, built by ``ctx.on.<event>(...)``.

    Attributes:
        path: the event's attribute name on ``charm.on``, for example ``'db_relation_changed'``
            (an :class:`EventPath`; an entity name's hyphens become underscores).
        storage, relation, secret, container, notice, check_info, action: the State object the
            event concerns, if any.
        relation_remote_unit_id: the remote unit of a relation event, if given.
        relation_departed_unit_id: the departing unit of a relation-departed event, if given.
        secret_revision: the revision of a secret-expired/secret-remove event.
    """

    path: str
    storage: Storage | None = None
    relation: RelationBase | None = None
    relation_remote_unit_id: int | None = None
    relation_departed_unit_id: int | None = None
    secret: Secret | None = None
    secret_revision: int | None = None
    container: Container | None = None
    notice: Notice | None = None
    check_info: CheckInfo | None = None
    action: Action | None = None
    custom_event: Any = None
    custom_args: tuple[Any, ...] = ()
    custom_kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, 'path', EventPath(self.path))

    @property
    def name(self) -> str:
        """The event's attribute name on ``charm.on`` (same as :attr:`path`)."""
        return self.path

    @property
    def kind(self) -> str:
        """The event's family (one of the :class:`EventKind` constants)."""
        if self.custom_event is not None:
            return EventKind.CUSTOM
        if self.action is not None:
            return EventKind.ACTION
        return _kind_of(self.path)

    @property
    def prefix(self) -> str:
        """For an entity event, the entity part of the path (``'db'`` in ``db_relation_joined``)."""
        path = self.path
        return path.prefix if isinstance(path, EventPath) and path.suffix else path

    @property
    def suffix(self) -> str:
        """For an entity event, the event part of the path (``'_relation_joined'``)."""
        return self.path[len(self.prefix) :]

    @property
    def hook_name(self) -> str:
        """The Juju hook name (``db-relation-joined``), with the entity name verbatim."""
        entity = self._entity_name()
        if entity is None:
            return self.path.replace('_', '-')
        return entity + self.suffix.replace('_', '-')

    def _entity_name(self) -> str | None:
        if self.relation is not None:
            return self.relation.endpoint
        if self.storage is not None:
            return self.storage.name
        if self.container is not None:
            return self.container.name
        if self.action is not None:
            return self.action.name
        return None

    def _snapshot_data(self) -> dict[str, Any]:
        """The data ops saves for this event when it is deferred."""
        kind = self.kind
        data: dict[str, Any] = {}
        if kind == EventKind.WORKLOAD and self.container is not None:
            data['container_name'] = self.container.name
            if self.notice is not None:
                notice_type = self.notice.type
                data['notice_id'] = self.notice.id
                data['notice_key'] = self.notice.key
                data['notice_type'] = getattr(notice_type, 'value', notice_type)
            elif self.check_info is not None:
                data['check_name'] = self.check_info.name
        elif kind == EventKind.RELATION and self.relation is not None:
            relation = self.relation
            remote_app = (
                'local'
                if isinstance(relation, PeerRelation)
                else getattr(relation, 'remote_app_name', 'remote')
            )
            data['relation_name'] = relation.endpoint
            data['relation_id'] = relation.id
            data['app_name'] = remote_app
            if not self.path.endswith(('_relation_created', '_relation_broken')):
                remote_unit = self.relation_remote_unit_id
                if remote_unit is None:
                    ids = relation._remote_unit_ids
                    remote_unit = ids[0] if ids else 0
                data['unit_name'] = f'{remote_app}/{remote_unit}'
            if self.path.endswith('_relation_departed'):
                departing = self.relation_departed_unit_id
                if departing is not None:
                    data['departing_unit'] = f'{remote_app}/{departing}'
        elif kind == EventKind.STORAGE and self.storage is not None:
            data['storage_name'] = self.storage.name
            data['storage_index'] = self.storage.index
        elif kind == EventKind.SECRET and self.secret is not None:
            data['secret_id'] = self.secret.id
            data['secret_label'] = self.secret.label
            if self.path in ('secret_remove', 'secret_expired'):
                data['secret_revision'] = self.secret_revision
        elif kind == EventKind.ACTION and self.action is not None:
            data['id'] = self.action.id
        return data

    def deferred(self, handler: Any, event_id: int = 1) -> DeferredEvent:
        """A :class:`DeferredEvent` for this event, as if ``handler`` had deferred it.

        Args:
            handler: the observer method (for example ``MyCharm._on_start``).
            event_id: the event's sequence number in its handle path.

        Raises:
            ValueError: ``handler`` is not a method defined on a class.
        """
        match = _OBSERVER_REPR.match(repr(getattr(handler, '__func__', handler)))
        if match is None:
            raise ValueError(
                f'cannot tell the owner of {handler!r}: pass a method of the charm class, '
                'for example MyCharm._on_start'
            )
        owner = match.group('owner').split('.')[-1]
        handle_path = f'{owner}/on/{self.path}[{event_id}]'
        return DeferredEvent(
            handle_path=handle_path,
            owner=owner,
            observer=match.group('method'),
            snapshot_data=self._snapshot_data(),
        )


def _entity_path(name: str, suffix: str) -> str:
    return name.replace('-', '_') + suffix


class CharmEvents:
    """The event constructors available as ``ctx.on``.

    Each returns an event to pass to :meth:`Context.run`, for example
    ``ctx.run(ctx.on.relation_changed(relation, remote_unit=1), state)``.
    """

    @staticmethod
    def install() -> Event:
        """The ``install`` event."""
        return Event('install')

    @staticmethod
    def start() -> Event:
        """The ``start`` event."""
        return Event('start')

    @staticmethod
    def stop() -> Event:
        """The ``stop`` event."""
        return Event('stop')

    @staticmethod
    def remove() -> Event:
        """The ``remove`` event."""
        return Event('remove')

    @staticmethod
    def update_status() -> Event:
        """The ``update-status`` event."""
        return Event('update_status')

    @staticmethod
    def config_changed() -> Event:
        """The ``config-changed`` event."""
        return Event('config_changed')

    @staticmethod
    def upgrade_charm() -> Event:
        """The ``upgrade-charm`` event."""
        return Event('upgrade_charm')

    @staticmethod
    def pre_series_upgrade() -> Event:
        """The ``pre-series-upgrade`` event."""
        return Event('pre_series_upgrade')

    @staticmethod
    def post_series_upgrade() -> Event:
        """The ``post-series-upgrade`` event."""
        return Event('post_series_upgrade')

    @staticmethod
    def leader_elected() -> Event:
        """The ``leader-elected`` event."""
        return Event('leader_elected')

    @staticmethod
    def collect_app_status() -> Event:
        """The framework's ``collect-app-status`` event."""
        return Event('collect_app_status')

    @staticmethod
    def collect_unit_status() -> Event:
        """The framework's ``collect-unit-status`` event."""
        return Event('collect_unit_status')

    @staticmethod
    def secret_changed(secret: Secret) -> Event:
        """``secret-changed`` for a secret this unit observes (does not own).

        Raises:
            ValueError: the secret is owned by this unit or app.
        """
        if secret.owner:
            raise ValueError('This unit will never receive secret-changed for a secret it owns.')
        return Event('secret_changed', secret=secret)

    @staticmethod
    def secret_expired(secret: Secret, *, revision: int) -> Event:
        """``secret-expired`` for a revision of a secret this unit or app owns.

        Raises:
            ValueError: the secret is not owned by this unit or app.
        """
        if not secret.owner:
            raise ValueError(
                'This unit will never receive secret-expire for a secret it does not own.'
            )
        return Event('secret_expired', secret=secret, secret_revision=revision)

    @staticmethod
    def secret_rotate(secret: Secret) -> Event:
        """``secret-rotate`` for a secret this unit or app owns.

        Raises:
            ValueError: the secret is not owned by this unit or app.
        """
        if not secret.owner:
            raise ValueError(
                'This unit will never receive secret-rotate for a secret it does not own.'
            )
        return Event('secret_rotate', secret=secret)

    @staticmethod
    def secret_remove(secret: Secret, *, revision: int) -> Event:
        """``secret-remove`` for a revision of a secret this unit or app owns.

        Raises:
            ValueError: the secret is not owned by this unit or app.
        """
        if not secret.owner:
            raise ValueError(
                'This unit will never receive secret-removed for a secret it does not own.'
            )
        return Event('secret_remove', secret=secret, secret_revision=revision)

    @staticmethod
    def relation_created(relation: RelationBase) -> Event:
        """``<endpoint>-relation-created`` for the given relation."""
        return Event(_entity_path(relation.endpoint, '_relation_created'), relation=relation)

    @staticmethod
    def relation_joined(relation: RelationBase, *, remote_unit: int | None = None) -> Event:
        """``<endpoint>-relation-joined``; ``remote_unit`` is the joining unit's number."""
        return Event(
            _entity_path(relation.endpoint, '_relation_joined'),
            relation=relation,
            relation_remote_unit_id=remote_unit,
        )

    @staticmethod
    def relation_changed(relation: RelationBase, *, remote_unit: int | None = None) -> Event:
        """``<endpoint>-relation-changed``; ``remote_unit`` is the changed unit's number."""
        return Event(
            _entity_path(relation.endpoint, '_relation_changed'),
            relation=relation,
            relation_remote_unit_id=remote_unit,
        )

    @staticmethod
    def relation_departed(
        relation: RelationBase,
        *,
        remote_unit: int | None = None,
        departing_unit: int | None = None,
    ) -> Event:
        """``<endpoint>-relation-departed``; ``departing_unit`` is the leaving unit's number."""
        return Event(
            _entity_path(relation.endpoint, '_relation_departed'),
            relation=relation,
            relation_remote_unit_id=remote_unit,
            relation_departed_unit_id=departing_unit,
        )

    @staticmethod
    def relation_broken(relation: RelationBase) -> Event:
        """``<endpoint>-relation-broken`` for the given relation."""
        return Event(_entity_path(relation.endpoint, '_relation_broken'), relation=relation)

    @staticmethod
    def storage_attached(storage: Storage) -> Event:
        """``<name>-storage-attached`` for the given storage instance."""
        return Event(_entity_path(storage.name, '_storage_attached'), storage=storage)

    @staticmethod
    def storage_detaching(storage: Storage) -> Event:
        """``<name>-storage-detaching`` for the given storage instance."""
        return Event(_entity_path(storage.name, '_storage_detaching'), storage=storage)

    @staticmethod
    def pebble_ready(container: Container) -> Event:
        """``<container>-pebble-ready``."""
        return Event(_entity_path(container.name, '_pebble_ready'), container=container)

    @staticmethod
    def pebble_custom_notice(container: Container, notice: Notice) -> Event:
        """``<container>-pebble-custom-notice`` for one of the container's notices."""
        return Event(
            _entity_path(container.name, '_pebble_custom_notice'),
            container=container,
            notice=notice,
        )

    @staticmethod
    def pebble_check_failed(container: Container, info: CheckInfo) -> Event:
        """``<container>-pebble-check-failed`` for one of the container's checks."""
        return Event(
            _entity_path(container.name, '_pebble_check_failed'),
            container=container,
            check_info=info,
        )

    @staticmethod
    def pebble_check_recovered(container: Container, info: CheckInfo) -> Event:
        """``<container>-pebble-check-recovered`` for one of the container's checks."""
        return Event(
            _entity_path(container.name, '_pebble_check_recovered'),
            container=container,
            check_info=info,
        )

    @staticmethod
    def action(name: str, params: Mapping[str, Any] | None = None, id: str | None = None) -> Event:
        """The ``<name>`` action with the given parameters (and id, by default the next one)."""
        action = Action(name, params or {}) if id is None else Action(name, params or {}, id)
        return Event(_entity_path(name, '_action'), action=action)

    @staticmethod
    def custom(event: Any, *args: Any, **kwargs: Any) -> Event:
        """A custom (library or charm-defined) event, for example ``DatabaseRequirer.on.ready``.

        State objects among the arguments (secrets, relations, containers, storages) are
        converted to the matching ``ops`` objects when the event is emitted.

        Raises:
            ValueError: ``event`` is a Juju event; run the Juju event itself instead.
        """
        from ops_core.charm import HookEvent

        event_type = getattr(event, 'event_type', None)
        if event_type is None:
            raise TypeError(
                f'ctx.on.custom needs a bound event such as MyLib.on.ready, got {event!r}'
            )
        if issubclass(event_type, HookEvent):
            raise ValueError(
                f'{event_type.__name__} is a Juju event; '
                'run the Juju event (for example ctx.on.relation_changed(...)) instead.'
            )
        return Event(
            getattr(event, 'event_kind', event_type.__name__),
            custom_event=event,
            custom_args=args,
            custom_kwargs=dict(kwargs),
        )


publish(__name__)
