"""The conformance suite's two Pebbles: the real server and the project's test server.

Every test in this directory runs once per backend (``real``, ``ours`` and ``inproc``),
with the same assertions: what the real Pebble (v1.32.1, ``../shared/bin/pebble``) does is
the reference, and the simulated Pebble must do the same, both served over a unix socket by
the test server (``ours``, ``ops_testing._pebble.PebbleServer``) and in-process through a
client's transport (``inproc``, ``ops_testing._pebble.InProcessTransport``; it runs no
real commands, so the exec module skips it).

Each test module gets a fresh server of each kind (a fresh ``$PEBBLE`` directory for the
real one: its state slows down as finished changes pile up). Nothing touches the host
outside a scratch directory: the real Pebble runs commands and writes files on the host,
so every path a test uses lies under :attr:`Backend.base`, a new temporary directory; the
test server is given ``/`` as its container root so that the same absolute paths mean the
same host files for both.

Without the real binary (looked for as ``shared/bin/pebble`` next to the repository or one
of its parent directories, or named by ``OPS_TEST_PEBBLE``), the ``real`` cases skip with
a one-line reason and the ``ours`` cases still run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import ops_pebble
import pytest
from ops_testing._pebble import PebbleAPI, PebbleModel, PebbleServer, in_process_client
from ops_testing._pebble._server import serve_as_pebble

REPO = Path(__file__).resolve().parents[3]


def api_error(call: Callable[[], object]) -> ops_pebble.APIError:
    """The :class:`ops_pebble.APIError` that ``call()`` raises (failing if it raises none)."""
    with pytest.raises(ops_pebble.APIError) as exc:
        call()
    return exc.value


def real_pebble_binary() -> str | None:
    """The real Pebble binary, if this machine has it."""
    named = os.environ.get('OPS_TEST_PEBBLE')
    if named:
        return named if os.access(named, os.X_OK) else None
    for parent in (REPO.parent, *REPO.parent.parents[:2]):
        candidate = parent / 'shared' / 'bin' / 'pebble'
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@dataclasses.dataclass
class Backend:
    """One running Pebble and a client for it.

    Attributes:
        kind: ``'real'`` or ``'ours'``.
        client: A client with a short timeout.
        socket_path: The server's socket.
        base: A scratch directory (the same absolute path for both kinds) under which
            every file a test touches lives; emptied before each test.
        model: The test server's model (``None`` for the real Pebble).
    """

    kind: str
    client: ops_pebble.Client
    socket_path: str
    base: str
    model: PebbleModel | None = None

    def needs_processes(self) -> None:
        """Skip the test on the in-process backend, which runs no real commands."""
        if self.kind == 'inproc':
            pytest.skip('in-process exec runs simulated commands, not processes')

    def path(self, *parts: str) -> str:
        """An absolute path under :attr:`base`."""
        return os.path.join(self.base, *parts)

    def new_client(self, timeout: float = 5.0) -> ops_pebble.Client:
        """Another client for this server."""
        return ops_pebble.Client(self.socket_path, timeout=timeout)


def _start_real(binary: str, state_dir: str) -> subprocess.Popen[bytes]:
    log = open(os.path.join(state_dir, 'pebble.log'), 'wb')
    env = {**os.environ, 'PEBBLE': state_dir}
    proc = subprocess.Popen(
        [binary, 'run', '--create-dirs'], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    socket_path = os.path.join(state_dir, '.pebble.socket')
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if os.path.exists(socket_path):
            try:
                ops_pebble.Client(socket_path, timeout=2).get_system_info()
                return proc
            except ops_pebble.Error:
                pass
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    with open(os.path.join(state_dir, 'pebble.log'), errors='replace') as f:
        raise RuntimeError(f'the real Pebble did not start: {f.read()[-2000:]}')


@pytest.fixture(scope='module', params=['real', 'ours', 'inproc'])
def pebble_server(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """A fresh Pebble of each kind for the test module."""
    kind: str = request.param
    state_dir = tempfile.mkdtemp(prefix='pbc-', dir='/tmp')  # short: socket paths are limited
    base = tempfile.mkdtemp(prefix='pbc-files-')
    try:
        if kind == 'real':
            binary = real_pebble_binary()
            if binary is None:
                pytest.skip('no real Pebble binary (../shared/bin/pebble); real cases skipped')
            proc = _start_real(binary, state_dir)
            socket_path = os.path.join(state_dir, '.pebble.socket')
            client = ops_pebble.Client(socket_path, timeout=5.0)
            try:
                yield Backend('real', client, socket_path, base)
            finally:
                client.close()
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        elif kind == 'inproc':
            if request.module.__name__.endswith('test_exec'):
                pytest.skip('in-process exec runs simulated commands, not processes')
            model = PebbleModel('/', name='conformance')
            serve_as_pebble(model)
            client = in_process_client(PebbleAPI(model), peer_uid=os.getuid())
            yield Backend('inproc', client, '', base, model)
        else:
            model = PebbleModel('/', name='conformance')
            socket_path = os.path.join(state_dir, '.pebble.socket')
            with PebbleServer(model, socket_path, change_delay=0.01) as srv:
                client = ops_pebble.Client(srv.socket_path, timeout=5.0)
                try:
                    yield Backend('ours', client, socket_path, base, model)
                finally:
                    client.close()
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pebble(pebble_server: Backend) -> Iterator[Backend]:
    """The module's Pebble, with its scratch directory emptied for this test."""
    base = pebble_server.base
    for name in os.listdir(base):
        target = os.path.join(base, name)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            os.unlink(target)
    yield pebble_server
