"""exec over the websockets against real processes run by the test server."""

from __future__ import annotations

import io
import signal
import time

import ops_pebble
import pytest
from ops_testing._pebble import PebbleModel, PebbleServer


def test_wait_output_text_and_bytes(client: ops_pebble.Client) -> None:
    out, err = client.exec(['sh', '-c', 'echo out; echo err >&2']).wait_output()
    assert (out, err) == ('out\n', 'err\n')
    out, err = client.exec(['printf', '\\x00\\xff'], encoding=None).wait_output()
    assert out == b'\x00\xff' and err == b''


def test_combine_stderr(client: ops_pebble.Client) -> None:
    process = client.exec(['sh', '-c', 'echo a; echo b >&2'], combine_stderr=True)
    assert process.stderr is None
    out, err = process.wait_output()
    assert sorted(out.split()) == ['a', 'b'] and err is None
    with pytest.raises(ValueError, match='combine_stderr'):
        client.exec(['true'], combine_stderr=True, stderr=io.StringIO())


def test_stdin_as_str_bytes_and_stream(client: ops_pebble.Client) -> None:
    assert client.exec(['cat'], stdin='hello').wait_output()[0] == 'hello'
    assert client.exec(['cat'], stdin=b'\x01\x02', encoding=None).wait_output()[0] == b'\x01\x02'
    data = 'line\n' * 50_000
    assert client.exec(['wc', '-l'], stdin=io.StringIO(data)).wait_output()[0].strip() == '50000'
    with pytest.raises(ValueError, match='encoding'):
        client.exec(['cat'], stdin='x', encoding=None)
    with pytest.raises(ValueError, match='encoding'):
        client.exec(['cat'], stdin=b'x')


def test_interactive_stdin_and_stdout_streams(client: ops_pebble.Client) -> None:
    process = client.exec(['cat'])
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write('first\n')
    assert process.stdout.readline() == 'first\n'
    process.stdin.write('second\n')
    process.stdin.close()
    assert process.stdout.read() == 'second\n'
    process.wait()


def test_output_into_given_streams(client: ops_pebble.Client) -> None:
    out, err = io.StringIO(), io.StringIO()
    process = client.exec(['sh', '-c', 'echo to-out; echo to-err >&2'], stdout=out, stderr=err)
    assert process.stdout is None and process.stderr is None
    process.wait()
    assert out.getvalue() == 'to-out\n' and err.getvalue() == 'to-err\n'
    with pytest.raises(TypeError, match='wait_output'):
        client.exec(['true'], stdout=io.StringIO()).wait_output()


def test_large_output_streams(client: ops_pebble.Client) -> None:
    out, _ = client.exec(['head', '-c', str(8 << 20), '/dev/zero'], encoding=None).wait_output()
    assert len(out) == 8 << 20


def test_non_zero_exit_names_only_argv0(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.ExecError) as exc:
        client.exec(['sh', '-c', 'echo --password=hunter2 >&2; exit 7']).wait_output()
    err = exc.value
    assert err.exit_code == 7 and err.stderr == '--password=hunter2\n'
    assert str(err).startswith("non-zero exit code 7 executing 'sh'")
    assert 'exit 7' not in str(err)
    with pytest.raises(ops_pebble.ExecError) as exc2:
        client.exec(['sh', '-c', 'exit 3']).wait()
    assert exc2.value.exit_code == 3 and exc2.value.stdout is None


def test_environment_working_dir_and_service_context(
    client: ops_pebble.Client, model: PebbleModel
) -> None:
    client.make_dir('/work')
    out, _ = client.exec(
        ['sh', '-c', 'echo $GREETING; pwd'], environment={'GREETING': 'hi'}, working_dir='/work'
    ).wait_output()
    greeting, cwd = out.split()
    assert greeting == 'hi' and cwd == model.fs.host_path('/work')
    client.add_layer(
        'l',
        {
            'services': {
                'svc': {
                    'override': 'replace',
                    'command': 'x',
                    'environment': {'FROM_SVC': 'yes', 'X': '1'},
                }
            }
        },
    )
    out, _ = client.exec(
        ['sh', '-c', 'echo $FROM_SVC $X'], service_context='svc', environment={'X': '2'}
    ).wait_output()
    assert out.split() == ['yes', '2']
    assert model.exec_history[-1].command == ['sh', '-c', 'echo $FROM_SVC $X']


def test_missing_executable_is_an_api_error(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.APIError, match='cannot find executable "no-such-program"'):
        client.exec(['no-such-program'])


def test_argument_validation(client: ops_pebble.Client) -> None:
    with pytest.raises(TypeError):
        client.exec('ls')  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.exec([])


def test_timeout_kills_the_command_and_never_hangs(client: ops_pebble.Client) -> None:
    start = time.monotonic()
    with pytest.raises(ops_pebble.ChangeError, match='timed out after'):
        client.exec(['sleep', '30'], timeout=0.5).wait()
    assert time.monotonic() - start < 5


def test_websockets_never_hang_past_the_timeout(server: PebbleServer) -> None:
    client = ops_pebble.Client(server.socket_path, timeout=1.0)
    server.inject_fault('exec-silent', path='/v1/exec')
    process = client.exec(['true'], timeout=0.5)
    start = time.monotonic()
    with pytest.raises(ops_pebble.TimeoutError):
        process.wait_output()
    assert time.monotonic() - start < 5
    server.inject_fault('exec-silent', path='/v1/exec')
    process = client.exec(['true'], timeout=0.5)
    start = time.monotonic()
    with pytest.raises(ops_pebble.TimeoutError):
        process.wait()
    assert time.monotonic() - start < 5


def test_send_signal(client: ops_pebble.Client) -> None:
    process = client.exec(['sleep', '30'])
    process.send_signal(signal.SIGTERM)
    with pytest.raises(ops_pebble.ExecError) as exc:
        process.wait()
    assert exc.value.exit_code == 143  # killed by SIGTERM: 128 + 15, as Pebble reports it
    process = client.exec(
        ['sh', '-c', 'trap "echo got-hup; exit 0" HUP; echo ready; sleep 30 >/dev/null & wait']
    )
    assert process.stdout is not None and process.stdout.readline() == 'ready\n'
    process.send_signal('SIGHUP')
    assert process.wait_output()[0] == 'got-hup\n'


def test_unwaited_process_warns(client: ops_pebble.Client) -> None:
    process = client.exec(['true'])
    with pytest.warns(ResourceWarning, match='never waited'):
        process.__del__()
    process.wait()


def test_websocket_connection_failure_reports_the_change_error(
    model: PebbleModel, workdir: str
) -> None:
    with PebbleServer(model, f'{workdir}/ws.socket', websocket_wait=0.3) as server:
        client = ops_pebble.Client(server.socket_path, timeout=2)
        server.inject_fault('close-before-response', path='/v1/tasks', count=5)
        with pytest.raises(ops_pebble.ChangeError, match='timed out waiting for websockets'):
            client.exec(['true'])
