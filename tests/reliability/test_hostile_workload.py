"""A compromised workload cannot make the charm write outside the directory it pulls into.

The workload's Pebble is the project's Pebble test server in another process, over a real
unix socket, primed to answer ``list_files`` with hostile entries (``..`` segments, other
absolute paths, the listed directory itself); the files those entries name really exist in
the container, so a client that trusted the listing would copy them. The charm side is a
real :class:`ops.Container` on ``ops_pebble.Client``. After every pull, nothing outside the
destination directory has changed, the hostile entries are reported as
:class:`ops.pebble.ProtocolError` inside :class:`ops.MultiPushPullError`, and the honest
files are still copied.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ops
import ops_pebble
import pytest
from ops_core._dispatch._hookcmds_backend import HookCommandsBackend
from ops_core.model import Container

SERVER = """
import json, sys
from ops_testing._pebble import PebbleModel, PebbleServer
from ops_testing._pebble import _handler

root, sock, lies = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
honest = _handler.Handler._list_files

def hostile(self):
    path = self._q('path') or ''
    key = path + ('?itself' if self._q('itself') == 'true' else '')
    if key in lies:
        self._sync([dict(entry) for entry in lies[key]])
    else:
        honest(self)

_handler.Handler._list_files = hostile
model = PebbleModel(root, name='workload')
for path, data in json.loads(sys.argv[4]).items():
    host = model.fs.host_path(path)
    import os
    os.makedirs(os.path.dirname(host), exist_ok=True)
    with open(host, 'w') as f:
        f.write(data)
server = PebbleServer(model, sock, change_delay=0.01)
server.start()
print('ready', flush=True)
sys.stdin.readline()
server.stop()
"""


def _entry(path: str, kind: str = 'file') -> dict[str, Any]:
    return {
        'path': path,
        'name': path.rsplit('/', 1)[-1],
        'type': kind,
        'size': 5,
        'permissions': '644',
        'last-modified': '2025-01-01T00:00:00Z',
        'user-id': 0,
        'user': 'root',
        'group-id': 0,
        'group': 'root',
    }


def _tree(root: Path) -> dict[str, bytes | str]:
    """Every path under ``root`` with its content (files), link target or ``dir``."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                out[key] = 'link->' + os.readlink(path)
            elif path.is_dir():
                out[key] = 'dir'
            else:
                out[key] = path.read_bytes()
    return out


class HostilePebble:
    """A container whose Pebble lies in ``list_files``; ``outside`` is a host directory."""

    def __init__(
        self, workdir: Path, lies: dict[str, list[dict[str, Any]]], files: dict[str, str]
    ):
        self.workdir = workdir
        self.socket = str(workdir / 'pebble.socket')
        self.proc = subprocess.Popen(
            [
                sys.executable,
                '-c',
                SERVER,
                str(workdir / 'root'),
                self.socket,
                json.dumps(lies),
                json.dumps(files),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == 'ready'
        self.client = ops_pebble.Client(self.socket, timeout=5.0)
        self.container = Container('workload', HookCommandsBackend(), self.client)

    def close(self) -> None:
        self.client.close()
        assert self.proc.stdin is not None
        self.proc.stdin.write('\n')
        self.proc.stdin.flush()
        self.proc.wait(timeout=30)


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix='relhw-', dir='/tmp'))  # short: socket path limit
    (path / 'outside').mkdir()
    (path / 'outside' / 'keep.txt').write_text('original')
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _pull(workdir: Path, lies: dict[str, Any], files: dict[str, str], source: str) -> Any:
    """Pull ``source`` into ``workdir/dest`` (bounded: a hang is a failure, not a stuck run)."""
    server = HostilePebble(workdir, lies, files)
    before = _tree(workdir / 'outside')
    outcome: list[BaseException | None] = []

    def pull() -> None:
        try:
            server.container.pull_path(source, workdir / 'dest')
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=pull, daemon=True)
    try:
        thread.start()
        thread.join(30)
        if thread.is_alive():
            for fifo in workdir.rglob('*'):  # release a writer blocked on a FIFO
                if fifo.is_fifo():
                    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            thread.join(10)
            pytest.fail('pull_path hung')
    finally:
        server.close()
    assert _tree(workdir / 'outside') == before, 'pull_path wrote outside its destination'
    error = outcome[0]
    assert isinstance(error, ops.MultiPushPullError), f'expected MultiPushPullError: {error!r}'
    return error


def _refused(error: ops.MultiPushPullError) -> list[str]:
    return [path for path, exc in error.errors if isinstance(exc, ops_pebble.ProtocolError)]


def test_dot_dot_entries_in_a_listing_are_refused(workdir: Path) -> None:
    outside = str(workdir / 'outside')
    evil = '/srv/data/../../../..' + outside + '/pwned'
    lies = {'/srv/data': [_entry(evil), _entry('/srv/data/good.txt')]}
    files = {'/srv/data/good.txt': 'good!', outside + '/pwned': 'owned'}
    error = _pull(workdir, lies, files, '/srv/data')
    assert _refused(error) == [evil]
    assert 'does not lie under it' in str(error.errors[0][1])
    assert (workdir / 'dest' / 'data' / 'good.txt').read_text() == 'good!'
    assert not (workdir / 'outside' / 'pwned').exists()


def test_the_listed_item_itself_cannot_climb_out(workdir: Path) -> None:
    outside = str(workdir / 'outside')
    evil = '/srv/../../../../../..' + outside + '/keep.txt'
    files = {outside + '/keep.txt': 'owned'}
    error = _pull(workdir, {'/srv/data?itself': [_entry(evil)]}, files, '/srv/data')
    assert _refused(error) == [evil]
    assert (workdir / 'outside' / 'keep.txt').read_text() == 'original'


def test_an_absolute_path_elsewhere_is_refused_not_a_crash(workdir: Path) -> None:
    lies = {'/srv/data': [_entry('/etc/passwd'), _entry('/srv/database/x')]}
    error = _pull(workdir, lies, {'/etc/passwd': 'root:x'}, '/srv/data/*')
    assert sorted(_refused(error)) == ['/etc/passwd', '/srv/database/x']
    assert not (workdir / 'dest').exists() or not any((workdir / 'dest').iterdir())


def test_a_directory_that_lists_itself_does_not_loop(workdir: Path) -> None:
    lies = {'/srv/data/loop': [_entry('/srv/data/loop', 'directory')]}
    error = _pull(workdir, lies, {'/srv/data/loop/x': 'x'}, '/srv/data')
    assert _refused(error) == ['/srv/data/loop']


def test_a_symlink_below_the_destination_is_not_written_through(workdir: Path) -> None:
    dest = workdir / 'dest'
    dest.mkdir()
    (dest / 'data').symlink_to(workdir / 'outside')
    error = _pull(workdir, {}, {'/srv/data/keep.txt': 'owned'}, '/srv/data')
    assert [path for path, _ in error.errors] == ['/srv/data']
    assert isinstance(error.errors[0][1], OSError)
    assert 'refusing to write through it' in str(error.errors[0][1])


def test_a_fifo_in_the_destination_is_not_opened(workdir: Path) -> None:
    dest = workdir / 'dest' / 'data'
    dest.mkdir(parents=True)
    os.mkfifo(dest / 'file.txt')
    error = _pull(workdir, {}, {'/srv/data/file.txt': 'x'}, '/srv/data')  # would hang
    assert [path for path, _ in error.errors] == ['/srv/data/file.txt']
    assert 'not a regular file' in str(error.errors[0][1])
