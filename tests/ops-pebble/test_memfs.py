"""The in-memory container file system answers exactly as the one on disk, and writes out."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import stat
import tempfile
import traceback
from collections.abc import Iterator
from typing import Any

import ops_pebble
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ops_testing._pebble import PebbleAPI, PebbleModel, in_process_client
from ops_testing._pebble._fs import FileSystem

NOBODY = 65534
OWNER = {'user-id': 1000, 'user': 'app', 'group-id': 2000, 'group': 'grp'}

_names = st.sampled_from(['a', 'b', 'f.txt', 'g.log', '.', '..', ''])
paths = st.builds(
    lambda lead, parts: lead + '/'.join(parts),
    st.sampled_from(['/', '/', '/', '//', '///', '']),
    st.lists(_names, max_size=4),
)
modes = st.one_of(
    st.none(),
    st.sampled_from([0o600, 0o640, 0o700, 0o755, 0o777, 0o000, 0o100, 0o200, 0o300, 0o400, 0o500]),
)
owners = st.one_of(st.none(), st.just(OWNER))
operations = st.one_of(
    st.tuples(
        st.just('write'),
        paths,
        st.binary(max_size=8),
        st.booleans(),
        modes,
        owners,
        st.booleans(),
    ),
    st.tuples(st.just('make_dir'), paths, st.booleans(), modes, owners),
    st.tuples(st.just('remove'), paths, st.booleans()),
    st.tuples(
        st.just('list'), paths, st.sampled_from([None, '', '*.txt', '[ab]', '?']), st.booleans()
    ),
    st.tuples(st.just('info'), paths),
    st.tuples(st.just('read'), paths),
    st.tuples(st.just('wipe')),
)


def _apply(fs: FileSystem, op: tuple[Any, ...]) -> Any:
    """Run one operation; return what a caller would see (errors included)."""
    try:
        name = op[0]
        if name == 'write':
            _, path, data, make_dirs, mode, owner, whole = op
            fs.write(
                path,
                iter([data[:3], data[3:]]),
                make_dirs=make_dirs,
                permissions=mode,
                owner=owner,
                in_memory=data if whole else None,
            )
            return None
        if name == 'make_dir':
            _, path, parents, mode, owner = op
            fs.make_dir(path, make_parents=parents, permissions=mode, owner=owner)
            return None
        if name == 'remove':
            fs.remove(op[1], recursive=op[2])
            return None
        if name == 'list':
            return fs.list(op[1], pattern=op[2], itself=op[3])
        if name == 'info':
            return fs.info(op[1])
        if name == 'read':
            with fs.open_for_read(op[1]) as f:
                return f.read()
        fs.wipe()
        return None
    except ops_pebble.PathError as e:
        return ('PathError', e.kind, e.message)
    except PermissionError as e:  # from wipe, which reports the system's error
        return ('PermissionError', e.errno)


def _modified(info: dict[str, Any]) -> datetime.datetime:
    return datetime.datetime.fromisoformat(info['last-modified'])


def _same(disk: Any, memory: Any) -> None:
    """Equal, except that modification times may fall either side of a second."""
    if isinstance(disk, dict):
        assert isinstance(memory, dict)
        assert abs(_modified(disk) - _modified(memory)) <= datetime.timedelta(seconds=1)
        assert {**disk, 'last-modified': ''} == {**memory, 'last-modified': ''}
    elif isinstance(disk, list):
        assert isinstance(memory, list) and len(disk) == len(memory), (disk, memory)
        for d, m in zip(disk, memory, strict=True):
            _same(d, m)
    else:
        assert disk == memory


def _tree(root: str) -> dict[str, tuple[str, int, bytes | None]]:
    """Every path under ``root``: its kind, mode and (for files) content."""
    out: dict[str, tuple[str, int, bytes | None]] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(directory, name)
            st_ = os.lstat(path)
            rel = os.path.relpath(path, root)
            if stat.S_ISDIR(st_.st_mode):
                out[rel] = ('dir', stat.S_IMODE(st_.st_mode), None)
            else:
                with open(path, 'rb') as f:
                    out[rel] = ('file', stat.S_IMODE(st_.st_mode), f.read())
    return out


def _rmtree(path: str) -> None:
    """Remove a tree whatever its directories' modes (it may hold 0o000 directories)."""

    def allow(directory: str) -> None:
        os.chmod(directory, 0o700)
        for entry in os.scandir(directory):
            if entry.is_dir(follow_symlinks=False):
                allow(entry.path)

    if os.path.exists(path):
        allow(path)
        shutil.rmtree(path)


def _partial(outcome: Any) -> bool:
    """Whether a removal was stopped by the permissions (on disk, part way through)."""
    return isinstance(outcome, tuple) and (
        outcome[0] == 'PermissionError' or outcome[1:2] == ('permission-denied',)
    )


def _check_script(script: list[tuple[Any, ...]], as_root: Any) -> None:
    """Run ``script`` on a disk and a memory file system; they must answer alike throughout.

    ``as_root`` is a context manager under which the trees are read and removed.
    """
    base = tempfile.mkdtemp(prefix='memfs-')
    disk_root, memory_root = os.path.join(base, 'disk'), os.path.join(base, 'memory')
    try:
        disk = FileSystem(disk_root)
        memory = FileSystem(memory_root, in_memory=True)
        for op in script:
            outcome = _apply(disk, op)
            _same(outcome, _apply(memory, op))
            if (op[0] == 'wipe' or (op[0] == 'remove' and op[2])) and _partial(outcome):
                return  # on disk, what came before the failure in directory order is gone
        assert memory.in_memory and not os.path.exists(memory_root)
        # Written out, the memory tree is the same tree, and answers the same (owners kept).
        assert memory.root == memory_root and not memory.in_memory
        for op in script:
            if op[0] in ('list', 'info', 'read'):
                _same(_apply(disk, op), _apply(memory, op))
        with as_root():
            assert _tree(disk_root) == _tree(memory_root)
            for directory, dirs, files in os.walk(disk_root):
                for name in dirs + files:
                    rel = os.path.relpath(os.path.join(directory, name), disk_root)
                    disk_time = os.lstat(os.path.join(disk_root, rel)).st_mtime
                    memory_time = os.lstat(os.path.join(memory_root, rel)).st_mtime
                    assert abs(disk_time - memory_time) < 1.5, rel
    finally:
        with as_root():
            _rmtree(base)


scripts = st.lists(operations, max_size=14)


@settings(max_examples=150, deadline=None)
@given(script=scripts)
def test_memory_and_disk_agree_on_every_operation(script: list[tuple[Any, ...]]) -> None:
    _check_script(script, contextlib.nullcontext)


@contextlib.contextmanager
def _effective_root() -> Iterator[None]:
    os.seteuid(0)
    os.setegid(0)
    try:
        yield
    finally:
        os.setegid(NOBODY)
        os.seteuid(NOBODY)


@settings(max_examples=200, deadline=None, database=None)
@given(script=scripts)
def _agree_as_nobody(script: list[tuple[Any, ...]]) -> None:
    _check_script(script, _effective_root)


@pytest.mark.skipif(os.geteuid() != 0, reason='the test above already runs as a plain user')
def test_memory_and_disk_agree_on_permissions_for_a_plain_user() -> None:
    # Root ignores file modes; a plain user (the usual case for a charm's tests) does not.
    # A forked child takes the identity of "nobody" so that only it is affected.
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.close(read_end)
            signal.alarm(120)
            os.setegid(NOBODY)
            os.seteuid(NOBODY)
            _agree_as_nobody()
            code = 0
        except BaseException:
            os.write(write_end, traceback.format_exc()[-6000:].encode())
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, 'rb') as f:
        report = f.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, report


@pytest.fixture
def memory_model() -> Iterator[PebbleModel]:
    base = tempfile.mkdtemp(prefix='memfs-')
    yield PebbleModel(os.path.join(base, 'root'), in_memory_files=True)
    shutil.rmtree(base)


def test_written_out_files_keep_content_modes_times_and_owners(
    memory_model: PebbleModel,
) -> None:
    client = in_process_client(PebbleAPI(memory_model, ops39_errors=True))
    client.push('/etc/app/secret', b'\x00pw', make_dirs=True, permissions=0o600, user='app')
    client.make_dir('/srv/data', make_parents=True, permissions=0o750, group_id=5)
    client.make_dir('/locked', permissions=0o500)
    client.push('/srv/data/big', 'x' * 100_000)
    before = {i.path: i for i in client.list_files('/srv')}
    [secret_before] = client.list_files('/etc/app/secret')
    fs = memory_model.fs
    root = fs.root  # written out here
    assert os.path.isdir(root) and not fs.in_memory
    secret = os.path.join(root, 'etc/app/secret')
    with open(secret, 'rb') as f:
        assert f.read() == b'\x00pw'
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.join(root, 'etc/app')).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(os.path.join(root, 'srv/data')).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(os.path.join(root, 'locked')).st_mode) == 0o500
    assert os.path.getsize(os.path.join(root, 'srv/data/big')) == 100_000
    # The same answers from disk: owners recorded in memory survive, times are kept.
    after = {i.path: i for i in client.list_files('/srv')}
    assert after == before and after['/srv/data'].group_id == 5
    [secret_after] = client.list_files('/etc/app/secret')
    assert secret_after == secret_before and secret_after.user == 'app'
    # From now on the disk is the truth, both ways.
    with open(os.path.join(root, 'etc/app/extra'), 'w') as f:
        f.write('by the test')
    assert client.pull('/etc/app/extra').read() == 'by the test'
    client.push('/etc/app/new', 'by the charm')
    with open(os.path.join(root, 'etc/app/new')) as f:
        assert f.read() == 'by the charm'
    assert [i.name for i in client.list_files('/etc/app')] == ['extra', 'new', 'secret']


def test_host_path_writes_out_and_wipe_empties_memory(memory_model: PebbleModel) -> None:
    fs = memory_model.fs
    client = in_process_client(PebbleAPI(memory_model, ops39_errors=True))
    client.push('/a/b', 'x', make_dirs=True)
    fs.wipe()
    assert client.list_files('/') == [] and fs.in_memory
    client.push('/c', 'y')
    host = fs.host_path('/c')
    assert not fs.in_memory and open(host).read() == 'y'
    assert not os.path.exists(fs.host_path('/a'))


def test_relative_paths_are_refused_without_touching_the_disk(memory_model: PebbleModel) -> None:
    with pytest.raises(ops_pebble.PathError, match="paths must be absolute, got 'x'"):
        memory_model.fs.info('x')
    assert memory_model.fs.in_memory


def test_pull_returns_what_the_file_held_when_pulled(memory_model: PebbleModel) -> None:
    # As with a real Pebble, whose client reads the whole file before pull returns.
    client = in_process_client(PebbleAPI(memory_model, ops39_errors=True))
    client.push('/f', 'old')
    reader = client.pull('/f')
    client.push('/f', 'new content')
    assert reader.read() == 'old'
    assert client.pull('/f').read() == 'new content'
