"""A hostile or broken server cannot hang the client, exhaust its memory, or make it raise
anything but the documented errors (issue 18, items 4, 5 and 8).

Each server is a small real unix-socket server scripted per test: it answers with what it
is told to, byte by byte if need be, and then keeps the connection open (so nothing ends
because the peer went away).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import resource
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

import ops_pebble
import pytest

Reply = Callable[[socket.socket, str], None]
SLACK = 2.0  # scheduling slack on two busy cores


class Hostile:
    """A unix-socket server that answers each connection with ``reply(conn, request)``."""

    def __init__(self, path: str, reply: Reply):
        self.path = path
        self.reply = reply
        self.stop = threading.Event()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.threads: list[threading.Thread] = []
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        data = b''
        try:
            while b'\r\n\r\n' not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1')
            self.reply(conn, head)
            self.stop.wait(30)  # keep the connection open: the client must end it
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Reply], str]]:
    directory = tempfile.mkdtemp(prefix='hs-', dir='/tmp')
    servers: list[Hostile] = []

    def start(reply: Reply) -> str:
        server = Hostile(os.path.join(directory, f's{len(servers)}.sock'), reply)
        servers.append(server)
        return server.path

    yield start
    for server in servers:
        server.close()
    shutil.rmtree(directory, ignore_errors=True)


def _json(body: object, status: str = '200 OK') -> bytes:
    data = json.dumps(body).encode()
    return (
        f'HTTP/1.1 {status}\r\nContent-Type: application/json\r\n'
        f'Content-Length: {len(data)}\r\n\r\n'
    ).encode() + data


def _sync(result: object) -> bytes:
    return _json({'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': result})


def _timed(call: Callable[[], object], error: type[BaseException], limit: float) -> BaseException:
    start = time.monotonic()
    with pytest.raises(error) as exc:
        call()
    elapsed = time.monotonic() - start
    assert elapsed < limit, f'took {elapsed:.1f}s, more than {limit:.1f}s'
    return exc.value


# -- item 4: an overall deadline, and a bound on JSON bodies ------------------------------------


def _trickle(conn: socket.socket, data: bytes, every: float = 0.3) -> None:
    for byte in data:
        conn.sendall(bytes([byte]))
        time.sleep(every)


@pytest.mark.parametrize('where', ['headers', 'body'])
def test_a_trickling_server_cannot_keep_a_call_alive(
    serve: Callable[[Reply], str], where: str
) -> None:
    answer = _sync({'version': 'v1.32.1', 'boot-id': 'x' * 200})

    def reply(conn: socket.socket, _head: str) -> None:
        split = 20 if where == 'headers' else answer.index(b'\r\n\r\n') + 4
        conn.sendall(answer[:split])
        _trickle(conn, answer[split:])

    client = ops_pebble.Client(serve(reply), timeout=1)
    error = _timed(client.get_system_info, ops_pebble.TimeoutError, 1 + SLACK)
    assert 'GET /v1/system-info' in str(error)


def test_a_trickling_pull_is_cut_short(serve: Callable[[Reply], str]) -> None:
    boundary = 'b' * 32
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="/f"\r\n'
        'Content-Type: application/octet-stream\r\n\r\n'
    ).encode() + b'x' * 1000

    def reply(conn: socket.socket, _head: str) -> None:
        conn.sendall(
            b'HTTP/1.1 200 OK\r\nContent-Type: multipart/form-data; boundary=' + boundary.encode()
            + b'\r\nContent-Length: 100000\r\n\r\n'
        )  # fmt: skip
        _trickle(conn, part)

    client = ops_pebble.Client(serve(reply), timeout=1)
    _timed(lambda: client.pull('/f'), ops_pebble.TimeoutError, 1 + SLACK)


@pytest.mark.parametrize('framing', ['content-length', 'chunked'])
def test_an_enormous_json_answer_is_a_protocol_error(
    serve: Callable[[Reply], str], framing: str
) -> None:
    def reply(conn: socket.socket, _head: str) -> None:
        if framing == 'content-length':
            conn.sendall(
                b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
                b'Content-Length: 100000000000\r\n\r\n{"result": "'
            )
            return
        conn.sendall(
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
            b'Transfer-Encoding: chunked\r\n\r\n'
        )
        chunk = b' ' * (1 << 20)
        try:
            while True:  # an endless answer: the client must stop reading
                conn.sendall(b'%x\r\n' % len(chunk) + chunk + b'\r\n')
        except OSError:
            pass

    client = ops_pebble.Client(serve(reply), timeout=5)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = _timed(client.get_services, ops_pebble.ProtocolError, 20)
    assert 'larger than' in str(error)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 200


# -- item 8: answers of the wrong shape, or too deep to decode -----------------------------------


@pytest.mark.parametrize(
    ('result', 'call'),
    [
        (['not', 'an', 'object'], lambda c: c.get_system_info()),
        ({'version': 1}, lambda c: c.get_system_info().version.upper()),
        ([1, 2], lambda c: c.get_services()),
        ([{'name': 'web'}], lambda c: c.get_services()),
        ({'id': 1}, lambda c: c.get_changes()),
        ([{'id': '1', 'kind': 'x'}], lambda c: c.get_changes()),
        ('services: [1]\n', lambda c: c.get_plan()),
        (42, lambda c: c.get_plan()),
        ([7], lambda c: c.list_files('/x')),
        ({'bob': 'admin'}, lambda c: c.get_identities()),
        ({'x': 1}, lambda c: c.get_checks()),
        ([None], lambda c: c.get_notices()),
        ([1], lambda c: c.remove_path('/x')),
    ],
    ids=[
        'system-info-list',
        'version-int',
        'services-ints',
        'service-missing-fields',
        'changes-object',
        'change-missing-fields',
        'plan-services-list',
        'plan-not-text',
        'files-ints',
        'identity-not-object',
        'checks-object',
        'notice-null',
        'file-result-ints',
    ],
)
def test_well_formed_json_of_the_wrong_shape_is_a_protocol_error(
    serve: Callable[[Reply], str], result: object, call: Callable[[ops_pebble.Client], object]
) -> None:
    client = ops_pebble.Client(serve(lambda conn, _head: conn.sendall(_sync(result))), timeout=2)
    with pytest.raises(ops_pebble.ProtocolError):
        call(client)


def test_deeply_nested_json_is_a_protocol_error(serve: Callable[[Reply], str]) -> None:
    deep = b'{"type": "sync", "result": ' + b'[' * 200_000 + b']' * 200_000 + b'}'
    answer = (
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
        b'Content-Length: %d\r\n\r\n' % len(deep)
    ) + deep
    client = ops_pebble.Client(serve(lambda conn, _head: conn.sendall(answer)), timeout=5)
    with pytest.raises(ops_pebble.ProtocolError, match='nested too deeply'):
        client.get_services()


def test_a_full_temporary_directory_during_pull_is_a_path_error(tmp_path: str) -> None:
    # A real limit on file size (as a full disk): the pulled file is larger than what is
    # kept in memory, so it goes to a temporary file, whose writes fail.
    script = f"""
import os, resource, signal, sys, tempfile
from ops_testing._pebble import PebbleModel, PebbleServer
import ops_pebble
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
model = PebbleModel({str(tmp_path)!r} + '/root')
with PebbleServer(model, {str(tmp_path)!r} + '/p.sock') as server:
    ops_pebble.Client(server.socket_path).push('/big', b'x' * (8 << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
    try:
        ops_pebble.Client(server.socket_path).pull('/big', encoding=None)
    except ops_pebble.PathError as e:
        print('PathError', e.kind, e)
    except BaseException as e:
        print('other', type(e).__name__, e)
"""
    done = subprocess.run(
        [sys.executable, '-c', script], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.startswith('PathError generic-file-error'), done.stdout + done.stderr
    assert 'cannot keep the pulled file /big locally' in done.stdout


# -- item 5: exec over websockets that break the protocol ---------------------------------------


def _upgrade(conn: socket.socket, head: str) -> None:
    key = next(
        line.split(':', 1)[1].strip()
        for line in head.split('\r\n')
        if line.lower().startswith('sec-websocket-key:')
    )
    accept = base64.b64encode(
        hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()
    ).decode()
    conn.sendall(
        (
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
            f'Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n'
        ).encode()
    )


def _frame(opcode: int, payload: bytes) -> bytes:
    return bytes([0x80 | opcode, len(payload)]) + payload


def _exec_server(
    stdio: bytes = b'', control: bytes = b'', change: dict[str, object] | None = None
) -> Reply:
    """An exec whose websockets send ``stdio`` and ``control``, then stay silent.

    With ``change``, a request for the change gets it (each JSON answer then closes its
    connection, since this server answers one request per connection); without it, such a
    request is never answered.
    """

    def answer(body: object, status: str = '200 OK') -> bytes:
        data = _json(body, status)
        return (
            data
            if change is None
            else data.replace(b'\r\n\r\n', b'\r\nConnection: close\r\n\r\n', 1)
        )

    def reply(conn: socket.socket, head: str) -> None:
        target = head.split(' ')[1]
        if target == '/v1/exec':
            conn.sendall(
                answer(
                    {'type': 'async', 'status-code': 202, 'status': 'Accepted', 'change': '1',
                     'result': {'task-id': 'T', 'environment': {}, 'working-dir': '/'}},
                    '202 Accepted',
                )
            )  # fmt: skip
        elif target.startswith('/v1/tasks/T/websocket/'):
            _upgrade(conn, head)
            name = target.rsplit('/', 1)[1]
            conn.sendall({'stdio': stdio, 'control': control}.get(name, b''))
        elif change is not None and target.startswith('/v1/changes/1'):
            conn.sendall(
                answer({'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': change})
            )

    return reply


@pytest.mark.parametrize(
    ('stdio', 'control', 'message'),
    [
        (b'GARBAGE that is not a websocket frame', b'', 'reserved bits'),
        (b'\x82\x7f' + struct.pack('!Q', 1 << 62), b'', 'frame of 4611686018427387904 bytes'),
        (_frame(0x3, b'x'), b'', 'reserved opcode 0x3'),
        (b'', _frame(0x1, b'not json at all'), 'a message on the control websocket'),
    ],
    ids=['garbage', 'length-2-62', 'reserved-opcode', 'text-on-control'],
)
def test_exec_without_timeout_stops_at_a_protocol_violation(
    serve: Callable[[Reply], str], stdio: bytes, control: bytes, message: str
) -> None:
    client = ops_pebble.Client(serve(_exec_server(stdio, control)), timeout=2)
    process = client.exec(['anything'])
    error = _timed(process.wait_output, ops_pebble.ProtocolError, SLACK + 1)
    assert message in str(error)
    for thread in process._threads:
        thread.join(timeout=2)
    assert not [t for t in process._threads if t.is_alive()]


def test_reading_a_violation_from_the_output_stream_is_a_protocol_error(
    serve: Callable[[Reply], str],
) -> None:
    client = ops_pebble.Client(serve(_exec_server(stdio=_frame(0xB, b''))), timeout=2)
    process = client.exec(['anything'], encoding=None)
    assert process.stdout is not None
    with pytest.raises(ops_pebble.ProtocolError, match='reserved opcode 0xb'):
        process.stdout.read()
    process._teardown()
    process._waited = True


def test_exec_wait_ends_when_the_change_is_done_though_control_stays_open(
    serve: Callable[[Reply], str],
) -> None:
    # The real Pebble sometimes leaves the control websocket open when the process ended
    # before the websockets were connected (``true`` on a loaded machine): the change is
    # done, and waiting for the socket to close hung ``wait()`` for ever.
    change = {
        'id': '1', 'kind': 'exec', 'summary': 'Execute command "true"', 'status': 'Done',
        'ready': True, 'spawn-time': '2026-12-07T17:45:00Z', 'ready-time': '2026-12-07T17:45:00Z',
        'tasks': [{'id': 'T', 'kind': 'exec', 'summary': '', 'status': 'Done', 'log': [],
                   'progress': {'label': '', 'done': 1, 'total': 1},
                   'spawn-time': '2026-12-07T17:45:00Z', 'data': {'exit-code': 0}}],
    }  # fmt: skip

    end_of_output = _frame(0x1, b'{"command":"end"}')
    client = ops_pebble.Client(serve(_exec_server(end_of_output, change=change)), timeout=2)
    process = client.exec(['true'])
    finished = threading.Event()
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            process.wait()
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finished.set()

    threading.Thread(target=wait, daemon=True).start()
    assert finished.wait(2 + 1 + 2 * SLACK), 'wait() still waits for the control websocket'
    assert errors == []
