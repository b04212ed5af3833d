"""HTTP/1.1 on one connection to Pebble's socket: writing requests, reading responses.

Only what Pebble's API needs, done directly on the socket (no ``http.client``): a request
is one write (a streamed body follows in pieces, chunk-encoded), a response's status line
and headers are parsed from one buffer, and its body (``Content-Length``, chunked, or up to
the end of the connection) is read straight into the caller's buffers.

Errors here are :class:`HTTPError` (what the server sent is not HTTP) and the built-in
``OSError``/``TimeoutError`` of the socket, plus :class:`Closed` when the connection ends;
the transport turns them into the client's documented errors with the request named.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._transport import DeadlineSocket

_BUFFER = 64 * 1024
_MAX_HEAD = 64 * 1024  # the status line and headers together


class HTTPError(Exception):
    """What the server sent is not a valid HTTP/1.1 response."""


class Closed(Exception):
    """The connection ended where more was expected.

    Attributes:
        received: How many bytes of the current message had arrived.
    """

    def __init__(self, message: str, received: int = 0):
        super().__init__(message)
        self.received = received


class Headers(dict[str, str]):
    """Response headers by lower-cased name; :meth:`get` takes any case."""

    def get(self, name: str, default: Any = None) -> Any:
        """The header's value (case-insensitive), or ``default``."""
        return super().get(name.lower(), default)


class Connection:
    """One keep-alive connection: a socket and the bytes received but not yet used."""

    def __init__(self, socket_path: str, timeout: float | None):
        self.socket_path = socket_path
        self.timeout = timeout
        self.sock: DeadlineSocket | None = None
        self.used = False
        self._buf = bytearray(_BUFFER)
        self._view = memoryview(self._buf)
        self._start = 0
        self._end = 0

    def connect(self) -> None:
        """Connect to the socket (raising the socket's own errors)."""
        from ._transport import DeadlineSocket

        sock = DeadlineSocket()
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def close(self) -> None:
        """Close the socket (the connection cannot be used again)."""
        sock, self.sock = self.sock, None
        self._start = self._end = 0
        if sock is not None:
            sock.close()

    def set_deadline(self, deadline: float | None) -> None:
        """Bound every later operation by ``deadline`` (None: unbounded), and each single
        wait by the connection's timeout."""
        if self.sock is not None:
            self.sock.deadline = deadline
            self.sock.idle = self.timeout
            if deadline is None:
                self.sock.settimeout(self.timeout)

    def is_stale(self) -> bool:
        """Report whether this idle connection cannot be reused (closed, or stray bytes)."""
        if self.sock is None or self._end > self._start:
            return True
        try:
            self.sock.setblocking(False)
            try:
                self.sock.recv(1, socket.MSG_PEEK)
            finally:
                self.sock.settimeout(self.timeout)
        except BlockingIOError:
            return False
        except OSError:
            return True
        return True  # closed (b'') or unread stray bytes: neither can be reused

    # -- writing ----------------------------------------------------------------------------

    def send_request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | Iterable[bytes | bytearray | memoryview] | None,
    ) -> None:
        """Send a request: a bytes body with its length, any other iterable chunk-encoded."""
        assert self.sock is not None
        lines = [f'{method} {target} HTTP/1.1', 'Host: localhost']
        lines.extend(f'{name}: {value}' for name, value in headers.items())
        if isinstance(body, bytes):
            lines.append(f'Content-Length: {len(body)}')
        elif body is not None:
            lines.append('Transfer-Encoding: chunked')
        head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        if body is None or isinstance(body, bytes):
            self.sock.sendall(head + body if body else head)
            return
        self.sock.sendall(head)
        for piece in body:
            size = memoryview(piece).nbytes
            if size:
                # Three writes, so that a large piece is sent as it is (never copied).
                self.sock.sendall(b'%x\r\n' % size)
                self.sock.sendall(piece)
                self.sock.sendall(b'\r\n')
        self.sock.sendall(b'0\r\n\r\n')

    # -- reading ----------------------------------------------------------------------------

    def _fill(self) -> int:
        """Receive more bytes after those buffered; 0 at the end of the connection."""
        assert self.sock is not None
        if self._start == self._end:
            self._start = self._end = 0
        elif self._end == len(self._buf):
            left = self._end - self._start
            self._buf[:left] = self._buf[self._start : self._end]
            self._start, self._end = 0, left
        count = self.sock.recv_into(self._view[self._end :])
        self._end += count
        return count

    def read_head(self) -> tuple[int, str, Headers]:
        """Read a response's status line and headers.

        Raises:
            Closed: if the connection ends first (``received`` says how far it got).
            HTTPError: for anything that is not an HTTP/1.1 response head.
        """
        while True:
            end = self._buf.find(b'\r\n\r\n', self._start, self._end)
            if end >= 0:
                break
            if self._end - self._start >= _MAX_HEAD:
                raise HTTPError('the response headers are too long')
            if not self._fill():
                raise Closed('closed before a complete response', self._end - self._start)
        text = bytes(self._view[self._start : end]).decode('latin-1')
        self._start = end + 4
        status_line, *header_lines = text.split('\r\n')
        parts = status_line.split(' ', 2)
        if len(parts) < 2 or not parts[0].startswith('HTTP/1.') or not parts[1].isdigit():
            raise HTTPError(f'bad status line {status_line[:100]!r}')
        headers = Headers()
        for line in header_lines:
            name, sep, value = line.partition(':')
            if not sep or not name or name != name.strip():
                raise HTTPError(f'bad header line {line[:100]!r}')
            key = name.lower()
            value = value.strip()
            headers[key] = f'{headers[key]}, {value}' if key in headers else value
        return int(parts[1]), parts[2] if len(parts) > 2 else '', headers

    def read_line(self, limit: int = 4096) -> bytes:
        """Read one CRLF-ended line (without the CRLF).

        Raises:
            Closed: if the connection ends first.
            HTTPError: if the line is longer than ``limit``.
        """
        while True:
            end = self._buf.find(b'\r\n', self._start, self._end)
            if end >= 0:
                line = bytes(self._view[self._start : end])
                self._start = end + 2
                return line
            if self._end - self._start > limit:
                raise HTTPError('a line of the response is too long')
            if not self._fill():
                raise Closed('closed in the middle of a line')

    def read_into(self, view: memoryview) -> int:
        """Read up to ``len(view)`` bytes into ``view``; 0 at the end of the connection."""
        buffered = self._end - self._start
        if buffered:
            count = min(buffered, len(view))
            view[:count] = self._view[self._start : self._start + count]
            self._start += count
            return count
        if len(view) < _BUFFER // 4:
            # A small read goes through the buffer, so that what follows is kept.
            if not self._fill():
                return 0
            return self.read_into(view)
        assert self.sock is not None
        return self.sock.recv_into(view)


class Body:
    """The framing of one response body and how much of it is left.

    Args:
        conn: The connection it arrives on.
        headers: The response headers.
        empty: Whether the response has no body whatever its headers (HEAD, 1xx, 204, 304).
    """

    def __init__(self, conn: Connection, headers: Headers, empty: bool):
        self._conn = conn
        self.chunked = 'chunked' in (headers.get('Transfer-Encoding') or '').lower()
        self.left: int | None = None  # bytes left of a Content-Length body or of a chunk
        self.done = empty
        self.to_close = (headers.get('Connection') or '').lower() == 'close'
        self.received = 0
        if empty:
            self.left = 0
        elif not self.chunked:
            length = headers.get('Content-Length')
            if length is not None:
                if not length.strip().isdigit():
                    raise HTTPError(f'bad Content-Length {length[:50]!r}')
                self.left = int(length)
                self.done = self.left == 0
            else:
                self.to_close = True  # the body ends with the connection

    def readinto(self, view: memoryview) -> int:
        """Read body bytes into ``view`` (until it is full or the body ends); 0 at the end.

        Raises:
            Closed: if the connection ends before the body does.
            HTTPError: for a malformed chunked encoding.
        """
        total = 0
        while total < len(view) and not self.done:
            if self.chunked and not self.left:
                self._next_chunk()
                continue
            want = len(view) - total
            if self.left is not None:
                want = min(want, self.left)
            count = self._conn.read_into(view[total : total + want])
            if not count:
                if self.left is None:  # a body that ends with the connection
                    self.done = True
                    break
                raise Closed('closed in the middle of the body', self.received)
            total += count
            self.received += count
            if self.left is not None:
                self.left -= count
                if self.left == 0 and not self.chunked:
                    self.done = True
        return total

    def _next_chunk(self) -> None:
        if self.left == 0:
            self._conn.read_line()  # the CRLF that ends the previous chunk
        line = self._conn.read_line()
        size_text = line.split(b';', 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise HTTPError(f'bad chunk size {size_text[:20]!r}') from None
        if size < 0:
            raise HTTPError(f'bad chunk size {size_text[:20]!r}')
        if size == 0:
            while self._conn.read_line():  # trailers, up to the blank line
                pass
            self.done = True
            self.left = None
            return
        self.left = size
