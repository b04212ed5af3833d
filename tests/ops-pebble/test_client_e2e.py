"""Every Client method end to end over a real unix socket against the test server."""

from __future__ import annotations

import datetime
import threading
import time

import ops_pebble
import pytest
from ops_testing._pebble import PebbleModel, PebbleServer

LAYER = {
    'summary': 'web layer',
    'services': {
        'web': {'override': 'replace', 'command': '/bin/web --port 80', 'startup': 'enabled'},
        'worker': {'override': 'replace', 'command': '/bin/worker'},
    },
    'checks': {
        'ready': {'override': 'replace', 'level': 'ready', 'http': {'url': 'http://localhost/'}},
        'idle': {'override': 'replace', 'startup': 'disabled', 'exec': {'command': 'true'}},
    },
}


def test_system_info(client: ops_pebble.Client) -> None:
    assert client.get_system_info().version == 'v1.32.1'


def test_add_layer_and_get_plan(client: ops_pebble.Client) -> None:
    client.add_layer('base', LAYER)
    plan = client.get_plan()
    assert sorted(plan.services) == ['web', 'worker']
    assert plan.services['web'].command == '/bin/web --port 80'
    assert plan.checks['ready'].level is ops_pebble.CheckLevel.READY
    client.add_layer(
        'over',
        ops_pebble.Layer({'services': {'web': {'override': 'merge', 'environment': {'A': 'b'}}}}),
    )
    client.add_layer(
        'base', 'services:\n  worker: {override: merge, startup: enabled}\n', combine=True
    )
    plan = client.get_plan()
    assert plan.services['web'].environment == {'A': 'b'}
    assert plan.services['worker'].startup == 'enabled'


def test_add_layer_errors(client: ops_pebble.Client) -> None:
    client.add_layer('base', LAYER)
    with pytest.raises(ops_pebble.APIError, match='layer "base" already exists') as exc:
        client.add_layer('base', LAYER)
    assert exc.value.code == 400 and exc.value.status == 'Bad Request'
    with pytest.raises(ops_pebble.APIError, match='must define "override" for service "x"'):
        client.add_layer('other', {'services': {'x': {'command': 'y'}}})
    with pytest.raises(TypeError):
        client.add_layer(1, LAYER)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.add_layer('x', 42)  # type: ignore[arg-type]


def test_services_lifecycle(client: ops_pebble.Client) -> None:
    client.add_layer('base', LAYER)
    services = {s.name: s for s in client.get_services()}
    assert services['web'].startup is ops_pebble.ServiceStartup.ENABLED
    assert services['web'].current is ops_pebble.ServiceStatus.INACTIVE
    change_id = client.autostart_services()
    assert isinstance(change_id, ops_pebble.ChangeID)
    assert client.get_services(['web'])[0].is_running()
    assert not client.get_services(['worker'])[0].is_running()
    client.start_services(['worker'])
    assert client.get_services(['worker'])[0].is_running()
    client.stop_services(['web', 'worker'])
    assert not any(s.is_running() for s in client.get_services())
    client.restart_services(['web'])
    client.replan_services()
    assert client.get_services(['web'])[0].is_running()
    change = client.get_change(change_id)
    assert change.ready and change.status == 'Done' and change.kind == 'autostart'


def test_service_errors(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.APIError, match='no default services'):
        client.autostart_services()
    client.add_layer('base', LAYER)
    with pytest.raises(ops_pebble.APIError, match='service "nope" does not exist'):
        client.start_services(['nope'])
    with pytest.raises(TypeError, match='list of str'):
        client.start_services('web')
    with pytest.raises(TypeError, match='list of str'):
        client.stop_services([1])  # type: ignore[list-item]


def test_fire_and_forget_then_wait_change(client: ops_pebble.Client, server: PebbleServer) -> None:
    client.add_layer('base', LAYER)
    server.change_delay = 1.0
    change_id = client.start_services(['web'], timeout=0)
    assert not client.get_change(change_id).ready
    in_progress = client.get_changes()
    assert change_id in [c.id for c in in_progress]
    change = client.wait_change(change_id, timeout=5)
    assert change.ready
    assert change_id in [c.id for c in client.get_changes(ops_pebble.ChangeState.READY)]
    assert change_id in [
        c.id for c in client.get_changes(ops_pebble.ChangeState.ALL, service='web')
    ]


def test_wait_change_times_out(client: ops_pebble.Client, server: PebbleServer) -> None:
    client.add_layer('base', LAYER)
    server.change_delay = 10
    change_id = client.start_services(['web'], timeout=0)
    start = time.monotonic()
    with pytest.raises(ops_pebble.TimeoutError, match=f'timed out waiting for change {change_id}'):
        client.wait_change(change_id, timeout=0.5)
    assert time.monotonic() - start < 3
    aborted = client.abort_change(change_id)
    assert aborted.ready and aborted.err


def test_failed_change_raises_change_error(client: ops_pebble.Client, model: PebbleModel) -> None:
    change_id = model.new_change('start', 'Start service "x"', ready=False)
    threading.Timer(
        0.1, model.finish_change, args=(change_id,), kwargs={'err': 'cannot start: boom'}
    ).start()
    with pytest.raises(ops_pebble.APIError):
        client.get_change('999')
    change = client.wait_change(change_id, timeout=5)
    # Pebble's wording for a change whose task failed.
    assert (
        change.err
        == 'cannot perform the following tasks:\n- Start service "x" (cannot start: boom)'
    )
    assert 'cannot start: boom' in str(ops_pebble.ChangeError(change.err, change))


def test_unknown_change(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.APIError, match='cannot find change with id "42"') as exc:
        client.get_change(ops_pebble.ChangeID('42'))
    assert exc.value.code == 404
    assert exc.value.body['result'] == {'message': 'cannot find change with id "42"'}


def test_send_signal(client: ops_pebble.Client) -> None:
    client.add_layer('base', LAYER)
    with pytest.raises(ops_pebble.APIError, match='service is not running'):
        client.send_signal('SIGHUP', ['web'])
    client.autostart_services()
    client.send_signal('SIGHUP', ['web'])
    client.send_signal(1, ['web'])  # int signals are sent by name
    with pytest.raises(TypeError):
        client.send_signal('SIGHUP', 'web')


def test_checks(client: ops_pebble.Client, model: PebbleModel) -> None:
    client.add_layer('base', LAYER)
    checks = {c.name: c for c in client.get_checks()}
    assert checks['ready'].status is ops_pebble.CheckStatus.UP
    assert checks['ready'].change_id
    assert checks['idle'].status is ops_pebble.CheckStatus.INACTIVE
    assert [c.name for c in client.get_checks(level=ops_pebble.CheckLevel.READY)] == ['ready']
    assert [c.name for c in client.get_checks(names=['idle'])] == ['idle']
    assert client.start_checks(['idle', 'ready']) == ['idle']
    assert client.stop_checks(['ready']) == ['ready']
    assert client.get_checks(names=['ready'])[0].status is ops_pebble.CheckStatus.INACTIVE
    for _ in range(3):
        model.record_check_result('idle', ok=False)
    idle = client.get_checks(names=['idle'])[0]
    assert idle.status is ops_pebble.CheckStatus.DOWN and idle.failures == 3
    assert client.get_change(idle.change_id).kind == 'recover-check'


def test_notices(client: ops_pebble.Client) -> None:
    first = client.notify(ops_pebble.NoticeType.CUSTOM, 'example.com/thing', data={'a': '1'})
    again = client.notify(
        ops_pebble.NoticeType.CUSTOM, 'example.com/thing', repeat_after=datetime.timedelta(hours=1)
    )
    assert first == again
    notice = client.get_notice(first)
    # The second occurrence came without data, so none is left (as in Pebble).
    assert notice.occurrences == 2 and notice.last_data == {}
    assert notice.repeat_after == datetime.timedelta(hours=1)
    other = client.notify(ops_pebble.NoticeType.CUSTOM, 'example.com/other')
    keys = [n.key for n in client.get_notices(types=[ops_pebble.NoticeType.CUSTOM])]
    assert keys == ['example.com/thing', 'example.com/other']
    assert [n.id for n in client.get_notices(keys=['example.com/other'])] == [other]
    assert client.get_notices(users=ops_pebble.NoticesUsers.ALL, user_id=None)
    with pytest.raises(ops_pebble.APIError, match='cannot find notice'):
        client.get_notice('999')
    with pytest.raises(ops_pebble.APIError, match='example.com/path'):
        client.notify(ops_pebble.NoticeType.CUSTOM, 'bad key')


def test_identities(client: ops_pebble.Client) -> None:
    client.replace_identities(
        {
            'bob': ops_pebble.Identity(access='read', local=ops_pebble.LocalIdentity(42)),
            'web': {'access': 'admin', 'basic': {'password': '$6$hash'}},
        }
    )
    ids = client.get_identities()
    assert ids['bob'].local == ops_pebble.LocalIdentity(42)
    assert ids['web'].basic == ops_pebble.BasicIdentity('*****')
    client.remove_identities(['bob'])
    assert list(client.get_identities()) == ['web']
    client.replace_identities({'web': None})
    assert client.get_identities() == {}
    with pytest.raises(ops_pebble.APIError, match='identities do not exist'):
        client.remove_identities(['ghost'])


def test_warnings_are_gone_from_current_pebble(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.APIError) as exc:
        client.get_warnings()
    assert exc.value.code == 404
    with pytest.raises(ops_pebble.APIError):
        client.ack_warnings(datetime.datetime.now())


def test_connection_is_reused(client: ops_pebble.Client, server: PebbleServer) -> None:
    client.get_system_info()
    for _ in range(200):
        client.get_system_info()
    with server._server.connections_lock:  # type: ignore[union-attr]
        open_connections = len(server._server.connections)  # type: ignore[union-attr]
    assert open_connections == 1


def test_missing_socket_is_a_connection_error(workdir: str) -> None:
    client = ops_pebble.Client(f'{workdir}/nothing.socket')
    with pytest.raises(ops_pebble.ConnectionError, match='socket not found'):
        client.get_system_info()


def test_wait_change_polls_servers_without_the_wait_endpoint(
    model: PebbleModel, workdir: str
) -> None:
    with PebbleServer(
        model, f'{workdir}/old.socket', change_delay=0.3, wait_endpoint=False
    ) as old:
        client = ops_pebble.Client(old.socket_path, timeout=2)
        client.add_layer('base', LAYER)
        change_id = client.start_services(['web'], timeout=0)
        change = client.wait_change(change_id, timeout=5, delay=0.05)
        assert change.ready
        change_id = client.stop_services(['web'], timeout=0)
        with pytest.raises(ops_pebble.TimeoutError):
            client.wait_change(change_id, timeout=0.1, delay=0.05)
        client.close()


def test_notices_long_poll(client: ops_pebble.Client, model: PebbleModel) -> None:
    threading.Timer(0.3, model.add_notice, args=('custom', 'example.com/late')).start()
    start = time.monotonic()
    resp = client._transport.request(
        'GET', '/v1/notices', {'keys': 'example.com/late', 'timeout': '2s'}, timeout=5
    )
    assert [n['key'] for n in resp['result']] == ['example.com/late']
    assert 0.2 < time.monotonic() - start < 2
    resp = client._transport.request(
        'GET', '/v1/notices', {'keys': 'example.com/none', 'timeout': '0.2s'}
    )
    assert resp['result'] == []


def test_opener_is_used_for_json_requests(server: PebbleServer) -> None:
    import io
    import json
    import urllib.request
    from email.message import Message

    sent: list[urllib.request.Request] = []

    class FakeResponse(io.BytesIO):
        def __init__(self, body: dict) -> None:
            super().__init__(json.dumps(body).encode())
            self.headers = Message()
            self.headers['Content-Type'] = 'application/json'

    class Opener:
        def open(self, request: urllib.request.Request, timeout: float) -> FakeResponse:
            sent.append(request)
            return FakeResponse(
                {'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': {'version': '9.9'}}
            )

    client = ops_pebble.Client(server.socket_path, opener=Opener())
    assert client.get_system_info().version == '9.9'
    assert sent[0].full_url == 'http://localhost/v1/system-info'
