"""The remaining commands: actions, ports, config, credentials, goal state, leadership,
logging, reboot, network, resources, controller state, storage and the workload version."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import ops_hookcmds as hookcmds
import pytest

from tests.helpers.fakejuju import FakeJuju

# --- actions ---------------------------------------------------------------------------


def test_action_get(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup', {'filename': 'x.tgz', 'opts': {'level': 9}, 'n': 3})
    assert hookcmds.action_get() == {'filename': 'x.tgz', 'opts': {'level': 9}, 'n': 3}
    assert hookcmds.action_get('opts.level') == 9
    assert hookcmds.action_get('nope') is None
    assert fake_juju.argvs() == [
        ['action-get', '--format=json'],
        ['action-get', '--format=json', 'opts.level'],
        ['action-get', '--format=json', 'nope'],
    ]


def test_action_commands_outside_an_action(fake_juju: FakeJuju) -> None:
    for call in (
        lambda: hookcmds.action_get(),
        lambda: hookcmds.action_set({'a': 1}),
        lambda: hookcmds.action_log('m'),
        lambda: hookcmds.action_fail('m'),
    ):
        with pytest.raises(hookcmds.Error) as exc:
            call()
        assert exc.value.stderr == 'ERROR not running an action\n'


def test_action_set_flattens_and_stringifies(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup')
    hookcmds.action_set({'a': {'b': 1, 'c': {'d': True}}, 'list': [1, 2], 'msg': 'ünï ☃'})
    assert fake_juju.argvs() == [
        ['action-set', 'a.b=1', 'a.c.d=True', 'list=[1, 2]', 'msg=ünï ☃'],
    ]


def test_action_set_invalid_key_is_rejected_by_juju(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.action_set({'Bad_Key': 'x'})
    assert 'must start and end with lowercase alphanumeric' in exc.value.stderr


def test_action_set_stores_results(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup')
    hookcmds.action_set({'result': {'path': '/srv/b.tgz', 'size': 10}, 'ok': 'yes'})
    assert fake_juju.argvs() == [
        ['action-set', 'result.path=/srv/b.tgz', 'result.size=10', 'ok=yes']
    ]
    assert fake_juju.state.get('action')['results'] == {
        'result': {'path': '/srv/b.tgz', 'size': '10'},
        'ok': 'yes',
    }


def test_action_set_error_redacts_values(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.action_set({'stdout': 'the-token'})
    assert 'cannot set reserved action key "stdout"' in exc.value.stderr
    assert exc.value.cmd == ['action-set', 'stdout=<redacted>']
    assert 'the-token' not in str(exc.value)


def test_action_set_duplicate_flattened_key(fake_juju: FakeJuju) -> None:
    with pytest.raises(ValueError, match="duplicate key 'a.b'"):
        hookcmds.action_set({'a': {'b': 1}, 'a.b': 2})
    assert fake_juju.calls() == []


def test_action_log_and_fail(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('backup')
    hookcmds.action_log('-50% done')
    hookcmds.action_fail()
    hookcmds.action_fail('disk full ☹')
    assert fake_juju.argvs() == [
        ['action-log', '--', '-50% done'],
        ['action-fail'],
        ['action-fail', '--', 'disk full ☹'],
    ]
    action = fake_juju.state.get('action')
    assert action['logs'] == ['-50% done']
    assert action['failed'] == 'disk full ☹'


# --- ports -----------------------------------------------------------------------------


def test_open_close_and_list_ports(fake_juju: FakeJuju) -> None:
    hookcmds.open_port('tcp', 8080)
    hookcmds.open_port('udp', 9000, to_port=9010, endpoints=['db', 'admin'])
    hookcmds.open_port('icmp')
    hookcmds.open_port(port=443)
    hookcmds.close_port('tcp', 443)
    assert hookcmds.opened_ports() == [
        hookcmds.Port('tcp', 8080),
        hookcmds.Port('udp', 9000, 9010),
        hookcmds.Port('icmp'),
    ]
    assert hookcmds.opened_ports(endpoints=True) == [
        hookcmds.Port('tcp', 8080, endpoints=['*']),
        hookcmds.Port('udp', 9000, 9010, endpoints=['db', 'admin']),
        hookcmds.Port('icmp', None, endpoints=['*']),
    ]
    assert fake_juju.argvs() == [
        ['open-port', '8080/tcp'],
        ['open-port', '--endpoints', 'db,admin', '9000-9010/udp'],
        ['open-port', 'icmp'],
        ['open-port', '443'],
        ['close-port', '443/tcp'],
        ['opened-ports', '--format=json'],
        ['opened-ports', '--endpoints', '--format=json'],
    ]


def test_port_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(TypeError, match='protocol or a port'):
        hookcmds.open_port()
    with pytest.raises(TypeError, match='protocol or a port'):
        hookcmds.close_port(endpoints='db')
    assert fake_juju.calls() == []
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.open_port('sctp', 80)
    assert 'invalid protocol' in exc.value.stderr
    with pytest.raises(hookcmds.Error):
        hookcmds.close_port('tcp', 70000)
    # A protocol a newer Juju may report is passed through (as ops 3.9 does), not an error.
    fake_juju.state.garbage('opened-ports', '["80/tcp", "80/sctp"]')
    assert [(p.protocol, p.port) for p in hookcmds.opened_ports()] == [('tcp', 80), ('sctp', 80)]
    fake_juju.state.garbage('opened-ports', '["eighty/tcp"]')
    with pytest.raises(hookcmds.Error, match='entry 0 of the output is not a port or port range'):
        hookcmds.opened_ports()


# --- config, leadership, logging, reboot, resources, version ---------------------------


def test_config_get(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_config(port=8080, debug=True, ratio=0.5, name='ünï', unset=None)
    assert hookcmds.config_get() == {'port': 8080, 'debug': True, 'ratio': 0.5, 'name': 'ünï'}
    assert hookcmds.config_get('port') == 8080
    assert hookcmds.config_get('unknown') is None
    assert fake_juju.argvs() == [
        ['config-get', '--format=json'],
        ['config-get', '--format=json', 'port'],
        ['config-get', '--format=json', 'unknown'],
    ]


def test_config_get_errors(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('config-get', '[1, 2]')
    with pytest.raises(hookcmds.Error, match='expected the config to be a JSON object'):
        hookcmds.config_get()
    fake_juju.state.fail('config-get', code=1, stderr='ERROR no charm config')
    with pytest.raises(hookcmds.Error):
        hookcmds.config_get()


def test_is_leader(fake_juju: FakeJuju) -> None:
    assert hookcmds.is_leader() is False
    fake_juju.state.set_leader(True)
    assert hookcmds.is_leader() is True
    assert fake_juju.argvs() == [['is-leader', '--format=json']] * 2
    fake_juju.state.fail('is-leader', stderr='ERROR leadership unavailable')
    with pytest.raises(hookcmds.Error):
        hookcmds.is_leader()


def test_juju_log(fake_juju: FakeJuju) -> None:
    hookcmds.juju_log('hello ☃')
    hookcmds.juju_log('-dash first', level='TRACE')
    assert fake_juju.argvs() == [
        ['juju-log', '--log-level', 'INFO', '--', 'hello ☃'],
        ['juju-log', '--log-level', 'TRACE', '--', '-dash first'],
    ]
    assert fake_juju.juju_logs() == [('INFO', 'hello ☃'), ('TRACE', '-dash first')]


def test_juju_log_splits_messages_too_long_for_argv(fake_juju: FakeJuju) -> None:
    message = 'é' * 100_000  # 200,000 bytes of UTF-8
    hookcmds.juju_log(message, level='DEBUG')
    pieces = [argv[-1] for argv in fake_juju.argvs()]
    assert len(pieces) == 2
    assert ''.join(pieces) == message
    assert all(len(p.encode()) <= 131071 for p in pieces)


def test_juju_log_error(fake_juju: FakeJuju) -> None:
    fake_juju.state.fail('juju-log', stderr='ERROR cannot log')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.juju_log('x')
    assert exc.value.stderr == 'ERROR cannot log\n'


def test_juju_reboot(fake_juju: FakeJuju) -> None:
    hookcmds.juju_reboot()
    hookcmds.juju_reboot(now=True)
    assert fake_juju.argvs() == [['juju-reboot'], ['juju-reboot', '--now']]
    assert fake_juju.state.get('reboot') == {'now': True}
    fake_juju.state.set_action('a')
    with pytest.raises(hookcmds.Error, match='juju-reboot'):
        hookcmds.juju_reboot()


def test_resource_get(fake_juju: FakeJuju) -> None:
    fake_juju.state.add_resource('image', '/var/lib/juju/res/image.tar')
    assert hookcmds.resource_get('image') == Path('/var/lib/juju/res/image.tar')
    assert fake_juju.argvs() == [['resource-get', 'image']]
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.resource_get('missing')
    assert 'could not download resource' in exc.value.stderr
    fake_juju.state.garbage('resource-get', '\n')
    with pytest.raises(hookcmds.Error, match='printed no path'):
        hookcmds.resource_get('image')


def test_app_version_set(fake_juju: FakeJuju) -> None:
    hookcmds.app_version_set('-1.2.3+ü')
    assert fake_juju.argvs() == [['application-version-set', '--', '-1.2.3+ü']]
    assert fake_juju.state.get('workload_version') == '-1.2.3+ü'
    fake_juju.state.fail('application-version-set')
    with pytest.raises(hookcmds.Error):
        hookcmds.app_version_set('1')


# --- credential-get, goal-state, network-get -------------------------------------------

CREDENTIAL = {
    'type': 'lxd',
    'name': 'localhost',
    'region': 'default',
    'endpoint': 'https://10.0.0.1:8443',
    'identity-endpoint': '',
    'storage-endpoint': '',
    'credential': {
        'auth-type': 'certificate',
        'attrs': {'client-cert': 'CERT', 'client-key': 'KEY'},
        'redacted': [],
    },
    'cacertificates': ['-----BEGIN CERTIFICATE-----'],
    'skip-tls-verify': False,
    'is-controller-cloud': True,
}


def test_credential_get(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_credential(CREDENTIAL)
    spec = hookcmds.credential_get()
    assert spec == hookcmds.CloudSpec(
        type='lxd',
        name='localhost',
        region='default',
        endpoint='https://10.0.0.1:8443',
        identity_endpoint=None,
        storage_endpoint=None,
        credential=hookcmds.CloudCredential(
            auth_type='certificate', attributes={'client-cert': 'CERT', 'client-key': 'KEY'}
        ),
        ca_certificates=['-----BEGIN CERTIFICATE-----'],
        skip_tls_verify=False,
        is_controller_cloud=True,
    )
    assert 'KEY' not in repr(spec)
    assert fake_juju.argvs() == [['credential-get', '--format=json']]


def test_credential_get_minimal_and_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.credential_get()
    assert 'cannot access cloud credentials: permission denied' in exc.value.stderr
    fake_juju.state.set_credential({'type': 'ec2', 'name': 'aws'})
    assert hookcmds.credential_get() == hookcmds.CloudSpec(type='ec2', name='aws')
    fake_juju.state.garbage(
        'credential-get', '{"type": "ec2", "name": "aws", "credential": {"attrs": {}}}'
    )
    with pytest.raises(hookcmds.Error, match="no 'auth-type' key"):
        hookcmds.credential_get()
    fake_juju.state.garbage('credential-get', '{}')
    with pytest.raises(hookcmds.Error, match="no 'type' key"):
        hookcmds.credential_get()


def test_goal_state(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_goal_state(
        {
            'units': {
                'myapp/0': {'status': 'active', 'since': '2023-05-23 17:05:05Z'},
                'myapp/1': {'status': 'dying', 'since': '2023-05-23T17:05:06.5+02:00'},
            },
            'relations': {'db': {'pg': {'status': 'joined', 'since': '2023-05-23 17:05:05Z'}}},
        }
    )
    goal = hookcmds.goal_state()
    utc = datetime.timezone.utc
    assert goal.units['myapp/0'] == hookcmds.Goal(
        status='active', since=datetime.datetime(2023, 5, 23, 17, 5, 5, tzinfo=utc)
    )
    assert goal.units['myapp/1'].since == datetime.datetime(
        2023, 5, 23, 17, 5, 6, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert goal.relations == {
        'db': {
            'pg': hookcmds.Goal(
                status='joined', since=datetime.datetime(2023, 5, 23, 17, 5, 5, tzinfo=utc)
            )
        }
    }
    assert fake_juju.argvs() == [['goal-state', '--format=json']]


def test_goal_state_errors(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_goal_state({'units': {'a/0': {'status': 'active', 'since': 'yesterday'}}})
    with pytest.raises(hookcmds.Error, match="'since' in units\\['a/0'\\] is not a timestamp"):
        hookcmds.goal_state()
    fake_juju.state.set_goal_state({'units': {'a/0': {'since': '2023-05-23 17:05:05Z'}}})
    with pytest.raises(hookcmds.Error, match="no 'status' key"):
        hookcmds.goal_state()


NETWORK = {
    'bind-addresses': [
        {
            'mac-address': 'de:ad:be:ef:ca:fe',
            'interface-name': 'eth0',
            'addresses': [
                {'hostname': '', 'value': '10.1.2.3', 'cidr': '10.1.2.0/24'},
                {'hostname': 'h', 'value': 'fe80::1', 'cidr': 'fe80::/64'},
            ],
        }
    ],
    'egress-subnets': ['10.1.2.3/32'],
    'ingress-addresses': ['10.1.2.3'],
}


def test_network_get(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_network('db', NETWORK)
    rel = fake_juju.state.add_relation('db', 'pg', relation_id=3)
    net = hookcmds.network_get('db')
    assert net == hookcmds.Network(
        bind_addresses=[
            hookcmds.BindAddress(
                mac_address='de:ad:be:ef:ca:fe',
                interface_name='eth0',
                addresses=[
                    hookcmds.Address(hostname='', value='10.1.2.3', cidr='10.1.2.0/24'),
                    hookcmds.Address(hostname='h', value='fe80::1', cidr='fe80::/64'),
                ],
            )
        ],
        egress_subnets=['10.1.2.3/32'],
        ingress_addresses=['10.1.2.3'],
    )
    assert hookcmds.network_get('db', relation_id=rel) == net
    assert fake_juju.argvs() == [
        ['network-get', '--format=json', 'db'],
        ['network-get', '--format=json', '-r', '3', 'db'],
    ]


def test_network_get_tolerates_old_and_partial_output(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage(
        'network-get',
        json.dumps(
            {
                'bind-addresses': [
                    {'addresses': None},
                    {'interface-name': 'eth1', 'addresses': [{'address': '192.168.0.2'}]},
                ]
            }
        ),
    )
    net = hookcmds.network_get('old')
    assert net.bind_addresses == [
        hookcmds.BindAddress(mac_address='', interface_name='', addresses=[]),
        hookcmds.BindAddress(
            mac_address='',
            interface_name='eth1',
            addresses=[hookcmds.Address(hostname='', value='192.168.0.2', cidr='')],
        ),
    ]
    assert (net.egress_subnets, net.ingress_addresses) == ([], [])


def test_network_get_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.network_get('foo')
    assert exc.value.stderr == 'ERROR no network config found for binding "foo"\n'
    fake_juju.state.set_network('db', NETWORK)
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.network_get('db', relation_id=12)
    assert exc.value.returncode == 2
    fake_juju.state.garbage('network-get', '{"bind-addresses": {"a": 1}}')
    with pytest.raises(hookcmds.Error, match="'bind-addresses' to be a JSON array"):
        hookcmds.network_get('db')


# --- controller-side state -------------------------------------------------------------


def test_state_set_get_delete(fake_juju: FakeJuju) -> None:
    hookcmds.state_set({'a': '1', 'ü': 'ß ☃'})
    assert hookcmds.state_get('a') == '1'
    assert hookcmds.state_get(None) == {'a': '1', 'ü': 'ß ☃'}
    hookcmds.state_delete('a')
    assert hookcmds.state_get('a') == ''
    calls = fake_juju.calls()
    assert [c.argv for c in calls] == [
        ['state-set', '--file', '-'],
        ['state-get', '--format=json', 'a'],
        ['state-get', '--format=json'],
        ['state-delete', 'a'],
        ['state-get', '--format=json', 'a'],
    ]
    assert json.loads(calls[0].stdin or '') == {'a': '1', 'ü': 'ß ☃'}


def test_state_get_juju4_null_means_empty(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_juju_version('4.0.0')
    assert hookcmds.state_get(None) == {}
    fake_juju.state.garbage('state-get', '')
    assert hookcmds.state_get('missing') == ''


def test_state_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(TypeError, match='state keys and values must be str'):
        hookcmds.state_set({'a': 1})  # type: ignore[dict-item]
    fake_juju.state.fail('state-set', stderr='ERROR quota exceeded')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.state_set({'big': 'value'})
    assert 'value' not in str(exc.value)
    fake_juju.state.fail('state-delete', stderr='ERROR boom')
    with pytest.raises(hookcmds.Error):
        hookcmds.state_delete('a')
    fake_juju.state.garbage('state-get', '["a"]')
    with pytest.raises(hookcmds.Error, match='JSON object, got a JSON array'):
        hookcmds.state_get(None)


# --- storage ---------------------------------------------------------------------------


def test_storage_commands(fake_juju: FakeJuju, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_juju.state.add_storage('data/0', '/srv/data')
    fake_juju.state.add_storage('data/1', '/srv/data1')
    fake_juju.state.add_storage('cache/0', '/dev/sdb', kind='block')
    assert hookcmds.storage_list() == ['data/0', 'data/1', 'cache/0']
    assert hookcmds.storage_list('data') == ['data/0', 'data/1']
    assert hookcmds.storage_get('cache/0') == hookcmds.Storage(
        kind='block', location=Path('/dev/sdb')
    )
    monkeypatch.setenv('JUJU_STORAGE_ID', 'data/1')
    assert hookcmds.storage_get() == hookcmds.Storage(
        kind='filesystem', location=Path('/srv/data1')
    )
    hookcmds.storage_add({'data': 2, 'cache': 1})
    assert fake_juju.state.get('storage_added') == {'data': 2, 'cache': 1}
    assert fake_juju.argvs() == [
        ['storage-list', '--format=json'],
        ['storage-list', '--format=json', 'data'],
        ['storage-get', '--format=json', '-s', 'cache/0'],
        ['storage-get', '--format=json'],
        ['storage-add', 'data=2', 'cache=1'],
    ]


def test_storage_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.storage_get('data/9')
    assert exc.value.returncode == 2
    assert 'storage not found' in exc.value.stderr
    with pytest.raises(TypeError, match='must be an int'):
        hookcmds.storage_add({'data': True})
    fake_juju.state.fail('storage-add', stderr='ERROR storage "x" not found')
    with pytest.raises(hookcmds.Error):
        hookcmds.storage_add({'x': 1})
    fake_juju.state.garbage('storage-list', '"data/0"')
    with pytest.raises(hookcmds.Error, match='JSON array, got a JSON string'):
        hookcmds.storage_list()
