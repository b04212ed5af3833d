"""The Pebble test server both clients talk to, and the files the transfer figures use.

The server is ours (ops_testing's Pebble-compatible test server, an HTTP face over the
in-memory Pebble on a real unix socket). It runs in its own process under ours' interpreter,
so its cost is the same for both clients; each client runs in its own worker process.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from pathlib import Path

from _env import HERE, WORK, clean_env
from _figures import MIB, Run

SERVER = HERE / '_pebble_server.py'


class Server:
    """A running _pebble_server.py process."""

    def __init__(self, proc: subprocess.Popen[str]):
        self._proc = proc

    def stop(self) -> None:
        proc = self._proc
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        # The transfer files are large (about 200 MiB in a full run); the logs stay.
        shutil.rmtree(WORK / 'pebble-root', ignore_errors=True)
        (WORK / 'push-source.bin').unlink(missing_ok=True)


def _write_random(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(MIB)
    with open(path, 'wb') as f:
        for _ in range(size // MIB):
            f.write(block)


def start(run: Run) -> Server | None:
    """Start the server (setting run.pebble_socket) or record why it is unavailable."""
    root = WORK / 'pebble-root'
    sizes = (1,) if run.smoke else (1, 4, 64)
    for size_mib in sizes:
        _write_random(root / 'bench' / f'pull-{size_mib}.bin', size_mib * MIB)
        run.pebble_files[size_mib * MIB] = f'/bench/pull-{size_mib}.bin'
    source = WORK / 'push-source.bin'
    _write_random(source, (4 if run.smoke else 64) * MIB)
    run.push_source = str(source)
    socket_path = WORK / 'pebble.socket'
    log = open(WORK / 'pebble-server.log', 'ab')
    try:
        proc = subprocess.Popen(
            [run.ours.python, str(SERVER), str(socket_path), str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=WORK,
            env=clean_env(),
            text=True,
        )
    finally:
        log.close()
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline().strip() if ready else 'UNAVAILABLE server did not start in 60 s'
    if line == 'READY':
        run.pebble_socket = str(socket_path)
        return Server(proc)
    reason = (
        line.partition(' ')[2] or 'server exited (see pebble-server.log in the work directory)'
    )
    run.pebble_missing = f'no Pebble test server yet: {reason}'[:160]
    Server(proc).stop()
    return None
