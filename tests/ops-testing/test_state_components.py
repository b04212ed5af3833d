"""State and its components: defaults, validation, immutability, equality, hashing."""

from __future__ import annotations

import dataclasses
import datetime

import ops
import pytest
from ops import pebble, testing
from ops.testing import errors


def test_state_defaults() -> None:
    state = testing.State()
    assert state.config == {}
    assert state.relations == frozenset()
    assert state.containers == frozenset()
    assert state.leader is False
    assert state.planned_units == 1
    assert state.deferred == []
    assert state.unit_status == testing.UnknownStatus()
    assert state.app_status == testing.UnknownStatus()
    assert state.workload_version == ''
    assert state.model.type == 'kubernetes'
    assert len(state.model.name) == 20


def test_state_is_immutable_and_iterables_become_frozensets() -> None:
    relation = testing.Relation('db')
    state = testing.State(relations=[relation], opened_ports=[testing.TCPPort(80)])
    assert state.relations == frozenset({relation})
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.leader = True  # type: ignore[misc]
    assert dataclasses.replace(state, leader=True).leader


def test_state_converts_ops_objects() -> None:
    state = testing.State(
        unit_status=ops.ActiveStatus('hi'),
        opened_ports=[ops.Port('tcp', 8080)],
    )
    assert isinstance(state.unit_status, testing.ActiveStatus)
    assert state.unit_status == testing.ActiveStatus('hi')
    assert state.opened_ports == frozenset({testing.TCPPort(8080)})
    with pytest.raises(TypeError, match='Invalid status.unit_status'):
        testing.State(unit_status='active')  # type: ignore[arg-type]


def test_state_lookups() -> None:
    relation = testing.Relation('db')
    peer = testing.PeerRelation('peers')
    secret = testing.Secret({'a': 'b'}, label='lbl')
    storage = testing.Storage('data', index=3)
    container = testing.Container('workload')
    network = testing.Network('db')
    stored = testing.StoredState(owner_path='MyCharm')
    state = testing.State(
        relations=[relation, peer],
        secrets=[secret],
        storages=[storage],
        containers=[container],
        networks=[network],
        stored_states=[stored],
    )
    assert state.get_relation(relation.id) is relation
    assert state.get_relation(relation) is relation
    assert state.get_relations('db') == (relation,)
    assert state.get_relations('nothing') == ()
    assert state.get_secret(id=secret.id) is secret
    assert state.get_secret(label='lbl') is secret
    assert state.get_secret(id=secret.id, label='lbl') is secret
    assert state.get_storage('data', index=3) is storage
    assert state.get_container('workload') is container
    assert state.get_network('db') is network
    assert state.get_stored_state('_stored', owner_path='MyCharm') is stored
    with pytest.raises(KeyError):
        state.get_relation(999)
    with pytest.raises(ValueError):
        state.get_relation(testing.PeerRelation('peers', id=relation.id))
    with pytest.raises(KeyError):
        state.get_secret(id=secret.id, label='other')
    with pytest.raises(ValueError):
        state.get_secret()
    with pytest.raises(ValueError):
        state.get_storage('data')
    with pytest.raises(KeyError):
        state.get_container('nope')
    with pytest.raises(KeyError):
        state.get_network('nope')
    with pytest.raises(ValueError):
        state.get_stored_state('_stored')


def test_relation_defaults_ids_and_hash() -> None:
    first, second = testing.Relation('db'), testing.Relation('db')
    assert second.id > first.id
    assert first.remote_app_name == 'remote'
    assert first.limit == 1
    assert first.local_unit_data['ingress-address'] == '192.0.2.0'
    assert set(first.remote_units_data) == {0}
    assert hash(first) == hash(first.id)
    with pytest.raises(AttributeError, match='use .id instead of .relation_id'):
        _ = first.relation_id


def test_relation_validation() -> None:
    with pytest.raises(errors.StateValidationError, match="invalid relation endpoint name 'Bad_'"):
        testing.Relation('Bad_')
    with pytest.raises(errors.StateValidationError, match='all databags should be dicts'):
        testing.Relation('db', local_app_data=[])  # type: ignore[arg-type]
    with pytest.raises(errors.StateValidationError, match='found a value of type'):
        testing.Relation('db', local_app_data={'port': 8080})  # type: ignore[dict-item]
    with pytest.raises(RuntimeError):
        testing.RelationBase('db')


def test_databags_are_copied() -> None:
    bag = {'a': 'b'}
    relation = testing.Relation('db', local_app_data=bag)
    bag['a'] = 'changed'
    assert relation.local_app_data == {'a': 'b'}


def test_peer_and_subordinate_relations() -> None:
    peer = testing.PeerRelation('peers', peers_data={1: {'x': 'y'}})
    assert peer.peers_data == {1: {'x': 'y'}}
    sub = testing.SubordinateRelation('juju-host', remote_app_name='principal', remote_unit_id=4)
    assert sub.remote_unit_name == 'principal/4'
    assert sub.remote_unit_data['private-address'] == '192.0.2.0'


def test_container_name_rules_and_plan() -> None:
    with pytest.raises(errors.StateValidationError, match='container'):
        testing.Container('Bad_Name')
    with pytest.raises(errors.StateValidationError):
        testing.Container('a' * 64)
    base = pebble.Layer(
        {
            'services': {
                'web': {
                    'override': 'replace',
                    'command': 'a',
                    'startup': 'enabled',
                    'environment': {'A': '1'},
                }
            }
        }
    )
    more = pebble.Layer(
        {
            'services': {
                'web': {'override': 'merge', 'environment': {'B': '2'}},
                'aux': {'override': 'replace', 'command': 'b'},
            }
        }
    )
    container = testing.Container(
        'workload',
        layers={'1': base, '2': more},
        service_statuses={'web': pebble.ServiceStatus.ACTIVE},
    )
    plan = container.plan.to_dict()
    assert list(plan['services']) == ['aux', 'web']
    assert plan['services']['web']['environment'] == {'A': '1', 'B': '2'}
    assert plan['services']['web']['command'] == 'a'
    services = container.services
    assert services['web'].current == pebble.ServiceStatus.ACTIVE
    assert services['web'].startup == pebble.ServiceStartup.ENABLED
    assert services['aux'].current == pebble.ServiceStatus.INACTIVE
    assert services['aux'].startup == pebble.ServiceStartup.DISABLED
    assert hash(container) == hash('workload')


def test_exec_mount_checkinfo_notice() -> None:
    exec_ = testing.Exec(['ls', '-l'], return_code=1, stdout='out')
    assert exec_.command_prefix == ('ls', '-l')
    with pytest.raises(TypeError):
        testing.Exec('ls -l')  # type: ignore[arg-type]
    mount = testing.Mount(location='/data', source='/tmp')
    assert mount.location == '/data'
    up = testing.CheckInfo('c', level='ready')
    assert up.level == pebble.CheckLevel.READY
    assert up.change_id
    inactive = testing.CheckInfo('c', status=pebble.CheckStatus.INACTIVE)
    assert inactive.change_id == ''
    container = testing.Container('workload', check_infos=[up])
    assert container.get_check_info('c') is up
    with pytest.raises(KeyError):
        container.get_check_info('nope')
    n1, n2 = testing.Notice('example.com/a'), testing.Notice('example.com/a')
    assert int(n2.id) > int(n1.id)
    assert n1.type == pebble.NoticeType.CUSTOM
    assert n1.first_occurred.tzinfo is not None


def test_secret_defaults_and_validation() -> None:
    secret = testing.Secret({'key': 'value'})
    assert secret.id.startswith('secret:') and len(secret.id) == len('secret:') + 20
    assert secret.latest_content == {'key': 'value'}
    assert secret.owner is None
    assert hash(secret) == hash(secret.id)
    with pytest.raises(errors.StateValidationError):
        testing.Secret({})
    with pytest.raises(errors.StateValidationError):
        testing.Secret({'key': 1})  # type: ignore[dict-item]
    with pytest.raises(errors.StateValidationError) as info:
        testing.Secret({'key': 'hunter2', 'n': 3})  # type: ignore[dict-item]
    assert 'hunter2' not in str(info.value)
    with pytest.raises(errors.StateValidationError, match='not a single string'):
        testing.Secret({'a': 'b'}, remote_grants={1: 'remote/0'})
    granted = testing.Secret({'a': 'b'}, remote_grants={1: ['remote/0']})
    assert granted.remote_grants == {1: frozenset({'remote/0'})}


def test_network_defaults_and_validation() -> None:
    network = testing.Network('db')
    assert network.bind_addresses[0].addresses[0].value == '192.0.2.0'
    assert network.ingress_addresses == ['192.0.2.0']
    assert network.egress_subnets == ['192.0.2.0/24']
    with pytest.raises(errors.StateValidationError, match="did you mean \\['10.0.0.1'\\]"):
        testing.Network('db', ingress_addresses='10.0.0.1')
    with pytest.warns(DeprecationWarning):
        assert testing.Address('1.2.3.4').address == '1.2.3.4'


def test_ports() -> None:
    assert testing.TCPPort(80) == ops.Port('tcp', 80)
    assert testing.UDPPort(53).protocol == 'udp'
    assert testing.ICMPPort().port is None
    with pytest.raises(errors.StateValidationError):
        testing.TCPPort(0)
    with pytest.raises(errors.StateValidationError):
        testing.UDPPort(70000)
    with pytest.raises(errors.StateValidationError):
        testing.ICMPPort(1)
    with pytest.raises(RuntimeError):
        testing.Port(80)


def test_storage_resource_model_cloud() -> None:
    first, second = testing.Storage('data'), testing.Storage('data')
    assert second.index == first.index + 1
    assert testing.Storage('data', index=1) == testing.Storage('data', index=1)
    with pytest.raises(errors.StateValidationError):
        testing.Storage('1data')
    assert testing.Resource(name='r', path='/x').path == '/x'
    with pytest.raises(errors.StateValidationError):
        testing.Model(type='azure')  # type: ignore[arg-type]
    credential = testing.CloudCredential(auth_type='userpass', attributes={'password': 'hunter2'})
    assert 'hunter2' not in repr(credential)
    spec = testing.CloudSpec('lxd', credential=credential)
    assert spec.name == 'localhost' and spec.ca_certificates == []


def test_statuses() -> None:
    assert testing.ActiveStatus('x') == ops.ActiveStatus('x')
    assert ops.BlockedStatus('y') == testing.BlockedStatus('y')
    assert testing.ActiveStatus('x') != testing.ActiveStatus('y')
    assert isinstance(testing.WaitingStatus('w'), ops.WaitingStatus)
    assert repr(testing.MaintenanceStatus('m')) == "MaintenanceStatus('m')"
    assert repr(testing.UnknownStatus()) == 'UnknownStatus()'
    assert testing.ErrorStatus('e').name == 'error'
    assert hash(testing.ActiveStatus('x')) == hash(testing.ActiveStatus('x'))


def test_stored_state_and_deferred_event() -> None:
    stored = testing.StoredState(owner_path='C', content={'a': [1]})
    assert stored.name == '_stored'
    assert stored._handle_path == 'C/StoredStateData[_stored]'
    deferred = testing.DeferredEvent('C/on/update_status[3]', 'C', '_on_us')
    assert deferred.name == 'update_status'
    assert testing.JujuLogLine('INFO', 'x').level == 'INFO'


def test_layer_from_rockcraft(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / 'rockcraft.yaml'  # type: ignore[operator]
    path.write_text(
        'name: r\nsummary: A rock\nservices:\n  web:\n    override: replace\n    command: run\n'
        'checks:\n  up:\n    override: replace\n    exec: {command: true}\n'
    )
    layer = testing.layer_from_rockcraft(path)
    assert layer.summary == 'A rock'
    assert layer.description == f'(no description) (built from the rockcraft.yaml at {path})'
    assert set(layer.services) == {'web'}
    assert set(layer.checks) == {'up'}
    with pytest.raises(ValueError):
        testing.layer_from_rockcraft(path.parent / 'missing.yaml')


def test_notice_times_default_to_now() -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    notice = testing.Notice('example.com/a')
    assert before <= notice.last_occurred <= datetime.datetime.now(datetime.timezone.utc)
