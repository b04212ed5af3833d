"""HTTP/1.1 over Pebble's unix socket: keep-alive connections, timeouts, streaming bodies.

Every failure surfaces as one of the client's errors with a message saying what happened:
:class:`ConnectionError` (socket missing, refused, or closed mid-response),
:class:`TimeoutError` (no answer within the timeout), :class:`ProtocolError` (an answer that
is not Pebble's HTTP API) or :class:`APIError` (an HTTP error status).
"""

from __future__ import annotations

import builtins
import http.client
import json
import socket
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import APIError, ConnectionError, ProtocolError, TimeoutError

_MAX_IDLE = 4


class _UnixConnection(http.client.HTTPConnection):
    """An HTTP connection whose transport is a unix stream socket."""

    def __init__(self, socket_path: str, timeout: float | None):
        super().__init__('localhost', timeout=timeout)
        self.socket_path = socket_path
        self.used = False

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def is_stale(self) -> bool:
        """Report whether the server has closed this idle connection."""
        if self.sock is None:
            return True
        try:
            self.sock.setblocking(False)
            try:
                data = self.sock.recv(1, socket.MSG_PEEK)
            finally:
                self.sock.settimeout(self.timeout)
        except BlockingIOError:
            return False
        except OSError:
            return True
        # Either closed (b'') or unread stray bytes: neither can be reused.
        del data
        return True


class Response:
    """A response whose body is still being read from its connection.

    Read the body with :meth:`read`; :meth:`close` returns the connection for reuse when the
    body was read to the end.
    """

    def __init__(
        self,
        transport: Transport,
        conn: _UnixConnection,
        raw: http.client.HTTPResponse,
        what: str,
    ):
        self._transport = transport
        self._conn: _UnixConnection | None = conn
        self._raw = raw
        self.what = what
        self.status: int = raw.status
        self.reason: str = raw.reason
        self.headers = raw.headers

    @property
    def content_type(self) -> str:
        """The Content-Type header, ``''`` if absent."""
        return self.headers.get('Content-Type', '') or ''

    def read(self, amount: int = -1) -> bytes:
        """Read up to ``amount`` bytes of the body (all of it if negative).

        Raises:
            ConnectionError: if the server closed the connection before the body ended.
            TimeoutError: if the server stopped sending for longer than the timeout.
        """
        try:
            if amount < 0:
                return self._raw.read()
            return self._raw.read(amount)
        except (OSError, http.client.HTTPException) as e:
            cause = None if isinstance(e, http.client.IncompleteRead) else e
            raise self._read_error(e) from cause

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Read the body into ``buffer`` until it is full or the body ends; return the count.

        Raises:
            ConnectionError: if the server closed the connection before the body ended.
            TimeoutError: if the server stopped sending for longer than the timeout.
        """
        try:
            return self._raw.readinto(buffer)
        except (OSError, http.client.HTTPException) as e:
            cause = None if isinstance(e, http.client.IncompleteRead) else e
            raise self._read_error(e) from cause

    def _read_error(self, e: OSError | http.client.HTTPException) -> Exception:
        """Return the client error for a failure while reading the body (dropping the connection)."""
        self._discard()
        if isinstance(e, http.client.IncompleteRead):
            return ConnectionError(
                f'Pebble closed the connection in the middle of the response to {self.what} '
                f'(got {len(e.partial)} more bytes, {e.expected} expected)'
            )
        if isinstance(e, builtins.TimeoutError):
            return TimeoutError(
                f'timed out reading the response to {self.what} from Pebble '
                f'(no data for {self._transport.timeout} seconds)'
            )
        return ConnectionError(
            f'connection to Pebble broke while reading the response to {self.what}: {e}'
        )

    def read_json(self) -> dict[str, Any]:
        """Read the whole body and decode it as a JSON object.

        Raises:
            ProtocolError: if the body is not a JSON object.
        """
        data = self.read()
        self.close()
        try:
            decoded = json.loads(data)
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
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        if self._raw.isclosed() and not self._raw.will_close:
            self._transport._release(conn)
        else:
            self._raw.close()
            conn.close()


class Transport:
    """Sends HTTP requests to Pebble over its unix socket, reusing idle connections."""

    def __init__(self, socket_path: str, base_url: str = 'http://localhost', timeout: float = 5.0):
        self.socket_path = socket_path
        self.base_url = base_url
        self.timeout = timeout
        self._idle: list[_UnixConnection] = []
        self._lock = threading.Lock()

    def _acquire(self, timeout: float | None) -> _UnixConnection:
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
        return _UnixConnection(self.socket_path, timeout)

    def _release(self, conn: _UnixConnection) -> None:
        conn.used = True
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

    def connect_socket(self, timeout: float | None = None) -> socket.socket:
        """Open a new raw connection to the socket (for websocket upgrades).

        Raises:
            ConnectionError: if the socket is missing or refuses the connection.
            TimeoutError: if connecting takes longer than the timeout.
        """
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
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

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | Iterable[bytes] | None = None,
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
        for attempt in (1, 2):
            conn = self._acquire(effective)
            reused = conn.sock is not None
            try:
                if conn.sock is None:
                    try:
                        conn.connect()
                    except BaseException as e:
                        raise self._connect_error(e) from None
                conn.request(method, target, body=body, headers=all_headers)
                raw = conn.getresponse()
            except (ConnectionError, TimeoutError):
                conn.close()
                raise
            except builtins.TimeoutError as e:
                conn.close()
                raise TimeoutError(
                    f'timed out waiting for Pebble to answer {what} '
                    f'(no response within {effective} seconds)'
                ) from e
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                conn.close()
                if reused and replayable and attempt == 1:
                    continue  # the server dropped an idle keep-alive connection; try afresh
                raise ConnectionError(
                    f'Pebble closed the connection without answering {what}: {e}'
                ) from e
            except http.client.HTTPException as e:
                conn.close()
                raise ProtocolError(f'invalid HTTP response from Pebble to {what}: {e!r}') from e
            except OSError as e:
                conn.close()
                raise ConnectionError(f'connection to Pebble failed during {what}: {e}') from e
            return Response(self, conn, raw, what)
        raise AssertionError('unreachable')  # pragma: no cover

    def request_json(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a JSON request and return the decoded response envelope.

        Raises:
            APIError: for an HTTP error status.
            ProtocolError: for a response that is not JSON.
            ConnectionError, TimeoutError: as :meth:`request`.
        """
        headers = {'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        response = self.request(method, path, query, headers, data, timeout)
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
