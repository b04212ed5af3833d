"""The container's file system: real files under a root directory, seen as Pebble sees them.

Every container path is normalised lexically, then resolved inside the root
(:func:`~._paths.resolve`): ``..`` never climbs above the root (as on Linux, ``/..`` is
``/``), and a symbolic link is followed as the container would follow it, so no operation
ever reaches a host file outside the root or outside a mount's source, wherever the links
in the root point. Failures raise :class:`ops_pebble.PathError` with the kind and wording
Pebble uses: the real Pebble's exact wording with :attr:`FileSystem.pebble_wording` (what
the HTTP test server sets), else the wording ops 3.9's Harness used where the two differ.
"""

from __future__ import annotations

import contextlib
import datetime
import grp
import os
import posixpath
import pwd
import stat
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from ops_pebble import PathError
from ops_pebble.sister import format_timestamp

from ._paths import container_path, go_pattern, path_error, resolve

if TYPE_CHECKING:
    from ._memfs import MemoryTree

__all__ = [
    'FileSystem',
    'apply_owner',
    'complete_owner',
    'container_path',
    'path_error',
]


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


def temp_name(path: str) -> str:
    """The name Pebble gives the temporary file it writes ``path`` through."""
    return f'{path}.{int.from_bytes(os.urandom(4), "big")}~'


_TYPES = (
    (stat.S_ISREG, 'file'),
    (stat.S_ISDIR, 'directory'),
    (stat.S_ISLNK, 'symlink'),
    (stat.S_ISSOCK, 'socket'),
    (stat.S_ISFIFO, 'named-pipe'),
    (stat.S_ISBLK, 'device'),
    (stat.S_ISCHR, 'device'),
)


def describe(path: str, st: os.stat_result) -> dict[str, Any]:
    """The API's file-info object for the container path ``path`` with status ``st``."""
    mode = st.st_mode
    kind = next((name for test, name in _TYPES if test(mode)), 'unknown')
    modified = datetime.datetime.fromtimestamp(int(st.st_mtime), datetime.timezone.utc)
    info: dict[str, Any] = {
        'path': path,
        'name': posixpath.basename(path) or '/',
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
    return info


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

    Attributes:
        pebble_wording: Word errors exactly as the real Pebble does (the HTTP test server
            sets this); by default they are worded as ops 3.9's Harness worded them.
    """

    pebble_wording = False

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
        self._mounts: dict[str, str] = {}
        self._memory: MemoryTree | None = None
        if in_memory:
            from ._memfs import MemoryTree

            self._memory = MemoryTree(self._owners, self)

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
        """Map an absolute container path lexically to its host path inside the root.

        Links are not followed: use this to lay out the root itself (files, mounts).

        Raises:
            PathError: ``generic-file-error`` if ``path`` is not absolute.
        """
        normal = container_path(path)
        return self.root if normal == '/' else os.path.join(self.root, normal[1:])

    def mount(self, location: str, source: str) -> None:
        """Show the host directory ``source`` at the container path ``location``.

        The location becomes a symbolic link to ``source`` in the root (as in ops 3.9's
        testing), and paths under it resolve inside ``source``.
        """
        normal = container_path(location)
        source = os.path.abspath(source)
        link = self.host_path(normal)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(source, link, target_is_directory=True)
        self._mounts[normal] = source

    def unmount(self, location: str) -> None:
        """Forget a mount made with :meth:`mount` (removing its link)."""
        normal = container_path(location)
        source = self._mounts.pop(normal, None)
        link = self.host_path(normal)
        if source is not None and os.path.islink(link) and os.readlink(link) == source:
            os.unlink(link)

    def mounted(self, location: str) -> str | None:
        """The host directory mounted at ``location``, if any."""
        return self._mounts.get(container_path(location))

    def resolve(self, path: str, *, follow: bool = True) -> str:
        """The host path of a container path, its links followed inside the container.

        Args:
            path: The absolute container path.
            follow: Follow a link in the last component too (as ``stat`` does).

        Raises:
            PathError: ``generic-file-error`` for a relative path or a cycle of links.
        """
        return resolve(self.root, self._mounts, container_path(path), follow)

    def _entry(self, path: str) -> tuple[str, str]:
        """The host path of ``path``'s directory (links followed) and of ``path`` in it."""
        normal = container_path(path)
        parent = resolve(self.root, self._mounts, posixpath.dirname(normal))
        if normal == '/':
            return parent, parent
        return parent, os.path.join(parent, posixpath.basename(normal))

    def _wording(self, ours: str, pebbles: str) -> str:
        return pebbles if self.pebble_wording else ours

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
        host = self.resolve(path)
        try:
            st = os.stat(host)
        except OSError as e:
            raise self._error(e, 'stat', path) from None
        if not stat.S_ISREG(st.st_mode):
            raise PathError('generic-file-error', f'can only read a regular file: "{path}"')
        try:
            fd = os.open(host, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as e:
            raise self._error(e, 'open', path) from None
        return open(fd, 'rb')

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
        if make_dirs:
            self._make_parents(path, owner, 0o755, creating=True)
        parent, host = self._entry(path)
        if not os.path.isdir(parent):
            temp = temp_name(path)
            if os.path.lexists(parent):
                raise PathError(
                    'generic-file-error',
                    self._wording(
                        f'open {path}: not a directory', f'open {temp}: not a directory'
                    ),
                )
            raise PathError(
                'not-found',
                self._wording(
                    f'parent directory not found: {posixpath.dirname(path)}',
                    f'open {temp}: no such file or directory',
                ),
            )
        if os.path.isdir(host) and not os.path.islink(host):
            raise PathError(
                'generic-file-error',
                self._wording(
                    f'open {path}: is a directory', f'rename {temp_name(path)} {path}: file exists'
                ),
            )
        if in_memory is not None and self._write_in_place(host, path, in_memory, permissions):
            self._set_owner(path, owner)
            return
        if in_memory is not None:
            chunks = (in_memory,)
        temp = f'{host}.pebble-tmp-{os.getpid()}-{id(chunks)}'
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            with open(fd, 'wb') as f:
                for chunk in chunks:
                    f.write(chunk)
                os.fchmod(f.fileno(), 0o644 if permissions is None else permissions)
            os.replace(temp, host)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise self._error(e, 'open', path) from None
        except BaseException:
            with contextlib.suppress(OSError):
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
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            # No O_TRUNC: a longer existing file is cut to length after writing (keeps its blocks).
            fd = os.open(host, flags | (os.O_EXCL if st is None else 0), mode)
        except FileExistsError:
            return False  # created meanwhile: let the atomic path decide
        except PermissionError as e:
            if st is not None:
                return False  # a read-only file: replacing it needs only the directory
            raise self._error(e, 'open', path) from None
        except OSError as e:
            if st is not None:
                return False  # became something else meanwhile: the atomic path decides
            raise self._error(e, 'open', path) from None
        try:
            with open(fd, 'wb') as f:
                f.write(data)
                if st is not None and st.st_size > len(data):
                    f.truncate()
                # A new file's mode went through the umask; an existing one may differ.
                if st is None or stat.S_IMODE(st.st_mode) != mode:
                    os.fchmod(f.fileno(), mode)
        except OSError as e:
            if st is None:
                with contextlib.suppress(OSError):
                    os.unlink(host)
            raise self._error(e, 'open', path) from None
        return True

    def make_parents(self, path: str, owner: dict[str, Any] | None = None) -> None:
        """Create the missing directories above ``path`` (mode 0o755), as a push with
        ``make_dirs`` does.

        Raises:
            PathError: if one of them cannot be created.
        """
        if self._memory is not None:
            self._memory._make_parents(path, owner, 0o755, creating=True)
            return
        self._make_parents(path, owner, 0o755, creating=True)

    def _make_parents(
        self, path: str, owner: dict[str, Any] | None, mode: int, *, creating: bool
    ) -> None:
        """Create the missing directories above ``path`` with ``mode``.

        Args:
            creating: Whether a file is being written (Pebble words a failure then as
                ``cannot create directory: ...``).
        """
        normal = container_path(path)
        if os.path.isdir(self._entry(normal)[0]):
            return  # the usual case: the parent is there
        current = ''
        for part in normal.strip('/').split('/')[:-1]:
            current += '/' + part
            host = self.resolve(current)
            if not os.path.lexists(host):
                try:
                    os.mkdir(host, 0o700)
                    os.chmod(host, mode)
                except OSError as e:
                    raise self._error(e, 'mkdir', current) from None
                self._set_owner(current, owner)
            elif not os.path.isdir(host):
                message = f'mkdir {current}: not a directory'
                if creating and self.pebble_wording:
                    message = f'cannot create directory: {message}'
                raise PathError('generic-file-error', message)

    def _set_owner(self, path: str, owner: dict[str, Any] | None) -> None:
        if owner:
            self._owners[container_path(path)] = complete_owner(owner)

    def make_dir(
        self,
        path: str,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        owner: dict[str, Any] | None = None,
    ) -> None:
        """Create a directory (mode 0o755 unless ``permissions`` is given).

        With ``make_parents``, the missing directories above it get the same mode.

        Raises:
            PathError: ``generic-file-error`` if it exists (without ``make_parents``),
                ``not-found`` if the parent is missing (without ``make_parents``).
        """
        if self._memory is not None:
            self._memory.make_dir(
                path, make_parents=make_parents, permissions=permissions, owner=owner
            )
            return
        mode = 0o755 if permissions is None else permissions
        parent, host = self._entry(path)
        if os.path.lexists(host):
            if make_parents and os.path.isdir(self.resolve(path)):
                return
            reason = 'not a directory' if make_parents and self.pebble_wording else 'file exists'
            raise PathError('generic-file-error', f'mkdir {path}: {reason}')
        if make_parents:
            # The directory is made as the last of the missing ones (the same errors).
            self._make_parents(path + '/x', owner, mode, creating=False)
            return
        if not os.path.isdir(parent):
            if os.path.lexists(parent):
                raise PathError('generic-file-error', f'mkdir {path}: not a directory')
            raise PathError(
                'not-found',
                self._wording(
                    f'parent directory not found: {posixpath.dirname(path)}',
                    f'mkdir {path}.mkdir-new: no such file or directory',
                ),
            )
        try:
            os.mkdir(host, 0o700)
            os.chmod(host, mode)
        except OSError as e:
            raise self._error(e, 'mkdir', path) from None
        self._set_owner(path, owner)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """Remove a file or directory (a link is removed, not what it points to).

        A mount point is unmounted (its source is left alone), as in ops 3.9's testing; with
        :attr:`pebble_wording` it is refused as busy, as the real Pebble refuses it.

        Raises:
            PathError: ``not-found`` if missing (unless ``recursive``);
                ``generic-file-error`` for a non-empty directory without ``recursive``.
        """
        if self._memory is not None:
            self._memory.remove(path, recursive=recursive)
            return
        normal = container_path(path)
        _, host = self._entry(normal)
        if normal in self._mounts and not self.pebble_wording:
            # ops 3.9's testing Pebble makes a mount point a link to its source, so removing
            # it removes the link: the path is gone from the container, the source stays.
            self.unmount(normal)
            return
        if normal == '/' or normal in self._mounts:
            raise PathError(
                'generic-file-error',
                self._wording(
                    'cannot remove the root directory'
                    if normal == '/'
                    else f'remove {path}: busy',
                    f'remove {path}: device or resource busy',
                ),
            )
        if not os.path.lexists(host):
            if recursive:
                return
            raise PathError('not-found', f'remove {path}: no such file or directory')
        try:
            if os.path.isdir(host) and not os.path.islink(host):
                if recursive:
                    import shutil

                    # Never follows links inside (shutil removes them as links).
                    shutil.rmtree(host)
                else:
                    os.rmdir(host)
            else:
                os.unlink(host)
        except OSError as e:
            raise self._error(e, 'remove', path) from None
        for key in [k for k in self._owners if k == normal or k.startswith(normal + '/')]:
            del self._owners[key]

    # -- listing ----------------------------------------------------------------------------

    def info(self, path: str) -> dict[str, Any]:
        """Return the API's file-info object for one path (a link itself, not its target)."""
        if self._memory is not None:
            return self._memory.info(path)
        normal = container_path(path)
        _, host = self._entry(normal)
        try:
            st = os.lstat(host)
        except OSError as e:
            raise self._error(e, 'stat', path) from None
        info = describe(normal, st)
        apply_owner(info, self._owners.get(normal))
        return info

    def list(
        self, path: str, *, pattern: str | None = None, itself: bool = False
    ) -> list[dict[str, Any]]:
        """List a directory (or describe a file, or the directory itself with ``itself``).

        As in Pebble, the path itself is looked at through links, the entries of a
        directory are not, and ``pattern`` (Go's ``path.Match`` syntax) filters by name.

        Raises:
            PathError: ``not-found`` if the path does not exist; ``generic-file-error`` for
                a malformed pattern.
        """
        if self._memory is not None:
            return self._memory.list(path, pattern=pattern, itself=itself)
        normal = container_path(path)
        host = self.resolve(normal)
        try:
            st = os.stat(host)
            if itself and normal in self._mounts and not self.pebble_wording:
                # ops 3.9's testing Pebble shows a mount point as the link it makes it.
                st = os.lstat(self.host_path(normal))
        except OSError as e:
            raise self._error(e, 'stat', path) from None
        matcher = go_pattern(pattern) if pattern else None
        if itself or not stat.S_ISDIR(st.st_mode):
            if matcher is not None and not matcher.fullmatch(posixpath.basename(normal)):
                return []
            info = describe(normal, st)
            apply_owner(info, self._owners.get(normal))
            return [info]
        try:
            names = sorted(os.listdir(host))
        except OSError as e:
            raise self._error(e, 'open', path) from None
        out = []
        for name in names:
            if matcher is not None and not matcher.fullmatch(name):
                continue
            child = posixpath.join(normal, name)
            try:
                entry = os.lstat(os.path.join(host, name))
            except OSError as e:
                raise self._error(e, 'lstat', child) from None
            info = describe(child, entry)
            apply_owner(info, self._owners.get(child))
            out.append(info)
        return out

    def wipe(self) -> None:
        """Empty the root directory (mounts are unmounted first, their sources left alone)."""
        if self._memory is not None:
            self._memory.wipe()
            return
        for location in list(self._mounts):
            self.unmount(location)
        for name in os.listdir(self.root):
            target = os.path.join(self.root, name)
            if os.path.isdir(target) and not os.path.islink(target):
                import shutil

                shutil.rmtree(target)
            else:
                os.unlink(target)
        self._owners.clear()
