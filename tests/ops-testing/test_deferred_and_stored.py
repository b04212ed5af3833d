"""Deferred events and stored state carried from one run to the next through the State."""

from __future__ import annotations

import ops
import pytest
from ops import testing


class Charm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(count=0, names=[])
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.db_relation_changed, self._on_db_changed)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        self._stored.count += 1
        event.defer()

    def _on_start(self, event: ops.StartEvent) -> None:
        self._stored.count += 10

    def _on_db_changed(self, event: ops.RelationChangedEvent) -> None:
        self._stored.names.append(event.unit.name if event.unit else '')
        if len(self._stored.names) < 2:
            event.defer()


META = {'name': 'app', 'requires': {'db': {'interface': 'pg'}}}


def _charm_state(out: testing.State) -> testing.StoredState:
    return out.get_stored_state('_stored', owner_path='Charm')


def test_deferral_is_in_the_output_and_reemitted_next_run() -> None:
    ctx = testing.Context(Charm, meta=META)
    out = ctx.run(ctx.on.update_status(), testing.State())
    assert out.deferred == [
        testing.DeferredEvent('Charm/on/update_status[1]', 'Charm', '_on_update_status')
    ]
    assert _charm_state(out).content['count'] == 1
    out2 = ctx.run(ctx.on.start(), out)
    # Re-emitted (and deferred again) before start: 1 + 1 + 10.
    assert _charm_state(out2).content['count'] == 12
    assert [d.name for d in out2.deferred] == ['update_status']


def test_framework_counter_is_in_the_output() -> None:
    ctx = testing.Context(Charm, meta=META)
    out = ctx.run(ctx.on.start(), testing.State())
    framework_state = out.get_stored_state('_stored', owner_path=None)
    assert framework_state.content['event_count'] >= 1


def test_stored_state_seeded_from_input() -> None:
    ctx = testing.Context(Charm, meta=META)
    state = testing.State(
        stored_states=[testing.StoredState(owner_path='Charm', content={'count': 5, 'names': []})]
    )
    out = ctx.run(ctx.on.start(), state)
    assert _charm_state(out).content['count'] == 15
    assert state.get_stored_state('_stored', owner_path='Charm').content['count'] == 5


def test_deferred_event_built_with_deferred_helper() -> None:
    ctx = testing.Context(Charm, meta=META)
    relation = testing.Relation('db', remote_units_data={3: {}})
    deferred = ctx.on.relation_changed(relation, remote_unit=3).deferred(
        Charm._on_db_changed, event_id=5
    )
    state = testing.State(relations=[relation], deferred=[deferred])
    out = ctx.run(ctx.on.update_status(), state)
    assert _charm_state(out).content['names'] == ['remote/3']
    assert [d.handle_path for d in out.deferred] == [
        'Charm/on/db_relation_changed[5]',
        'Charm/on/update_status[1]',
    ]
    assert out.deferred[0].snapshot_data['unit_name'] == 'remote/3'
    out2 = ctx.run(ctx.on.start(), out)
    assert _charm_state(out2).content['names'] == ['remote/3', 'remote/3']
    assert [d.name for d in out2.deferred] == ['update_status']


def test_capture_deferred_events() -> None:
    ctx = testing.Context(Charm, meta=META, capture_deferred_events=True)
    state = testing.State(deferred=[ctx.on.update_status().deferred(Charm._on_update_status)])
    ctx.run(ctx.on.start(), state)
    assert [type(e) for e in ctx.emitted_events] == [ops.UpdateStatusEvent, ops.StartEvent]
    plain = testing.Context(Charm, meta=META)
    plain.run(plain.on.start(), state)
    assert [type(e) for e in plain.emitted_events] == [ops.StartEvent]


def test_unmarshallable_deferred_snapshot() -> None:
    ctx = testing.Context(Charm, meta=META)
    bad = testing.DeferredEvent('Charm/on/start[1]', 'Charm', '_on_start', {'x': object()})
    with pytest.raises(testing.errors.UncaughtCharmError) as info:
        ctx.run(ctx.on.update_status(), testing.State(deferred=[bad]))
    assert isinstance(info.value.__cause__, ValueError)
    assert 'it must contain only simple types' in str(info.value.__cause__)


def test_state_from_context_fills_defaults() -> None:
    meta = {
        'name': 'app',
        'requires': {
            'db': {'interface': 'pg'},
            'sub': {'interface': 'juju-info', 'scope': 'container'},
        },
        'peers': {'cluster': {'interface': 'c'}},
        'containers': {'workload': {}},
        'storage': {'data': {'type': 'filesystem'}},
    }
    config = {'options': {'a': {'type': 'string', 'default': 'x'}, 'b': {'type': 'int'}}}
    ctx = testing.Context(Charm, meta=meta, config=config)
    state = testing.State.from_context(ctx, config={'b': 3}, leader=True)
    assert state.config == {'a': 'x', 'b': 3}
    assert state.leader
    kinds = {r.endpoint: type(r) for r in state.relations}
    assert kinds == {
        'db': testing.Relation,
        'sub': testing.SubordinateRelation,
        'cluster': testing.PeerRelation,
    }
    assert state.get_relations('db')[0].interface == 'pg'
    assert state.get_container('workload').can_connect
    assert [s.name for s in state.storages] == ['data']
    assert state.get_stored_state('_stored', owner_path='Charm').content == {}
    ctx.run(ctx.on.start(), state)


def test_new_event_never_takes_the_path_of_a_queued_deferred_event() -> None:
    # The deferred event keeps the default id 1, which is also where a fresh run's event
    # counter would start; the new event must not overwrite it or be delivered twice.
    ctx = testing.Context(Charm, meta=META)
    relation = testing.Relation('db', remote_units_data={3: {}, 4: {}})
    deferred = ctx.on.relation_changed(relation, remote_unit=3).deferred(Charm._on_db_changed)
    assert deferred.handle_path == 'Charm/on/db_relation_changed[1]'
    state = testing.State(relations=[relation], deferred=[deferred])
    out = ctx.run(ctx.on.relation_changed(relation, remote_unit=4), state)
    # The queued event (unit 3) is re-emitted and deferred again; the new one (unit 4) is
    # delivered once with its own data; neither overwrites the other.
    assert _charm_state(out).content['names'] == ['remote/3', 'remote/4']
    assert [(d.handle_path, d.snapshot_data['unit_name']) for d in out.deferred] == [
        ('Charm/on/db_relation_changed[1]', 'remote/3')
    ]


class LoopCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        looped: dict[str, object] = {}
        looped['self'] = looped
        self._stored.looped = looped


def test_a_cyclic_stored_value_is_the_documented_value_error_not_a_recursion_error() -> None:
    ctx = testing.Context(LoopCharm, meta={'name': 'app'})
    with pytest.raises(testing.errors.UncaughtCharmError) as caught:
        ctx.run(ctx.on.update_status(), testing.State())
    cause = caught.value.__cause__
    assert isinstance(cause, ValueError) and not isinstance(cause, RecursionError)
    assert "attribute 'looped' at ['self'] of LoopCharm/StoredStateData[_stored]" in str(cause)
    assert 'contains itself (a reference cycle)' in str(cause)
