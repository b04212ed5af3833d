"""The server side of one exec: its websockets and the real process behind them."""

from __future__ import annotations

import json
import os
import signal as signal_module
import subprocess
import threading
import time
from typing import TYPE_CHECKING, Any

from ops_pebble._timeconv import format_go_duration

from ._websocket import OP_BINARY, OP_TEXT, ServerWebSocket, WebSocketClosed

if TYPE_CHECKING:
    from ._server import PebbleServer


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
