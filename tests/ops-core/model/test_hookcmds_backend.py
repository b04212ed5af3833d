"""The model over the production backend, with fake Juju hook tools on PATH (real processes)."""

from __future__ import annotations

import datetime
import json
import pathlib
import sys

import pytest
from ops_core._dispatch._hookcmds_backend import HookCommandsBackend
from ops_core.charm import CharmMeta
from ops_core.model import (
    ActiveStatus,
    MaintenanceStatus,
    Model,
    ModelError,
    Port,
    RelationDataAccessError,
    RelationNotFoundError,
    SecretNotFoundError,
    SecretRotate,
)

from tests.helpers.fakejuju import FakeJuju


@pytest.fixture
def model(fake_juju: FakeJuju, meta: CharmMeta) -> Model:
    return Model(meta, HookCommandsBackend())


def test_identity_comes_from_the_environment(model: Model, fake_juju: FakeJuju) -> None:
    assert model.unit.name == 'myapp/0'
    assert model.app.name == 'myapp'
    assert model.name == 'test-model'
    assert model.uuid == fake_juju.model_uuid
    assert fake_juju.calls() == []  # building the model runs no hook tool


def test_reads_are_cached_within_the_hook(model: Model, fake_juju: FakeJuju) -> None:
    fake_juju.state.set_config(port=8080, name='x')
    fake_juju.state.set_leader(True)
    assert model.config['port'] == 8080 and model.config['name'] == 'x'
    assert model.unit.is_leader() and model.unit.is_leader()
    assert [c.tool for c in fake_juju.calls()] == ['config-get', 'is-leader']


def test_relation_reads_and_writes(model: Model, fake_juju: FakeJuju) -> None:
    rel_id = fake_juju.state.add_relation(
        'db',
        'pg',
        units=['pg/0'],
        remote_app_data={'host': 'h'},
        remote_units_data={'pg/0': {'ip': '10.0.0.1'}},
    )
    rel = model.get_relation('db')
    assert rel is not None and rel.id == rel_id
    assert rel.app is not None and rel.app.name == 'pg'
    assert rel.data[rel.app]['host'] == 'h'
    assert rel.data[model.get_unit('pg/0')]['ip'] == '10.0.0.1'
    assert rel.data[rel.app].get('host') == 'h'  # cached
    bag = rel.data[model.unit]
    bag.update({'a': '1', 'b': '2'})
    bag['a'] = '1'  # unchanged: no call
    del bag['b']
    argvs = fake_juju.argvs()
    assert argvs[:2] == [
        ['relation-ids', 'db', '--format=json'],
        ['relation-list', '--format=json', '-r', f'db:{rel_id}'],
    ]
    assert ['relation-get', '--format=json', '-r', f'db:{rel_id}', '--app', '-', 'pg'] in argvs
    sets = fake_juju.calls('relation-set')
    assert [c.argv for c in sets] == [['relation-set', '-r', f'db:{rel_id}', '--file', '-']] * 2
    assert [json.loads(c.stdin or '') for c in sets] == [{'a': '1', 'b': '2'}, {'b': ''}]
    assert len(fake_juju.calls('relation-get')) == 3
    assert fake_juju.state.relation(rel_id)['local_unit_data'] == {'a': '1'}


def test_non_leader_app_write_is_refused_before_juju(model: Model, fake_juju: FakeJuju) -> None:
    fake_juju.state.add_relation('db', 'pg', units=['pg/0'])
    rel = model.get_relation('db')
    assert rel is not None
    with model._event_context('db_relation_changed'), pytest.raises(RelationDataAccessError):
        rel.data[model.app]['k'] = 'v'
    assert fake_juju.calls('relation-set') == []


def test_juju_refusal_becomes_model_error_and_a_security_event(fake_juju: FakeJuju) -> None:
    rel_id = fake_juju.state.add_relation('db', 'pg')
    backend = HookCommandsBackend()
    with pytest.raises(ModelError) as exc:
        backend.relation_set('db', rel_id, {'k': 'v'}, True)
    assert 'cannot write relation settings' in str(exc.value)
    assert exc.value.__cause__ is not None
    traces = [json.loads(m) for level, m in fake_juju.juju_logs() if level == 'TRACE']
    assert len(traces) == 1
    event = traces[0]
    assert list(event) == ['datetime', 'level', 'type', 'appid', 'event', 'description']
    assert event['event'] == 'authz_fail:relation-set' and event['level'] == 'CRITICAL'
    assert event['appid'] == f'{fake_juju.model_uuid}-myapp/0'


@pytest.mark.parametrize('leader', [True, False, None])
def test_a_security_event_says_the_known_leadership_without_running_is_leader(
    fake_juju: FakeJuju, leader: bool | None
) -> None:
    # As ops 3.9: reporting a refused hook command never runs another one.
    fake_juju.state.fail('secret-get', stderr='ERROR permission denied')
    backend = HookCommandsBackend()
    if leader is not None:
        fake_juju.state.set_leader(leader)
        assert backend.is_leader() is leader
    with pytest.raises(ModelError):
        backend.secret_get(id='secret:123', label=None, refresh=False, peek=False)
    assert [c.tool for c in fake_juju.calls()].count('is-leader') == (leader is not None)
    traces = [json.loads(m) for level, m in fake_juju.juju_logs() if level == 'TRACE']
    expected = {True: ' (as leader)', False: '', None: ' (leadership unknown)'}[leader]
    assert traces[0]['description'].startswith(f"Hook command 'secret-get'{expected} failed")


def test_unknown_relation_is_relation_not_found(model: Model, fake_juju: FakeJuju) -> None:
    backend = HookCommandsBackend()
    with pytest.raises(RelationNotFoundError):
        backend.relation_list('db', 42)
    with pytest.raises(RelationNotFoundError):
        backend.relation_get('db', 42, 'pg', True)
    dead = model.get_relation('db', 42)
    assert dead is not None and dead.active is False and dict(dead.data[model.unit]) == {}


def test_other_failures_carry_juju_stderr(model: Model, fake_juju: FakeJuju) -> None:
    fake_juju.state.fail('status-set', code=1, stderr='ERROR boom\n')
    with pytest.raises(ModelError) as exc:
        model.unit.status = ActiveStatus('x')
    assert exc.value.args == ('ERROR boom\n',)


@pytest.mark.skipif(sys.version_info < (3, 11), reason='exception notes need Python 3.11')
def test_a_failed_hook_command_is_named_in_a_note(
    fake_juju: FakeJuju, meta: CharmMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('JUJU_HOOK_NAME', 'update-status')
    model = Model(meta, HookCommandsBackend())
    fake_juju.state.fail('secret-get', code=1, stderr='ERROR permission denied\n')
    with pytest.raises(ModelError) as exc:
        model.get_secret(label='db-pass')
    assert exc.value.__notes__ == [
        "Hook command 'secret-get' (label='db-pass', refresh=False, peek=False) failed during "
        "the 'update-status' hook."
    ]
    monkeypatch.setenv('JUJU_ACTION_NAME', 'backup')
    backend = HookCommandsBackend()
    fake_juju.state.fail('status-set', code=1, stderr='ERROR boom\n')
    with pytest.raises(ModelError) as exc:
        backend.status_set('active', 'all good', is_app=False)
    assert exc.value.__notes__ == [
        "Hook command 'status-set' (status='active', message='all good', app=False) failed "
        "during the 'backup' action."
    ]


def test_status_round_trip(model: Model, fake_juju: FakeJuju) -> None:
    fake_juju.state.set_status('maintenance', 'installing')
    assert model.unit.status == MaintenanceStatus('installing')
    model.unit.status = ActiveStatus('')
    assert fake_juju.argvs('status-set') == [
        ['status-set', '--application=False', 'active', '--', '']
    ]
    assert fake_juju.state['unit_status']['status'] == 'active'


def test_status_message_that_is_not_a_str_is_refused_before_status_set(
    model: Model, fake_juju: FakeJuju
) -> None:
    # The testing backends keep such a message (as ops 3.9's do); Juju never could.
    with pytest.raises(TypeError, match='status message must be a str, not int'):
        model.unit.status = ActiveStatus(42)  # type: ignore[arg-type]
    assert fake_juju.calls('status-set') == []


def test_secret_flow_keeps_content_off_the_command_line(model: Model, fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    secret = model.app.add_secret(
        {'password': 's3cret-value'}, label='db-pass', rotate=SecretRotate.DAILY
    )
    assert secret.id is not None and secret.id.startswith('secret:')
    again = model.get_secret(label='db-pass')
    assert again.get_content() == {'password': 's3cret-value'}
    info = again.get_info()
    assert info.label == 'db-pass' and info.revision == 1
    assert info.rotation is SecretRotate.DAILY
    assert info.id.endswith(secret.unique_identifier or '?')
    again.set_content({'password': 'rotated-value'})
    assert again.get_content() == {'password': 's3cret-value'}  # cached tracked revision
    assert again.peek_content() == {'password': 'rotated-value'}
    for call in fake_juju.calls():
        assert not any('s3cret-value' in a or 'rotated-value' in a for a in call.argv)
    add = fake_juju.argvs('secret-add')[0]
    assert '--owner' in add and add[add.index('--owner') + 1] == 'application'
    assert any(a.startswith('password#file=') for a in add)


def test_a_secret_without_label_or_description_has_none_of_either(
    model: Model, fake_juju: FakeJuju
) -> None:
    # Juju leaves an unset label out of secret-info-get; ops 3.9 reports None, not ''.
    secret_id = fake_juju.state.add_secret({'k': 'v'}, owner='application')
    info = model.get_secret(id=secret_id).get_info()
    assert info.label is None and info.description is None


def test_a_missing_hook_tool_is_a_model_error_not_a_missing_secret_or_relation(
    model: Model, fake_juju: FakeJuju, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('PATH', '/nonexistent')
    backend = HookCommandsBackend()
    with pytest.raises(ModelError, match='not found on PATH') as exc:
        backend.secret_get(id='secret:123', label=None, refresh=False, peek=False)
    assert type(exc.value) is ModelError
    with pytest.raises(ModelError, match='not found on PATH') as exc:
        backend.relation_list('db', 1)
    assert type(exc.value) is ModelError


def test_opened_ports_warns_about_ranges_and_unknown_protocols_and_goes_on(
    model: Model, fake_juju: FakeJuju, caplog: pytest.LogCaptureFixture
) -> None:
    fake_juju.state.garbage('opened-ports', '["8080/tcp", "1234/sctp", "1000-2000/udp"]')
    with caplog.at_level('WARNING', logger='ops.model'):
        ports = model.unit.opened_ports()
    assert ports == {Port('tcp', 8080), Port('udp', 1000)}
    assert [r.name for r in caplog.records] == ['ops.model', 'ops.model']
    assert 'protocol: sctp' in caplog.records[0].message
    assert 'range' in caplog.records[1].message


def test_missing_secret_is_secret_not_found(model: Model, fake_juju: FakeJuju) -> None:
    with pytest.raises(SecretNotFoundError):
        model.get_secret(id='secret:doesnotexist000000')
    with pytest.raises(SecretNotFoundError):
        model.get_secret(label='nope')


def test_unit_secret_and_grant(model: Model, fake_juju: FakeJuju) -> None:
    rel_id = fake_juju.state.add_relation('db', 'pg', units=['pg/0'])
    secret = model.unit.add_secret(
        {'token': 'abc'}, expire=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    )
    rel = model.get_relation('db')
    assert rel is not None
    secret.grant(rel, unit=model.get_unit('pg/0'))
    secret.revoke(rel, unit=model.get_unit('pg/0'))
    assert fake_juju.argvs('secret-grant') == [
        ['secret-grant', '--relation', str(rel_id), '--unit', 'pg/0', secret.id]
    ]
    add = fake_juju.argvs('secret-add')[0]
    assert add[add.index('--owner') + 1] == 'unit'
    assert add[add.index('--expire') + 1] == '2030-01-01T00:00:00Z'


def test_ports(model: Model, fake_juju: FakeJuju) -> None:
    model.unit.open_port('tcp', 80)
    model.unit.open_port('icmp')
    assert fake_juju.argvs('open-port') == [['open-port', '80/tcp'], ['open-port', 'icmp']]
    assert model.unit.opened_ports() == {Port('tcp', 80), Port('icmp', None)}
    with pytest.raises(ModelError):
        model.unit.open_port('sctp', 1)  # type: ignore[arg-type]


def test_storage_network_resources_and_goal_state(
    model: Model, fake_juju: FakeJuju, tmp_path: pathlib.Path
) -> None:
    fake_juju.state.add_storage('data/0', str(tmp_path / 'd0'))
    fake_juju.state.add_storage('data/1', str(tmp_path / 'd1'))
    fake_juju.state.set_network(
        'db',
        {
            'bind-addresses': [
                {
                    'mac-address': '',
                    'interface-name': 'eth0',
                    'addresses': [{'hostname': '', 'value': '10.1.2.3', 'cidr': '10.1.2.0/24'}],
                }
            ],
            'egress-subnets': ['10.1.2.3/32'],
            'ingress-addresses': ['10.1.2.3'],
        },
    )
    fake_juju.state.add_resource('blob', '/tmp/blob.bin')
    fake_juju.state.set_planned_units(2)
    assert [s.index for s in model.storages['data']] == [0, 1]
    assert model.storages['data'][1].location == tmp_path / 'd1'
    binding = model.get_binding('db')
    assert binding is not None and str(binding.network.bind_address) == '10.1.2.3'
    assert model.resources.fetch('blob') == pathlib.Path('/tmp/blob.bin')
    assert model.app.planned_units() == 2
    with pytest.raises(ModelError, match='could not download resource'):
        model.resources.fetch('img')


def test_untrusted_credential_get(model: Model, fake_juju: FakeJuju) -> None:
    with pytest.raises(ModelError, match='permission denied'):
        model.get_cloud_spec()
    fake_juju.state.set_credential(
        {
            'type': 'lxd',
            'name': 'localhost',
            'credential': {'auth-type': 'certificate', 'attrs': {'client-key': 'KEY'}},
        }
    )
    spec = model.get_cloud_spec()
    assert spec.type == 'lxd' and spec.credential is not None
    assert spec.credential.attributes == {'client-key': 'KEY'}
    assert 'KEY' not in repr(spec)


def test_actions_and_logging(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup', {'target': 'x', 'count': 2})
    backend = HookCommandsBackend()
    assert backend.action_get() == {'target': 'x', 'count': 2}
    backend.action_set({'result': {'size': 3}, 'ok': True})
    backend.action_log('working')
    backend.action_fail('nope')
    backend.juju_log('INFO', '-starts with a dash')
    assert fake_juju.argvs('action-set') == [['action-set', 'result.size=3', 'ok=True']]
    assert fake_juju.argvs('juju-log') == [
        ['juju-log', '--log-level', 'INFO', '--', '-starts with a dash']
    ]


def test_very_long_log_messages_are_split(fake_juju: FakeJuju) -> None:
    from ops_core.model import MAX_LOG_LINE_LEN

    message = 'x' * MAX_LOG_LINE_LEN + 'tail'
    HookCommandsBackend().juju_log('DEBUG', message)
    logged = [m for _, m in fake_juju.juju_logs()]
    assert logged[0].startswith(f'Log string greater than {MAX_LOG_LINE_LEN}.')
    assert logged[1:] == ['x' * MAX_LOG_LINE_LEN, 'tail']


def test_a_nul_in_a_value_bound_for_argv_is_a_model_error_naming_the_field(
    model: Model, fake_juju: FakeJuju
) -> None:
    fake_juju.state.set_leader(True)
    fake_juju.state.set_action('act')
    backend = HookCommandsBackend()
    cases = {
        'the status message': lambda: setattr(model.unit, 'status', ActiveStatus('a\x00b')),
        'the workload version': lambda: model.unit.set_workload_version('1.0\x00'),
        'the secret label': lambda: model.app.add_secret({'password': 'x'}, label='l\x00'),
        'the secret description': lambda: model.unit.add_secret(
            {'password': 'x'}, description='\x00'
        ),
        "the action result 'out'": lambda: backend.action_set({'out': 'hidden\x00value'}),
        'the action log message': lambda: backend.action_log('progress\x00'),
        "argument 5 of 'relation-get'": lambda: backend.relation_get('db', 1, 'a\x00', False),
    }
    for field, call in cases.items():
        with pytest.raises(ModelError) as caught:
            call()
        message = str(caught.value)
        assert f'{field} contains a NUL character' in message, message
        assert 'hidden' not in message  # the value itself is not repeated
    assert fake_juju.calls() == []  # nothing half-done: no tool ran


def test_a_nul_in_a_log_message_is_logged_escaped(model: Model, fake_juju: FakeJuju) -> None:
    HookCommandsBackend().juju_log('INFO', 'before\x00after')
    assert fake_juju.juju_logs() == [('INFO', 'before\\x00after')]
