"""Model, units, applications, statuses, ports, storage, resources, network, secrets."""

from __future__ import annotations

import datetime
import ipaddress
import pathlib
import sys
from collections.abc import Callable

import pytest
from ops_core.model import (
    ActiveStatus,
    BlockedStatus,
    ErrorStatus,
    InvalidStatusError,
    MaintenanceStatus,
    Model,
    ModelError,
    Port,
    SecretInfo,
    SecretRotate,
    StatusBase,
    UnknownStatus,
    WaitingStatus,
)
from ops_core.sister import forget

from .conftest import ModelJuju


@pytest.fixture
def model(make_model: Callable[..., Model]) -> Model:
    return make_model()


def test_identity(model: Model) -> None:
    assert (model.name, model.uuid) == ('m', 'uuid-1')
    assert model.unit.name == 'myapp/0' and model.app.name == 'myapp'
    assert model.unit.app is model.app
    assert model.get_unit('myapp/0') is model.unit
    assert model.get_app('pg') is model.get_unit('pg/1').app
    assert repr(model.unit) == '<ops.model.Unit myapp/0>'
    assert repr(model.app) == '<ops.model.Application myapp>'
    assert str(model.juju_version) == '3.6.4'


def test_status_registry_and_equality() -> None:
    assert StatusBase.from_name('active', 'ok') == ActiveStatus('ok')
    assert StatusBase.from_name('unknown', 'ignored') == UnknownStatus()
    assert ActiveStatus('x') != BlockedStatus('x')
    assert repr(WaitingStatus('w')) == "WaitingStatus('w')"
    with pytest.raises(KeyError):
        StatusBase.from_name('bogus', '')
    with pytest.raises(TypeError, match='base class'):
        StatusBase('x')
    worst = StatusBase._get_highest_priority([ActiveStatus(), WaitingStatus(), BlockedStatus()])
    assert worst == BlockedStatus()


def test_status_subclasses_must_name_their_juju_status() -> None:
    with pytest.raises(TypeError, match='needs a `name: str`'):

        class Nameless(StatusBase):
            pass

    with pytest.raises(TypeError, match='needs a `name: str`'):

        class NotAString(StatusBase):
            name = 3  # type: ignore[assignment]

    class Custom(ActiveStatus):  # inherits 'active'
        pass

    assert Custom('x') == ActiveStatus('x')


def test_registering_a_status_is_deprecated_but_still_works() -> None:
    with pytest.deprecated_call(match='internal use only'):
        assert StatusBase.register(ActiveStatus) is ActiveStatus
    assert StatusBase.from_name('active', 'ok') == ActiveStatus('ok')


def test_secret_info_without_a_model_uuid_is_deprecated() -> None:
    with pytest.deprecated_call(match='`model_uuid` should always be provided'):
        info = SecretInfo('abc', None, 1, None, None, None)
    assert info.id == 'secret:abc'
    with pytest.deprecated_call():
        SecretInfo.from_dict('abc', {'revision': 2})
    quiet = SecretInfo.from_dict('abc', {'revision': 2}, model_uuid='u-1')
    assert quiet.id == 'secret://u-1/abc'


def test_unit_status_is_read_once_and_updated_on_set(model: Model, juju: ModelJuju) -> None:
    juju.set_status('maintenance', 'installing')
    assert model.unit.status == MaintenanceStatus('installing')
    model.unit.status = ActiveStatus('ready')
    assert model.unit.status == ActiveStatus('ready')
    assert juju.count('status_get') == 1
    assert juju.status() == ('active', 'ready')


def test_invalid_statuses_are_rejected_before_juju(model: Model, juju: ModelJuju) -> None:
    with pytest.raises(InvalidStatusError, match='StatusBase subclass'):
        model.unit.status = 'active'  # type: ignore[assignment]
    with pytest.raises(InvalidStatusError, match='cannot set ErrorStatus'):
        model.unit.status = ErrorStatus('boom')
    with pytest.raises(InvalidStatusError, match='invalid status "unknown", expected one of'):
        model.unit.status = UnknownStatus()
    with pytest.raises(RuntimeError, match='remote unit'):
        model.get_unit('pg/0').status = ActiveStatus()
    assert model.get_unit('pg/0').status == UnknownStatus()
    assert juju.count('status_set') == 0


def test_app_status_needs_leadership(model: Model, juju: ModelJuju) -> None:
    with pytest.raises(RuntimeError, match='non-leader'):
        model.app.status = ActiveStatus()
    with pytest.raises(RuntimeError, match='cannot get application status as a non-leader'):
        model.app.status  # noqa: B018
    assert any('authz_fail:status-set' in msg for _, msg in juju.juju_logs())
    assert model.get_app('pg').status == UnknownStatus()
    juju.set_leader(True)
    forget(model, leadership=True)
    model.app.status = BlockedStatus('need db')
    assert juju.status(app=True) == ('blocked', 'need db')
    assert model.app.planned_units() == 3
    with pytest.raises(RuntimeError, match='remote application'):
        model.get_app('pg').planned_units()


def test_workload_version(model: Model, juju: ModelJuju) -> None:
    model.unit.set_workload_version('1.2')
    with pytest.raises(TypeError, match='must be a str, not int'):
        model.unit.set_workload_version(3)  # type: ignore[arg-type]
    assert [a for n, a in juju.calls if n == 'application_version_set'] == [('1.2',)]


def test_config_is_fetched_once(model: Model, juju: ModelJuju) -> None:
    juju.set_config({'port': 80, 'debug': True})
    assert model.config['port'] == 80
    assert dict(model.config) == {'port': 80, 'debug': True}
    assert model.config.get('missing', 'd') == 'd'
    assert juju.count('config_get') == 1
    with pytest.raises(TypeError):
        model.config['port'] = 1  # type: ignore[index]


def test_set_ports_computes_the_difference(model: Model, juju: ModelJuju) -> None:
    juju.set_opened_ports(('tcp', 80), ('udp', 53), ('icmp', None))
    model.unit.set_ports(80, Port('tcp', 443), Port('icmp', None))
    changes = [(n, a) for n, a in juju.calls if n in ('open_port', 'close_port')]
    assert changes == [('close_port', ('udp', 53)), ('open_port', ('tcp', 443))]
    assert model.unit.opened_ports() == {Port('tcp', 80), Port('tcp', 443), Port('icmp', None)}
    model.unit.open_port('TCP', 8080)  # type: ignore[arg-type]
    assert ('open_port', ('tcp', 8080)) in juju.calls
    with pytest.raises(TypeError, match='port numbers'):
        model.unit.set_ports('80')  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match='remote unit'):
        model.get_unit('pg/0').open_port('tcp', 1)


def test_storage_mapping(model: Model, juju: ModelJuju) -> None:
    juju.add_storage('data/0', '/srv/data-0')
    juju.add_storage('data/1', '/srv/data-1')
    data = model.storages['data']
    assert [s.full_id for s in data] == ['data/0', 'data/1']
    assert data[1].location == pathlib.Path('/srv/data-1')
    assert data[1].location == pathlib.Path('/srv/data-1')
    assert juju.count('storage_get') == 1 and juju.count('storage_list') == 1
    assert model.storages['logs'] == []
    with pytest.raises(KeyError, match="Storage 'nope' not found. Did you mean 'data', or 'logs'"):
        model.storages['nope']
    with pytest.raises(ModelError, match="cannot add storage 'nope'"):
        model.storages.request('nope')
    with pytest.raises(TypeError, match='must be an int'):
        model.storages.request('data', True)
    model.storages.request('data', 2)
    assert ('storage_add', ('data', 2)) in juju.calls


def test_resources(model: Model, juju: ModelJuju) -> None:
    path = model.resources.fetch('blob')
    assert path == pathlib.Path('/var/lib/juju/resources/blob')
    model.resources.fetch('blob')
    assert juju.count('resource_get') == 1
    with pytest.raises(NameError, match='invalid resource name: nope'):
        model.resources.fetch('nope')


def test_pod_spec_needs_leadership(model: Model, juju: ModelJuju) -> None:
    with pytest.raises(ModelError, match='not a leader'):
        model.pod.set_spec({'containers': []})
    juju.set_leader(True)
    model.pod.set_spec({'containers': []})
    assert juju.count('pod_spec_set') == 1


def test_binding_and_network(model: Model, juju: ModelJuju) -> None:
    juju.relate(3, 'db', 'pg', [])
    binding = model.get_binding('db')
    assert binding is not None and binding.name == 'db'
    net = binding.network
    assert net.bind_address == ipaddress.ip_address('10.0.0.5')
    assert net.ingress_address == ipaddress.ip_address('10.0.0.5')
    assert net.interfaces[0].subnet == ipaddress.ip_network('10.0.0.0/24')
    assert net.egress_subnets == [ipaddress.ip_network('10.0.0.5/32')]
    assert model.get_binding('db') is binding
    # a relation that Juju no longer knows falls back to the endpoint binding
    dead = model.get_relation('db', 42)
    assert dead is not None
    assert model.get_binding(dead).network.bind_address is not None  # type: ignore[union-attr]
    assert ('network_get', ('db', 42)) in juju.calls and (
        'network_get',
        ('db', None),
    ) in juju.calls
    with pytest.raises(ModelError, match='must be str or relation'):
        model.get_binding(3)  # type: ignore[arg-type]


def test_containers_are_lazy_and_local(model: Model) -> None:
    assert list(model.unit.containers) == ['work']
    container = model.unit.get_container('work')
    assert container.name == 'work'
    with pytest.raises(ModelError, match="container 'nope' not found"):
        model.unit.get_container('nope')
    with pytest.raises(RuntimeError, match='remote unit'):
        model.get_unit('pg/0').containers  # noqa: B018


def test_add_secret_validates_without_echoing_values(model: Model, juju: ModelJuju) -> None:
    with pytest.raises(ValueError, match=r"Invalid secret keys: \['A'\]"):
        model.app.add_secret({'A': 'hunter2'})
    with pytest.raises(ValueError, match='must not be empty'):
        model.app.add_secret({})
    with pytest.raises(TypeError) as exc:
        model.app.add_secret({'password': 12345})  # type: ignore[dict-item]
    assert '12345' not in str(exc.value)
    with pytest.raises(TypeError, match='must be a dict'):
        model.app.add_secret([('abc', 'x')])  # type: ignore[arg-type]
    assert juju.count('secret_add') == 0


def test_secret_lifecycle(model: Model, juju: ModelJuju) -> None:
    secret = model.unit.add_secret(
        {'password': 'hunter2'},
        label='db-pass',
        expire=datetime.timedelta(hours=1),
        rotate=SecretRotate.DAILY,
    )
    unique = secret.unique_identifier
    assert unique and secret.id == f'secret:{unique}'
    assert 'hunter2' not in repr(secret)
    add = next(a for n, a in juju.calls if n == 'secret_add')
    content, label, _, expire, rotate, owner = add
    assert (content, label, owner) == ({'password': 'hunter2'}, 'db-pass', 'unit')
    assert isinstance(expire, datetime.datetime) and rotate is SecretRotate.DAILY
    assert secret.get_content() == {'password': 'hunter2'}
    assert juju.count('secret_get') == 0  # content known from add_secret

    by_label = model.get_secret(label='db-pass')
    assert by_label.id is None and by_label.get_content() == {'password': 'hunter2'}
    assert juju.count('secret_get') == 1
    by_label.set_content({'password': 'new'})
    assert by_label.id == secret.id  # learnt through secret-info-get
    assert by_label.get_content() == {'password': 'hunter2'}  # tracked revision is cached
    assert by_label.peek_content() == {'password': 'new'}
    assert by_label.get_content(refresh=True) == {'password': 'new'}

    bare = model.get_secret(id=unique)
    assert bare.id == f'secret://uuid-1/{unique}'
    with pytest.raises(TypeError, match='Must provide'):
        bare.set_info()
    bare.set_info(description='d')
    rel_id = 7
    juju.relate(rel_id, 'db', 'pg', ['pg/0'])
    rel = model.get_relation('db')
    assert rel is not None
    bare.grant(rel, unit=model.get_unit('pg/0'))
    bare.revoke(rel)
    bare.remove_revision(1)
    bare.remove_all_revisions()
    assert [
        a for n, a in juju.calls if n in ('secret_grant', 'secret_revoke', 'secret_remove')
    ] == [
        (bare.id, 7, 'pg/0'),
        (bare.id, 7, None),
        (bare.id, 1),
        (bare.id, None),
    ]
    with pytest.raises(TypeError, match='Must provide an id or label'):
        model.get_secret()


def test_reboot(model: Model, juju: ModelJuju, monkeypatch: pytest.MonkeyPatch) -> None:
    model.unit.reboot()
    assert ('reboot', (False,)) in juju.calls
    assert any('sys_restart:myapp/0' in msg for level, msg in juju.juju_logs() if level == 'TRACE')
    with pytest.raises(SystemExit):
        model.unit.reboot(now=True)
    with pytest.raises(RuntimeError, match='remote unit'):
        model.get_unit('pg/0').reboot()


def test_cloud_spec_and_remote_model(model: Model, juju: ModelJuju) -> None:
    assert model.get_cloud_spec().type == 'lxd'
    juju.relate(1, 'db', 'pg', [])
    rel = model.get_relation('db')
    assert rel is not None
    assert rel.remote_model.uuid == 'remote-uuid'
    assert rel.remote_model is rel.remote_model
    assert juju.count('relation_model_get') == 1


def test_importing_the_model_loads_no_pebble() -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, '-c', 'import ops_core.model, sys; print("ops_pebble" in sys.modules)'],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == 'False'
