"""pull: framing variants, connection reuse, and where the content is held."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator

import ops_pebble
import pytest
from ops_pebble._files import SPOOL_LIMIT, PullSpool, multipart_head, multipart_tail
from ops_testing._pebble import PebbleModel

BOUNDARY = 'fedcba9876543210fedcba9876543210'


def pull_body(path: str, content: bytes, epilogue: bytes = b'') -> bytes:
    """A read response body as Pebble sends it: the file's part, then the response part."""
    envelope = {'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': [{'path': path}]}
    return (
        multipart_head(
            BOUNDARY,
            [('Content-Disposition', f'form-data; name="files"; filename="{path}"')],
            True,
        )
        + content
        + multipart_head(BOUNDARY, [('Content-Disposition', 'form-data; name="response"')], False)
        + json.dumps(envelope).encode()
        + multipart_tail(BOUNDARY)
        + epilogue
    )


class CannedServer:
    """Answers every request on a unix socket with the next canned body, keeping connections.

    ``framing`` is ``'length'`` (a Content-Length) or an int: chunked encoding with HTTP
    chunks of that many bytes. Counts the connections it accepted.
    """

    def __init__(self, socket_path: str, bodies: list[bytes], framing: str | int):
        self.socket_path = socket_path
        self.bodies = bodies
        self.framing = framing
        self.connections = 0
        self.requests: list[str] = []
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(socket_path)
        self._listener.listen(4)
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn, conn.makefile('rb') as reader:
            while not self._stop.is_set():
                try:
                    request_line = reader.readline()
                    while reader.readline() not in (b'\r\n', b''):
                        pass
                except OSError:
                    return
                if not request_line:
                    return
                self.requests.append(request_line.decode().split()[1])
                body = self.bodies.pop(0)
                head = (
                    'HTTP/1.1 200 OK\r\n'
                    f'Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n'
                )
                if self.framing == 'length':
                    conn.sendall(f'{head}Content-Length: {len(body)}\r\n\r\n'.encode() + body)
                    continue
                assert isinstance(self.framing, int)
                out = [f'{head}Transfer-Encoding: chunked\r\n\r\n'.encode()]
                for start in range(0, len(body), self.framing):
                    piece = body[start : start + self.framing]
                    out.append(b'%x\r\n' % len(piece) + piece + b'\r\n')
                out.append(b'0\r\n\r\n')
                conn.sendall(b''.join(out))

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def canned(workdir: str) -> Iterator[tuple[str, list[CannedServer]]]:
    servers: list[CannedServer] = []
    yield os.path.join(workdir, 'canned.socket'), servers
    for server in servers:
        server.close()


@pytest.mark.parametrize('framing', ['length', 1, 7, 4096, 1 << 20])
def test_pull_with_either_framing_and_the_connection_is_reused(
    canned: tuple[str, list[CannedServer]], framing: str | int
) -> None:
    socket_path, servers = canned
    first = os.urandom(100_000) + b'\r\n--' + BOUNDARY[:20].encode()
    second = b'text \xc3\xa9\r\n'
    server = CannedServer(
        socket_path, [pull_body('/a', first), pull_body('/b', second, b'\r\n')], framing
    )
    servers.append(server)
    client = ops_pebble.Client(socket_path, timeout=5)
    try:
        with client.pull('/a', encoding=None) as f:
            assert f.read() == first
        with client.pull('/b') as f:
            assert f.read() == 'text é\r\n'
    finally:
        client.close()
    assert server.requests == [
        '/v1/files?action=read&path=%2Fa',
        '/v1/files?action=read&path=%2Fb',
    ]
    assert server.connections == 1


@pytest.mark.parametrize('framing', ['length', 1 << 16])
def test_the_rest_after_the_closing_delimiter_is_read_for_reuse(
    canned: tuple[str, list[CannedServer]], framing: str | int
) -> None:
    """The closing delimiter ends exactly where one read of the body does; its CRLF (and the
    end of the chunked encoding) must still be read, or the connection could not be reused."""
    socket_path, servers = canned
    overhead = len(pull_body('/a', b'')) - len(b'\r\n')
    content = os.urandom((1 << 20) - overhead)
    server = CannedServer(socket_path, [pull_body('/a', content), pull_body('/a', b'x')], framing)
    servers.append(server)
    client = ops_pebble.Client(socket_path, timeout=5)
    try:
        assert client.pull('/a', encoding=None).read() == content
        assert client.pull('/a', encoding=None).read() == b'x'
    finally:
        client.close()
    assert server.connections == 1


@pytest.fixture(params=['disk', 'memory'])
def model(request: pytest.FixtureRequest, workdir: str) -> PebbleModel:
    return PebbleModel(
        os.path.join(workdir, 'root'), name='app', in_memory_files=request.param == 'memory'
    )


@pytest.mark.parametrize('size', [0, 1, SPOOL_LIMIT, SPOOL_LIMIT + 1, 3 * SPOOL_LIMIT + 5])
def test_pulled_content_is_exact_and_seekable_on_both_sides_of_the_spool_limit(
    client: ops_pebble.Client, size: int
) -> None:
    content = os.urandom(size)
    client.push('/f', content)
    with client.pull('/f', encoding=None) as f:
        assert f.read() == content
        assert f.seek(0) == 0
        assert f.read(10) == content[:10]


def test_a_half_read_pull_leaves_the_client_usable(client: ops_pebble.Client) -> None:
    content = os.urandom(3 << 20)
    client.push('/big', content)
    client.push('/small', 'small')
    partial = client.pull('/big', encoding=None)
    assert partial.read(1000) == content[:1000]
    assert client.pull('/small').read() == 'small'
    assert client.get_system_info().version
    assert partial.read() == content[1000:]
    partial.close()
    with pytest.raises(ops_pebble.PathError):
        client.pull('/missing')
    assert client.pull('/small').read() == 'small'


def test_spool_moves_to_a_temporary_file_past_its_limit() -> None:
    spool = PullSpool(limit=10)
    spool.write(b'0123456')
    spool.write(memoryview(b'789abc'))
    spool.write(bytearray(b'def'))
    f = spool.getfile()
    assert f.fileno() >= 0  # a real file, no longer memory
    assert f.read() == b'0123456789abcdef'
    f.close()


def test_spool_keeps_small_content_in_memory() -> None:
    spool = PullSpool(limit=10)
    spool.write(b'01234')
    spool.write(memoryview(b'56789'))
    f = spool.getfile()
    with pytest.raises(OSError):
        f.fileno()  # io.BytesIO: nothing went to disk
    assert f.read() == b'0123456789'
