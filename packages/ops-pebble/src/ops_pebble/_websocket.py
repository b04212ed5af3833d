"""One websocket of an exec: the opening handshake, sending, and a strict frame reader.

Only what Pebble's exec streams need of RFC 6455, directly on the socket: the handshake is
one write and one buffered read (bytes that arrive with it are kept for the reader); the
client's frames are masked, as a client's must be; what Pebble sends is read frame by
frame and checked against the RFC and against what Pebble sends on each stream, so that a
broken or hostile server gives :class:`ProtocolError` at once rather than a hang or a huge
allocation. Binary payloads go from the socket into the caller's buffer without copies.
"""

from __future__ import annotations

import base64
import builtins
import json
import logging
import os
import select
import socket
import struct
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from ._errors import ConnectionError, ProtocolError, TimeoutError

if TYPE_CHECKING:
    from ._transport import SocketTransport

logger = logging.getLogger(__name__)

OP_CONT = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

MAX_FRAME = 16 * 1024 * 1024
"""The largest data frame accepted (Pebble's are at most a few hundred KiB)."""

MAX_TEXT = 64 * 1024
"""The largest text message accepted (Pebble's are small JSON commands)."""

_BUFFER = 256 * 1024
_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
_MAX_HANDSHAKE = 16 * 1024


class _Ended(Exception):
    """The stream ended (cleanly, or because it is being shut down)."""


class ExecWebSocket:
    """One connected websocket of an exec task (``control``, ``stdio`` or ``stderr``).

    Sending is thread-safe. Receiving is done by one thread at a time: :meth:`read_data`
    on an output stream, :meth:`wait_closed` on the control websocket.

    Args:
        sock: The connected socket, after the handshake, in blocking mode.
        name: The websocket's id, used in messages.
        received: Bytes that arrived with the handshake's answer (the first frames).
    """

    def __init__(self, sock: socket.socket, name: str, received: bytes = b''):
        self.name = name
        self.sock = sock
        self._send_lock = threading.Lock()
        self._buf = bytearray(max(_BUFFER, len(received)))
        self._buf[: len(received)] = received
        self._start = 0  # self._buf[self._start:self._end] is received but not yet parsed
        self._end = len(received)
        self._poll: Any = None
        self._message: int | None = None  # OP_TEXT or OP_BINARY while a message is open
        self._fin = False  # whether the current frame ends its message
        self._left = 0  # payload bytes of the current frame not read yet
        self._text = bytearray()
        self._eof = False
        self.closing = False

    # -- sending ----------------------------------------------------------------------------

    def send_binary(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data`` as one BINARY message.

        Raises:
            OSError: if the connection is gone (for example after the process exited).
        """
        self._send(OP_BINARY, bytes(data))

    def send_text(self, text: str) -> None:
        """Send ``text`` as one TEXT message (see :meth:`send_binary`)."""
        self._send(OP_TEXT, text.encode('utf-8'))

    def _send(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            head = struct.pack('!BB', 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            head = struct.pack('!BBH', 0x80 | opcode, 0x80 | 126, length)
        else:
            head = struct.pack('!BBQ', 0x80 | opcode, 0x80 | 127, length)
        mask = os.urandom(4)
        with self._send_lock:
            if self.closing:
                raise BrokenPipeError('the websocket is closed')
            self.sock.sendall(head + mask + _masked(payload, mask))

    def shutdown(self) -> None:
        """Close the connection at once, waking any thread blocked on it (no CLOSE handshake)."""
        self.closing = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already disconnected
        self.sock.close()

    # -- receiving --------------------------------------------------------------------------

    def read_data(self, view: memoryview, deadline: float | None = None) -> int:
        """Read output bytes of this stream into ``view``; 0 once the stream has ended.

        The stream ends with Pebble's ``{"command":"end"}`` message, a CLOSE frame, or the
        connection closing between frames (or being shut down by :meth:`shutdown`).

        Raises:
            ProtocolError: for a frame that breaks RFC 6455 or is not what Pebble sends.
            ConnectionError: if the connection broke in the middle of a frame.
            TimeoutError: (the built-in one) once ``deadline`` has passed.
        """
        if not len(view):
            return 0
        try:
            while not self._eof:
                if self._left:
                    if self._message == OP_BINARY:
                        return self._payload_into(view, deadline)
                    self._collect_text(deadline)
                elif self._message is not None and self._fin:
                    if self._message == OP_TEXT:
                        self._text_message()
                    self._message = None
                else:
                    self._next_frame(deadline)
        except _Ended:
            self._eof = True
        return 0

    def wait_closed(self, deadline: float | None = None) -> None:
        """Wait until the server closes this websocket (Pebble closes ``control`` when the
        process exits); it must send no message on it meanwhile.

        Raises:
            ProtocolError: if a message or an invalid frame arrives.
            ConnectionError: if the connection broke in the middle of a frame.
            TimeoutError: (the built-in one) once ``deadline`` has passed.
        """
        try:
            while not self._eof:
                self._next_frame(deadline)
                if self._message is not None:
                    raise self._violation(
                        'a message on the control websocket, which only the client writes to'
                    )
        except _Ended:
            self._eof = True

    def _violation(self, what: str) -> ProtocolError:
        return ProtocolError(
            f'invalid data from Pebble on the exec {self.name!r} websocket: {what}'
        )

    def _next_frame(self, deadline: float | None) -> None:
        """Read one frame header; answer control frames; open or continue a message."""
        head = self._take(2, deadline, boundary=True)
        first, second = head[0], head[1]
        fin, opcode = bool(first & 0x80), first & 0x0F
        if first & 0x70:
            raise self._violation('a frame with reserved bits set (no extension was agreed)')
        if second & 0x80:
            raise self._violation('a masked frame (a server must not mask its frames)')
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(self._take(2, deadline), 'big')
        elif length == 127:
            length = int.from_bytes(self._take(8, deadline), 'big')
            if length >> 63:
                raise self._violation('a frame length with its most significant bit set')
        if opcode >= 0x8:
            if opcode not in (OP_CLOSE, OP_PING, OP_PONG):
                raise self._violation(f'a frame with the reserved opcode {opcode:#x}')
            if not fin or length > 125:
                raise self._violation('a fragmented or oversized control frame')
            payload = self._take(length, deadline)
            if opcode == OP_CLOSE:
                self._eof = True
            elif opcode == OP_PING:
                try:
                    self._send(OP_PONG, payload)
                except OSError:  # the connection is going away; the read will show it
                    pass
            return
        if opcode not in (OP_CONT, OP_TEXT, OP_BINARY):
            raise self._violation(f'a frame with the reserved opcode {opcode:#x}')
        if length > MAX_FRAME:
            raise self._violation(f'a frame of {length} bytes (at most {MAX_FRAME} expected)')
        if opcode == OP_CONT:
            if self._message is None:
                raise self._violation('a continuation frame outside any message')
        else:
            if self._message is not None:
                raise self._violation('a new message before the fragmented one ended')
            self._message = opcode
            self._text.clear()
        self._fin = fin
        self._left = length

    def _collect_text(self, deadline: float | None) -> None:
        if len(self._text) + self._left > MAX_TEXT:
            raise self._violation(f'a text message longer than {MAX_TEXT} bytes')
        self._text += self._take(self._left, deadline)
        self._left = 0

    def _text_message(self) -> None:
        """Act on a complete text message of an output stream (Pebble's "end" command)."""
        try:
            command = json.loads(bytes(self._text).decode('utf-8'))
        except ValueError:
            logger.warning('Pebble sent an undecodable I/O command on %r (ignored)', self.name)
            return
        if isinstance(command, dict) and command.get('command') == 'end':
            self._eof = True
        else:
            logger.warning('Pebble sent an unknown I/O command on %r (ignored)', self.name)

    # -- the socket -------------------------------------------------------------------------

    def _payload_into(self, view: memoryview, deadline: float | None) -> int:
        want = min(len(view), self._left)
        buffered = self._end - self._start
        if buffered:
            count = min(want, buffered)
            view[:count] = self._buf[self._start : self._start + count]
            self._start += count
        else:
            count = self._recv_into(view[:want], deadline)
            if not count:
                raise self._ended(boundary=False)
        self._left -= count
        return count

    def _take(self, count: int, deadline: float | None, boundary: bool = False) -> bytes:
        """The next ``count`` bytes of the stream.

        Raises:
            _Ended: if the connection ends at a frame boundary (``boundary``) or is being
                shut down.
            ConnectionError: if it ends anywhere else.
        """
        while self._end - self._start < count:
            if not self._fill(deadline):
                at_boundary = boundary and self._start == self._end and self._message is None
                raise self._ended(at_boundary)
        data = bytes(self._buf[self._start : self._start + count])
        self._start += count
        return data

    def _ended(self, boundary: bool) -> Exception:
        """The exception for the end of the connection: clean, or in the middle of a frame."""
        self._left = 0
        if boundary or self.closing:
            return _Ended()
        self._eof = True
        return ConnectionError(
            f'Pebble closed the exec {self.name!r} websocket in the middle of a message'
        )

    def _fill(self, deadline: float | None) -> bool:
        """Receive more bytes into the buffer; False at the end of the connection."""
        if self._start == self._end:
            self._start = self._end = 0
        elif self._end == len(self._buf):
            remaining = self._end - self._start
            self._buf[:remaining] = self._buf[self._start : self._end]
            self._start, self._end = 0, remaining
        count = self._recv_into(memoryview(self._buf)[self._end :], deadline)
        self._end += count
        return count > 0

    def _recv_into(self, view: memoryview, deadline: float | None) -> int:
        """Receive into ``view``; 0 at the end of the connection (or once shut down)."""
        if self.closing:
            return 0
        try:
            if deadline is not None:
                self._wait_readable(deadline)
            return self.sock.recv_into(view)
        except builtins.TimeoutError:
            raise
        except OSError as e:
            if self.closing:
                return 0
            raise ConnectionError(
                f'connection to Pebble broke on the exec {self.name!r} websocket: {e}'
            ) from e

    def _wait_readable(self, deadline: float) -> None:
        # The socket stays in blocking mode (another thread may be sending on it), so the
        # deadline is kept with poll() rather than with a socket timeout.
        if self._poll is None:
            self._poll = select.poll()
            self._poll.register(self.sock.fileno(), select.POLLIN)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise builtins.TimeoutError('timed out')
            if self._poll.poll(max(1, int(remaining * 1000))):
                return


def _sha1(data: bytes) -> bytes:
    """SHA-1 of ``data``, preferably without loading OpenSSL (3.6 MiB) for one handshake hash."""
    try:
        import _sha1  # type: ignore[import-not-found]  # CPython's own, no OpenSSL

        digest: bytes = _sha1.sha1(data).digest()
    except ImportError:  # pragma: no cover - a Python built without it
        import hashlib

        digest = hashlib.sha1(data).digest()
    return digest


def _masked(payload: bytes, mask: bytes) -> bytes:
    """``payload`` XOR-ed with the 4-byte ``mask`` repeated (on big integers: fast)."""
    length = len(payload)
    if not length:
        return payload
    repeated = mask * (length // 4) + mask[: length % 4]
    value = int.from_bytes(payload, sys.byteorder) ^ int.from_bytes(repeated, sys.byteorder)
    return value.to_bytes(length, sys.byteorder)


def connect(transport: SocketTransport, task_id: str, name: str) -> ExecWebSocket:
    """Open one websocket of an exec task, the handshake bounded by the client's timeout.

    Raises:
        ConnectionError, TimeoutError: if the socket cannot be reached in time.
        ProtocolError: if Pebble does not upgrade the connection (the message has its
            status line), or answers the handshake wrongly.
    """
    sock = transport.connect_socket()
    sock.deadline = time.monotonic() + transport.timeout
    try:
        key = base64.b64encode(os.urandom(16)).decode('ascii')
        sock.sendall(
            (
                f'GET /v1/tasks/{task_id}/websocket/{name} HTTP/1.1\r\nHost: localhost\r\n'
                'Upgrade: websocket\r\nConnection: Upgrade\r\n'
                f'Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n'
            ).encode('ascii')
        )
        answer = b''
        while b'\r\n\r\n' not in answer:
            if len(answer) > _MAX_HANDSHAKE:
                raise ProtocolError(f'the answer to the {name!r} websocket upgrade is too long')
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError(
                    f'Pebble closed the connection while opening the exec {name!r} websocket'
                )
            answer += chunk
        head, _, received = answer.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        if lines[0].split(' ')[1:2] != ['101']:
            raise ProtocolError(
                f'Pebble did not open the exec {name!r} websocket: {lines[0][:200]!r}'
            )
        headers = {}
        for line in lines[1:]:
            field, _, value = line.partition(':')
            headers[field.strip().lower()] = value.strip()
        accept = base64.b64encode(_sha1(key.encode('ascii') + _GUID))
        if headers.get('sec-websocket-accept', '').encode('ascii', 'replace') != accept:
            raise ProtocolError(f'wrong Sec-WebSocket-Accept opening the {name!r} websocket')
        sock.deadline = None
        sock.settimeout(None)
    except builtins.TimeoutError:
        sock.close()
        raise TimeoutError(
            f'timed out opening the exec {name!r} websocket (timeout {transport.timeout} seconds)'
        ) from None
    except OSError as e:
        sock.close()
        raise ConnectionError(
            f'connection to Pebble broke opening the {name!r} websocket: {e}'
        ) from e
    except BaseException:
        sock.close()
        raise
    return ExecWebSocket(sock, name, received)
