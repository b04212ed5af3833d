"""Server-side websocket framing (RFC 6455) over an already-upgraded connection.

Only what Pebble's exec streams need: text and binary messages, fragmentation, ping/pong
and close. Client frames are masked; server frames are not.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
from typing import BinaryIO

_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

OP_CONT = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

_MAX_MESSAGE = 64 * 1024 * 1024


def accept_key(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value answering a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode('ascii') + _GUID).digest()).decode('ascii')


class WebSocketClosed(Exception):
    """The peer closed the websocket (or the connection dropped)."""


class ServerWebSocket:
    """One upgraded connection, read from ``rfile`` and written to ``wfile``.

    Sending is serialised by a lock so several threads may send.
    """

    def __init__(self, rfile: BinaryIO, wfile: BinaryIO):
        self._rfile = rfile
        self._wfile = wfile
        self._send_lock = threading.Lock()
        self.closed = False

    def _read_exact(self, n: int) -> bytes:
        data = b''
        while len(data) < n:
            chunk = self._rfile.read(n - len(data))
            if not chunk:
                raise WebSocketClosed('connection closed')
            data += chunk
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([length])
        elif length < 1 << 16:
            header += bytes([126]) + struct.pack('!H', length)
        else:
            header += bytes([127]) + struct.pack('!Q', length)
        with self._send_lock:
            if self.closed and opcode != OP_CLOSE:
                raise WebSocketClosed('websocket already closed')
            try:
                self._wfile.write(header + payload)
                self._wfile.flush()
            except (OSError, ValueError) as e:  # ValueError: the stream was already closed
                self.closed = True
                raise WebSocketClosed(str(e)) from None

    def send_binary(self, data: bytes) -> None:
        """Send a BINARY message."""
        self._send_frame(OP_BINARY, data)

    def send_text(self, text: str) -> None:
        """Send a TEXT message."""
        self._send_frame(OP_TEXT, text.encode('utf-8'))

    def close(self, code: int = 1000) -> None:
        """Send a CLOSE frame (once)."""
        if self.closed:
            return
        try:
            self._send_frame(OP_CLOSE, struct.pack('!H', code))
        except WebSocketClosed:
            pass
        self.closed = True

    def receive(self) -> tuple[int, bytes]:
        """Return the next complete message as ``(opcode, payload)``.

        Pings are answered and skipped.

        Raises:
            WebSocketClosed: on a CLOSE frame or when the connection drops.
        """
        message = b''
        message_op: int | None = None
        while True:
            first, second = self._read_exact(2)
            fin = bool(first & 0x80)
            opcode = first & 0x0F
            masked = bool(second & 0x80)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack('!H', self._read_exact(2))
            elif length == 127:
                (length,) = struct.unpack('!Q', self._read_exact(8))
            if length > _MAX_MESSAGE:
                raise WebSocketClosed('message too large')
            mask = self._read_exact(4) if masked else b''
            payload = self._read_exact(length)
            if masked:
                payload = (
                    bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                    if length < 64
                    else _unmask(payload, mask)
                )
            if opcode == OP_CLOSE:
                self.close()
                raise WebSocketClosed('closed by peer')
            if opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode != OP_CONT:
                message_op = opcode
                message = payload
            else:
                message += payload
            if fin and message_op is not None:
                return message_op, message


def _unmask(payload: bytes, mask: bytes) -> bytes:
    # XOR with the 4-byte mask repeated, done on big integers for speed.
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    value = int.from_bytes(payload, 'big') ^ int.from_bytes(repeated, 'big')
    return value.to_bytes(len(payload), 'big')
