"""``python -m ops_testing lifecycle``: a deployment from an empty state, event by event.

The sequence follows what Juju does for the first unit of a new application:
``storage-attached`` for each storage the metadata declares; ``install``;
``relation-created`` for each peer endpoint (Juju creates peer relations with the
application); ``leader-elected`` (the unit becomes leader); ``config-changed``; ``start``;
``pebble-ready`` for each container (its Pebble becomes reachable just before); then a
remote application with one unit joins the first non-peer endpoint (``relation-created``,
``relation-joined``, ``relation-changed``); and finally ``update-status``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .._state._model import Model
from .._state._storage import Storage
from ._event_args import new_relation
from ._table import (
    Column,
    deferred_names,
    relation_data_written,
    running_services,
    status_text,
)

if TYPE_CHECKING:
    from .._charm_spec import CharmSpec
    from .._context import Context
    from .._events import Event
    from .._state._state import State

__all__ = ['COLUMNS', 'Step', 'empty_state', 'lifecycle_steps', 'table_row']

# The table's columns after the event's name (see table_row).
COLUMNS = (
    Column('unit status', cap=48, weight=8),
    Column('app status', cap=24, weight=1),
    Column('services', cap=24, weight=1),
    Column('relation data written', cap=60, weight=8),
    Column('deferred', cap=24, weight=1),
)
REMOTE_APP = 'remote-app'


def empty_state(spec: CharmSpec) -> State:
    """A new unit's State: a Kubernetes model if the charm has containers, else a machine one.

    The containers are there from the start, but their Pebble is not reachable yet.
    """
    from .._state._containers import Container
    from .._state._state import State

    model = Model('simulated', type='kubernetes' if spec.containers else 'lxd')
    return State(
        model=model,
        containers=[Container(name, can_connect=False) for name in spec.containers],
    )


@dataclasses.dataclass(frozen=True)
class Step:
    """One row of the lifecycle: the event's label and how to build it from the state.

    Attributes:
        label: what the table shows in its first column (``'pebble-ready:web'``).
        prepare: takes the State before the step and returns the event and the State to run
            it on (the step can change the world first: make the unit leader, add a relation).
    """

    label: str
    prepare: Callable[[State], tuple[Event, State]]


def _first_relation_endpoint(spec: CharmSpec) -> str | None:
    """The first requires/provides endpoint in the metadata's own order."""
    for key, value in spec.meta.items():
        if key in ('requires', 'provides') and isinstance(value, dict) and value:
            return str(next(iter(value)))
    return None


def lifecycle_steps(ctx: Context[Any], spec: CharmSpec) -> Iterator[Step]:
    """The steps of a first deployment of the charm, in order."""
    on = ctx.on

    def simple(name: str) -> Step:
        return Step(name.replace('_', '-'), lambda state: (getattr(on, name)(), state))

    for name in spec.storages:
        yield Step(f'storage-attached:{name}', _attach_storage(ctx, name))
    yield simple('install')
    for endpoint, (role, _) in spec.endpoints.items():
        if role == 'peers':
            yield Step(f'relation-created:{endpoint}', _add_relation(ctx, spec, endpoint))
    yield Step(
        'leader-elected',
        lambda state: (on.leader_elected(), dataclasses.replace(state, leader=True)),
    )
    yield simple('config_changed')
    yield simple('start')
    for name in spec.containers:
        yield Step(f'pebble-ready:{name}', _container_ready(ctx, name))
    joining = _first_relation_endpoint(spec)
    if joining is not None:
        yield Step(f'relation-created:{joining}', _add_relation(ctx, spec, joining))
        for what in ('joined', 'changed'):
            yield Step(f'relation-{what}:{joining}', _relation_event(ctx, joining, what))
    yield simple('update_status')


def _add_relation(
    ctx: Context[Any], spec: CharmSpec, endpoint: str
) -> Callable[[State], tuple[Event, State]]:
    def prepare(state: State) -> tuple[Event, State]:
        relation = new_relation(spec, endpoint, remote_app=REMOTE_APP)
        state = dataclasses.replace(state, relations=[*state.relations, relation])
        event: Event = ctx.on.relation_created(relation)
        return event, state

    return prepare


def _relation_event(
    ctx: Context[Any], endpoint: str, what: str
) -> Callable[[State], tuple[Event, State]]:
    def prepare(state: State) -> tuple[Event, State]:
        relation = next(r for r in state.relations if r.endpoint == endpoint)
        event: Event = getattr(ctx.on, f'relation_{what}')(relation, remote_unit=0)
        return event, state

    return prepare


def _attach_storage(ctx: Context[Any], name: str) -> Callable[[State], tuple[Event, State]]:
    def prepare(state: State) -> tuple[Event, State]:
        storage = Storage(name)
        state = dataclasses.replace(state, storages=[*state.storages, storage])
        event: Event = ctx.on.storage_attached(storage)
        return event, state

    return prepare


def _container_ready(ctx: Context[Any], name: str) -> Callable[[State], tuple[Event, State]]:
    from .._state._containers import Container

    def prepare(state: State) -> tuple[Event, State]:
        others = [c for c in state.containers if c.name != name]
        current = next((c for c in state.containers if c.name == name), None)
        if current is None:
            container = Container(name, can_connect=True)
        else:
            container = dataclasses.replace(current, can_connect=True)
        state = dataclasses.replace(state, containers=[*others, container])
        event: Event = ctx.on.pebble_ready(container)
        return event, state

    return prepare


def table_row(label: str, before: State, after: State) -> list[str]:
    """The table row for one step: the event and what the state looks like after it."""
    return [
        label,
        status_text(after.unit_status),
        status_text(after.app_status),
        running_services(after),
        relation_data_written(before, after),
        deferred_names(after),
    ]
