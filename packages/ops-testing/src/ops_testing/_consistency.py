"""The consistency checker: is this event, on this state, possible for this charm?

``Context.run`` calls :func:`check_consistency` before every run. Errors abort the run
with :class:`InconsistentScenarioError` (listing every problem); warnings are logged once.
Set ``SCENARIO_SKIP_CONSISTENCY_CHECKS`` to any non-empty value to skip the checks.
"""

from __future__ import annotations

import functools
import logging
import marshal
import numbers
import os
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ops_pebble as pebble

from ._events import Event, EventKind
from ._state._relations import PeerRelation, SubordinateRelation
from .errors import InconsistentScenarioError

if TYPE_CHECKING:
    from ._charm_spec import CharmSpec
    from ._state._state import State

__all__ = ['check_consistency']

# The logger name Scenario used, so tests filtering log records by name keep working.
logger = logging.getLogger('ops-scenario.runtime.consistency_checker')

_Results = tuple[list[str], list[str]]


@functools.lru_cache(maxsize=64)
def parse_juju_version(version: str) -> tuple[int, ...]:
    """``'3.6.14'`` -> ``(3, 6, 14)`` (any non-numeric tail of a part is ignored)."""
    parts: list[int] = []
    for piece in version.split('.'):
        digits = re.match(r'\d+', piece)
        parts.append(int(digits.group()) if digits else 0)
    return tuple(parts)


def check_consistency(
    state: State, event: Event, spec: CharmSpec, juju_version: str, unit_id: int
) -> None:
    """Check the state and event against the charm spec; raise on errors, log warnings.

    Raises:
        InconsistentScenarioError: at least one error was found.
    """
    if os.environ.get('SCENARIO_SKIP_CONSISTENCY_CHECKS'):
        return
    version = parse_juju_version(juju_version)
    errors: list[str] = []
    warnings: list[str] = []
    for checker in (
        _check_containers,
        _check_config,
        _check_resources,
        _check_storages,
        _check_relations,
        _check_networks,
        _check_cloud_spec,
        _check_stored_states,
    ):
        errs, warns = checker(
            state=state, event=event, spec=spec, version=version, unit_id=unit_id
        )
        errors.extend(errs)
        warnings.extend(warns)
    errs, warns = _check_event(
        state=state, event=event, spec=spec, version=version, unit_id=unit_id
    )
    errors.extend(errs)
    warnings.extend(warns)
    if errors:
        raise InconsistentScenarioError(
            'Inconsistent scenario. The following errors were found: ' + '\n'.join(errors)
        )
    if warnings:
        logger.warning(
            'This scenario is probably inconsistent. Double check, and ignore this warning if '
            "you're sure. The following warnings were found: " + '\n'.join(warnings)
        )


# ---- the event -----------------------------------------------------------------------------


def _check_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    kind = event.kind
    if kind == EventKind.CUSTOM:
        return [], [
            'this is a custom event; if its name makes it look like a builtin one (for example, '
            'a relation event, or a workload event), you might get some false-negative '
            'consistency checks.'
        ]
    checker = {
        EventKind.RELATION: _check_relation_event,
        EventKind.WORKLOAD: _check_workload_event,
        EventKind.ACTION: _check_action_event,
        EventKind.STORAGE: _check_storage_event,
        EventKind.SECRET: _check_secret_event,
    }.get(kind)
    if checker is None:
        return [], []
    return checker(state=state, event=event, spec=spec, version=version, unit_id=unit_id)


def _check_relation_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    warnings: list[str] = []
    relation = event.relation
    if relation is None:
        return [
            'cannot construct a relation event without the relation instance. Please pass one.'
        ], []
    if event.prefix != relation.endpoint.replace('-', '_'):
        errors.append(
            f"relation event prefix '{event.prefix}' does not match the relation endpoint name "
            f"'{relation.endpoint}' (the endpoint name must appear exactly as declared in the "
            'charm metadata).'
        )
    if relation not in state.relations:
        errors.append(
            f'cannot emit {event.name} because relation {relation.id} is not in the state (a '
            'relation with the same ID is not sufficient - you must pass the object in the state '
            'to the event).'
        )
    if event.suffix in ('_relation_joined', '_relation_changed', '_relation_departed') and (
        event.relation_remote_unit_id is None
    ):
        ids = relation._remote_unit_ids
        if not ids:
            errors.append(f"'{event.name}' must provide a remote unit. Pass in `remote_unit`.")
        elif len(ids) == 1:
            warnings.append(
                f"'{event.name}' is implicitly using {ids[0]} as the remote unit. Consider "
                'passing `remote_unit` explicitly.'
            )
        else:
            warnings.append(
                f"'{event.name}' is implicitly using one unit from {tuple(ids)} as the remote "
                'unit. Consider passing `remote_unit` explicitly.'
            )
    return errors, warnings


def _check_workload_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    warnings: list[str] = []
    container = event.container
    if container is None:
        return [
            'cannot construct a workload event without the container instance. Please pass one.'
        ], []
    name = container.name
    if event.prefix != name.replace('-', '_'):
        errors.append(
            f"workload event prefix '{event.prefix}' does not match the container name "
            f"'{name}' (the container name must appear exactly as declared in the charm "
            'metadata).'
        )
    if name not in spec.containers:
        errors.append(
            f"the event being processed concerns container '{name}', but a container with that "
            'name is not declared in the charm metadata'
        )
    if name not in {c.name for c in state.containers}:
        errors.append(
            f"the event being processed concerns container '{name}', but a container with that "
            "name is not present in the state. It's odd, but consistent, if it cannot connect; "
            'but it should at least be there.'
        )
    elif container not in state.containers:
        errors.append(
            f'cannot emit {event.name} because container {name} is not in the state (a container '
            'with the same name is not sufficient. You must pass the object in the state to the '
            'event).'
        )
    if not container.can_connect:
        warnings.append(
            f"you **can** fire {event.name} while the container cannot connect, but that's most "
            'likely not what you want.'
        )
    if event.notice is not None:
        notice_ids = {n.id for c in state.containers for n in c.notices}
        if event.notice.id not in notice_ids:
            errors.append(
                f'the event being processed concerns notice {event.notice!r}, but that notice is '
                'not in any of the containers present in the state.'
            )
    if event.check_info is not None:
        state_container = next((c for c in state.containers if c.name == name), None)
        names = {c.name for c in state_container.check_infos} if state_container else set()
        if event.check_info.name not in names:
            errors.append(
                f'the event being processed concerns check {event.check_info.name}, but that '
                f'check is not in the {name} container.'
            )
    prefixes = Counter(tuple(e.command_prefix) for e in container.execs)
    dupes = [p for p, count in prefixes.items() if count > 1]
    if dupes:
        errors.append(f'container {name} has duplicate command prefixes: {dupes}')
    return errors, warnings


_ACTION_TYPES: dict[str, Any] = {
    'string': str,
    'boolean': bool,
    'integer': int,
    'number': numbers.Number,
    'array': Sequence,
    'object': dict,
}


def _check_action_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    action = event.action
    if action is None:
        return [
            'cannot construct an action event without the action instance. Please pass one.'
        ], []
    errors: list[str] = []
    warnings: list[str] = []
    if event.prefix != action.name.replace('-', '_'):
        errors.append(
            f"action event prefix '{event.prefix}' does not match the action name '{action.name}'."
        )
    action_spec = spec.action_specs.get(action.name)
    if action.name not in spec.action_specs:
        errors.append(
            f'action event {event.name} refers to action {action.name} which is not declared in '
            'the charm metadata (actions.yaml).'
        )
        return errors, warnings
    expected: dict[str, Any] = {}
    for param, param_spec in ((action_spec or {}).get('params') or {}).items():
        type_name = (param_spec or {}).get('type')
        if not type_name:
            errors.append(
                f'action parameter {param} has no type. Charmcraft will be unhappy about this. '
            )
            continue
        if type_name not in _ACTION_TYPES:
            warnings.append(
                f'unknown data type declared for parameter {param}: type={type_name}. Cannot '
                'consistency-check.'
            )
            continue
        expected[param] = _ACTION_TYPES[type_name]
    for param, value in action.params.items():
        if param not in expected:
            errors.append(
                f'param {param} is not a valid parameter for {action.name}: missing from action '
                'specification'
            )
            continue
        if not isinstance(value, expected[param]):
            errors.append(f'param {param} is of type {type(value)}: expecting {expected[param]}')
    return errors, warnings


def _check_storage_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    storage = event.storage
    if storage is None:
        return [
            'cannot construct a storage event without the Storage instance. Please pass one.'
        ], []
    errors: list[str] = []
    if event.prefix != storage.name.replace('-', '_'):
        errors.append(
            f"storage event prefix '{event.prefix}' does not match the storage name "
            f"'{storage.name}' (the storage name must appear exactly as declared in the charm "
            'metadata).'
        )
    if storage.name not in spec.storages:
        errors.append(
            f'storage event {event.name} refers to storage {storage.name} which is not declared '
            "in the charm metadata (metadata.yaml) under 'storage'."
        )
    elif storage not in state.storages:
        errors.append(
            f'cannot emit {event.name} because storage {storage.name} is not in the state (an '
            'object with the same name and index is not sufficient - you must pass the object in '
            'the state to the event).'
        )
    return errors, []


def _check_secret_event(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    secret = event.secret
    if secret is not None and secret not in state.secrets:
        errors.append(
            f'cannot emit {event.name} because secret {secret.id or secret.label} is not in the '
            'state (a secret with the same ID is not sufficient - you must pass the object in '
            'the state to the event).'
        )
    if version < (3,):
        errors.append(
            f'secrets are not supported in the specified juju version {version}. Should be at '
            'least 3.0.'
        )
    return errors, []


# ---- the state -----------------------------------------------------------------------------


def _plan_value(raw: Any, default: str) -> str:
    value = getattr(raw, 'value', raw)
    return str(value) if value else default


def _check_containers(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    missing = {c.name for c in state.containers} - set(spec.containers)
    if missing:
        errors.append(
            "some containers declared in the state are not specified in metadata. That's not "
            f'possible. Missing from metadata: {missing}.'
        )
    for container in state.containers:
        if not container.check_infos:
            continue
        plan_checks: dict[str, Any] = container._plan_dict().get('checks', {})
        for info in container.check_infos:
            plan_check = plan_checks.get(info.name)
            if plan_check is None:
                if plan_checks:
                    errors.append(
                        f"container '{container.name}' has a check '{info.name}' but the plan "
                        f'has only checks: {", ".join(sorted(plan_checks))}'
                    )
                else:
                    errors.append(
                        f"container '{container.name}' has a check '{info.name}' but the plan "
                        'has no checks.'
                    )
                continue
            prefix = f"container '{container.name}' has a check '{info.name}' with a different"
            level = _plan_value(info.level, '')
            plan_level = _plan_value(plan_check.get('level'), '')
            if level != plan_level:
                errors.append(f"{prefix} 'level' ({level!r}) than the plan ({plan_level!r}).")
            startup = _plan_value(info.startup, pebble.CheckStartup.ENABLED.value)
            plan_startup = _plan_value(
                plan_check.get('startup'), pebble.CheckStartup.ENABLED.value
            )
            if startup != plan_startup:
                errors.append(
                    f"{prefix} 'startup' ({startup!r}) than the plan ({plan_startup!r})."
                )
            threshold = info.threshold if info.threshold is not None else 3
            plan_threshold = plan_check.get('threshold')
            plan_threshold = plan_threshold if plan_threshold is not None else 3
            if threshold != plan_threshold:
                errors.append(
                    f"{prefix} 'threshold' ({threshold}) than the plan ({plan_threshold})."
                )
    return errors, []


_CONFIG_TYPES: dict[str, type | tuple[type, ...]] = {
    'string': str,
    'int': int,
    'float': float,
    'boolean': bool,
}
_SECRET_URI = re.compile(r'secret:[0-9a-z]{20}$')


def _check_config(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    options = spec.config_options
    types = dict(_CONFIG_TYPES)
    if version >= (3, 4):
        types['secret'] = str
    for key, value in state.config.items():
        if key not in options:
            errors.append(
                f"config option '{key}' in state.config but not specified in config.yaml or "
                'charmcraft.yaml.'
            )
            continue
        option = options[key] or {}
        type_name = option.get('type')
        if not type_name:
            errors.append(f"config.yaml invalid; option '{key}' has no 'type'.")
            continue
        expected = types.get(type_name)
        if expected is None:
            errors.append(f"config invalid for option '{key}': 'type' {type_name} unknown")
            continue
        if not isinstance(value, expected):
            errors.append(
                f"config invalid; option '{key}' should be of type {expected} but is of type "
                f'{type(value)}.'
            )
            continue
        if type_name == 'secret' and not _SECRET_URI.match(str(value)):
            errors.append(f"config invalid: option '{key}' value '{value}' is not valid.")
    return errors, []


def _check_resources(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    declared = set(spec.resources)
    given = {r.name for r in state.resources}
    if given - declared:
        return [
            'any and all resources passed to State.resources need to have been defined in '
            f'metadata.yaml. Metadata resources: {declared}; State.resources: {given}.'
        ], []
    return [], []


def _check_storages(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    undeclared = {s.name for s in state.storages} - set(spec.storages)
    if undeclared:
        errors.append(
            f'some storages passed to State were not defined in metadata.yaml: {undeclared}'
        )
    counts = Counter((s.name, s.index) for s in state.storages)
    for (name, index), count in counts.items():
        if count > 1:
            errors.append(
                f'duplicate storage in State: storage {name} with index {index} occurs multiple '
                'times in State.storages.'
            )
    return errors, []


def _check_relations(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    if spec.duplicate_endpoints:
        errors.append('duplicate endpoint name in metadata.')
    seen_ids: Counter[int] = Counter(r.id for r in state.relations)
    for rel_id, count in seen_ids.items():
        if count > 1:
            errors.append(
                f'duplicate relation ID: {rel_id} is claimed by multiple Relation instances'
            )
    for relation in state.relations:
        endpoint = relation.endpoint
        if endpoint not in spec.endpoints:
            errors.append(f'relation endpoint {endpoint} is not declared in metadata.')
            continue
        role, rel_meta = spec.endpoints[endpoint]
        if role == 'peers':
            if not isinstance(relation, PeerRelation):
                errors.append(
                    f'endpoint {endpoint} is a peer relation; expecting relation to be of type '
                    f'PeerRelation, got {type(relation)}'
                )
            elif unit_id in relation.peers_data:
                errors.append(
                    '`peers_data` should only contain data for other units, not for the unit '
                    f'under test (unit {unit_id}). Instead of `peers_data={{{unit_id}: x, '
                    'other_unit: y}`, use `peers_data={other_unit: y}, local_unit_data=x`.'
                )
            continue
        is_subordinate = rel_meta.get('scope') == 'container'
        if isinstance(relation, SubordinateRelation) and not is_subordinate:
            errors.append(
                f'endpoint {endpoint} is not a subordinate relation; expecting relation to be of '
                f'type Relation, got {type(relation)}'
            )
        elif is_subordinate and not isinstance(relation, SubordinateRelation):
            errors.append(
                f'endpoint {endpoint} is not a subordinate relation; expecting relation to be of '
                f'type SubordinateRelation, got {type(relation)}'
            )
    return errors, []


def _check_networks(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    endpoints = {
        name
        for name, (role, rel_meta) in spec.endpoints.items()
        if rel_meta.get('scope') != 'container'
    }
    extra = set(spec.extra_bindings)
    valid = endpoints | extra | {'juju-info'}
    unknown = {n.binding_name for n in state.networks} - valid
    if unknown:
        errors.append(
            f'Some network bindings defined in State are not in the metadata: {unknown}.'
        )
    shared = extra & set(spec.endpoints)
    if shared:
        errors.append(
            f'Extra bindings and relation endpoints cannot share the same name: {shared}.'
        )
    return errors, []


def _check_cloud_spec(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    if (
        state.model.type == 'kubernetes'
        and state.model.cloud_spec is not None
        and version < (3, 6, 10)
    ):
        return [
            'CloudSpec is not available for Kubernetes charms with Juju < 3.6.10. Set the '
            'juju_version to 3.6.10+ or simulate a machine substrate with: '
            "`State(..., model=Model(type='lxd'))`."
        ], []
    return [], []


def _check_stored_states(
    *, state: State, event: Event, spec: CharmSpec, version: tuple[int, ...], unit_id: int
) -> _Results:
    errors: list[str] = []
    counts = Counter((s.owner_path, s.name) for s in state.stored_states)
    for (owner, _name), count in counts.items():
        if count > 1:
            errors.append(f'{owner} has multiple StoredState objects with the same name.')
    for stored in state.stored_states:
        try:
            marshal.dumps(dict(stored.content))
        except ValueError:
            errors.append(
                f'The StoredState object {stored.owner_path}.{stored.name} should contain only '
                'simple types.'
            )
    return errors, []
