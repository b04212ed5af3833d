"""The HTTP request handler: Pebble's API routes over a :class:`PebbleModel`."""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ops_pebble import APIError
from ops_pebble._layer import Layer, LayerDict, load_yaml_mapping
from ops_pebble._timeconv import parse_duration, parse_timestamp

from . import _files_api as files_api
from ._client import check_notice_request
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
        path = self.route
        parts = path.strip('/').split('/')
        if len(parts) < 2 or parts[0] != 'v1':
            raise api_error(404, 'invalid API endpoint requested')
        area = parts[1]
        handler: Callable[..., None] | None = getattr(
            self, f'_{method.lower()}_{area.replace("-", "_")}', None
        )
        if handler is None:
            if getattr(self, f'_get_{area.replace("-", "_")}', None) or getattr(
                self, f'_post_{area.replace("-", "_")}', None
            ):
                raise api_error(405, f'method "{method}" not allowed')
            raise api_error(404, 'invalid API endpoint requested')
        handler(*parts[2:])

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

    def _q_list(self, name: str) -> list[str]:
        out: list[str] = []
        for value in self.query.get(name, []):
            out.extend(v for v in value.split(',') if v)
        return out

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
        envelope: dict[str, Any] = {
            'type': 'sync',
            'status-code': code,
            'status': self.responses[code][0],
        }
        if result is not None:
            envelope['result'] = result
        self._send_envelope(code, envelope)

    def _async(self, change_id: str, result: Any = None) -> None:
        envelope: dict[str, Any] = {
            'type': 'async',
            'status-code': 202,
            'status': 'Accepted',
            'change': change_id,
        }
        if result is not None:
            envelope['result'] = result
        self._send_envelope(202, envelope)

    # -- system -----------------------------------------------------------------------------

    def _get_system_info(self) -> None:
        pebble = self.server.pebble
        self._sync({'boot-id': pebble.boot_id, 'version': pebble.model.version})

    def _get_health(self) -> None:
        self._sync({'healthy': True})

    # -- changes ----------------------------------------------------------------------------

    def _get_changes(self, change_id: str | None = None, sub: str | None = None) -> None:
        model = self.server.pebble.model
        if change_id is None:
            self._sync(
                model.list_changes(
                    self._q('select', 'in-progress') or 'in-progress', self._q('for')
                )
            )
            return
        if sub == 'wait' and not self.server.pebble.wait_endpoint:
            raise api_error(404, 'not found')
        if sub == 'wait':
            timeout_text = self._q('timeout')
            timeout = parse_duration(timeout_text) if timeout_text else None
            deadline = None if timeout is None else time.monotonic() + timeout
            with model.changed:
                while True:
                    change = model.get_change(change_id)
                    if change['ready']:
                        break
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise api_error(504, 'timed out waiting for change')
                    model.changed.wait(remaining if remaining is not None else 1.0)
            self._sync(change)
            return
        if sub is not None:
            raise api_error(404, 'not found')
        self._sync(model.get_change(change_id))

    def _post_changes(self, change_id: str) -> None:
        body = self._json_body()
        if body.get('action') != 'abort':
            raise api_error(400, f'invalid action "{body.get("action")}"')
        self._sync(self.server.pebble.model.abort_change(change_id))

    # -- services ---------------------------------------------------------------------------

    def _get_services(self) -> None:
        model = self.server.pebble.model
        names = self._q_list('names') or None
        infos = model.service_infos(names)
        result = []
        for info in infos:
            startup = getattr(info.startup, 'value', info.startup)
            current = getattr(info.current, 'value', info.current)
            result.append({'name': info.name, 'startup': startup, 'current': current})
        self._sync(result)

    def _post_services(self) -> None:
        pebble = self.server.pebble
        body = self._json_body()
        action = body.get('action', '')
        names = list(body.get('services') or [])
        delay = pebble.change_delay
        change_id = pebble.model.service_change(action, names, ready=delay <= 0)
        if delay > 0:
            timer = threading.Timer(delay, pebble.model.finish_change, args=(change_id,))
            timer.daemon = True
            timer.start()
        self._async(change_id)

    def _post_signals(self) -> None:
        body = self._json_body()
        names = list(body.get('services') or [])
        if not names:
            raise api_error(400, 'must specify one or more services')
        self.server.pebble.model.send_signal(body.get('signal', ''), names)
        self._sync(True)

    # -- layers and plan --------------------------------------------------------------------

    def _get_plan(self) -> None:
        if self._q('format') != 'yaml':
            raise api_error(400, f'invalid format "{self._q("format")}"')
        self._sync(self.server.pebble.model.plan_yaml())

    def _post_layers(self) -> None:
        body = self._json_body()
        if body.get('action') != 'add':
            raise api_error(400, f'invalid action "{body.get("action")}"')
        if body.get('format') != 'yaml':
            raise api_error(400, f'invalid format "{body.get("format")}"')
        label = body.get('label') or ''
        if not label:
            raise api_error(400, 'label must be set')
        raw = _parse_layer(label, body.get('layer') or '')
        self.server.pebble.model.add_layer(label, raw, combine=bool(body.get('combine')))
        self._sync(True)

    # -- files (see _files_api) -------------------------------------------------------------

    def _get_files(self) -> None:
        files_api.get_files(self)

    def _list_files(self) -> None:
        files_api.list_files(self)

    def _post_files(self) -> None:
        files_api.post_files(self)

    # -- exec -------------------------------------------------------------------------------

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
        self._async(change_id, {'task-id': task_id, **result})

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

    # -- checks -----------------------------------------------------------------------------

    def _get_checks(self) -> None:
        model = self.server.pebble.model
        self._sync(model.check_infos(self._q('level'), self._q_list('names') or None))

    def _post_checks(self, sub: str | None = None) -> None:
        model = self.server.pebble.model
        body = self._json_body()
        if sub == 'refresh':
            name = body.get('name', '')
            infos = model.check_infos(names=[name])
            if not infos:
                raise api_error(404, f'cannot find check "{name}"')
            self._sync({'info': infos[0], 'error': ''})
            return
        changed = model.change_checks(body.get('action', ''), list(body.get('checks') or []))
        self._sync({'changed': sorted(changed)})  # Pebble answers in name order

    # -- notices ----------------------------------------------------------------------------

    def _get_notices(self, notice_id: str | None = None) -> None:
        model = self.server.pebble.model
        if notice_id is not None:
            self._sync(model.get_notice(notice_id))
            return
        after_text = self._q('after')
        after = parse_timestamp(after_text) if after_text else None
        user_id = self._q('user-id')
        filters: dict[str, Any] = {
            'types': self._q_list('types') or None,
            'keys': self._q_list('keys') or None,
            'user_id': int(user_id) if user_id else None,
            'all_users': self._q('users') == 'all',
            'after': after,
        }
        timeout_text = self._q('timeout')
        notices = model.list_notices(**filters)
        if not notices and timeout_text:
            deadline = time.monotonic() + parse_duration(timeout_text)
            with model.changed:
                while not notices:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    model.changed.wait(remaining)
                    notices = model.list_notices(**filters)
        self._sync(notices)

    def _post_notices(self) -> None:
        model = self.server.pebble.model
        body = self._json_body()
        if body.get('action') != 'add':
            raise api_error(400, 'invalid action (must be "add")')
        check_notice_request(body.get('type', ''), body.get('key', ''), body.get('data'))
        repeat = body.get('repeat-after')
        notice_id, _ = model.add_notice(
            body['type'],
            body['key'],
            data=body.get('data'),
            repeat_after=parse_duration(repeat) if repeat else None,
            user_id=self._peer_uid(),
        )
        self._sync({'id': notice_id})

    # -- identities, logs -------------------------------------------------------------------

    def _get_identities(self) -> None:
        model = self.server.pebble.model
        self._sync(model.public_identities())

    def _post_identities(self) -> None:
        body = self._json_body()
        self.server.pebble.model.update_identities(
            body.get('action', ''), body.get('identities') or {}
        )
        self._sync(None)

    def _get_logs(self) -> None:
        model = self.server.pebble.model
        n = int(self._q('n', '30') or 30)
        entries = model.get_logs(self._q_list('services') or None, n)
        data = b''.join(json.dumps(e).encode() + b'\n' for e in entries)
        self.send_response(200)
        self.send_header('Content-Type', 'application/x-ndjson')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse_layer(label: str, text: str) -> dict[str, Any]:
    """A layer's YAML as Pebble parses it, refused with Pebble's messages.

    Raises:
        APIError: 400 ``cannot parse layer YAML: ...`` for a reserved label, invalid YAML,
            an unknown section, a section of the wrong shape or a reserved service name.
    """
    prefix = 'cannot parse layer YAML: '
    if label.startswith('pebble-'):
        raise api_error(400, prefix + 'cannot use reserved label prefix "pebble-"')
    try:
        raw = load_yaml_mapping(text, 'layer')
    except Exception as e:
        raise api_error(400, f'{prefix}cannot parse layer "{label}": yaml: {e}') from None
    for section, value in raw.items():
        if section not in ('summary', 'description', 'services', 'checks', 'log-targets'):
            raise api_error(
                400, f'{prefix}cannot parse layer "{label}": unknown section "{section}"'
            )
        if section not in ('summary', 'description') and not isinstance(value, dict | None):
            raise api_error(
                400,
                f'{prefix}cannot parse layer "{label}" section "{section}": yaml: unmarshal '
                f'errors: cannot unmarshal {type(value).__name__} into a mapping',
            )
    if 'pebble' in (raw.get('services') or {}):
        raise api_error(400, prefix + 'cannot use reserved service name "pebble"')
    try:
        Layer(cast('LayerDict', raw))  # refuses a layer that is not shaped like one
    except Exception as e:
        raise api_error(400, f'{prefix}cannot parse layer "{label}": {e}') from None
    return raw
