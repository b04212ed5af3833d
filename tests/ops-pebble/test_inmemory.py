"""The client over the in-process transport behaves as it does over the test server's socket,
both answered by the same simulated Pebble."""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Iterator
from typing import Any

import ops_pebble
import pytest
from ops_testing._pebble import (
    ExecOutcome,
    ExecRequest,
    PebbleAPI,
    PebbleModel,
    PebbleServer,
    in_process_client,
)


def unit_test_client(model: PebbleModel) -> ops_pebble.Client:
    """A client as Context and Harness give containers (ops 3.9's testing answers)."""
    return in_process_client(PebbleAPI(model, ops39_errors=True))


LAYER = {
    'services': {'web': {'override': 'replace', 'command': 'web', 'startup': 'enabled'}},
    'checks': {'up': {'override': 'replace', 'level': 'alive', 'tcp': {'port': 1}}},
}


@pytest.fixture(params=['disk', 'memory'])
def model(request: pytest.FixtureRequest, workdir: str) -> PebbleModel:
    """The container's files on disk, or held in memory until the root is needed."""
    return PebbleModel(
        os.path.join(workdir, 'root'), name='app', in_memory_files=request.param == 'memory'
    )


@pytest.fixture(params=['in-process', 'socket'])
def any_client(request: pytest.FixtureRequest, model: PebbleModel, workdir: str) -> Iterator[Any]:
    if request.param == 'in-process':
        yield in_process_client(PebbleAPI(model))
        return
    with PebbleServer(model, f'{workdir}/p.socket', change_delay=0) as server:
        client = ops_pebble.Client(server.socket_path, timeout=3)
        yield client
        client.close()


def test_layers_services_and_errors_agree(any_client: Any) -> None:
    any_client.add_layer('a', LAYER)
    assert any_client.get_plan().services['web'].command == 'web'
    with pytest.raises(ops_pebble.APIError, match='layer "a" already exists'):
        any_client.add_layer('a', LAYER)
    any_client.replan_services()
    assert [s.is_running() for s in any_client.get_services()] == [True]
    with pytest.raises(
        ops_pebble.APIError, match='cannot stop services: service "zz" does not exist'
    ):
        any_client.stop_services(['zz'])
    with pytest.raises(TypeError):
        any_client.start_services('web')
    [check] = any_client.get_checks()
    assert check.status is ops_pebble.CheckStatus.UP and check.level is ops_pebble.CheckLevel.ALIVE


def test_file_operations_agree(any_client: Any) -> None:
    any_client.push('/etc/x.conf', 'content', make_dirs=True, permissions=0o640)
    assert any_client.pull('/etc/x.conf').read() == 'content'
    assert any_client.pull('/etc/x.conf', encoding=None).read() == b'content'
    [info] = any_client.list_files('/etc')
    assert (info.name, info.permissions, info.size) == ('x.conf', 0o640, 7)
    with pytest.raises(ops_pebble.PathError) as exc:
        any_client.pull('/nope')
    assert (exc.value.kind, exc.value.message) == (
        'not-found',
        'stat /nope: no such file or directory',
    )
    with pytest.raises(ops_pebble.APIError) as api_exc:
        any_client.list_files('/nope')
    assert api_exc.value.code == 404
    with pytest.raises(ops_pebble.PathError, match='file exists'):
        any_client.make_dir('/etc')
    any_client.remove_path('/etc', recursive=True)
    with pytest.raises(ops_pebble.PathError, match='not-found'):
        any_client.remove_path('/etc')


def test_notices_and_identities_agree(any_client: Any) -> None:
    notice_id = any_client.notify(ops_pebble.NoticeType.CUSTOM, 'example.com/a', data={'k': 'v'})
    any_client.notify(
        ops_pebble.NoticeType.CUSTOM, 'example.com/a', repeat_after=datetime.timedelta(hours=1)
    )
    notice = any_client.get_notice(notice_id)
    assert notice.occurrences == 2 and notice.last_data == {}  # the last came without data
    with pytest.raises(ops_pebble.APIError, match='must be in "example.com/path" format'):
        any_client.notify(ops_pebble.NoticeType.CUSTOM, 'nope')
    any_client.replace_identities({'bob': {'access': 'read', 'local': {'user-id': 7}}})
    assert any_client.get_identities()['bob'].local.user_id == 7


def test_disconnected_model(model: PebbleModel) -> None:
    model.can_connect = False
    model.connect_error_message = (
        'Cannot connect to Pebble; did you forget to set can_connect=True?'
    )
    with pytest.raises(ops_pebble.ConnectionError, match='did you forget'):
        unit_test_client(model).get_system_info()


def test_exec_handlers_longest_prefix_and_history(model: PebbleModel) -> None:
    client = unit_test_client(model)
    model.add_exec_handler([], stdout='anything\n')
    model.add_exec_handler(['git'], stdout='git\n')
    model.add_exec_handler(['git', 'push'], exit_code=1, stderr='denied\n')
    seen: list[ExecRequest] = []

    def handler(request: ExecRequest) -> ExecOutcome:
        seen.append(request)
        return ExecOutcome(stdout=f'env={request.environment["X"]} stdin={request.stdin}')

    model.add_exec_handler(['echo'], handler)
    assert client.exec(['ls']).wait_output() == ('anything\n', '')
    assert client.exec(['git', 'log']).wait_output()[0] == 'git\n'
    with pytest.raises(ops_pebble.ExecError) as exc:
        client.exec(['git', 'push', '--token=abc']).wait_output()
    assert exc.value.stderr == 'denied\n' and 'abc' not in str(exc.value)
    out, _ = client.exec(['echo'], environment={'X': '1'}, stdin='in').wait_output()
    assert out == 'env=1 stdin=in'
    assert [r.command[0] for r in model.exec_history] == ['ls', 'git', 'git', 'echo']
    assert seen[0].stdin == 'in'
    out_bytes, err = client.exec(['ls'], encoding=None, combine_stderr=True).wait_output()
    # Real Pebble's client gives None here; the Harness and Scenario (the in-memory
    # client's users) have always given an empty stderr.
    assert out_bytes == b'anything\n' and err == b''
    sink = io.StringIO()
    client.exec(['ls'], stdout=sink).wait()
    assert sink.getvalue() == 'anything\n'


def test_unmatched_exec_and_timeout(model: PebbleModel) -> None:
    client = unit_test_client(model)
    with pytest.raises(ops_pebble.APIError, match="no exec handler registered for 'ls'"):
        client.exec(['ls'])
    model.unmatched_exec = lambda command: ops_pebble.ExecError(command, 127, '', 'mock not found')
    with pytest.raises(ops_pebble.ExecError):
        client.exec(['ls'])

    def slow(request: ExecRequest) -> None:
        raise TimeoutError

    model.add_exec_handler(['sleep'], slow)
    with pytest.raises(ops_pebble.TimeoutError):
        client.exec(['sleep', '10'], timeout=1).wait()


def test_check_failure_produces_change_update_notices(model: PebbleModel) -> None:
    model.record_change_updates = True
    client = unit_test_client(model)
    client.add_layer('a', LAYER)
    perform = client.get_checks()[0].change_id
    for _ in range(3):
        model.record_check_result('up', ok=False)
    assert client.get_change(perform).status == 'Error'
    keys = [n.key for n in client.get_notices(types=[ops_pebble.NoticeType.CHANGE_UPDATE])]
    assert perform in keys
    recover = client.get_checks()[0].change_id
    model.record_check_result('up', ok=True)
    assert client.get_change(recover).status == 'Done'
    assert client.get_checks()[0].status is ops_pebble.CheckStatus.UP


def test_notice_repeat_semantics(model: PebbleModel) -> None:
    t0 = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    first, new = model.add_notice('custom', 'a.com/x', repeat_after=60, when=t0)
    assert new
    _, repeated = model.add_notice('custom', 'a.com/x', when=t0 + datetime.timedelta(seconds=30))
    assert not repeated
    _, repeated = model.add_notice('custom', 'a.com/x', when=t0 + datetime.timedelta(seconds=90))
    assert repeated
    assert model.get_notice(first)['occurrences'] == 3


def test_change_update_notices_are_off_by_default(model: PebbleModel) -> None:
    client = unit_test_client(model)
    client.add_layer('a', LAYER)
    client.replan_services()
    assert client.get_notices() == []
