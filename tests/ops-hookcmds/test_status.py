"""status-get / status-set, including the Juju output shapes."""

from __future__ import annotations

import ops_hookcmds as hookcmds
import pytest

from tests.helpers.fakejuju import FakeJuju


def test_status_set_unit_and_app(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    hookcmds.status_set('active')
    hookcmds.status_set('blocked', 'need a -- relation', app=True)
    hookcmds.status_set('maintenance', '-starts with a dash')
    assert fake_juju.argvs() == [
        ['status-set', '--application=False', 'active'],
        ['status-set', '--application=True', 'blocked', '--', 'need a -- relation'],
        ['status-set', '--application=False', 'maintenance', '--', '-starts with a dash'],
    ]
    state = fake_juju.state.load()
    assert state['unit_status']['message'] == '-starts with a dash'
    assert state['app_status'] == {
        'status': 'blocked',
        'message': 'need a -- relation',
        'status-data': {},
    }


def test_status_set_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.status_set('active', app=True)
    assert 'not the leader' in exc.value.stderr
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.status_set('error')  # type: ignore[arg-type]
    assert exc.value.returncode == 2


def test_status_get_unit(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_status('waiting', 'for db ☕')
    status = hookcmds.status_get()
    assert status == hookcmds.UnitStatus(status='waiting', message='for db ☕', status_data={})
    assert fake_juju.argvs() == [
        ['status-get', '--include-data', '--format=json', '--application=false']
    ]


def test_status_get_app_reads_units_nested_as_real_juju_prints_them(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    fake_juju.state.set_status('maintenance', 'installing', app=True)
    fake_juju.state.set_status('active')
    status = hookcmds.status_get(app=True)
    assert isinstance(status, hookcmds.AppStatus)
    assert (status.status, status.message) == ('maintenance', 'installing')
    assert status.units == {
        'myapp/0': hookcmds.UnitStatus(status='active', message='', status_data={})
    }
    assert fake_juju.argvs() == [
        ['status-get', '--include-data', '--format=json', '--application=true']
    ]


def test_status_get_app_falls_back_to_top_level_units(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage(
        'status-get',
        '{"application-status": {"status": "active", "message": "", "status-data": {}}, '
        '"units": {"a/1": {"status": "blocked", "message": "m", "status-data": {"k": 1}}}}',
    )
    status = hookcmds.status_get(app=True)
    assert isinstance(status, hookcmds.AppStatus)
    assert status.units == {
        'a/1': hookcmds.UnitStatus(status='blocked', message='m', status_data={'k': 1})
    }


def test_status_get_app_as_non_leader(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.status_get(app=True)
    assert exc.value.stderr.startswith(
        'ERROR finding application status: this unit is not the leader'
    )


def test_status_get_bad_shapes(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('status-get', '"active"')
    with pytest.raises(hookcmds.Error, match='JSON object, got a JSON string'):
        hookcmds.status_get()
    fake_juju.state.garbage('status-get', '{"message": ""}')
    with pytest.raises(hookcmds.Error, match="no 'status' key"):
        hookcmds.status_get()
    fake_juju.state.garbage('status-get', '{"status": "active"}')
    with pytest.raises(hookcmds.Error, match="no 'application-status' key"):
        hookcmds.status_get(app=True)
