"""HTTP/1.1 over Pebble's unix socket: keep-alive connections, timeouts, streaming bodies.

Every failure surfaces as one of the client's errors with a message saying what happened:
:class:`ConnectionError` (socket missing, refused, or closed mid-response),
:class:`TimeoutError` (no answer within the timeout), :class:`ProtocolError` (an answer that
is not Pebble's HTTP API, or a JSON body larger than :data:`MAX_JSON_BODY`) or
:class:`APIError` (an HTTP error status).

The timeout bounds each wait for the server and also the whole call: a server that
trickles a byte at a time cannot keep a call alive. Only data actually moved buys the call
more time (:data:`MIN_RATE` bytes per second), so a large file transfer is never cut short
while it makes progress.
"""

from __future__ import annotations

import binascii
import builtins
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from ._errors import APIError, ConnectionError, Error, PathError, ProtocolError, TimeoutError
from ._exports import publish
from ._files import PullSpool, push_body, read_pull_body
from ._http import Body, Closed, Connection, Headers, HTTPError

if TYPE_CHECKING:
    from ._client import Client
    from ._exec import ExecProcess
    from ._transport_api import ExecOptions

_CHUNK = 1 << 20

_MAX_IDLE = 4

MAX_JSON_BODY = 64 * 1024 * 1024
"""The largest JSON answer the client reads (bytes); a larger one is a :class:`ProtocolError`."""

MIN_RATE = 64 * 1024
"""Bytes per second that extend a call's deadline as they move (see the module docstring)."""

_SLICE = 1 << 20


class DeadlineSocket(socket.socket):
    """A unix stream socket whose reads and writes share one deadline.

    With :attr:`deadline` set (a ``time.monotonic()`` value), every operation gets only the
    time left, and at most :attr:`idle` seconds, and raises the built-in
    :class:`TimeoutError` when either runs out; each byte moved pushes the deadline back
    by ``1 / MIN_RATE`` seconds. With it unset, the socket behaves as usual.
    """

    deadline: float | None = None
    idle: float | None = None

    def __init__(self) -> None:
        super().__init__(socket.AF_UNIX, socket.SOCK_STREAM)

    def _budget(self) -> None:
        deadline = self.deadline
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise builtins.TimeoutError('timed out')
            if self.idle is not None:
                remaining = min(remaining, self.idle)
            self.settimeout(remaining)

    def _moved(self, count: int) -> None:
        if self.deadline is not None and count > 0:
            self.deadline += count / MIN_RATE

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receive within the deadline."""
        self._budget()
        data = super().recv(bufsize, flags)
        self._moved(len(data))
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receive into ``buffer`` within the deadline."""
        self._budget()
        count = super().recv_into(buffer, nbytes, flags)
        self._moved(count)
        return count

    def send(self, data: Any, flags: int = 0) -> int:
        """Send within the deadline."""
        self._budget()
        count = super().send(data, flags)
        self._moved(count)
        return count

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send all of ``data`` within the deadline, a slice at a time (no copies)."""
        if self.deadline is None:
            super().sendall(data, flags)
            return
        view = memoryview(data).cast('B')
        for start in range(0, len(view), _SLICE):
            piece = view[start : start + _SLICE]
            self._budget()
            super().sendall(piece, flags)
            self._moved(len(piece))


class Response:
    """A response whose body is still being read from its connection.

    Read the body with :meth:`read` or :meth:`readinto`; :meth:`close` returns the
    connection for reuse when the body was read to the end.

    Attributes:
        status: The HTTP status code.
        reason: The HTTP reason phrase.
        headers: The headers (``headers.get(name)`` in any case).
        what: The request, as messages name it (``GET /v1/services``).
    """

    def __init__(
        self,
        transport: SocketTransport,
        conn: Connection,
        status: int,
        reason: str,
        headers: Headers,
        body: Body,
        what: str,
    ):
        self._transport = transport
        self._conn: Connection | None = conn
        self._body = body
        self.what = what
        self.status = status
        self.reason = reason
        self.headers = headers

    @property
    def content_type(self) -> str:
        """The Content-Type header, ``''`` if absent."""
        return str(self.headers.get('Content-Type', '') or '')

    def read(self, amount: int = -1) -> bytes:
        """Read up to ``amount`` bytes of the body (all of it if negative).

        Raises:
            ConnectionError: if the server closed the connection before the body ended.
            TimeoutError: if the server stopped sending for longer than the timeout.
            ProtocolError: for a malformed chunked encoding.
        """
        if amount >= 0:
            buffer = bytearray(amount)
            count = self.readinto(buffer)
            del buffer[count:]
            return bytes(buffer)
        pieces: list[bytes] = []
        while True:
            piece = self.read(1 << 20)
            if not piece:
                return b''.join(pieces)
            pieces.append(piece)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Read the body into ``buffer`` until it is full or the body ends; return the count.

        Raises:
            ConnectionError: if the server closed the connection before the body ended.
            TimeoutError: if the server stopped sending for longer than the timeout.
            ProtocolError: for a malformed chunked encoding.
        """
        if self._conn is None:
            return 0
        try:
            return self._body.readinto(memoryview(buffer).cast('B'))
        except (OSError, Closed, HTTPError) as e:
            raise self._read_error(e) from (None if isinstance(e, Closed) else e)

    def _read_error(self, e: OSError | Closed | HTTPError) -> Exception:
        """Return the client error for a failure while reading the body (dropping the connection)."""
        self._discard()
        if isinstance(e, Closed):
            left = self._body.left
            expected = f', {left} more expected' if left and not self._body.chunked else ''
            return ConnectionError(
                f'Pebble closed the connection in the middle of the response to {self.what} '
                f'(after {e.received} bytes of its body{expected})'
            )
        if isinstance(e, HTTPError):
            return ProtocolError(f'invalid HTTP response from Pebble to {self.what}: {e}')
        if isinstance(e, builtins.TimeoutError):
            return TimeoutError(
                f'timed out reading the response to {self.what} from Pebble '
                f'(timeout {self._transport.timeout} seconds)'
            )
        return ConnectionError(
            f'connection to Pebble broke while reading the response to {self.what}: {e}'
        )

    def read_json(self) -> dict[str, Any]:
        """Read the whole body and decode it as a JSON object.

        Raises:
            ProtocolError: if the body is not a JSON object, is nested too deeply to decode,
                or is larger than :data:`MAX_JSON_BODY`.
        """
        too_large = ProtocolError(
            f'the response to {self.what} is larger than {MAX_JSON_BODY} bytes, '
            'more than any Pebble answer'
        )
        left = self._body.left
        if not self._body.chunked and left is not None and left > MAX_JSON_BODY:
            self._discard()
            raise too_large
        if left is not None and not self._body.chunked:
            data = self.read(left)
        else:
            pieces: list[bytes] = []
            size = 0
            while True:
                piece = self.read(256 * 1024)
                if not piece:
                    break
                size += len(piece)
                if size > MAX_JSON_BODY:
                    self._discard()
                    raise too_large
                pieces.append(piece)
            data = b''.join(pieces)
        self.close()
        try:
            decoded = json.loads(data)
        except RecursionError:
            raise ProtocolError(
                f'the JSON in the response to {self.what} is nested too deeply'
            ) from None
        except ValueError as e:
            raise ProtocolError(f'malformed JSON in the response to {self.what}: {e}') from None
        if not isinstance(decoded, dict):
            raise ProtocolError(
                f'expected a JSON object in the response to {self.what}, got {type(decoded).__name__}'
            )
        return decoded

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Finish with the response; the connection is reused if the body was fully read."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._body.done and not self._body.to_close:
            self._transport._release(conn)
        else:
            conn.close()


class SocketTransport:
    """The client's default transport: HTTP/1.1 over Pebble's unix socket.

    Idle connections are kept and reused; JSON bodies, multipart file transfers and
    websocket exec are encoded here (see :class:`ops_pebble.transport.Transport`).

    Args:
        socket_path: Path of Pebble's unix socket.
        base_url: The URL prefix for requests (the host part is ignored by Pebble).
        timeout: Seconds to wait when connecting and for each read.
    """

    passes_objects = False
    """Requests are encoded (JSON, YAML layers): see ``Transport.passes_objects``."""

    def __init__(self, socket_path: str, base_url: str = 'http://localhost', timeout: float = 5.0):
        self.socket_path = socket_path
        self.base_url = base_url
        self.timeout = timeout
        self._idle: list[Connection] = []
        self._lock = threading.Lock()

    def _acquire(self, timeout: float | None) -> Connection:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if conn.is_stale():
                    conn.close()
                    continue
                conn.timeout = timeout
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
                return conn
        return Connection(self.socket_path, timeout)

    def _release(self, conn: Connection) -> None:
        conn.used = True
        conn.set_deadline(None)
        with self._lock:
            if len(self._idle) < _MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def connect_socket(self, timeout: float | None = None) -> DeadlineSocket:
        """Open a new raw connection to the socket (for websocket upgrades).

        Raises:
            ConnectionError: if the socket is missing or refuses the connection.
            TimeoutError: if connecting takes longer than the timeout.
        """
        sock = DeadlineSocket()
        sock.settimeout(self.timeout if timeout is None else timeout)
        try:
            sock.connect(self.socket_path)
        except BaseException as e:
            sock.close()
            raise self._connect_error(e) from None
        return sock

    def _connect_error(self, e: BaseException) -> Exception:
        if isinstance(e, FileNotFoundError):
            return ConnectionError(
                f'Could not connect to Pebble: socket not found at {self.socket_path!r} '
                '(container restarted?)'
            )
        if isinstance(e, builtins.TimeoutError):
            return TimeoutError(
                f'timed out connecting to Pebble at {self.socket_path!r} after {self.timeout} seconds'
            )
        if isinstance(e, ConnectionRefusedError):
            return ConnectionError(
                f'Could not connect to Pebble at {self.socket_path!r}: connection refused '
                '(is Pebble running?)'
            )
        if isinstance(e, OSError):
            return ConnectionError(f'Could not connect to Pebble at {self.socket_path!r}: {e}')
        return e if isinstance(e, Exception) else ConnectionError(str(e))

    def url(self, path: str, query: Mapping[str, Any] | None = None) -> str:
        """Return the request target for ``path`` with the query encoded (lists repeated)."""
        if query:
            return f'{path}?{urllib.parse.urlencode(query, doseq=True)}'
        return path

    def send(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | Iterable[bytes | bytearray | memoryview] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send a request and return the response with its body unread.

        Args:
            method: ``'GET'`` or ``'POST'``.
            path: The URL path, such as ``'/v1/services'``.
            query: Query parameters; list values are repeated.
            headers: Extra request headers.
            body: The request body; an iterable of bytes is sent with chunked encoding.
            timeout: The socket timeout for this request (default: the client's).

        Raises:
            ConnectionError, TimeoutError, ProtocolError: as the module docstring describes.
        """
        target = self.url(path, query)
        what = f'{method} {path}'
        effective = self.timeout if timeout is None else timeout
        all_headers = {'Accept-Encoding': 'identity', **(headers or {})}
        replayable = body is None or isinstance(body, bytes)
        deadline = None if effective is None else time.monotonic() + effective
        for attempt in (1, 2):
            conn = self._acquire(effective)
            reused = conn.sock is not None
            try:
                if conn.sock is None:
                    try:
                        conn.connect()
                    except BaseException as e:
                        raise self._connect_error(e) from None
                conn.set_deadline(deadline)
                conn.send_request(method, target, all_headers, body)
                status, reason, response_headers = conn.read_head()
                framing = Body(
                    conn, response_headers, empty=method == 'HEAD' or status in (204, 304)
                )
            except (ConnectionError, TimeoutError):
                conn.close()
                raise
            except builtins.TimeoutError as e:
                conn.close()
                raise TimeoutError(
                    f'timed out waiting for Pebble to answer {what} (timeout {effective} seconds)'
                ) from e
            except Closed as e:
                conn.close()
                if reused and replayable and attempt == 1 and not e.received:
                    continue  # the server dropped an idle keep-alive connection; try afresh
                raise ConnectionError(
                    f'Pebble closed the connection without answering {what}: {e}'
                ) from None
            except (BrokenPipeError, ConnectionResetError) as e:
                conn.close()
                if reused and replayable and attempt == 1:
                    continue
                raise ConnectionError(
                    f'Pebble closed the connection without answering {what}: {e}'
                ) from e
            except HTTPError as e:
                conn.close()
                raise ProtocolError(f'invalid HTTP response from Pebble to {what}: {e}') from e
            except OSError as e:
                conn.close()
                raise ConnectionError(f'connection to Pebble failed during {what}: {e}') from e
            except BaseException:
                # For example a body whose source failed half-way: the request cannot be
                # finished, so the connection cannot be used again.
                conn.close()
                raise
            return Response(self, conn, status, reason, response_headers, framing, what)
        raise AssertionError('unreachable')  # pragma: no cover

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a JSON request and return the decoded response envelope.

        Raises:
            APIError: for an HTTP error status.
            ProtocolError: for a response that is not JSON.
            ConnectionError, TimeoutError: as :meth:`send`.
        """
        headers = {'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        response = self.send(method, path, query, headers, data, timeout)
        return self.decode_json(response)

    def decode_json(self, response: Response) -> dict[str, Any]:
        """Check a response's status and content type and decode its JSON envelope."""
        if response.status >= 400:
            raise self.api_error(response)
        content_type = response.content_type.split(';')[0].strip()
        if content_type != 'application/json':
            response.read()
            response.close()
            raise ProtocolError(
                f"expected Content-Type 'application/json', got {response.content_type!r} "
                f'in the response to {response.what}'
            )
        return response.read_json()

    def api_error(self, response: Response) -> APIError:
        """Build the :class:`APIError` for an error response (reading its body)."""
        body: dict[str, Any] = {}
        try:
            body = response.read_json()
            message = str((body.get('result') or {}).get('message', ''))
            if not message:
                message = f'{response.status} {response.reason}'
        except Exception as e:
            message = f'{type(e).__name__} - {e}'
        return APIError(body, response.status, response.reason, message)

    # -- what needs more than a JSON request (see ops_pebble.transport.Transport) ----------

    def read_file(self, path: str) -> IO[bytes]:
        """Read one file with ``GET /v1/files?action=read`` (a multipart answer).

        Small files are held in memory, large ones in a temporary file.

        Raises:
            PathError: if Pebble cannot read the file, or it cannot be kept locally.
            ProtocolError: if the response is not a valid multipart body.
        """
        response = self.send(
            'GET', '/v1/files', {'action': 'read', 'path': path}, {'Accept': 'multipart/form-data'}
        )
        if response.status >= 400:
            raise self.api_error(response)
        spool = PullSpool()
        try:
            read_pull_body(response, path, spool, _CHUNK)
            # Whatever follows the closing delimiter (normally just the end of the chunked
            # encoding) is read, so that the connection can be reused.
            response.read(_CHUNK)
        except OSError as e:
            spool.close()
            response.close()
            if isinstance(e, Error):  # a TimeoutError from the connection
                raise
            # Holding a large file locally failed (a full or read-only temporary directory).
            raise PathError(
                'generic-file-error', f'cannot keep the pulled file {path} locally: {e}'
            ) from e
        except BaseException:
            spool.close()
            response.close()
            raise
        response.close()
        return spool.getfile()

    def write_file(
        self, request: dict[str, Any], path: str, source: Any, encoding: str
    ) -> dict[str, Any]:
        """Write one file with a multipart ``POST /v1/files``, streaming ``source``."""
        boundary = binascii.hexlify(os.urandom(16)).decode()
        headers = {
            'Accept': 'application/json',
            'Content-Type': f'multipart/form-data; boundary="{boundary}"',
        }
        chunks = push_body(boundary, request, path, source, encoding, _CHUNK)
        return self.decode_json(self.send('POST', '/v1/files', None, headers, chunks))

    def start_exec(
        self, client: Client, body: dict[str, Any], options: ExecOptions
    ) -> ExecProcess[Any]:
        """Start a command with ``POST /v1/exec`` and connect its websockets."""
        from ._exec import exec_over_websockets

        return exec_over_websockets(client, self, body, options)

    def read_logs(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Read service logs with ``GET /v1/logs`` (newline-delimited JSON)."""
        response = self.send('GET', '/v1/logs', query, {'Accept': 'application/x-ndjson'})
        if response.status >= 400:
            raise self.api_error(response)
        data = response.read()
        response.close()
        entries: list[dict[str, Any]] = []
        for line in data.splitlines():
            if line.strip():
                try:
                    entries.append(json.loads(line))
                except ValueError as e:
                    raise ProtocolError(f'malformed log line from Pebble: {e}') from None
        return entries


publish(__name__)
