"""The HTTP request handler: Pebble's API routes over a :class:`PebbleModel`."""

from __future__ import annotations

import binascii
import http.server
import json
import os
import shutil
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from ops_pebble import APIError, PathError
from ops_pebble._files import (
    iter_multipart,
    multipart_boundary,
    multipart_head,
    multipart_tail,
    parse_header_params,
    quote_param,
)
from ops_pebble._layer import Layer, LayerDict, load_yaml_mapping
from ops_pebble._timeconv import parse_duration, parse_timestamp

from ._client import check_notice_request
from ._exec_task import ExecTask
from ._model import ExecRequest, api_error
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
            raise api_error(404, 'not found')
        area = parts[1]
        handler: Callable[..., None] | None = getattr(
            self, f'_{method.lower()}_{area.replace("-", "_")}', None
        )
        if handler is None:
            if getattr(self, f'_get_{area.replace("-", "_")}', None) or getattr(
                self, f'_post_{area.replace("-", "_")}', None
            ):
                raise api_error(405, 'method not allowed')
            raise api_error(404, 'not found')
        handler(*parts[2:])

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

    def _get_warnings(self) -> None:
        raise api_error(404, 'not found')

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
            raise api_error(400, 'must specify services')
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
        try:
            raw = load_yaml_mapping(body.get('layer') or '', 'layer')
            Layer(cast('LayerDict', raw))  # refuses a layer that is not shaped like one
        except Exception as e:
            raise api_error(400, f'cannot parse layer YAML: {e}') from None
        self.server.pebble.model.add_layer(label, raw, combine=bool(body.get('combine')))
        self._sync(True)

    # -- files ------------------------------------------------------------------------------

    def _get_files(self) -> None:
        action = self._q('action')
        if action == 'list':
            self._list_files()
        elif action == 'read':
            self._read_files()
        else:
            raise api_error(400, f'invalid action "{action}"')

    def _list_files(self) -> None:
        fs = self.server.pebble.model.fs
        path = self._q('path') or ''
        if not path.startswith('/'):
            raise api_error(400, f'paths must be absolute, got "{path}"')
        try:
            infos = fs.list(path, pattern=self._q('pattern'), itself=self._q('itself') == 'true')
        except PathError as e:
            code = {'not-found': 404, 'permission-denied': 403}.get(e.kind, 400)
            raise api_error(code, e.message, e.kind) from None
        self._sync(infos)

    def _read_files(self) -> None:
        if 'multipart/form-data' not in (self.headers.get('Accept') or ''):
            raise api_error(400, 'must accept multipart/form-data')
        fs = self.server.pebble.model.fs
        paths = self.query.get('path', [])
        boundary = binascii.hexlify(os.urandom(16)).decode()
        self.send_response(200)
        if self.fault == 'wrong-content-type':
            self.send_header('Content-Type', 'text/plain')
        else:
            self.send_header('Content-Type', f'multipart/form-data; boundary={boundary}')
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        results: list[dict[str, Any]] = []
        first = True
        fault = self.fault
        for path in paths:
            try:
                source = fs.open_for_read(path)
            except PathError as e:
                results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
                continue
            with source:
                self._chunk(
                    multipart_head(
                        boundary,
                        [
                            (
                                'Content-Disposition',
                                f'form-data; name="files"; filename={quote_param(path)}',
                            ),
                            ('Content-Type', 'application/octet-stream'),
                        ],
                        first,
                    )
                )
                first = False
                if fault == 'truncated-multipart':
                    self._chunk(source.read(1024))
                    self._chunk(b'')
                    return
                while True:
                    data = source.read(_CHUNK)
                    if not data:
                        break
                    self._chunk(data)
            results.append({'path': path})
        if fault != 'multipart-without-response':
            envelope = {'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': results}
            self._chunk(
                multipart_head(
                    boundary,
                    [
                        ('Content-Type', 'application/json'),
                        ('Content-Disposition', 'form-data; name="response"'),
                    ],
                    first,
                )
                + json.dumps(envelope).encode()
                + b'\n'
            )
        self._chunk(multipart_tail(boundary))
        self._chunk(b'')

    def _chunk(self, data: bytes) -> None:
        if data:
            # Three writes rather than one concatenation: no copy of a megabyte per chunk.
            self.wfile.write(b'%x\r\n' % len(data))
            self.wfile.write(data)
            self.wfile.write(b'\r\n')
        else:
            self.wfile.write(b'0\r\n\r\n')

    def _post_files(self) -> None:
        content_type = self.headers.get('Content-Type') or ''
        if content_type.startswith('multipart/'):
            self._write_files(content_type)
            return
        body = self._json_body()
        fs = self.server.pebble.model.fs
        action = body.get('action')
        results: list[dict[str, Any]] = []
        if action == 'make-dirs':
            for item in body.get('dirs') or []:
                path = item.get('path', '')
                try:
                    fs.make_dir(
                        path,
                        make_parents=bool(item.get('make-parents')),
                        permissions=int(item['permissions'], 8)
                        if item.get('permissions')
                        else None,
                        owner=_owner(item),
                    )
                    results.append({'path': path})
                except PathError as e:
                    results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
        elif action == 'remove':
            for item in body.get('paths') or []:
                path = item.get('path', '')
                try:
                    fs.remove(path, recursive=bool(item.get('recursive')))
                    results.append({'path': path})
                except PathError as e:
                    results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
        else:
            raise api_error(400, f'invalid action "{action}"')
        self._sync(results)

    def _write_files(self, content_type: str) -> None:
        try:
            boundary = multipart_boundary(content_type)
        except Exception as e:
            raise api_error(400, f'invalid multipart request: {e}') from None
        if len(boundary) < 32:
            raise api_error(400, 'invalid boundary: must be at least 32 characters')
        fs = self.server.pebble.model.fs
        events: Iterator[tuple[str, Any]] = iter_multipart(self.body.read, boundary)
        items: dict[str, dict[str, Any]] = {}
        results: list[dict[str, Any]] = []
        seen_request = False
        try:
            for event, value in events:
                if event != 'headers':
                    continue
                _, params = parse_header_params(value.get('content-disposition', ''))
                name = params.get('name')
                if name == 'request':
                    data = b''.join(v for e, v in _until_end(events))
                    request = json.loads(data)
                    if request.get('action') != 'write':
                        raise api_error(400, f'invalid action "{request.get("action")}"')
                    items = {f['path']: f for f in request.get('files') or []}
                    seen_request = True
                elif name == 'files':
                    if not seen_request:
                        raise api_error(400, 'no "request" field in multipart body')
                    path = params.get('filename', '')
                    item = items.get(path)
                    if item is None:
                        raise api_error(400, f'no metadata for path "{path}"')
                    chunks = (v for _, v in _until_end(events))
                    try:
                        fs.write(
                            path,
                            chunks,
                            make_dirs=bool(item.get('make-dirs')),
                            permissions=int(item['permissions'], 8)
                            if item.get('permissions')
                            else None,
                            owner=_owner(item),
                        )
                        results.append({'path': path})
                    except PathError as e:
                        for _ in chunks:
                            pass
                        results.append(
                            {'path': path, 'error': {'kind': e.kind, 'message': e.message}}
                        )
                else:
                    raise api_error(400, f'unexpected multipart field "{name}"')
        except APIError:
            raise
        except Exception as e:
            self.close_connection = True
            raise api_error(400, f'cannot read multipart request: {e}') from None
        self.body.drain()
        self._sync(results)

    # -- exec -------------------------------------------------------------------------------

    def _post_exec(self) -> None:
        pebble = self.server.pebble
        model = pebble.model
        body = self._json_body()
        command = body.get('command') or []
        if not command:
            raise api_error(400, 'must specify command')
        env = dict(os.environ)
        cwd = body.get('working-dir')
        context = body.get('service-context')
        if context:
            services = model.plan_dict().get('services') or {}
            if context not in services:
                raise api_error(400, f'service "{context}" not found in plan')
            env.update(services[context].get('environment') or {})
            cwd = cwd or services[context].get('working-dir')
        env.update(body.get('environment') or {})
        executable = command[0]
        found = (
            executable
            if os.path.isabs(executable) and os.access(executable, os.X_OK)
            else shutil.which(executable, path=env.get('PATH'))
        )
        if not found:
            raise api_error(400, f'cannot find executable "{executable}"')
        timeout_text = body.get('timeout')
        try:
            timeout = parse_duration(timeout_text) if timeout_text else None
        except ValueError:
            raise api_error(400, f'invalid timeout "{timeout_text}"') from None
        host_cwd = model.fs.host_path(cwd) if cwd else model.fs.root
        with model.lock:
            model.exec_history.append(
                ExecRequest(
                    command=list(command),
                    environment=dict(body.get('environment') or {}),
                    working_dir=cwd,
                    timeout=timeout,
                    user_id=body.get('user-id'),
                    user=body.get('user'),
                    group_id=body.get('group-id'),
                    group=body.get('group'),
                    combine_stderr=not body.get('split-stderr', True),
                    service_context=context,
                )
            )
        change_id = model.new_change('exec', f'Execute command "{executable}"', ready=False)
        task_id = model.get_change(change_id)['tasks'][0]['id']
        task = ExecTask(
            pebble,
            task_id,
            change_id,
            {
                'command': [found, *command[1:]],
                'cwd': host_cwd,
                'env': env,
                'timeout': timeout,
                'split-stderr': bool(body.get('split-stderr', True)),
                'silent': self.fault == 'exec-silent',
            },
        )
        with pebble._lock:
            pebble._tasks[task_id] = task
        threading.Thread(target=task.run, name=f'pebble-exec-{task_id}', daemon=True).start()
        self._async(
            change_id,
            {
                'task-id': task_id,
                'environment': body.get('environment') or {},
                'working-dir': cwd or '/',
            },
        )

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
        self._sync({'changed': changed})

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
        )
        self._sync({'id': notice_id})

    # -- identities, logs -------------------------------------------------------------------

    def _get_identities(self) -> None:
        model = self.server.pebble.model
        with model.lock:
            self._sync(dict(model.identities))

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


def _until_end(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for event, value in events:
        if event == 'end':
            return
        yield event, value


def _owner(item: dict[str, Any]) -> dict[str, Any]:
    return {
        k: item[k] for k in ('user-id', 'user', 'group-id', 'group') if item.get(k) is not None
    }
