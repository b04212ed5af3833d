"""Relation data as the charm sees it, and the charm's writes in the output State."""

from __future__ import annotations

import ops
import pytest
from ops import testing


class RelationCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.db_relation_changed, self._on_changed)
        framework.observe(self.on.peers_relation_changed, self._on_peers)
        self.snapshot: dict[str, object] = {}

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        relation = event.relation
        assert event.unit is not None and event.app is not None
        self.snapshot = {
            'app_data': dict(relation.data[event.app]),
            'unit_data': dict(relation.data[event.unit]),
            'units': sorted(u.name for u in relation.units),
            'remote_app': relation.app.name if relation.app else None,
        }
        relation.data[self.unit]['seen'] = relation.data[event.unit].get('k', '')
        relation.data[self.unit].pop('private-address', None)
        if self.unit.is_leader():
            relation.data[self.app]['leader'] = 'yes'

    def _on_peers(self, event: ops.RelationChangedEvent) -> None:
        self.snapshot = {
            'units': sorted(u.name for u in event.relation.units),
            'app': event.relation.app.name if event.relation.app else None,
        }


META = {
    'name': 'app',
    'requires': {'db': {'interface': 'pg'}},
    'peers': {'peers': {'interface': 'p'}},
}


def test_reads_and_writes() -> None:
    ctx = testing.Context(RelationCharm, meta=META)
    relation = testing.Relation(
        'db',
        remote_app_name='postgresql',
        remote_app_data={'host': 'db.local'},
        remote_units_data={0: {'k': 'v0'}, 1: {'k': 'v1'}},
    )
    state = testing.State(relations=[relation], leader=True)
    with ctx(ctx.on.relation_changed(relation, remote_unit=1), state) as mgr:
        out = mgr.run()
        assert mgr.charm.snapshot == {
            'app_data': {'host': 'db.local'},
            'unit_data': {'k': 'v1'},
            'units': ['postgresql/0', 'postgresql/1'],
            'remote_app': 'postgresql',
        }
    written = out.get_relation(relation.id)
    assert written.local_unit_data == {
        'egress-subnets': '192.0.2.0',
        'ingress-address': '192.0.2.0',
        'seen': 'v1',
    }
    assert written.local_app_data == {'leader': 'yes'}
    # The input relation is untouched.
    assert 'seen' not in relation.local_unit_data


class AppWriter(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.db_relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        event.relation.data[self.app]['k'] = 'v'


def test_non_leader_cannot_write_app_data() -> None:
    ctx = testing.Context(AppWriter, meta=META)
    relation = testing.Relation('db')
    out = ctx.run(
        ctx.on.relation_changed(relation, remote_unit=0),
        testing.State(relations=[relation], leader=True),
    )
    assert out.get_relation(relation.id).local_app_data == {'k': 'v'}
    with pytest.raises(testing.errors.UncaughtCharmError) as info:
        ctx.run(
            ctx.on.relation_changed(relation, remote_unit=0), testing.State(relations=[relation])
        )
    assert isinstance(info.value.__cause__, ops.RelationDataError)


def test_peer_relation_units_and_app() -> None:
    ctx = testing.Context(RelationCharm, meta=META, unit_id=0)
    peer = testing.PeerRelation('peers', peers_data={1: {}, 2: {}})
    with ctx(ctx.on.relation_changed(peer, remote_unit=2), testing.State(relations=[peer])) as mgr:
        mgr.run()
        assert mgr.charm.snapshot == {'units': ['app/1', 'app/2'], 'app': 'app'}


def test_relation_lookup_errors_from_backend() -> None:
    ctx = testing.Context(RelationCharm, meta=META)
    relation = testing.Relation('db')
    with ctx(ctx.on.update_status(), testing.State(relations=[relation])) as mgr:
        backend = mgr.charm.model._backend
        with pytest.raises(ops.RelationNotFoundError):
            backend.relation_get('db', 9999, 'remote/0', False)
        with pytest.raises(ops.RelationNotFoundError):
            backend.relation_get('peers', relation.id, 'remote/0', False)
        assert backend.relation_ids('db') == [relation.id]
        assert backend.relation_list('db', relation.id) == ['remote/0']
        assert backend.relation_model_get('db', relation.id) == mgr.charm.model.uuid


def test_remote_model_uuid() -> None:
    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_created, self._created)
            self.uuid = ''

        def _created(self, event: ops.RelationCreatedEvent) -> None:
            self.uuid = event.relation.remote_model.uuid

    ctx = testing.Context(Charm, meta=META)
    relation = testing.Relation('db', remote_model_uuid='other-uuid')
    with ctx(ctx.on.relation_created(relation), testing.State(relations=[relation])) as mgr:
        mgr.run()
        assert mgr.charm.uuid == 'other-uuid'
