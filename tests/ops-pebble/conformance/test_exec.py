"""Exec: output and exit codes, input (given or streamed), signals, timeouts, the
environment, the working directory, users, and what Pebble refuses up front."""

from __future__ import annotations

import io
import os
import pathlib
import signal
import threading
import time

import ops_pebble
import pytest

from .conftest import Backend, api_error


def test_output_streams_and_exit_codes(pebble: Backend) -> None:
    client = pebble.client
    script = 'echo out; echo err >&2'
    assert client.exec(['sh', '-c', script]).wait_output() == ('out\n', 'err\n')
    assert client.exec(['sh', '-c', script], encoding=None).wait_output() == (b'out\n', b'err\n')
    assert client.exec(['sh', '-c', script], combine_stderr=True).wait_output() == (
        'out\nerr\n',
        None,
    )
    with pytest.raises(ops_pebble.ExecError) as exc:
        client.exec(['sh', '-c', script + '; exit 3']).wait_output()
    assert (exc.value.exit_code, exc.value.stdout, exc.value.stderr) == (3, 'out\n', 'err\n')
    with pytest.raises(ops_pebble.ExecError) as exc:
        client.exec(['sh', '-c', 'exit 4']).wait_output()
    assert str(exc.value) == "non-zero exit code 4 executing 'sh', stdout='', stderr=''"
    with pytest.raises(ops_pebble.ExecError) as exc:
        client.exec(['sh', '-c', 'exit 5']).wait()
    assert str(exc.value) == "non-zero exit code 5 executing 'sh'"
    out, err = io.StringIO(), io.StringIO()
    client.exec(['sh', '-c', script], stdout=out, stderr=err).wait()
    assert (out.getvalue(), err.getvalue()) == ('out\n', 'err\n')


def test_output_that_is_not_valid_in_the_encoding_is_anapi_error(pebble: Backend) -> None:
    process = pebble.client.exec(['printf', '\\377abc'])
    with pytest.raises(UnicodeDecodeError):
        process.wait_output()
    # The process was waited for and its threads are done.
    assert not [t for t in process._threads if t.is_alive()]


def test_input_given_whole_or_streamed(pebble: Backend) -> None:
    client = pebble.client
    assert client.exec(['cat'], stdin='abc\n').wait_output() == ('abc\n', '')
    assert client.exec(['cat'], stdin=b'\x00\xff', encoding=None).wait_output()[0] == b'\x00\xff'
    big = 'x' * 300_000
    assert client.exec(['wc', '-c'], stdin=io.StringIO(big)).wait_output()[0].strip() == str(
        len(big)
    )
    process = client.exec(['cat'])
    assert process.stdin is not None and process.stdout is not None
    lines = []
    for line in ('one\n', 'two\n'):
        process.stdin.write(line)
        process.stdin.flush()
        lines.append(process.stdout.readline())
    process.stdin.close()
    process.wait()
    assert lines == ['one\n', 'two\n']


def test_streaming_both_ways_from_threads(pebble: Backend) -> None:
    process = pebble.client.exec(['cat'], encoding=None)
    assert process.stdin is not None and process.stdout is not None
    stdin = process.stdin

    def feed() -> None:
        for chunk in (b'a\n', b'b\n', b'c\n'):
            stdin.write(chunk)
            stdin.flush()
            time.sleep(0.05)
        stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    assert list(process.stdout) == [b'a\n', b'b\n', b'c\n']
    process.wait()
    feeder.join()


@pytest.mark.parametrize(
    ('sig', 'code'), [('SIGTERM', 143), (signal.SIGKILL, 137), ('SIGUSR1', 138)]
)
def test_a_signalled_process_exits_with_128_plus_the_signal(
    pebble: Backend, sig: int | str, code: int
) -> None:
    process = pebble.client.exec(['sleep', '10'])
    time.sleep(0.2)
    process.send_signal(sig)
    with pytest.raises(ops_pebble.ExecError) as exc:
        process.wait()
    assert exc.value.exit_code == code


def test_signalling_a_process_that_has_exited(pebble: Backend) -> None:
    process = pebble.client.exec(['true'])
    process.wait()
    with pytest.raises(ops_pebble.ConnectionError, match="cannot send SIGTERM to 'true'"):
        process.send_signal('SIGTERM')


def test_timeout_is_a_changeapi_error(pebble: Backend) -> None:
    start = time.monotonic()
    with pytest.raises(ops_pebble.ChangeError) as exc:
        pebble.client.exec(['sleep', '5'], timeout=0.3).wait()
    assert time.monotonic() - start < 3
    assert exc.value.err == (
        'cannot perform the following tasks:\n'
        '- Execute command "sleep" (timed out after 300ms: context deadline exceeded)'
    )
    assert exc.value.change.tasks[0].data == {'exit-code': -1}


def test_timeout_bounds_the_call_when_a_child_keeps_the_output_open(pebble: Backend) -> None:
    process = pebble.client.exec(['sh', '-c', 'setsid sleep 4 & echo started'], timeout=0.3)
    start = time.monotonic()
    with pytest.raises(ops_pebble.TimeoutError, match=r'\(1.3 seconds\)'):
        process.wait_output()
    assert time.monotonic() - start < 3
    for thread in process._threads:
        thread.join(timeout=2)
    assert not [t for t in process._threads if t.is_alive()]


def test_environment_and_working_directory(pebble: Backend) -> None:
    client = pebble.client
    process = client.exec(['sh', '-c', 'echo $A.$B'], environment={'A': '1', 'B': '2'})
    assert process.wait_output()[0] == '1.2\n'
    assert client.exec(['pwd'], working_dir=pebble.base).wait_output()[0] == pebble.base + '\n'
    here = pathlib.Path(pebble.base)
    assert client.exec(['pwd'], working_dir=here).wait_output()[0] == f'{here}\n'
    env = dict(
        line.split('=', 1)
        for line in client.exec(['env']).wait_output()[0].splitlines()
        if '=' in line
    )
    assert env['LANG'] and env['PATH'] and env['HOME'] and env['USER']
    missing = pebble.path('nope')
    error = api_error(lambda: client.exec(['pwd'], working_dir=missing))
    assert (error.code, error.message) == (
        500,
        f'cannot call exec: working directory "{missing}" does not exist',
    )
    answer = client._request(
        'POST', '/v1/exec', body={'command': ['true'], 'environment': {'Q': 'v'}}
    )
    assert answer['result']['environment']['Q'] == 'v'
    assert 'PATH' in answer['result']['environment']
    client.wait_change(answer['change'], timeout=10)


def test_service_context(pebble: Backend) -> None:
    client = pebble.client
    client.add_layer(
        'ctx',
        {
            'services': {
                'svc': {
                    'override': 'replace',
                    'command': 'sleep 600',
                    'environment': {'X': 'svc', 'Y': 'svc'},
                    'working-dir': pebble.base,
                }
            }
        },
    )
    script = ['sh', '-c', 'echo $X.$Y; pwd']
    assert (
        client.exec(script, service_context='svc').wait_output()[0] == f'svc.svc\n{pebble.base}\n'
    )
    out = client.exec(
        script, service_context='svc', environment={'X': 'mine'}, working_dir='/'
    ).wait_output()[0]
    assert out == 'mine.svc\n/\n'
    error = api_error(lambda: client.exec(['true'], service_context='nope'))
    assert (error.code, error.message) == (400, 'context service "nope" not found')


def test_users_and_groups(pebble: Backend) -> None:
    client = pebble.client
    uid = os.getuid()
    assert client.exec(['id', '-u'], user_id=uid).wait_output()[0] == f'{uid}\n'
    error = api_error(lambda: client.exec(['true'], user='no-such-user'))
    assert (error.code, error.message) == (400, 'user: unknown user no-such-user')
    error = api_error(lambda: client.exec(['true'], group='root'))
    assert (error.code, error.message) == (400, 'must specify user, not just group')


def test_refused_up_front(pebble: Backend) -> None:
    client = pebble.client
    for command in (['/no/such/program'], ['no-such-program-anywhere']):
        error = api_error(lambda command=command: client.exec(command))
        assert (error.code, error.message) == (400, f'cannot find executable "{command[0]}"')
    with open(pebble.path('plain'), 'w') as f:
        f.write('not a program')
    error = api_error(lambda: client.exec([pebble.path('plain')]))
    assert error.message == f'cannot find executable "{pebble.path("plain")}"'
    error = api_error(
        lambda: client._request('POST', '/v1/exec', body={'command': ['true'], 'timeout': 'x'})
    )
    assert error.message == 'invalid timeout: time: invalid duration "x"'
    error = api_error(lambda: client._request('POST', '/v1/exec', body={'command': []}))
    assert error.message == 'must specify command'
    with pytest.raises(TypeError):
        client.exec(['true'], working_dir=42)  # type: ignore[arg-type]
