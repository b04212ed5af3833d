"""Files: push and pull (text, bytes, streams, paths), listing with patterns, directories,
removal, permissions and ownership, links, and each error as Pebble words it."""

from __future__ import annotations

import io
import os
import pathlib
import pwd

import ops_pebble
import pytest

from .conftest import Backend

TEMP = r'\.\d+~'  # Pebble writes through a temporary file named <path>.<random>~


def _path_error(call: object) -> ops_pebble.PathError:
    with pytest.raises(ops_pebble.PathError) as exc:
        call()  # type: ignore[operator]
    return exc.value


def test_push_and_pull_every_kind_of_source(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('text'), 'naïve\r\n')
    assert client.pull(pebble.path('text')).read() == 'naïve\r\n'
    assert client.pull(pebble.path('text'), encoding=None).read() == 'naïve\r\n'.encode()
    client.push(pebble.path('latin'), 'é', encoding='latin-1')
    assert client.pull(pebble.path('latin'), encoding=None).read() == b'\xe9'
    client.push(pebble.path('bytes'), bytes(range(256)))
    assert client.pull(pebble.path('bytes'), encoding=None).read() == bytes(range(256))
    client.push(pebble.path('stream'), io.BytesIO(b'\x00' * 3_000_000))
    assert client.pull(pebble.path('stream'), encoding=None).read() == b'\x00' * 3_000_000
    client.push(pebble.path('textstream'), io.StringIO('line\n' * 1000))
    assert client.pull(pebble.path('textstream')).read() == 'line\n' * 1000
    client.push(pebble.path('empty'), '')
    assert client.pull(pebble.path('empty')).read() == ''
    quoted = pebble.path('with "quotes" and spaces')
    client.push(quoted, 'q')
    assert client.pull(quoted).read() == 'q'
    with open(pebble.path('text'), 'rb') as f:  # the same file on the host
        assert f.read() == 'naïve\r\n'.encode()


def test_pathlib_paths_everywhere(pebble: Backend) -> None:
    client = pebble.client
    base = pathlib.Path(pebble.base)
    client.make_dir(base / 'dir')
    client.push(base / 'dir' / 'f', 'x')
    assert client.pull(base / 'dir' / 'f').read() == 'x'
    assert [f.name for f in client.list_files(base / 'dir')] == ['f']
    client.remove_path(base / 'dir', recursive=True)
    assert client.list_files(base) == []
    with pytest.raises(TypeError):
        client.push(42, 'x')  # type: ignore[arg-type]
    client.push(pebble.path('after'), 'the connection is still usable')


def test_listing(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('a.txt'), 'hello')
    client.push(pebble.path('b.log'), 'x', permissions=0o600)
    client.make_dir(pebble.path('sub'), permissions=0o750)
    os.symlink(pebble.path('a.txt'), pebble.path('link'))
    infos = client.list_files(pebble.base)
    assert [(f.name, f.type, f.size, f.permissions) for f in infos] == [
        ('a.txt', ops_pebble.FileType.FILE, 5, 0o644),
        ('b.log', ops_pebble.FileType.FILE, 1, 0o600),
        ('link', ops_pebble.FileType.SYMLINK, None, 0o777),
        ('sub', ops_pebble.FileType.DIRECTORY, None, 0o750),
    ]
    assert infos[0].path == pebble.path('a.txt')
    assert infos[0].last_modified.tzinfo is not None
    me = pwd.getpwuid(os.getuid())
    assert (infos[0].user_id, infos[0].user) == (me.pw_uid, me.pw_name)
    assert [f.name for f in client.list_files(pebble.base, pattern='*.txt')] == ['a.txt']
    assert [f.name for f in client.list_files(pebble.base, pattern='[^a]*')] == [
        'b.log',
        'link',
        'sub',
    ]
    assert [f.name for f in client.list_files(pebble.base, pattern='?.log')] == ['b.log']
    assert client.list_files(pebble.base, pattern='zzz') == []
    # A file, or a directory with itself=True, describes the path itself.
    [itself] = client.list_files(pebble.path('sub'), itself=True)
    assert (itself.path, itself.name, itself.type) == (
        pebble.path('sub'),
        'sub',
        ops_pebble.FileType.DIRECTORY,
    )
    assert client.list_files(pebble.path('a.txt'), pattern='zzz') == []
    # The path itself is looked at through a link.
    [through] = client.list_files(pebble.path('link'))
    assert (through.name, through.type, through.size) == ('link', ops_pebble.FileType.FILE, 5)
    with pytest.raises(ops_pebble.APIError) as exc:
        client.list_files(pebble.base, pattern='[')
    assert exc.value.code == 400
    assert exc.value.body['result'] == {
        'kind': 'generic-file-error',
        'message': 'syntax error in pattern',
    }


def test_listing_errors(pebble: Backend) -> None:
    client = pebble.client
    with pytest.raises(ops_pebble.APIError) as exc:
        client.list_files(pebble.path('missing'))
    assert exc.value.code == 404
    assert exc.value.body['result'] == {
        'kind': 'not-found',
        'message': f'stat {pebble.path("missing")}: no such file or directory',
    }
    with pytest.raises(ops_pebble.APIError) as exc:
        client.list_files('relative')
    assert (exc.value.code, exc.value.message) == (400, 'path must be absolute, got "relative"')


def test_pull_errors(pebble: Backend) -> None:
    client = pebble.client
    client.make_dir(pebble.path('d'))
    error = _path_error(lambda: client.pull(pebble.path('missing')))
    assert (error.kind, error.message) == (
        'not-found',
        f'stat {pebble.path("missing")}: no such file or directory',
    )
    error = _path_error(lambda: client.pull(pebble.path('d')))
    assert (error.kind, error.message) == (
        'generic-file-error',
        f'can only read a regular file: "{pebble.path("d")}"',
    )
    error = _path_error(lambda: client.pull('relative'))
    assert (error.kind, error.message) == (
        'generic-file-error',
        'paths must be absolute, got "relative"',
    )


def test_push_errors(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('file'), 'x')
    client.make_dir(pebble.path('d'))
    error = _path_error(lambda: client.push(pebble.path('no', 'f'), 'x'))
    assert error.kind == 'not-found'
    assert error.message.startswith(f'open {pebble.path("no", "f")}.')
    assert error.message.endswith('~: no such file or directory')
    error = _path_error(lambda: client.push(pebble.path('file', 'f'), 'x'))
    assert error.kind == 'generic-file-error'
    assert error.message.endswith('~: not a directory')
    error = _path_error(lambda: client.push(pebble.path('d'), 'x'))
    assert error.kind == 'generic-file-error'
    assert error.message.startswith(f'rename {pebble.path("d")}.')
    assert error.message.endswith(f'~ {pebble.path("d")}: file exists')
    error = _path_error(lambda: client.push(pebble.path('file', 'f'), 'x', make_dirs=True))
    assert (
        error.message == f'cannot create directory: mkdir {pebble.path("file")}: not a directory'
    )
    error = _path_error(lambda: client.push('relative', 'x'))
    assert error.message == 'paths must be absolute, got "relative"'


def test_permissions_are_checked_by_pebble(pebble: Backend) -> None:
    client = pebble.client
    for bad, shown in ((0o1000, '1000'), (-1, '-01'), (0o4755, '4755')):
        error = _path_error(lambda bad=bad: client.push(pebble.path('p'), 'x', permissions=bad))
        assert (error.kind, error.message) == (
            'generic-file-error',
            f'permissions must be a 3-digit octal string, got "{shown}"',
        )
        error = _path_error(lambda bad=bad: client.make_dir(pebble.path('pd'), permissions=bad))
        assert error.message == f'permissions must be a 3-digit octal string, got "{shown}"'
    # A push makes its parent directories before it looks at the mode.
    _path_error(lambda: client.push(pebble.path('made', 'p'), 'x', make_dirs=True, permissions=-1))
    assert [f.name for f in client.list_files(pebble.base)] == ['made']
    client.push(pebble.path('none'), 'x', permissions=0)
    assert client.list_files(pebble.path('none'))[0].permissions == 0
    with pytest.raises(ValueError, match='permissions'):
        client.push(pebble.path('p'), 'x', permissions='644')  # type: ignore[arg-type]


def test_directories(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('file'), 'x')
    client.make_dir(pebble.path('d'))
    error = _path_error(lambda: client.make_dir(pebble.path('d')))
    assert (error.kind, error.message) == (
        'generic-file-error',
        f'mkdir {pebble.path("d")}: file exists',
    )
    client.make_dir(pebble.path('d'), make_parents=True)  # an existing directory is fine
    error = _path_error(lambda: client.make_dir(pebble.path('file'), make_parents=True))
    assert error.message == f'mkdir {pebble.path("file")}: not a directory'
    error = _path_error(lambda: client.make_dir(pebble.path('x', 'y')))
    assert (error.kind, error.message) == (
        'not-found',
        f'mkdir {pebble.path("x", "y")}.mkdir-new: no such file or directory',
    )
    error = _path_error(lambda: client.make_dir('relative'))
    assert error.message == 'paths must be absolute, got "relative"'
    # Parents made on the way get the directory's mode; a push's parents get 0o755.
    client.make_dir(pebble.path('p', 'q'), make_parents=True, permissions=0o700)
    assert client.list_files(pebble.path('p'), itself=True)[0].permissions == 0o700
    assert client.list_files(pebble.path('p', 'q'), itself=True)[0].permissions == 0o700
    client.push(pebble.path('m', 'n', 'f'), 'x', make_dirs=True, permissions=0o600)
    assert client.list_files(pebble.path('m'), itself=True)[0].permissions == 0o755


def test_removal(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('d', 'f'), 'x', make_dirs=True)
    error = _path_error(lambda: client.remove_path(pebble.path('missing')))
    assert (error.kind, error.message) == (
        'not-found',
        f'remove {pebble.path("missing")}: no such file or directory',
    )
    client.remove_path(pebble.path('missing'), recursive=True)
    error = _path_error(lambda: client.remove_path(pebble.path('d')))
    assert (error.kind, error.message) == (
        'generic-file-error',
        f'remove {pebble.path("d")}: directory not empty',
    )
    error = _path_error(lambda: client.remove_path('relative'))
    assert error.message == 'paths must be absolute, got "relative"'
    client.remove_path(pebble.path('d'), recursive=True)
    assert client.list_files(pebble.base) == []


def test_links_are_followed_or_replaced_as_pebble_does(pebble: Backend) -> None:
    client = pebble.client
    client.push(pebble.path('target'), 'original')
    os.symlink(pebble.path('target'), pebble.path('link'))
    assert client.pull(pebble.path('link')).read() == 'original'
    client.push(pebble.path('link'), 'new')  # replaces the link itself
    assert not os.path.islink(pebble.path('link'))
    assert client.pull(pebble.path('target')).read() == 'original'
    os.symlink(pebble.path('target'), pebble.path('link2'))
    client.remove_path(pebble.path('link2'))  # the link goes, not its target
    assert client.pull(pebble.path('target')).read() == 'original'


def test_ownership(pebble: Backend) -> None:
    client = pebble.client
    me = pwd.getpwuid(os.getuid())
    client.push(pebble.path('mine'), 'x', user_id=me.pw_uid, group_id=me.pw_gid)
    [info] = client.list_files(pebble.path('mine'))
    assert (info.user_id, info.user, info.group_id) == (me.pw_uid, me.pw_name, me.pw_gid)
    client.push(pebble.path('by-name'), 'x', user=me.pw_name)
    assert client.list_files(pebble.path('by-name'))[0].group_id == me.pw_gid
    client.make_dir(pebble.path('dir'), user_id=me.pw_uid)
    assert client.list_files(pebble.path('dir'), itself=True)[0].user == me.pw_name
    prefix = 'cannot look up user and group: '
    cases = [
        ({'user': 'no-such-user'}, 'user: unknown user no-such-user'),
        ({'group': me.pw_name}, 'must specify user, not just group'),
        ({'user_id': me.pw_uid + 1, 'user': me.pw_name},
         f'user "{me.pw_name}" UID ({me.pw_uid}) does not match user-id ({me.pw_uid + 1})'),
    ]  # fmt: skip
    for owner, message in cases:
        error = _path_error(lambda owner=owner: client.push(pebble.path('bad'), 'x', **owner))
        assert (error.kind, error.message) == ('generic-file-error', prefix + message)
        error = _path_error(lambda owner=owner: client.make_dir(pebble.path('bad'), **owner))
        assert error.message == prefix + message
    if os.getuid() == 0:
        client.push(pebble.path('nobody'), 'x', user_id=12345, group_id=12345)
        [info] = client.list_files(pebble.path('nobody'))
        assert (info.user_id, info.user, info.group_id, info.group) == (12345, '', 12345, '')
