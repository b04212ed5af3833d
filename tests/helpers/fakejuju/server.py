"""The fake Juju's server: hook-tool calls answered from one simulated Juju.

A thread of the test process listens on a unix socket. Each connection is one run of a hook
tool (the client in ``tool/``): the tool's name, argv and ``JUJU_*`` environment arrive as
one JSON line, stdin follows if the tool reads it, and the answer goes back as one JSON line
``{"code": ..., "stdout": ..., "stderr": ...}``. Calls are logged in order and may be made to
fail, hang or print garbage (fault injection). One call at a time changes the simulation;
a hanging call waits without holding it.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from ops_testing._engine.backend import JujuBackend
from ops_testing._engine.juju import SimulatedJuju

from .argv import FLAGS, ToolError, parse_argv
from .call import ToolCall
from .data_tools import DATA_TOOLS
from .unit_tools import UNIT_TOOLS

__all__ = ['TOOLS', 'Call', 'ToolServer']

TOOLS: dict[str, Callable[[ToolCall], str]] = {**UNIT_TOOLS, **DATA_TOOLS}
"""Every hook tool the fake Juju answers, by name."""

assert set(TOOLS) == set(FLAGS), set(TOOLS) ^ set(FLAGS)


class Call(NamedTuple):
    """One recorded hook-tool invocation."""

    tool: str
    argv: list[str]
    stdin: str | None


def _reads_stdin(tool: str, flags: dict[str, Any]) -> bool:
    return flags.get('file') == '-' or (tool == 'pod-spec-set' and 'file' not in flags)


class _Handler(socketserver.StreamRequestHandler):
    server: _SocketServer

    def handle(self) -> None:
        line = self.rfile.readline()
        if not line:
            return
        request = json.loads(line)
        tools = self.server.tools

        def read_stdin() -> str:
            self._send({'stdin': True})
            more = self.rfile.readline()
            return str(json.loads(more)['stdin']) if more else ''

        code, stdout, stderr = tools.run(
            str(request['tool']), list(request['argv']), dict(request['env']), read_stdin
        )
        self._send({'code': code, 'stdout': stdout, 'stderr': stderr})

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self.wfile.write(json.dumps(message, ensure_ascii=False).encode('utf-8') + b'\n')
            self.wfile.flush()
        except OSError:
            pass  # the tool was killed while it waited (a timeout): nobody to answer


class _SocketServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    tools: ToolServer


class ToolServer:
    """Answers hook-tool calls from a simulated Juju, on a unix socket.

    Args:
        socket_path: where to listen.
        juju: the simulated Juju.
        backend: the one backend over it.
    """

    def __init__(self, socket_path: str, juju: SimulatedJuju, backend: JujuBackend) -> None:
        self.juju = juju
        self.backend = backend
        self.lock = threading.RLock()
        self.calls: list[Call] = []
        self.call_counts: dict[str, int] = {}
        #: tool -> {'code', 'stderr', 'stdout', 'times'}: exit with that code.
        self.fail: dict[str, dict[str, Any]] = {}
        #: tool -> seconds to wait before answering (True: an hour).
        self.hang: dict[str, float | bool] = {}
        #: tool -> text printed instead of the answer (exit code 0).
        self.garbage: dict[str, str] = {}
        #: What ``goal-state`` says instead of what the simulation implies, if set.
        self.goal_state: dict[str, Any] | None = None
        self._closed = threading.Event()
        self._server = _SocketServer(socket_path, _Handler)
        self._server.tools = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f'fake-juju {socket_path}', daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop answering; calls still hanging give up."""
        self._closed.set()
        self._server.shutdown()
        self._server.server_close()

    def run(
        self, tool: str, args: list[str], env: dict[str, str], read_stdin: Callable[[], str]
    ) -> tuple[int, str, str]:
        """One call of ``tool``: (exit code, stdout, stderr)."""
        if tool not in TOOLS:
            return 1, '', f'ERROR unknown fake hook tool {tool!r}'
        try:
            flags, positional = parse_argv(tool, args)
        except ToolError as exc:
            with self.lock:
                self.calls.append(Call(tool, [tool, *args], None))
            return exc.code, '', f'ERROR {exc.message}'
        stdin = read_stdin() if _reads_stdin(tool, flags) else None
        with self.lock:
            self.calls.append(Call(tool, [tool, *args], stdin))
            self.call_counts[tool] = self.call_counts.get(tool, 0) + 1
            hang = self.hang.get(tool)
        if hang:
            self._closed.wait(3600 if hang is True else float(hang))
        with self.lock:
            fault = self._fault(tool)
            if fault is not None:
                return fault
            call = ToolCall(
                self.juju, self.backend, flags, positional, env, stdin, self.goal_state
            )
            try:
                return 0, TOOLS[tool](call), ''
            except ToolError as exc:
                return exc.code, '', f'ERROR {exc.message}'

    def _fault(self, tool: str) -> tuple[int, str, str] | None:
        fail = self.fail.get(tool)
        if fail:
            times = fail.get('times')
            if times is None or times > 0:
                if times is not None:
                    fail['times'] = times - 1
                return (
                    int(fail.get('code', 1)),
                    str(fail.get('stdout', '')),
                    str(fail.get('stderr', f'ERROR {tool} failed')),
                )
        garbage = self.garbage.get(tool)
        if garbage is not None:
            return 0, garbage, ''
        return None
