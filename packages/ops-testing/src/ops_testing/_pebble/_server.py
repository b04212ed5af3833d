"""An HTTP face over a :class:`PebbleModel` on a real unix socket, for end-to-end tests.

It speaks Pebble's API the way the daemon does: HTTP/1.1 with keep-alive, the JSON envelope,
chunked request and response bodies, streaming multipart for file push and pull, websocket
exec running real processes, asynchronous changes with a wait endpoint, long-polled notices.
It can also misbehave on purpose (:meth:`PebbleServer.inject_fault`) so clients can be tested
against broken servers.
"""

from __future__ import annotations

import binascii
import os
import socket
import socketserver
import threading
from typing import TYPE_CHECKING, Any

from ops_hookcmds.sister import record

from ._api import PebbleAPI
from ._handler import Handler
from ._model import PebbleModel

if TYPE_CHECKING:
    from ._exec_task import ExecTask

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


@record
class _Fault:
    kind: str
    method: str | None
    path: str | None
    remaining: int


class SocketServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """A threaded unix-socket server that remembers its open connections (to drop them)."""

    daemon_threads = True
    block_on_close = False
    pebble: PebbleServer

    def __init__(self, path: str, pebble: PebbleServer):
        self.pebble = pebble
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(path, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection, then serve it in its own thread."""
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection, then close it."""
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)


def serve_as_pebble(model: PebbleModel) -> None:
    """Make ``model`` behave as the real daemon where the unit-test front-ends differ.

    A change-update notice is recorded whenever a change finishes, file errors read as
    the daemon's, and a merged layer item keeps its first ``override``.
    """
    model.record_change_updates = True
    model.fs.pebble_wording = True
    model.real_merges = True


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
    change-update notice whenever a change finishes, ``model.fs.pebble_wording``, so
    that file errors read as the real daemon's, and ``model.real_merges`` (a merged item
    keeps its first ``override``, as in the real daemon).
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
        serve_as_pebble(model)
        self.socket_path = socket_path
        self.websocket_wait = websocket_wait
        self.boot_id = binascii.hexlify(os.urandom(8)).decode()
        self.api = PebbleAPI(
            model, boot_id=self.boot_id, change_delay=change_delay, wait_endpoint=wait_endpoint
        )
        self._server: SocketServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tasks: dict[str, ExecTask] = {}
        self._faults: list[_Fault] = []
        self._stopping = threading.Event()

    @property
    def change_delay(self) -> float:
        """Seconds before a service change completes (may be changed while serving)."""
        return self.api.change_delay

    @change_delay.setter
    def change_delay(self, value: float) -> None:
        self.api.change_delay = value

    @property
    def wait_endpoint(self) -> bool:
        """Whether ``/v1/changes/{id}/wait`` is served."""
        return self.api.wait_endpoint

    @wait_endpoint.setter
    def wait_endpoint(self, value: bool) -> None:
        self.api.wait_endpoint = value

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
        self._server = SocketServer(self.socket_path, self)
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
