"""The HTTP face of the simulated Pebble: HTTP/1.1 and JSON around the one request handler
(:class:`._api.PebbleAPI`), plus what only HTTP has: multipart file transfers, exec
websockets, newline-delimited logs and injected faults."""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import urllib.parse
from typing import TYPE_CHECKING, Any

from ops_pebble import APIError

from . import _files_api as files_api
from ._api import Request, async_, sync
from ._errors import api_error
from ._exec_task import ExecTask, prepare_exec
from ._websocket import ServerWebSocket, accept_key

if TYPE_CHECKING:
    from ._server import SocketServer

_CHUNK = 1 << 20


class _RequestBody:
    """Reads a request body framed by Content-Length or chunked transfer encoding."""

    def __init__(self, rfile: Any, headers: Any):
        self._rfile = rfile
        self._chunked = 'chunked' in (headers.get('Transfer-Encoding') or '').lower()
        self._left = int(headers.get('Content-Length') or 0)
        self._chunk_left = 0
        self._done = False

    def read(self, n: int = -1) -> bytes:
        if self._done:
            return b''
        if n < 0:
            n = 1 << 62
        if not self._chunked:
            data = self._rfile.read(min(n, self._left)) if self._left else b''
            self._left -= len(data)
            if not data:
                self._done = True
            return data
        if self._chunk_left == 0:
            line = self._rfile.readline(1024)
            if not line:
                raise ConnectionError('client closed the connection inside a chunked body')
            size = int(line.split(b';')[0].strip() or b'0', 16)
            if size == 0:
                while self._rfile.readline(1024) not in (b'\r\n', b'\n', b''):
                    pass
                self._done = True
                return b''
            self._chunk_left = size
        chunk: bytes = self._rfile.read(min(n, self._chunk_left))
        data = chunk
        if not data:
            raise ConnectionError('client closed the connection inside a chunked body')
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._rfile.readline(16)
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers one connection's requests (HTTP/1.1, kept alive) from the served model."""

    protocol_version = 'HTTP/1.1'
    server: SocketServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read their own output, not an access log."""
        pass

    def address_string(self) -> str:
        """Unix sockets have no peer address to show."""
        return 'unix'

    # -- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        """Handle a GET request."""
        self._dispatch('GET')

    def do_POST(self) -> None:
        """Handle a POST request."""
        self._dispatch('POST')

    def do_PUT(self) -> None:
        """Handle a PUT request (Pebble has none: answered 405/404)."""
        self._dispatch('PUT')

    def _dispatch(self, method: str) -> None:
        pebble = self.server.pebble
        parsed = urllib.parse.urlsplit(self.path)
        self.query = urllib.parse.parse_qs(parsed.query)
        self.route = parsed.path
        self.body = _RequestBody(self.rfile, self.headers)
        self.fault = pebble._take_fault(method, self.route)
        if self.fault == 'never-answer':
            self.body.drain()
            pebble._stopping.wait(60)
            self.close_connection = True
            return
        if self.fault == 'close-before-response':
            self.body.drain()
            self.close_connection = True
            return
        if self.fault == 'garbage-status-line':
            self.body.drain()
            self.wfile.write(b'this is not HTTP\r\n\r\n')
            self.close_connection = True
            return
        try:
            self._route(method)
        except APIError as e:
            self.body.drain()
            self._send_envelope(e.code, e.body)
        except (ConnectionError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # a bug or bad input: answer 500 rather than drop the line
            self.body.drain()
            self._send_envelope(
                500,
                {'type': 'error', 'status-code': 500, 'status': 'Internal Server Error',
                 'result': {'message': f'{type(e).__name__}: {e}'}},
            )  # fmt: skip

    def _route(self, method: str) -> None:
        route = self.route
        if method == 'GET' and route == '/v1/files':
            action = self._q('action')
            if action == 'read':
                files_api.read_files(self)
                return
            if action == 'list':
                self._list_files()  # a method, so that a test can stand a hostile listing in
                return
        elif method == 'POST' and route == '/v1/files':
            content_type = self.headers.get('Content-Type') or ''
            if content_type.startswith('multipart/'):
                files_api.write_files(self, content_type)
                return
        elif method == 'POST' and route == '/v1/exec':
            self._post_exec()
            return
        elif method == 'GET' and route.startswith('/v1/tasks/'):
            self._get_tasks(*route.strip('/').split('/')[2:])
            return
        elif method == 'GET' and route == '/v1/logs':
            self._get_logs()
            return
        request = Request(method, route, self.query, self._json_body, self._peer_uid())
        self._send_envelope(*_status(self.server.pebble.api.handle(request)))

    def _peer_uid(self) -> int | None:
        """The UID of the process at the other end of the socket (as Pebble records it)."""
        try:
            creds = self.connection.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i')
            )
        except (OSError, AttributeError):
            return None
        return int(struct.unpack('3i', creds)[1])

    def _q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def _json_body(self) -> dict[str, Any]:
        data = self.body.read()
        try:
            decoded = json.loads(data or b'null')
        except ValueError as e:
            raise api_error(400, f'cannot decode request body: {e}') from None
        if not isinstance(decoded, dict):
            raise api_error(400, 'cannot decode request body: expected a JSON object')
        return decoded

    # -- responses --------------------------------------------------------------------------

    def _send_envelope(self, code: int, envelope: dict[str, Any]) -> None:
        data = json.dumps(envelope).encode()
        fault = self.fault
        content_type = 'application/json'
        if fault == 'malformed-json':
            data = data[: max(1, len(data) // 2)]
        elif fault == 'wrong-content-type':
            content_type = 'text/html; charset=utf-8'
            data = b'<html><body>not pebble</body></html>'
        self.send_response(code)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if fault == 'close-mid-response':
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)

    def _sync(self, result: Any, code: int = 200) -> None:
        self._send_envelope(code, sync(result, code))

    # -- what only HTTP has -----------------------------------------------------------------

    def _list_files(self) -> None:
        api = self.server.pebble.api
        self._sync(
            api.list_files(self._q('path') or '', self._q('pattern'), self._q('itself') == 'true')
        )

    def _get_logs(self) -> None:
        request = Request('GET', self.route, self.query, self._json_body)
        entries = self.server.pebble.api.logs(request)
        data = b''.join(json.dumps(e).encode() + b'\n' for e in entries)
        self.send_response(200)
        self.send_header('Content-Type', 'application/x-ndjson')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _post_exec(self) -> None:
        pebble = self.server.pebble
        model = pebble.model
        request, spawn, result = prepare_exec(model, self._json_body())
        with model.lock:
            model.exec_history.append(request)
        change_id = model.new_change(
            'exec', f'Execute command "{request.command[0]}"', ready=False
        )
        task_id = model.get_change(change_id)['tasks'][0]['id']
        task = ExecTask(
            pebble, task_id, change_id, {**spawn, 'silent': self.fault == 'exec-silent'}
        )
        with pebble._lock:
            pebble._tasks[task_id] = task
        threading.Thread(target=task.run, name=f'pebble-exec-{task_id}', daemon=True).start()
        self._send_envelope(202, async_(change_id, {'task-id': task_id, **result}))

    def _get_tasks(self, task_id: str, websocket: str = '', name: str = '') -> None:
        pebble = self.server.pebble
        with pebble._lock:
            task = pebble._tasks.get(task_id)
        if task is None or websocket != 'websocket':
            raise api_error(404, f'cannot find task with id "{task_id}"')
        key = self.headers.get('Sec-WebSocket-Key')
        if (self.headers.get('Upgrade') or '').lower() != 'websocket' or not key:
            raise api_error(400, 'websocket upgrade required')
        if name not in task.wanted() or name in task.sockets:
            raise api_error(400, f'websocket "{name}" is not available')
        self.send_response(101, 'Switching Protocols')
        self.send_header('Upgrade', 'websocket')
        self.send_header('Connection', 'Upgrade')
        self.send_header('Sec-WebSocket-Accept', accept_key(key))
        self.end_headers()
        self.wfile.flush()
        ws = ServerWebSocket(self.rfile, self.wfile)  # type: ignore[arg-type]
        self.close_connection = True
        if not task.attach(name, ws):
            ws.close()
            return
        task.serve(name, ws)


def _status(envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return int(envelope['status-code']), envelope
