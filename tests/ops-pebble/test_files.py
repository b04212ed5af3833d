"""push, pull, list_files, make_dir, remove_path over the socket; streaming, and linear work."""

from __future__ import annotations

import io
import os
from typing import Any

import ops_pebble
import pytest
from ops_testing._pebble import PebbleModel


@pytest.fixture(params=['disk', 'memory'])
def model(request: pytest.FixtureRequest, workdir: str) -> PebbleModel:
    """The container's files on disk, or held in memory until the root is needed."""
    return PebbleModel(
        os.path.join(workdir, 'root'), name='app', in_memory_files=request.param == 'memory'
    )


def test_push_pull_text_and_bytes(client: ops_pebble.Client, model: PebbleModel) -> None:
    client.push('/etc/app.conf', 'naïve = true\r\n', make_dirs=True, permissions=0o600)
    host = model.fs.host_path('/etc/app.conf')
    assert open(host, 'rb').read() == 'naïve = true\r\n'.encode()
    assert os.stat(host).st_mode & 0o777 == 0o600
    with client.pull('/etc/app.conf') as f:
        assert f.read() == 'naïve = true\r\n'
    client.push('/bin.dat', bytes(range(256)))
    with client.pull('/bin.dat', encoding=None) as f:
        assert f.read() == bytes(range(256))
    client.push('/latin', 'é', encoding='latin-1')
    assert client.pull('/latin', encoding=None).read() == b'\xe9'


def test_push_from_file_objects(client: ops_pebble.Client) -> None:
    client.push('/a.txt', io.StringIO('text stream ' * 1000))
    assert client.pull('/a.txt').read() == 'text stream ' * 1000
    client.push('/b.bin', io.BytesIO(b'\x00\xff' * 100_000))
    assert client.pull('/b.bin', encoding=None).read() == b'\x00\xff' * 100_000


def test_odd_file_names_survive_the_multipart_headers(client: ops_pebble.Client) -> None:
    path = '/dir/with "quotes" and spaces\\.txt'
    client.push(path, 'x', make_dirs=True)
    assert client.pull(path).read() == 'x'


def test_push_errors(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.PathError) as exc:
        client.push('/missing/dir/file', 'x')
    assert exc.value.kind == 'not-found'
    with pytest.raises(ops_pebble.PathError) as exc:
        client.push('relative', 'x')
    assert exc.value.kind == 'generic-file-error'
    # Sent as they are (as ops 3.9 does); Pebble refuses them, naming what it got.
    with pytest.raises(ops_pebble.PathError, match='3-digit octal string, got "10000"') as exc:
        client.push('/x', 'x', permissions=0o10000)
    assert exc.value.kind == 'generic-file-error'
    with pytest.raises(ops_pebble.PathError, match='got "-01"'):
        client.make_dir('/d', permissions=-1)
    with pytest.raises(ValueError, match='permissions must be an int'):
        client.push('/x', 'x', permissions='644')  # type: ignore[arg-type]


def test_pull_errors(client: ops_pebble.Client) -> None:
    with pytest.raises(ops_pebble.PathError, match='not-found') as exc:
        client.pull('/nope')
    assert exc.value.kind == 'not-found'
    client.make_dir('/d')
    with pytest.raises(ops_pebble.PathError, match='can only read a regular file') as exc:
        client.pull('/d')
    assert exc.value.kind == 'generic-file-error'
    # the connection is still usable after error responses
    assert client.get_system_info().version


def test_dotdot_never_escapes_the_root(
    client: ops_pebble.Client, model: PebbleModel, workdir: str
) -> None:
    with open(os.path.join(workdir, 'outside.txt'), 'w') as f:
        f.write('secret')
    with pytest.raises(ops_pebble.PathError):
        client.pull('/../outside.txt')
    client.push('/../../escape.txt', 'x')
    assert os.path.exists(os.path.join(model.fs.root, 'escape.txt'))
    assert not os.path.exists(os.path.join(workdir, 'escape.txt'))


def test_list_files(client: ops_pebble.Client) -> None:
    # Ids need no names here (Pebble checks that named users and groups exist).
    client.push('/srv/a.txt', 'aaa', make_dirs=True, user_id=1000, group_id=1000)
    client.push('/srv/b.log', 'b', make_dirs=True)
    client.make_dir('/srv/sub')
    infos = client.list_files('/srv')
    assert [i.name for i in infos] == ['a.txt', 'b.log', 'sub']
    a = infos[0]
    assert a.path == '/srv/a.txt' and a.size == 3 and a.type is ops_pebble.FileType.FILE
    assert a.permissions == 0o644 and (a.user_id, a.group_id) == (1000, 1000)
    assert infos[2].type is ops_pebble.FileType.DIRECTORY and infos[2].size is None
    assert [i.name for i in client.list_files('/srv', pattern='*.txt')] == ['a.txt']
    assert [i.path for i in client.list_files('/srv', itself=True)] == ['/srv']
    assert [i.path for i in client.list_files('/srv/a.txt')] == ['/srv/a.txt']
    with pytest.raises(ops_pebble.APIError) as exc:
        client.list_files('/nope')
    assert exc.value.code == 404 and exc.value.body['result']['kind'] == 'not-found'


def test_make_dir_and_remove_path(client: ops_pebble.Client, model: PebbleModel) -> None:
    client.make_dir('/a/b/c', make_parents=True, permissions=0o700)
    assert os.stat(model.fs.host_path('/a/b/c')).st_mode & 0o777 == 0o700
    client.make_dir('/a/b/c', make_parents=True)  # an existing directory is fine with parents
    with pytest.raises(ops_pebble.PathError, match='file exists'):
        client.make_dir('/a/b/c')
    with pytest.raises(ops_pebble.PathError) as exc:
        client.make_dir('/x/y')
    assert exc.value.kind == 'not-found'
    with pytest.raises(ops_pebble.PathError, match='directory not empty'):
        client.remove_path('/a')
    client.remove_path('/a', recursive=True)
    assert not os.path.exists(model.fs.host_path('/a'))
    client.remove_path('/a', recursive=True)  # missing is fine when recursive
    with pytest.raises(ops_pebble.PathError) as exc:
        client.remove_path('/a')
    assert exc.value.kind == 'not-found'


def _pull_work(
    client: ops_pebble.Client, model: PebbleModel, size: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int, int, int]:
    """Pull a ``size``-byte file; return (socket reads, bytes received, pieces kept, reads
    that asked for 64 KiB or more).

    Every piece the pull keeps must be a view of what one socket read brought (never a
    copy joined from several), and the pieces must add up to the file.
    """
    from ops_pebble._files import PullSpool
    from ops_pebble._transport import DeadlineSocket

    with open(model.fs.host_path(f'/big{size}'), 'wb') as f:
        f.truncate(size)
    reads = [0, 0]
    asked: list[int] = []
    pieces: list[int] = []
    real_recv_into = DeadlineSocket.recv_into
    real_write = PullSpool.write

    def recv_into(sock: DeadlineSocket, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        asked.append(nbytes or len(buffer))
        count = real_recv_into(sock, buffer, nbytes, flags)
        reads[0] += 1
        reads[1] += count
        return count

    def write(spool: PullSpool, data: bytes | bytearray | memoryview) -> None:
        assert isinstance(data, memoryview), 'a pulled piece was copied'
        pieces.append(len(data))
        real_write(spool, data)

    monkeypatch.setattr(DeadlineSocket, 'recv_into', recv_into)
    monkeypatch.setattr(PullSpool, 'write', write)
    with client.pull(f'/big{size}', encoding=None) as f:
        f.seek(0, os.SEEK_END)
        assert f.tell() == size
    monkeypatch.undo()
    assert sum(pieces) == size
    return reads[0], reads[1], len(pieces), sum(1 for n in asked if n >= 64 << 10)


def test_pull_work_is_linear_in_the_file_size(
    client: ops_pebble.Client, model: PebbleModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted, not timed (speed figures live in benchmarks/). How many reads a pull takes
    # depends on how much the server has sent when the client asks (a busy machine gives
    # many short reads), so what is held here is what the client controls: it asks for
    # large reads (a short one only to finish what it needs), receives each byte once (the body and little else), and keeps each read
    # as a view of it, never joined by copying, which makes the parser linear (upstream's
    # re-scanned a growing buffer).
    for size in (4 << 20, 16 << 20):
        reads, received, pieces, asked_large = _pull_work(client, model, size, monkeypatch)
        assert received < size + 4096, f'{received} bytes received for a {size}-byte file'
        assert pieces <= reads, f'{pieces} pieces kept from {reads} reads'
        # Reads are large unless the server's pace makes them short: most ask for 64 KiB+.
        assert asked_large * 2 >= reads, f'{reads - asked_large} of {reads} reads asked < 64 KiB'
