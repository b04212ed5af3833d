"""relation-get/-set/-ids/-list/-model-get through the fake Juju tools."""

from __future__ import annotations

import json

import ops_hookcmds as hookcmds
import pytest

from tests.helpers.fakejuju import FakeJuju


@pytest.fixture
def rel_id(fake_juju: FakeJuju) -> int:
    return fake_juju.state.add_relation(
        'db',
        'pg',
        relation_id=3,
        units=['pg/0', 'pg/1'],
        remote_app_data={'host': 'db.example', 'port': '5432'},
        remote_units_data={'pg/0': {'ingress': '10.0.0.7'}},
        local_unit_data={'mine': 'yes'},
        remote_model_uuid='remote-model-uuid',
    )


def test_relation_get_remote_app_databag(fake_juju: FakeJuju, rel_id: int) -> None:
    data = hookcmds.relation_get(rel_id, endpoint='db', unit='pg', app=True)
    assert data == {'host': 'db.example', 'port': '5432'}
    assert fake_juju.argvs() == [
        ['relation-get', '--format=json', '-r', 'db:3', '--app', '-', 'pg']
    ]


def test_relation_get_argv_forms(fake_juju: FakeJuju, rel_id: int) -> None:
    assert hookcmds.relation_get(rel_id, unit='pg/0') == {'ingress': '10.0.0.7'}
    assert hookcmds.relation_get(rel_id, key='ingress', unit='pg/0') == '10.0.0.7'
    assert hookcmds.relation_get(rel_id, key='host', app=True) == 'db.example'
    assert hookcmds.relation_get(rel_id, key='missing', unit='pg/0') == ''
    assert fake_juju.argvs() == [
        ['relation-get', '--format=json', '-r', '3', '-', 'pg/0'],
        ['relation-get', '--format=json', '-r', '3', 'ingress', 'pg/0'],
        ['relation-get', '--format=json', '-r', '3', '--app', 'host'],
        ['relation-get', '--format=json', '-r', '3', 'missing', 'pg/0'],
    ]
    assert all(c.stdin is None for c in fake_juju.calls())


def test_relation_get_in_relation_hook_uses_juju_context(
    fake_juju: FakeJuju, rel_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('JUJU_RELATION_ID', 'db:3')
    monkeypatch.setenv('JUJU_REMOTE_UNIT', 'pg/0')
    assert hookcmds.relation_get() == {'ingress': '10.0.0.7'}
    assert fake_juju.argvs() == [['relation-get', '--format=json']]


def test_relation_get_unknown_relation(fake_juju: FakeJuju, rel_id: int) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.relation_get(99, endpoint='db', unit='pg/0')
    assert exc.value.returncode == 2
    assert 'relation not found' in exc.value.stderr


def test_relation_get_endpoint_mismatch_is_not_found(fake_juju: FakeJuju, rel_id: int) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.relation_get(rel_id, endpoint='cache', unit='pg/0')
    assert exc.value.returncode == 2
    assert 'ERROR invalid value "cache:3" for option -r: relation not found' in exc.value.stderr


def test_relation_get_rejects_dash_key(fake_juju: FakeJuju) -> None:
    with pytest.raises(ValueError, match='key=None'):
        hookcmds.relation_get(1, key='-')
    assert fake_juju.calls() == []


def test_relation_get_rejects_endpoint_without_id(fake_juju: FakeJuju) -> None:
    with pytest.raises(TypeError, match='without a relation id'):
        hookcmds.relation_get(endpoint='db')


def test_relation_get_non_string_values_are_an_error(fake_juju: FakeJuju, rel_id: int) -> None:
    fake_juju.state.garbage('relation-get', '{"a": 1}')
    with pytest.raises(hookcmds.Error, match="value of 'a'.*JSON string, got a JSON integer"):
        hookcmds.relation_get(rel_id, unit='pg/0')


def test_relation_set_sends_json_on_stdin(fake_juju: FakeJuju, rel_id: int) -> None:
    hookcmds.relation_set({'host': '10.0.0.1', 'mine': ''}, rel_id, endpoint='db')
    call = fake_juju.calls()[-1]
    assert call.argv == ['relation-set', '-r', 'db:3', '--file', '-']
    assert json.loads(call.stdin or '') == {'host': '10.0.0.1', 'mine': ''}
    assert fake_juju.state.relation(3)['local_unit_data'] == {'host': '10.0.0.1'}


def test_relation_set_app_as_leader(fake_juju: FakeJuju, rel_id: int) -> None:
    fake_juju.state.set_leader(True)
    hookcmds.relation_set({'secret-id': 'secret:abc'}, rel_id, app=True)
    assert fake_juju.argvs()[-1] == ['relation-set', '-r', '3', '--app', '--file', '-']
    assert fake_juju.state.relation(3)['local_app_data'] == {'secret-id': 'secret:abc'}


def test_relation_set_app_as_non_leader_fails(fake_juju: FakeJuju, rel_id: int) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.relation_set({'k': 'v'}, rel_id, endpoint='db', app=True)
    assert exc.value.returncode == 1
    assert 'cannot write relation settings' in exc.value.stderr
    # Relation data never appears in the error text or argv.
    assert 'v' not in exc.value.cmd
    assert "'k'" not in str(exc.value)


def test_relation_set_rejects_non_string_values(fake_juju: FakeJuju, rel_id: int) -> None:
    with pytest.raises(TypeError, match="values must be str, got int for key 'port'"):
        hookcmds.relation_set({'port': 5432}, rel_id)  # type: ignore[dict-item]
    assert fake_juju.calls() == []


def test_relation_data_non_ascii_round_trip(fake_juju: FakeJuju, rel_id: int) -> None:
    value = 'café ☃ 日本語 \U0001f600'
    hookcmds.relation_set({'greeting': value}, rel_id)
    assert hookcmds.relation_get(rel_id, key='greeting', unit='myapp/0') == value
    assert json.loads(fake_juju.calls('relation-set')[0].stdin or '') == {'greeting': value}


def test_relation_data_one_mebibyte(fake_juju: FakeJuju, rel_id: int) -> None:
    big = ('0123456789abcdef' * 65536)[: 1024 * 1024]
    hookcmds.relation_set({'blob': big}, rel_id, endpoint='db')
    assert hookcmds.relation_get(rel_id, endpoint='db', unit='myapp/0') == {
        'mine': 'yes',
        'blob': big,
    }
    # The megabyte travelled through stdin, not argv.
    call = fake_juju.calls('relation-set')[0]
    assert all(len(a) < 100 for a in call.argv)
    assert len(call.stdin or '') > 1024 * 1024


def test_relation_ids(fake_juju: FakeJuju, rel_id: int) -> None:
    fake_juju.state.add_relation('db', 'mysql', relation_id=7)
    assert hookcmds.relation_ids('db') == ['db:3', 'db:7']
    assert hookcmds.relation_ids('cache') == []
    assert fake_juju.argvs() == [
        ['relation-ids', 'db', '--format=json'],
        ['relation-ids', 'cache', '--format=json'],
    ]


def test_relation_ids_error(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('relation-ids', '{"db": 3}')
    with pytest.raises(hookcmds.Error, match="'relation-ids'.*JSON array, got a JSON object"):
        hookcmds.relation_ids('db')


def test_relation_list_units_and_app(fake_juju: FakeJuju, rel_id: int) -> None:
    assert hookcmds.relation_list(rel_id, endpoint='db') == ['pg/0', 'pg/1']
    assert hookcmds.relation_list(rel_id, endpoint='db', app=True) == 'pg'
    assert fake_juju.argvs() == [
        ['relation-list', '--format=json', '-r', 'db:3'],
        ['relation-list', '--format=json', '--app', '-r', 'db:3'],
    ]


def test_relation_list_departing_unit_excluded(
    fake_juju: FakeJuju, rel_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('JUJU_DEPARTING_UNIT', 'pg/1')
    assert hookcmds.relation_list(rel_id) == ['pg/0']


def test_relation_list_unknown_relation(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.relation_list(5, endpoint='db')
    assert exc.value.returncode == 2
    assert 'relation not found' in exc.value.stderr


def test_relation_model_get(fake_juju: FakeJuju, rel_id: int) -> None:
    model = hookcmds.relation_model_get(rel_id, endpoint='db')
    assert model == hookcmds.RelationModel(uuid='remote-model-uuid')
    assert fake_juju.argvs() == [['relation-model-get', '--format=json', '-r', 'db:3']]


def test_relation_model_get_errors(fake_juju: FakeJuju, rel_id: int) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.relation_model_get(42)
    assert exc.value.returncode == 2
    fake_juju.state.garbage('relation-model-get', '{}')
    with pytest.raises(hookcmds.Error, match="no 'uuid' key"):
        hookcmds.relation_model_get(rel_id)
