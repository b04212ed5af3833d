"""An HTTP face over a :class:`PebbleModel` on a real unix socket, for end-to-end tests.

It speaks Pebble's API the way the daemon does: HTTP/1.1 with keep-alive, the JSON envelope,
chunked request and response bodies, streaming multipart for file push and pull, websocket
exec running real processes, asynchronous changes with a wait endpoint, long-polled notices.
It can also misbehave on purpose (:meth:`PebbleServer.inject_fault`) so clients can be tested
against broken servers.
"""

from __future__ import annotations

import binascii
import dataclasses
import http.server
import json
import os
import shutil
import signal as signal_module
import socket
import socketserver
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

from ops_pebble import APIError, PathError
from ops_pebble._files import (
    iter_multipart,
    multipart_boundary,
    multipart_head,
    multipart_tail,
    parse_header_params,
    quote_param,
)
from ops_pebble._layer import Layer
from ops_pebble._timeconv import format_go_duration, parse_duration, parse_timestamp

from ._client import check_notice_request
from ._model import PebbleModel, api_error
from ._websocket import OP_BINARY, OP_TEXT, ServerWebSocket, WebSocketClosed, accept_key

_CHUNK = 1 << 20
FAULTS = (
    'never-answer',
    'close-before-response',
    'close-mid-response',
    'malformed-json',
    'wrong-content-type',
    'truncated-multipart',
    'multipart-without-response',
    'garbage-status-line',
    'exec-silent',
)
"""The faults :meth:`PebbleServer.inject_fault` can inject."""


@dataclasses.dataclass
class _Fault:
    kind: str
    method: str | None
    path: str | None
    remaining: int


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


class _ExecTask:
    """One exec request: its websockets and the real process behind them."""

    def __init__(self, server: PebbleServer, task_id: str, change_id: str, args: dict[str, Any]):
        self.server = server
        self.task_id = task_id
        self.change_id = change_id
        self.args = args
        self.split_stderr = args['split-stderr']
        self.sockets: dict[str, ServerWebSocket] = {}
        self.connected = threading.Condition()
        self.process: subprocess.Popen[bytes] | None = None
        self.finished = threading.Event()

    def wanted(self) -> set[str]:
        return {'control', 'stdio', 'stderr'} if self.split_stderr else {'control', 'stdio'}

    def attach(self, name: str, ws: ServerWebSocket) -> bool:
        with self.connected:
            if name in self.sockets or name not in self.wanted():
                return False
            self.sockets[name] = ws
            self.connected.notify_all()
            return True

    def run(self) -> None:
        model = self.server.model
        deadline = time.monotonic() + self.server.websocket_wait
        with self.connected:
            while set(self.sockets) != self.wanted():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._fail('timed out waiting for websockets to connect')
                    return
                self.connected.wait(remaining)
        if self.args.get('silent'):
            # Fault injection: accept the websockets, then never run or finish anything.
            self.server._stopping.wait(60)
            return
        stdio = self.sockets['stdio']
        stderr_ws = self.sockets.get('stderr')
        try:
            self.process = subprocess.Popen(
                self.args['command'],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if self.split_stderr else subprocess.STDOUT,
                cwd=self.args['cwd'],
                env=self.args['env'],
                start_new_session=True,
            )
        except OSError as e:
            self._fail(f'cannot start command: {e}')
            return
        with self.connected:
            self.connected.notify_all()
        pumps = [
            threading.Thread(target=self._pump, args=(self.process.stdout, stdio), daemon=True)
        ]
        if stderr_ws is not None:
            pumps.append(
                threading.Thread(
                    target=self._pump, args=(self.process.stderr, stderr_ws), daemon=True
                )
            )
        for pump in pumps:
            pump.start()
        timeout = self.args['timeout']
        timed_out = False
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            self._kill()
            self.process.wait()
        # Like a container's init, don't let leftover background children keep the pipes open.
        self._kill()
        for pump in pumps:
            pump.join(timeout=10)
        if timed_out:
            err = f'timed out after {format_go_duration(timeout or 0)}: context deadline exceeded'
            model.finish_change(self.change_id, err=err, task_data={'exit-code': -1})
        else:
            # As Pebble (Go) reports it: a process killed by a signal has exit code -1.
            code = self.process.returncode if self.process.returncode >= 0 else -1
            model.finish_change(self.change_id, task_data={'exit-code': code})
        self.finished.set()
        for ws in self.sockets.values():
            ws.close()

    def _kill(self) -> None:
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal_module.SIGKILL)
        except OSError:
            self.process.kill()

    def _fail(self, message: str) -> None:
        self.server.model.finish_change(self.change_id, err=message, task_data={'exit-code': -1})
        self.finished.set()
        with self.connected:
            self.connected.notify_all()
        for ws in self.sockets.values():
            ws.close()

    @staticmethod
    def _pump(pipe: Any, ws: ServerWebSocket) -> None:
        try:
            while True:
                data = os.read(pipe.fileno(), 64 * 1024)
                if not data:
                    break
                ws.send_binary(data)
            ws.send_text(json.dumps({'command': 'end'}))
        except (WebSocketClosed, OSError):
            pass
        finally:
            pipe.close()

    def serve(self, name: str, ws: ServerWebSocket) -> None:
        """Read what the client sends on one websocket until it closes or the task ends."""
        while not self.finished.is_set():
            try:
                opcode, payload = ws.receive()
            except (WebSocketClosed, OSError, ValueError):
                return
            process = self.process
            if name == 'stdio' and process is None:
                with self.connected:
                    self.connected.wait_for(
                        lambda: self.process is not None or self.finished.is_set(), 5
                    )
                process = self.process
            if process is None:
                continue
            if name == 'stdio':
                self._stdin(process, opcode, payload)
            elif name == 'control' and opcode == OP_TEXT:
                self._control(process, payload)

    @staticmethod
    def _stdin(process: subprocess.Popen[bytes], opcode: int, payload: bytes) -> None:
        assert process.stdin is not None
        try:
            if opcode == OP_BINARY:
                process.stdin.write(payload)
                process.stdin.flush()
            elif opcode == OP_TEXT:
                message = json.loads(payload)
                if message.get('command') == 'end':
                    process.stdin.close()
        except (OSError, ValueError):
            pass

    def _control(self, process: subprocess.Popen[bytes], payload: bytes) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            return
        if message.get('command') == 'signal':
            name = (message.get('signal') or {}).get('name', '')
            sig = getattr(signal_module.Signals, name, None)
            if sig is not None and process.poll() is None:
                process.send_signal(sig)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server: _SocketServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def address_string(self) -> str:
        return 'unix'

    # -- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch('GET')

    def do_POST(self) -> None:
        self._dispatch('POST')

    def do_PUT(self) -> None:
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
        plan = self.server.pebble.model.plan_dict()
        import yaml

        self._sync(yaml.safe_dump(plan, sort_keys=False, indent=4) if plan else '{}\n')

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
            layer = Layer(body.get('layer') or '')
            import yaml

            raw = yaml.safe_load(body.get('layer') or '') or {}
        except Exception as e:
            raise api_error(400, f'cannot parse layer YAML: {e}') from None
        del layer
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
            self.wfile.write(b'%x\r\n' % len(data) + data + b'\r\n')
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
            from ._model import ExecRequest

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
        task = _ExecTask(
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


class _SocketServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False
    pebble: PebbleServer

    def __init__(self, path: str, pebble: PebbleServer):
        self.pebble = pebble
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(path, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)


class PebbleServer:
    """Serve a :class:`PebbleModel` over Pebble's HTTP API on a unix socket.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with PebbleServer(model, '/tmp/x/pebble.socket') as server:
            client = ops_pebble.Client(server.socket_path)

    Args:
        model: The simulated Pebble to serve.
        socket_path: Where to create the socket (an existing file there is replaced).
        change_delay: Seconds before a service change completes; 0 completes at once.
        websocket_wait: How long an exec waits for its websockets before failing (Pebble: 5).
        wait_endpoint: Serve ``/v1/changes/{id}/wait``; False answers 404 as old Pebble did.

    Serving turns on ``model.record_change_updates``, as the real daemon records a
    change-update notice whenever a change finishes.
    """

    def __init__(
        self,
        model: PebbleModel,
        socket_path: str,
        *,
        change_delay: float = 0.05,
        websocket_wait: float = 5.0,
        wait_endpoint: bool = True,
    ):
        self.model = model
        model.record_change_updates = True
        self.socket_path = socket_path
        self.change_delay = change_delay
        self.websocket_wait = websocket_wait
        self.wait_endpoint = wait_endpoint
        self.boot_id = binascii.hexlify(os.urandom(8)).decode()
        self._server: _SocketServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tasks: dict[str, _ExecTask] = {}
        self._faults: list[_Fault] = []
        self._stopping = threading.Event()

    def __enter__(self) -> PebbleServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Create the socket and serve requests in a background thread."""
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        self._stopping.clear()
        self._server = _SocketServer(self.socket_path, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={'poll_interval': 0.05},
            name='pebble-server',
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, drop every open connection and remove the socket."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with server.connections_lock:
            connections = list(server.connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            tasks = list(self._tasks.values())
        for task in tasks:
            if task.process is not None and task.process.poll() is None:
                task._kill()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)

    def restart(self) -> None:
        """Simulate a Pebble restart: drop all connections, then serve again at the same path.

        The model (files, plan, statuses) is kept, as a container restart keeps its volume.
        """
        self.stop()
        self.start()

    def inject_fault(
        self, kind: str, *, method: str | None = None, path: str | None = None, count: int = 1
    ) -> None:
        """Misbehave on the next ``count`` requests matching ``method`` and ``path``.

        Args:
            kind: One of :data:`FAULTS`: ``'never-answer'`` (read the request, then stay
                silent), ``'close-before-response'``, ``'close-mid-response'`` (announce a
                body and send half of it), ``'malformed-json'``, ``'wrong-content-type'``,
                ``'truncated-multipart'`` and ``'multipart-without-response'`` (file reads),
                ``'garbage-status-line'``, ``'exec-silent'`` (an exec whose websockets
                connect but whose command never runs, ends or reports).
            method: Only requests with this method (any if None).
            path: Only requests whose path starts with this (any if None).
            count: How many requests to affect.

        Raises:
            ValueError: for an unknown fault kind.
        """
        if kind not in FAULTS:
            raise ValueError(f'unknown fault {kind!r}; choose one of {", ".join(FAULTS)}')
        with self._lock:
            self._faults.append(_Fault(kind, method, path, count))

    def clear_faults(self) -> None:
        """Forget every injected fault that has not fired yet."""
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.method not in (None, method):
                    continue
                if fault.path is not None and not path.startswith(fault.path):
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault.kind
        return None
