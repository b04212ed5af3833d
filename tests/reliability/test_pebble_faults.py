"""A misbehaving Pebble gives the documented exception in time and leaks nothing.

The server is a separate process: the project's Pebble test server
(``ops_testing._pebble.PebbleServer``) with its fault injection, driven over a pipe, or a
scripted raw socket server for faults in the middle of a stream. The client under test is
``ops_pebble.Client`` in this process, so every thread, file descriptor and temporary file
left behind would be the client's: each test compares ``threading.enumerate()``, the
process's open descriptors and a private temporary directory before and after.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ops_pebble
import pytest

from tests.reliability.conftest import open_fds

TIMEOUT = 1.0  # the client's configured timeout in every test
SLACK = 3.0  # scheduling slack on two busy cores

SERVER = """
import json, sys
from ops_testing._pebble import PebbleModel, PebbleServer
root, sock = sys.argv[1], sys.argv[2]
model = PebbleModel(root, name='workload')
server = PebbleServer(model, sock, change_delay=0.01, websocket_wait=2)
server.start()
print('ready', flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    op = cmd.pop('op')
    if op == 'fault':
        server.inject_fault(cmd.pop('kind'), **cmd)
    elif op == 'restart':
        server.restart()
    elif op == 'write':
        with open(model.fs.host_path(cmd['path']), 'wb') as f:
            f.write(b'x' * cmd['size'])
    print('ok', flush=True)
server.stop()
"""

RAW = """
import socket, sys, time
path, scenario = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
print('ready', flush=True)
conn, _ = srv.accept()
conn.settimeout(10)
data = b''
while b'\\r\\n\\r\\n' not in data:
    chunk = conn.recv(65536)
    if not chunk:
        sys.exit(0)
    data += chunk
if scenario == 'mid-pull':
    boundary = 'a' * 32
    conn.sendall(
        b'HTTP/1.1 200 OK\\r\\nContent-Type: multipart/form-data; boundary=' + boundary.encode()
        + b'\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'
    )
    part = (
        '--' + boundary + '\\r\\nContent-Disposition: form-data; name="files"; filename="/big"'
        '\\r\\nContent-Type: application/octet-stream\\r\\n\\r\\n'
    ).encode() + b'x' * 300000
    conn.sendall(b'%x\\r\\n' % len(part) + part + b'\\r\\n')
elif scenario == 'mid-push':
    received = len(data)
    while received < 200000:
        chunk = conn.recv(65536)
        if not chunk:
            break
        received += len(chunk)
elif scenario == 'mid-headers':
    conn.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Type: applic')
time.sleep(0.1)
conn.close()
time.sleep(5)
"""


@dataclass
class ServerProcess:
    """A Pebble server in another process."""

    proc: subprocess.Popen[str]
    socket_path: str

    def send(self, op: str, **args: Any) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({'op': op, **args}) + '\n')
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == 'ok'

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def workdir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix='relpb-', dir='/tmp')  # short: unix socket path limit
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(argv: list[str], socket_path: str) -> ServerProcess:
    proc = subprocess.Popen(
        [sys.executable, '-c', *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its exec children die with it (killpg below)
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == 'ready'
    return ServerProcess(proc, socket_path)


def _stop(server: ServerProcess) -> None:
    try:
        os.killpg(server.proc.pid, signal.SIGKILL)
    except OSError:
        pass
    server.proc.communicate(timeout=10)


@pytest.fixture
def pebble(workdir: str) -> Iterator[ServerProcess]:
    """The project's Pebble test server, in its own process."""
    root = os.path.join(workdir, 'root')
    os.mkdir(root)
    socket_path = os.path.join(workdir, 'pebble.socket')
    server = _start([SERVER, root, socket_path], socket_path)
    yield server
    _stop(server)


@pytest.fixture
def raw_server(workdir: str) -> Iterator[Any]:
    """``raw_server(scenario)`` starts the scripted server; returns its socket path."""
    started: list[ServerProcess] = []

    def start(scenario: str) -> str:
        socket_path = os.path.join(workdir, f'raw-{scenario}.socket')
        started.append(_start([RAW, socket_path, scenario], socket_path))
        return socket_path

    yield start
    for server in started:
        _stop(server)


class Leaks:
    """Threads, descriptors and temporary files of this process, before and after."""

    def __init__(self, tmpdir: str):
        self.tmpdir = tmpdir
        self.mark()

    def mark(self) -> None:
        """Take the baseline now (after starting servers, before making the client)."""
        self.threads = set(threading.enumerate())
        self.fds = open_fds()

    def assert_none(self) -> None:
        deadline = time.monotonic() + TIMEOUT + SLACK
        while True:
            gc.collect()
            threads = {t for t in threading.enumerate() if t not in self.threads and t.is_alive()}
            fds = open_fds() - self.fds
            files = os.listdir(self.tmpdir)
            if not (threads or fds or files) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert not threads, f'threads left behind: {threads}'
        assert not fds, f'descriptors left open: {fds}'
        assert not files, f'temporary files left behind: {files}'


@pytest.fixture
def leaks(monkeypatch: pytest.MonkeyPatch, workdir: str) -> Iterator[Leaks]:
    tmpdir = os.path.join(workdir, 'tmp')
    os.mkdir(tmpdir)
    monkeypatch.setattr(tempfile, 'tempdir', tmpdir)
    yield Leaks(tmpdir)


def _timed(fn: Any, exc: Any, match: str | None, limit: float) -> BaseException:
    start = time.monotonic()
    with pytest.raises(exc, match=match) as info:
        fn()
    elapsed = time.monotonic() - start
    assert elapsed < limit, f'took {elapsed:.1f}s, more than {limit:.1f}s'
    return info.value


# -- the server closes mid-stream ---------------------------------------------------------------


def test_server_closes_mid_pull(raw_server: Any, leaks: Leaks) -> None:
    path = raw_server('mid-pull')
    leaks.mark()
    client = ops_pebble.Client(path, timeout=TIMEOUT)
    _timed(
        lambda: client.pull('/big'),
        ops_pebble.ConnectionError,
        'closed the connection in the middle of the response to GET /v1/files',
        TIMEOUT + SLACK,
    )
    client.close()
    leaks.assert_none()


def test_server_closes_mid_push(raw_server: Any, leaks: Leaks) -> None:
    path = raw_server('mid-push')
    leaks.mark()
    client = ops_pebble.Client(path, timeout=TIMEOUT)
    payload = b'y' * (8 << 20)
    _timed(
        lambda: client.push('/big', payload),
        ops_pebble.ConnectionError,
        'closed the connection without answering POST /v1/files',
        TIMEOUT + SLACK,
    )
    client.close()
    leaks.assert_none()


def test_server_closes_mid_headers(raw_server: Any, leaks: Leaks) -> None:
    path = raw_server('mid-headers')
    leaks.mark()
    client = ops_pebble.Client(path, timeout=TIMEOUT)
    _timed(
        client.get_services,
        (ops_pebble.ConnectionError, ops_pebble.ProtocolError),
        None,
        TIMEOUT + SLACK,
    )
    client.close()
    leaks.assert_none()


def test_server_dies_mid_exec(pebble: ServerProcess, leaks: Leaks) -> None:
    client = ops_pebble.Client(pebble.socket_path, timeout=TIMEOUT)
    process = client.exec(['sh', '-c', 'echo started; sleep 20'], timeout=30)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == 'started'
    pebble.kill()
    _timed(
        process.wait_output, ops_pebble.ConnectionError, 'connection refused', 2 * TIMEOUT + SLACK
    )
    client.close()
    leaks.assert_none()


# -- faults injected into the project's Pebble test server ------------------------------------

FAULT_CASES = {
    # id: (fault, path, call, exception, message)
    'malformed-json': ('malformed-json', '/v1/plan', 'plan', ops_pebble.ProtocolError, 'malformed JSON in the response to GET /v1/plan'),
    'wrong-content-type': ('wrong-content-type', '/v1/checks', 'checks', ops_pebble.ProtocolError, "expected Content-Type 'application/json'"),
    'pull-wrong-content-type': ('wrong-content-type', '/v1/files', 'pull', ops_pebble.ProtocolError, 'multipart/form-data'),
    'truncated-multipart': ('truncated-multipart', '/v1/files', 'pull', ops_pebble.ProtocolError, 'truncated'),
    'multipart-without-response': ('multipart-without-response', '/v1/files', 'pull', ops_pebble.ProtocolError, 'no "response" field'),
    'close-before-response': ('close-before-response', '/v1/services', 'services', ops_pebble.ConnectionError, 'without answering GET /v1/services'),
    'close-mid-response': ('close-mid-response', '/v1/system-info', 'info', ops_pebble.ConnectionError, 'in the middle of the response'),
    'garbage-status-line': ('garbage-status-line', None, 'info', ops_pebble.ProtocolError, 'invalid HTTP response'),
    'never-answers': ('never-answer', '/v1/services', 'services', ops_pebble.TimeoutError, 'timed out waiting for Pebble to answer GET /v1/services'),
    'never-answers-pull': ('never-answer', '/v1/files', 'pull', ops_pebble.TimeoutError, 'timed out'),
    'never-answers-push': ('never-answer', '/v1/files', 'push', ops_pebble.TimeoutError, 'timed out'),
    'never-answers-exec': ('never-answer', '/v1/exec', 'exec', ops_pebble.TimeoutError, 'timed out'),
}  # fmt: skip

CALLS: dict[str, Any] = {
    'plan': lambda c: c.get_plan(),
    'checks': lambda c: c.get_checks(),
    'services': lambda c: c.get_services(),
    'info': lambda c: c.get_system_info(),
    'pull': lambda c: c.pull('/data.bin', encoding=None).read(),
    'push': lambda c: c.push('/pushed.bin', b'z' * (1 << 20)),
    'exec': lambda c: c.exec(['true']).wait(),
}


@pytest.mark.parametrize('case', list(FAULT_CASES))
def test_injected_fault_gives_the_documented_error_in_time(
    pebble: ServerProcess, leaks: Leaks, case: str
) -> None:
    fault, path, call, exc, message = FAULT_CASES[case]
    pebble.send('write', path='/data.bin', size=300_000)
    leaks.mark()
    client = ops_pebble.Client(pebble.socket_path, timeout=TIMEOUT)
    assert client.get_system_info().version  # a kept-alive connection, as in real use
    # A kept-alive connection closed without an answer is retried once on a new connection
    # (it may just have gone stale), so that fault must hit twice to reach the caller.
    count = 2 if fault == 'close-before-response' else 1
    pebble.send('fault', kind=fault, path=path, count=count)
    _timed(lambda: CALLS[call](client), exc, message, TIMEOUT + SLACK)
    # The client is still usable: the next call on a healthy server works.
    assert CALLS['pull'](client) == b'x' * 300_000
    client.close()
    leaks.assert_none()


def test_exec_whose_command_never_reports_times_out(pebble: ServerProcess, leaks: Leaks) -> None:
    leaks.mark()
    client = ops_pebble.Client(pebble.socket_path, timeout=TIMEOUT)
    pebble.send('fault', kind='exec-silent', path='/v1/exec')
    process = client.exec(['sleep', '10'], timeout=1)
    _timed(process.wait, ops_pebble.TimeoutError, 'timed out waiting for change', 4 + SLACK)
    client.close()
    leaks.assert_none()


def test_server_restarts_between_calls(pebble: ServerProcess, leaks: Leaks) -> None:
    leaks.mark()
    client = ops_pebble.Client(pebble.socket_path, timeout=TIMEOUT)
    client.push('/kept.txt', 'still here')
    for _ in range(3):
        pebble.send('restart')
        assert client.pull('/kept.txt').read() == 'still here'
        assert client.exec(['echo', 'hi']).wait_output() == ('hi\n', '')
    client.close()
    leaks.assert_none()


def test_server_gone_between_calls(pebble: ServerProcess, leaks: Leaks) -> None:
    leaks.mark()
    client = ops_pebble.Client(pebble.socket_path, timeout=TIMEOUT)
    assert client.get_services() == []
    pebble.kill()
    _timed(client.get_services, ops_pebble.ConnectionError, 'connection refused', TIMEOUT + SLACK)
    _timed(
        lambda: client.pull('/x'),
        ops_pebble.ConnectionError,
        'connection refused',
        TIMEOUT + SLACK,
    )
    client.close()
    leaks.assert_none()
