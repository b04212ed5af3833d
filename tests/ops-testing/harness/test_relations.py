"""Relations: adding and removing relations and units, databags, access rules, networks."""

from __future__ import annotations

import ipaddress
from typing import Any

import ops
import pytest


def test_add_relation_emits_created_and_returns_increasing_ids(begun: Any) -> None:
    first = begun.add_relation('db', 'postgresql')
    second = begun.add_relation('website', 'haproxy')
    assert (first, second) == (0, 1)
    assert begun.charm.kinds == ['db_relation_created', 'website_relation_created']
    event = begun.charm.seen[0]
    assert event.relation.id == first
    assert event.app.name == 'postgresql'
    assert event.unit is None
    assert [r.id for r in begun.model.relations['db']] == [first]


def test_add_relation_unknown_endpoint(harness: Any) -> None:
    with pytest.raises(ops.RelationNotFoundError):
        harness.add_relation('nope', 'x')


def test_add_relation_with_data_joins_a_unit(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql', app_data={'a': '1'}, unit_data={'u': '2'})
    assert begun.charm.kinds == [
        'db_relation_created',
        'db_relation_joined',
        'db_relation_changed',
        'db_relation_changed',
    ]
    relation = begun.model.get_relation('db', rel)
    unit = begun.model.get_unit('postgresql/0')
    assert relation.units == {unit}
    assert relation.data[relation.app] == {'a': '1'}
    assert relation.data[unit] == {'u': '2'}
    assert begun.charm.seen[2].unit is None and begun.charm.seen[3].unit is unit


def test_add_relation_unit_and_joined_event(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    relation = begun.model.get_relation('db', rel)
    begun.add_relation_unit(rel, 'postgresql/1')
    joined = begun.charm.seen[-1]
    assert joined.handle.kind == 'db_relation_joined'
    assert joined.unit.name == 'postgresql/1'
    assert joined.app.name == 'postgresql'
    # The relation object the charm already holds sees the new unit.
    assert {u.name for u in relation.units} == {'postgresql/1'}
    assert begun.get_relation_data(rel, 'postgresql/1') == {}


def test_add_relation_unit_with_another_app_name_warns(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    with pytest.warns(UserWarning, match='Remote unit name invalid'):
        begun.add_relation_unit(rel, 'pg/0')
    assert {u.name for u in begun.model.get_relation('db', rel).units} == {'pg/0'}


def test_remove_relation_unit_emits_departed_with_data_still_readable(make: Any) -> None:
    seen: list[tuple[str, str, dict[str, str], set[str]]] = []

    class Watcher(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_departed, self._departed)

        def _departed(self, event: ops.RelationDepartedEvent) -> None:
            assert event.unit is not None and event.departing_unit is not None
            seen.append(
                (
                    event.unit.name,
                    event.departing_unit.name,
                    dict(event.relation.data[event.unit]),
                    {u.name for u in event.relation.units},
                )
            )

    harness = make(Watcher, meta='name: w\nrequires:\n  db: {interface: pgsql}\n')
    harness.begin()
    rel = harness.add_relation('db', 'postgresql', unit_data={'host': 'a'})
    harness.add_relation_unit(rel, 'postgresql/1')
    harness.remove_relation_unit(rel, 'postgresql/0')
    assert seen == [('postgresql/0', 'postgresql/0', {'host': 'a'}, {'postgresql/1'})]
    assert harness.get_relation_data(rel, 'postgresql/0') is None
    with pytest.raises(KeyError):
        harness.remove_relation_unit(rel, 'postgresql/7')


def test_remove_relation_departs_units_then_breaks(make: Any) -> None:
    seen: list[Any] = []

    class Watcher(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_departed, self._departed)
            framework.observe(self.on.db_relation_broken, self._broken)

        def _departed(self, event: ops.RelationDepartedEvent) -> None:
            seen.append(('departed', event.unit.name if event.unit else None))

        def _broken(self, event: ops.RelationBrokenEvent) -> None:
            seen.append(
                (
                    'broken',
                    event.relation.id,
                    event.app.name if event.app else None,
                    [r.id for r in self.model.relations['db']],
                    event.relation.active,
                )
            )

    harness = make(Watcher, meta='name: w\nrequires:\n  db: {interface: pgsql}\n')
    harness.begin()
    keep = harness.add_relation('db', 'other')
    rel = harness.add_relation('db', 'postgresql', unit_data={'a': 'b'})
    harness.remove_relation(rel)
    assert seen == [('departed', 'postgresql/0'), ('broken', rel, 'postgresql', [keep], False)]
    assert [r.id for r in harness.model.relations['db']] == [keep]
    with pytest.raises(KeyError):
        harness.get_relation_data(rel, 'postgresql')


def test_update_relation_data_emits_changed_only_on_change(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    begun.add_relation_unit(rel, 'postgresql/0')
    begun.charm.seen.clear()
    begun.update_relation_data(rel, 'postgresql/0', {'host': 'h'})
    begun.update_relation_data(rel, 'postgresql/0', {'host': 'h'})
    begun.update_relation_data(rel, 'postgresql', {'version': '16'})
    begun.update_relation_data(rel, 'postgresql/0', {'host': ''})
    assert begun.charm.kinds == ['db_relation_changed'] * 3
    assert begun.charm.seen[0].unit.name == 'postgresql/0'
    assert begun.charm.seen[1].unit is None
    assert begun.get_relation_data(rel, 'postgresql/0') == {}
    assert begun.get_relation_data(rel, 'postgresql') == {'version': '16'}


def test_update_of_own_bags_emits_nothing_except_peer_app_for_followers(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    peers = begun.add_relation('cluster', 'app')
    begun.charm.seen.clear()
    begun.update_relation_data(rel, 'app/0', {'a': 'b'})
    begun.update_relation_data(rel, 'app', {'a': 'b'})
    assert begun.charm.seen == []
    begun.update_relation_data(peers, 'app', {'x': 'y'})
    assert begun.charm.kinds == ['cluster_relation_changed']
    begun.set_leader(True)
    begun.charm.seen.clear()
    begun.update_relation_data(peers, 'app', {'x': 'z'})
    assert begun.charm.seen == []
    assert begun.model.get_relation('db', rel).data[begun.model.app] == {'a': 'b'}


def test_update_relation_data_rejects_non_strings(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    with pytest.raises(ops.RelationDataTypeError):
        begun.update_relation_data(rel, 'postgresql', {'port': 5432})


def test_charm_writes_are_visible_in_get_relation_data(make: Any) -> None:
    class Writer(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_joined, self._joined)

        def _joined(self, event: ops.RelationJoinedEvent) -> None:
            event.relation.data[self.unit]['ready'] = 'yes'
            if self.unit.is_leader():
                event.relation.data[self.app]['endpoint'] = 'db.example'

    harness = make(Writer, meta='name: w\nrequires:\n  db: {interface: pgsql}\n')
    harness.set_leader(True)
    harness.begin()
    rel = harness.add_relation('db', 'postgresql')
    harness.add_relation_unit(rel, 'postgresql/0')
    assert harness.get_relation_data(rel, 'w/0') == {'ready': 'yes'}
    assert harness.get_relation_data(rel, harness.model.app) == {'endpoint': 'db.example'}


def test_access_rules_apply_inside_handlers_only(make: Any) -> None:
    errors: list[Exception] = []

    class Intruder(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_changed, self._changed)

        def _changed(self, event: ops.RelationChangedEvent) -> None:
            try:
                event.relation.data[event.app]['x'] = 'y'
            except ops.RelationDataAccessError as e:
                errors.append(e)
            try:
                event.relation.data[self.app]['x'] = 'y'
            except ops.RelationDataAccessError as e:
                errors.append(e)

    harness = make(Intruder, meta='name: i\nrequires:\n  db: {interface: pgsql}\n')
    harness.begin()
    rel = harness.add_relation('db', 'postgresql', app_data={'k': 'v'})
    assert len(errors) == 2
    relation = harness.model.get_relation('db', rel)
    relation.data[relation.app]['test-side'] = 'ok'  # the test itself is unrestricted
    assert harness.get_relation_data(rel, 'postgresql')['test-side'] == 'ok'


def test_peer_relation_units_and_app_bag(begun: Any) -> None:
    peers = begun.add_relation('cluster', 'app')
    begun.add_relation_unit(peers, 'app/1')
    begun.update_relation_data(peers, 'app/1', {'addr': '10.0.0.2'})
    relation = begun.model.get_relation('cluster')
    assert relation.app is begun.model.app
    other = begun.model.get_unit('app/1')
    assert relation.units == {other}
    assert relation.data[other] == {'addr': '10.0.0.2'}


def test_get_relation_data_of_an_unknown_unit_is_none(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    assert begun.get_relation_data(rel, 'zzz/0') is None
    with pytest.raises(KeyError):
        begun.update_relation_data(rel, 'zzz/0', {'a': 'b'})


def test_subordinate_relation(begun: Any) -> None:
    rel = begun.add_relation('info', 'principal')
    begun.add_relation_unit(rel, 'principal/0')
    relation = begun.model.get_relation('info')
    assert {u.name for u in relation.units} == {'principal/0'}


# ---- networks ---------------------------------------------------------------------------


def test_default_networks_come_with_relations(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    relation = begun.model.get_relation('db', rel)
    assert begun.model.get_binding(relation).network.bind_address == ipaddress.ip_address(
        '10.0.0.10'
    )
    network = begun.model.get_binding('db').network
    assert network.bind_address == ipaddress.ip_address('192.0.2.0')
    assert network.egress_subnets == [ipaddress.ip_network('192.0.2.0/24')]
    assert network.interfaces[0].name == 'eth0'


def test_add_network_default_endpoint_and_relation(begun: Any) -> None:
    with pytest.raises(ops.RelationNotFoundError):
        _ = begun.model.get_binding('admin').network
    begun.add_network('10.1.2.3')
    network = begun.model.get_binding('admin').network
    assert network.bind_address == ipaddress.ip_address('10.1.2.3')
    assert network.ingress_addresses == [ipaddress.ip_address('10.1.2.3')]
    assert network.egress_subnets == [ipaddress.ip_network('10.1.2.0/24')]
    rel = begun.add_relation('db', 'postgresql')
    begun.add_network(
        '10.9.9.9',
        endpoint='db',
        relation_id=rel,
        cidr='10.9.0.0/16',
        interface='ens3',
        ingress_addresses=['192.0.2.9'],
        egress_subnets=['10.9.0.0/16', '10.10.0.0/16'],
    )
    network = begun.model.get_binding(begun.model.get_relation('db', rel)).network
    assert network.bind_address == ipaddress.ip_address('10.9.9.9')
    assert network.interfaces[0].name == 'ens3'
    assert network.interfaces[0].subnet == ipaddress.ip_network('10.9.0.0/16')
    assert network.ingress_address == ipaddress.ip_address('192.0.2.9')
    assert len(network.egress_subnets) == 2


def test_add_network_errors(begun: Any) -> None:
    with pytest.raises(ops.ModelError, match='not a known endpoint'):
        begun.add_network('1.1.1.1', endpoint='nope')
    with pytest.raises(ops.ModelError, match='has not been added'):
        begun.add_network('1.1.1.1', endpoint='db', relation_id=42)
    with pytest.raises(TypeError, match='endpoint must be set'):
        begun.add_network('1.1.1.1', relation_id=0)


# ---- cost ---------------------------------------------------------------------------------


def test_add_relation_does_not_list_the_endpoint_again(make: Any) -> None:
    # Constant cost per call: with hundreds of relations present, adding one (and the
    # charm looking it up by id) must not make the model list the endpoint again.
    harness = make(ops.CharmBase, meta='name: many\nrequires:\n  db: {interface: pgsql}\n')
    harness.begin()
    for _ in range(400):
        harness.add_relation('db', 'postgresql')
    assert len(harness.model.relations['db']) == 400
    backend = harness._backend
    listed: list[str] = []
    original = backend.relation_ids

    def counting_relation_ids(endpoint: str) -> list[int]:
        listed.append(endpoint)
        return original(endpoint)

    backend.relation_ids = counting_relation_ids
    rel = harness.add_relation('db', 'postgresql')
    harness.add_relation_unit(rel, 'postgresql/0')
    harness.update_relation_data(rel, 'postgresql/0', {'k': 'v'})
    relation = harness.model.get_relation('db', rel)
    assert relation is not None and relation.id == rel
    assert listed == []
    assert len(harness.model.relations['db']) == 401


def test_test_code_may_write_remote_unit_bags_through_the_model(begun: Any) -> None:
    rel = begun.add_relation('db', 'postgresql')
    begun.add_relation_unit(rel, 'postgresql/0')
    peers = begun.add_relation('cluster', 'app')
    begun.add_relation_unit(peers, 'app/1')
    relation = begun.model.get_relation('db', rel)
    with begun.hooks_disabled():
        relation.data[begun.model.get_unit('postgresql/0')]['host'] = 'pg.local'
        begun.model.get_relation('cluster').data[begun.model.get_unit('app/1')]['x'] = '1'
    assert begun.get_relation_data(rel, 'postgresql/0') == {'host': 'pg.local'}
    assert begun.get_relation_data(peers, 'app/1') == {'x': '1'}
    assert begun.get_relation_data(rel, 'app/0') == {}  # not written to this unit's bag
