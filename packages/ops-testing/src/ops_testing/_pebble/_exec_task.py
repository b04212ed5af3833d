"""The server side of one exec: its websockets and the real process behind them."""

from __future__ import annotations

import json
import os
import shutil
import signal as signal_module
import subprocess
import threading
import time
from typing import TYPE_CHECKING, Any

from ops_pebble.sister import format_go_duration, parse_duration

from ._errors import api_error
from ._model import ExecRequest
from ._owners import normalize_uid_gid, user_home
from ._websocket import OP_BINARY, OP_TEXT, ServerWebSocket, WebSocketClosed

if TYPE_CHECKING:
    from ._model import PebbleModel
    from ._server import PebbleServer

_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


def prepare_exec(
    model: PebbleModel, body: dict[str, Any]
) -> tuple[ExecRequest, dict[str, Any], dict[str, Any]]:
    """Check a ``POST /v1/exec`` body as Pebble does and work out what to run.

    The process gets Pebble's environment (this process's, with the user's ``HOME`` and
    ``USER``, a default ``PATH`` and ``LANG``) under the requested one, and runs in the
    working directory asked for, else the user's home directory (when the container has
    it), else ``/``.

    Returns:
        The exec-history entry, the arguments of :class:`ExecTask`, and the answer's
        ``environment`` and ``working-dir``.

    Raises:
        APIError: 400 or 500 with Pebble's message for what Pebble refuses.
    """
    command = body.get('command') or []
    if not command:
        raise api_error(400, 'must specify command')
    timeout_text = body.get('timeout')
    try:
        timeout = parse_duration(timeout_text) if timeout_text else None
    except ValueError:
        raise api_error(400, f'invalid timeout: time: invalid duration "{timeout_text}"') from None
    executable = command[0]
    # Looked up on Pebble's own PATH, as exec.LookPath does.
    found = (
        shutil.which(executable)
        if '/' not in executable
        else (
            executable if os.path.isfile(executable) and os.access(executable, os.X_OK) else None
        )
    )
    if not found:
        raise api_error(400, f'cannot find executable "{executable}"')
    options: dict[str, Any] = {
        'environment': dict(body.get('environment') or {}),
        'user-id': body.get('user-id'),
        'user': body.get('user') or '',
        'group-id': body.get('group-id'),
        'group': body.get('group') or '',
        'working-dir': body.get('working-dir') or '',
    }
    context = body.get('service-context') or ''
    if context:
        service = (model.plan_dict().get('services') or {}).get(context)
        if service is None:
            raise api_error(400, f'context service "{context}" not found')
        merged: dict[str, Any] = {
            'environment': {**(service.get('environment') or {}), **options['environment']},
        }
        for key in ('user-id', 'group-id'):
            merged[key] = options[key] if options[key] is not None else service.get(key)
        for key in ('user', 'group', 'working-dir'):
            merged[key] = options[key] or service.get(key) or ''
        options = merged
    try:
        uid, gid = normalize_uid_gid(
            options['user-id'], options['group-id'], options['user'], options['group']
        )
    except ValueError as e:
        raise api_error(400, str(e)) from None
    env = dict(os.environ)
    if uid is not None and uid != os.getuid():
        env.pop('HOME', None)
        env.pop('USER', None)
    env.update(options['environment'])
    env.setdefault('PATH', _DEFAULT_PATH)
    if not env.get('HOME') or not env.get('USER'):
        known = user_home(os.getuid() if uid is None else uid)
        if known is not None:
            env['HOME'] = env.get('HOME') or known[0]
            env['USER'] = env.get('USER') or known[1]
    env.setdefault('LANG', 'C.UTF-8')
    working_dir = options['working-dir']
    if working_dir:
        host = model.fs.host_path(working_dir)
        if not os.path.isdir(host):
            raise api_error(
                500, f'cannot call exec: working directory "{working_dir}" does not exist'
            )
    else:
        working_dir = env.get('HOME') or '/'
        host = model.fs.host_path(working_dir)
        if not os.path.isdir(host):
            working_dir, host = '/', model.fs.root
    request = ExecRequest(
        command=list(command),
        environment=dict(body.get('environment') or {}),
        working_dir=body.get('working-dir'),
        timeout=timeout,
        user_id=body.get('user-id'),
        user=body.get('user'),
        group_id=body.get('group-id'),
        group=body.get('group'),
        combine_stderr=not body.get('split-stderr', True),
        service_context=context or None,
    )
    spawn = {
        'command': [found, *command[1:]],
        'cwd': host,
        'env': env,
        'timeout': timeout,
        'split-stderr': bool(body.get('split-stderr', True)),
        'uid': uid,
        'gid': gid,
    }
    return request, spawn, {'environment': env, 'working-dir': working_dir}


class ExecTask:
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
        """The websockets this exec needs (``stderr`` only when it is split)."""
        return {'control', 'stdio', 'stderr'} if self.split_stderr else {'control', 'stdio'}

    def attach(self, name: str, ws: ServerWebSocket) -> bool:
        """Register a connected websocket; False if unknown or already connected."""
        with self.connected:
            if name in self.sockets or name not in self.wanted():
                return False
            self.sockets[name] = ws
            self.connected.notify_all()
            return True

    def run(self) -> None:
        """Wait for the websockets, run the process, pump its output and record the result."""
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
            # As Pebble: a different user and group, with no supplementary groups.
            uid, gid = self.args.get('uid'), self.args.get('gid')
            switch: dict[str, Any] = {}
            if uid is not None and gid is not None and (uid, gid) != (os.getuid(), os.getgid()):
                switch = {'user': uid, 'group': gid, 'extra_groups': []}
            self.process = subprocess.Popen(
                self.args['command'],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if self.split_stderr else subprocess.STDOUT,
                cwd=self.args['cwd'],
                env=self.args['env'],
                start_new_session=True,
                **switch,
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
            self.process.kill()  # as Pebble: the process, not its children
            self.process.wait()
        # As Pebble: the control websocket closes when the process exits, and the change
        # finishes once all of its output has been sent, which a child that keeps the
        # output open delays (bounded here, so that a test cannot hang on it for ever).
        control = self.sockets.get('control')
        if control is not None:
            control.close()
        for pump in pumps:
            pump.join(timeout=30)
        if timed_out:
            err = f'timed out after {format_go_duration(timeout or 0)}: context deadline exceeded'
            model.finish_change(self.change_id, err=err, task_data={'exit-code': -1})
        else:
            # As Pebble reports it: a process killed by a signal exits with 128 + the signal.
            returncode = self.process.returncode
            code = returncode if returncode >= 0 else 128 - returncode
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
            if process is None:  # input or signals that arrive before the process starts wait
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
