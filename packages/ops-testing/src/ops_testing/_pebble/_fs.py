"""The container's file system: real files under a root directory, seen as Pebble sees them.

Every container path is normalised lexically before it is joined to the root, so ``..`` can
never climb above the root (as on Linux, ``/..`` is ``/``). Failures raise
:class:`ops_pebble.PathError` with the kind and wording Pebble uses.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import fnmatch
import grp
import os
import posixpath
import pwd
import stat
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from ops_pebble import PathError
from ops_pebble._timeconv import format_timestamp

if TYPE_CHECKING:
    from ._memfs import MemoryTree

_CHUNK = 1 << 20


def _name_for(table: Any, ident: int) -> str | None:
    # Pebble leaves the name out of a file's info when the id has none.
    try:
        return str(table(ident)[0])
    except KeyError:
        return None


def complete_owner(owner: dict[str, Any]) -> dict[str, Any]:
    """The ownership a file given ``owner`` (push/make_dir's fields) shows in its info.

    An id given without a name shows that id's name (none if it has none); a name given
    without an id shows that name's id when it is known. A ``None`` value means "no name".
    """
    done = dict(owner)
    for id_key, name_key, by_id, by_name in (
        ('user-id', 'user', pwd.getpwuid, pwd.getpwnam),
        ('group-id', 'group', grp.getgrgid, grp.getgrnam),
    ):
        if id_key in done and name_key not in done:
            done[name_key] = _name_for(by_id, done[id_key])
        elif name_key in done and id_key not in done:
            try:
                done[id_key] = by_name(done[name_key])[2]
            except KeyError:
                pass
    return done


def apply_owner(info: dict[str, Any], owner: dict[str, Any] | None) -> None:
    """Overlay recorded ownership on a file's info (``None`` removes a name)."""
    for key, value in (owner or {}).items():
        if value is None:
            info.pop(key, None)
        else:
            info[key] = value


def container_path(path: str) -> str:
    """Normalise an absolute container path lexically (``..`` stops at ``/``).

    Raises:
        PathError: ``generic-file-error`` if ``path`` is not an absolute path string.
    """
    if not isinstance(path, str) or not path.startswith('/'):
        raise PathError('generic-file-error', f'paths must be absolute, got {path!r}')
    normal = posixpath.normpath(path)
    if normal.startswith('//'):
        normal = '/' + normal.lstrip('/')
    return normal


def path_error(code: int | None, op: str, path: str, reason: str | None = None) -> PathError:
    """The :class:`PathError` Pebble reports when ``op`` on ``path`` fails with ``code``.

    Args:
        code: The ``errno`` of the failure.
        op: The operation, as Pebble names it in messages (``stat``, ``open``, ``mkdir``...).
        path: The container path as the caller gave it.
        reason: The text for codes other than not-found and permission errors (the
            system's description of ``code`` when not given).
    """
    if code == errno.ENOENT:
        return PathError('not-found', f'{op} {path}: no such file or directory')
    if code in (errno.EACCES, errno.EPERM):
        return PathError('permission-denied', f'{op} {path}: permission denied')
    if reason is None:
        reason = os.strerror(code) if code is not None else 'unknown error'
    return PathError('generic-file-error', f'{op} {path}: {reason}')


class FileSystem:
    """A container file system rooted at ``root`` on the host.

    Args:
        root: The host directory that is the container's ``/`` (created if missing), or a
            function returning it: then it is asked for and created on first use, so that a
            container whose files are never touched costs no directories.
        in_memory: Keep the files in memory (see :class:`MemoryTree`) until something needs
            the real directory (:attr:`root` or :meth:`host_path`): then the tree is written
            out under the root, and from then on the disk is the only truth. Every operation
            gives the same results and errors either way.
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | Callable[[], str | os.PathLike[str]],
        *,
        in_memory: bool = False,
    ):
        self._root_factory: Callable[[], str | os.PathLike[str]] | None = None
        self._root: str | None = None
        if callable(root):
            self._root_factory = root
        elif in_memory:
            fixed = root
            self._root_factory = lambda: fixed
        else:
            self._root = self._make_root(root)
        self._owners: dict[str, dict[str, Any]] = {}
        self._memory: MemoryTree | None = None
        if in_memory:
            from ._memfs import MemoryTree

            self._memory = MemoryTree(self._owners)

    @staticmethod
    def _make_root(root: str | os.PathLike[str]) -> str:
        path = os.path.abspath(os.fspath(root))
        os.makedirs(path, exist_ok=True)
        return path

    @property
    def root(self) -> str:
        """The host directory that is the container's ``/`` (written out first if in memory)."""
        root = self._root
        if root is None:
            assert self._root_factory is not None
            root = self._root = self._make_root(self._root_factory())
        if self._memory is not None:
            self._memory.write_out(root)
            self._memory = None
        return root

    @property
    def in_memory(self) -> bool:
        """Whether the files are still held in memory (the root has not been needed yet)."""
        return self._memory is not None

    def host_path(self, path: str) -> str:
        """Map an absolute container path to its host path inside the root.

        Raises:
            PathError: ``generic-file-error`` if ``path`` is not absolute.
        """
        normal = container_path(path)
        return self.root if normal == '/' else os.path.join(self.root, normal[1:])

    @staticmethod
    def _error(e: OSError, op: str, path: str) -> PathError:
        return path_error(e.errno, op, path, e.strerror or str(e))

    # -- reading ----------------------------------------------------------------------------

    def open_for_read(self, path: str) -> IO[bytes]:
        """Open a regular file for streaming reads.

        Raises:
            PathError: ``not-found``, ``permission-denied``, or ``generic-file-error`` for a
                directory or other non-regular file.
        """
        if self._memory is not None:
            return self._memory.open_for_read(path)
        host = self.host_path(path)
        try:
            st = os.stat(host)
        except OSError as e:
            raise self._error(e, 'stat', path) from None
        if not stat.S_ISREG(st.st_mode):
            raise PathError('generic-file-error', f'can only read a regular file: "{path}"')
        try:
            return open(host, 'rb')
        except OSError as e:
            raise self._error(e, 'open', path) from None

    # -- writing ----------------------------------------------------------------------------

    def write(
        self,
        path: str,
        chunks: Iterable[bytes],
        *,
        make_dirs: bool = False,
        permissions: int | None = None,
        owner: dict[str, Any] | None = None,
        in_memory: bytes | None = None,
    ) -> None:
        """Write a file from a stream of chunks (atomically replacing any existing file).

        Args:
            path: The container path.
            chunks: The content, as a stream of byte strings.
            make_dirs: Create missing parent directories.
            permissions: The file mode (0o644 when ``None``).
            owner: Pebble's ownership fields, recorded for ``list_files``.
            in_memory: The whole content, when the caller already holds it (``chunks`` is
                then ignored). With nothing left that could fail halfway, the file is written
                in place rather than through a temporary file and a rename: on this kind of
                disk, releasing the replaced file's blocks costs about a millisecond per push.

        Raises:
            PathError: if the parent is missing (without ``make_dirs``) or not writable.
        """
        if self._memory is not None:
            self._memory.write(
                path,
                chunks,
                make_dirs=make_dirs,
                permissions=permissions,
                owner=owner,
                in_memory=in_memory,
            )
            return
        host = self.host_path(path)
        parent = os.path.dirname(host)
        if make_dirs:
            self._make_parents(path, owner)
        elif not os.path.isdir(parent):
            if os.path.lexists(parent):
                raise PathError('generic-file-error', f'open {path}: not a directory')
            raise PathError('not-found', f'parent directory not found: {posixpath.dirname(path)}')
        if os.path.isdir(host):
            raise PathError('generic-file-error', f'open {path}: is a directory')
        if in_memory is not None and self._write_in_place(host, path, in_memory, permissions):
            self._set_owner(path, owner)
            return
        if in_memory is not None:
            chunks = (in_memory,)
        temp = f'{host}.pebble-tmp-{os.getpid()}-{id(chunks)}'
        try:
            with open(temp, 'wb') as f:
                for chunk in chunks:
                    f.write(chunk)
            os.chmod(temp, 0o644 if permissions is None else permissions)
            os.replace(temp, host)
        except OSError as e:
            if os.path.exists(temp):
                os.unlink(temp)
            raise self._error(e, 'open', path) from None
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        self._set_owner(path, owner)

    def _write_in_place(self, host: str, path: str, data: bytes, permissions: int | None) -> bool:
        """Write ``data`` to a new or existing plain file directly; False if it is neither.

        A symbolic link or a file with other hard links is left to the temp-and-rename
        path, which replaces the link itself as Pebble does.
        """
        try:
            st = os.lstat(host)
        except FileNotFoundError:
            st = None
        except OSError:
            return False  # reported by the temp-and-rename path, as always
        if st is not None and (not stat.S_ISREG(st.st_mode) or st.st_nlink != 1):
            return False
        mode = 0o644 if permissions is None else permissions
        try:
            # No O_TRUNC: a longer existing file is cut to length after writing (keeps its blocks).
            fd = os.open(host, os.O_WRONLY | os.O_CREAT | (os.O_EXCL if st is None else 0), mode)
        except FileExistsError:
            return False  # created meanwhile: let the atomic path decide
        except PermissionError as e:
            if st is not None:
                return False  # a read-only file: replacing it needs only the directory
            raise self._error(e, 'open', path) from None
        except OSError as e:
            raise self._error(e, 'open', path) from None
        try:
            with open(fd, 'wb') as f:
                f.write(data)
                if st is not None and st.st_size > len(data):
                    f.truncate()
            # A new file's mode went through the umask; an existing one may differ.
            if st is None or stat.S_IMODE(st.st_mode) != mode:
                os.chmod(host, mode)
        except OSError as e:
            if st is None:
                with contextlib.suppress(OSError):
                    os.unlink(host)
            raise self._error(e, 'open', path) from None
        return True

    def _make_parents(self, path: str, owner: dict[str, Any] | None) -> None:
        if os.path.isdir(os.path.dirname(self.host_path(path))):
            return  # the usual case: one stat rather than one per level
        parts = posixpath.normpath(path).strip('/').split('/')[:-1]
        current = ''
        for part in parts:
            current += '/' + part
            host = self.host_path(current)
            if not os.path.exists(host):
                try:
                    os.mkdir(host, 0o755)
                    os.chmod(host, 0o755)
                except OSError as e:
                    raise self._error(e, 'mkdir', current) from None
                self._set_owner(current, owner)
            elif not os.path.isdir(host):
                raise PathError('generic-file-error', f'mkdir {current}: not a directory')

    def _set_owner(self, path: str, owner: dict[str, Any] | None) -> None:
        if owner:
            self._owners[posixpath.normpath(path)] = complete_owner(owner)

    def make_dir(
        self,
        path: str,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        owner: dict[str, Any] | None = None,
    ) -> None:
        """Create a directory (mode 0o755 unless ``permissions`` is given).

        Raises:
            PathError: ``generic-file-error`` if it exists (without ``make_parents``),
                ``not-found`` if the parent is missing (without ``make_parents``).
        """
        if self._memory is not None:
            self._memory.make_dir(
                path, make_parents=make_parents, permissions=permissions, owner=owner
            )
            return
        host = self.host_path(path)
        mode = 0o755 if permissions is None else permissions
        if os.path.exists(host):
            if make_parents and os.path.isdir(host):
                return
            raise PathError('generic-file-error', f'mkdir {path}: file exists')
        if make_parents:
            self._make_parents(path + '/x', owner)
        elif not os.path.isdir(os.path.dirname(host)):
            if os.path.lexists(os.path.dirname(host)):
                raise PathError('generic-file-error', f'mkdir {path}: not a directory')
            raise PathError('not-found', f'parent directory not found: {posixpath.dirname(path)}')
        else:
            try:
                os.mkdir(host)
            except OSError as e:
                raise self._error(e, 'mkdir', path) from None
        os.chmod(host, mode)
        self._set_owner(path, owner)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """Remove a file or directory.

        Raises:
            PathError: ``not-found`` if missing (unless ``recursive``);
                ``generic-file-error`` for a non-empty directory without ``recursive``.
        """
        if self._memory is not None:
            self._memory.remove(path, recursive=recursive)
            return
        host = self.host_path(path)
        if host == self.root:
            raise PathError('generic-file-error', 'cannot remove the root directory')
        if not os.path.lexists(host):
            if recursive:
                return
            raise PathError('not-found', f'remove {path}: no such file or directory')
        try:
            if os.path.isdir(host) and not os.path.islink(host):
                if recursive:
                    import shutil

                    shutil.rmtree(host)
                else:
                    os.rmdir(host)
            else:
                os.unlink(host)
        except OSError as e:
            if e.errno == errno.ENOTEMPTY:
                raise PathError(
                    'generic-file-error', f'remove {path}: directory not empty'
                ) from None
            raise self._error(e, 'remove', path) from None
        prefix = posixpath.normpath(path)
        for key in [k for k in self._owners if k == prefix or k.startswith(prefix + '/')]:
            del self._owners[key]

    # -- listing ----------------------------------------------------------------------------

    def info(self, path: str) -> dict[str, Any]:
        """Return the API's file-info object for one path (symlinks not followed)."""
        if self._memory is not None:
            return self._memory.info(path)
        host = self.host_path(path)
        try:
            st = os.lstat(host)
        except OSError as e:
            raise self._error(e, 'stat', path) from None
        mode = st.st_mode
        if stat.S_ISREG(mode):
            kind = 'file'
        elif stat.S_ISDIR(mode):
            kind = 'directory'
        elif stat.S_ISLNK(mode):
            kind = 'symlink'
        elif stat.S_ISSOCK(mode):
            kind = 'socket'
        elif stat.S_ISFIFO(mode):
            kind = 'named-pipe'
        elif stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
            kind = 'device'
        else:
            kind = 'unknown'
        normal = posixpath.normpath(path)
        modified = datetime.datetime.fromtimestamp(int(st.st_mtime), datetime.timezone.utc)
        info: dict[str, Any] = {
            'path': normal,
            'name': posixpath.basename(normal) or '/',
            'type': kind,
            'permissions': format(stat.S_IMODE(mode), '03o'),
            'last-modified': format_timestamp(modified),
            'user-id': st.st_uid,
            'user': _name_for(pwd.getpwuid, st.st_uid),
            'group-id': st.st_gid,
            'group': _name_for(grp.getgrgid, st.st_gid),
        }
        info = {k: v for k, v in info.items() if v is not None}
        if kind == 'file':
            info['size'] = st.st_size
        apply_owner(info, self._owners.get(normal))
        return info

    def list(
        self, path: str, *, pattern: str | None = None, itself: bool = False
    ) -> list[dict[str, Any]]:
        """List a directory (or describe a file, or the directory itself with ``itself``).

        Raises:
            PathError: ``not-found`` if the path does not exist.
        """
        if self._memory is not None:
            return self._memory.list(path, pattern=pattern, itself=itself)
        host = self.host_path(path)
        if not os.path.lexists(host):
            raise PathError('not-found', f'stat {path}: no such file or directory')
        if itself or not os.path.isdir(host):
            return [self.info(path)]
        try:
            names = sorted(os.listdir(host))
        except OSError as e:
            raise self._error(e, 'open', path) from None
        base = posixpath.normpath(path)
        out = []
        for name in names:
            if pattern and not fnmatch.fnmatchcase(name, pattern):
                continue
            out.append(self.info(posixpath.join(base, name)))
        return out

    def wipe(self) -> None:
        """Empty the root directory."""
        if self._memory is not None:
            self._memory.wipe()
            return
        for name in os.listdir(self.root):
            target = os.path.join(self.root, name)
            if os.path.isdir(target) and not os.path.islink(target):
                import shutil

                shutil.rmtree(target)
            else:
                os.unlink(target)
        self._owners.clear()
