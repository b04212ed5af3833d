"""A container file system held in memory, answering exactly as the one on disk does.

:class:`MemoryTree` is what :class:`~._fs.FileSystem` works on while a Harness container's
files have not been asked for as a host directory: a push with ``make_dirs`` then costs a few
dictionary look-ups rather than a handful of system calls. Each operation follows the same
steps as its disk counterpart (the same look-ups in the same order), so the results, the
error kinds and the messages are the same, and :meth:`MemoryTree.write_out` puts the tree on
disk (modes and modification times included) the moment a real directory is needed.
"""

from __future__ import annotations

import datetime
import errno
import grp
import io
import os
import posixpath
import pwd
import time
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from ops_pebble import PathError
from ops_pebble.sister import format_timestamp

from ._fs import apply_owner, complete_owner, container_path, path_error, temp_name
from ._paths import go_pattern

if TYPE_CHECKING:
    from ._fs import FileSystem

__all__ = ['MemoryTree']

_DIR_MODE = 0o755
_FILE_MODE = 0o644


class _Node:
    """A file (``children`` is None) or a directory (``data`` is None)."""

    __slots__ = ('children', 'data', 'mode', 'mtime_ns')

    def __init__(self, mode: int, data: bytes | None = None) -> None:
        self.mode = mode
        self.data = data
        self.children: dict[str, _Node] | None = {} if data is None else None
        self.mtime_ns = time.time_ns()

    def touch(self) -> None:
        self.mtime_ns = time.time_ns()


def _parts(normal: str) -> list[str]:
    return [] if normal == '/' else normal[1:].split('/')


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _name_for(table: Any, ident: int) -> str | None:
    # Pebble leaves the name out of a file's info when the id has none.
    try:
        return str(table(ident)[0])
    except KeyError:
        return None


class MemoryTree:
    """The files and directories of one container, in memory.

    Permissions are checked as the kernel checks them for the files' owner (this process),
    unless the process runs as root: searching a directory needs its ``x`` bit, listing it
    ``r``, adding or removing entries ``w``, reading a file ``r``.

    Args:
        owners: The owner fields given to push/make_dir, by container path; shared with the
            :class:`~._fs.FileSystem` that owns this tree, so they survive writing out.
        fs: That file system (whose ``pebble_wording`` this tree follows).
    """

    def __init__(self, owners: dict[str, dict[str, Any]], fs: FileSystem | None = None) -> None:
        self._owners = owners
        self._fs = fs
        self._strict = os.geteuid() != 0
        self._root = _Node(0)
        self._root_mode_known = False
        if self._strict:
            self._root_mode()
        self._ids: dict[str, Any] | None = None

    def _root_mode(self) -> None:
        # As os.makedirs will make it: 0o777 less the umask (read only when needed, as
        # reading it means setting it for a moment).
        if not self._root_mode_known:
            self._root.mode = 0o777 & ~_umask()
            self._root_mode_known = True

    # -- looking paths up -------------------------------------------------------------------

    def _denied(self, node: _Node, bits: int) -> bool:
        """Whether the process, not being root, lacks one of the owner ``bits`` of ``node``."""
        return self._strict and node.mode & bits != bits

    def _find(self, parts: list[str]) -> tuple[_Node | None, int]:
        """The node at ``parts`` (walking the path as the kernel does), or an errno."""
        node = self._root
        strict = self._strict
        for part in parts:
            children = node.children
            if children is None:
                return None, errno.ENOTDIR
            if strict and not node.mode & 0o100:  # as _denied(node, 0o100)
                return None, errno.EACCES
            child = children.get(part)
            if child is None:
                return None, errno.ENOENT
            node = child
        return node, 0

    def _isdir(self, parts: list[str]) -> bool:
        """What ``os.path.isdir`` says."""
        node, _ = self._find(parts)
        return node is not None and node.children is not None

    def _entry(self, parts: list[str], *, change: bool) -> tuple[_Node, _Node | None]:
        """The directory that holds ``parts`` and the entry there, if any.

        Raises:
            OSError: the errno the kernel gives walking to the directory, or (with
                ``change``) for adding or removing an entry there.
        """
        parent, code = self._find(parts[:-1])
        if parent is not None and parent.children is None:
            code = errno.ENOTDIR
        elif parent is not None and self._denied(parent, 0o100):
            code = errno.EACCES
        elif change and parent is not None and self._denied(parent, 0o200):
            code = errno.EACCES
        if parent is None or code:
            raise OSError(code, os.strerror(code))
        assert parent.children is not None
        return parent, parent.children.get(parts[-1])

    def _mkdir(self, parts: list[str], mode: int) -> _Node:
        """Add a directory as ``os.mkdir`` would (raising its OSError)."""
        parent, child = self._entry(parts, change=False)
        if child is not None:
            raise OSError(errno.EEXIST, os.strerror(errno.EEXIST))
        if self._denied(parent, 0o200):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        assert parent.children is not None
        node = parent.children[parts[-1]] = _Node(mode)
        parent.touch()
        return node

    def _wording(self, ours: str, pebbles: str) -> str:
        return pebbles if self._fs is not None and self._fs.pebble_wording else ours

    def _set_owner(self, path: str, owner: dict[str, Any] | None) -> None:
        if owner:
            self._owners[container_path(path)] = complete_owner(owner)

    # -- reading ----------------------------------------------------------------------------

    def open_for_read(self, path: str) -> IO[bytes]:
        """Open a regular file for reading (a snapshot of its content).

        Raises:
            PathError: ``not-found``, ``permission-denied``, or ``generic-file-error`` for a
                directory.
        """
        node, code = self._find(_parts(container_path(path)))
        if node is None:
            raise path_error(code, 'stat', path)
        if node.data is None:
            raise PathError('generic-file-error', f'can only read a regular file: "{path}"')
        if self._denied(node, 0o400):
            raise path_error(errno.EACCES, 'open', path)
        return io.BytesIO(node.data)

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
        """Write a file (see :meth:`~._fs.FileSystem.write`).

        Raises:
            PathError: if the parent is missing (without ``make_dirs``), is not a directory,
                or is not writable.
        """
        parts = _parts(container_path(path))
        node, code = self._find(parts)
        # A path that is found has every parent (a directory); else they may need making.
        if node is None and make_dirs:
            self._make_parents(path, owner, _DIR_MODE, creating=True)
            node, code = self._find(parts)
        elif node is None and parts and not self._isdir(parts[:-1]):
            temp = temp_name(path)
            if self._find(parts[:-1])[0] is not None:
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
        if node is not None and node.children is not None:
            raise PathError(
                'generic-file-error',
                self._wording(
                    f'open {path}: is a directory', f'rename {temp_name(path)} {path}: file exists'
                ),
            )
        mode = (_FILE_MODE if permissions is None else permissions) & 0o7777
        if in_memory is not None and code in (0, errno.ENOENT):
            # Written in place: an existing file needs only its own w bit.
            if node is not None and not self._denied(node, 0o200):
                node.data = in_memory
                node.mode = mode
                node.touch()
                self._set_owner(path, owner)
                return
            if node is None:
                try:
                    parent, _ = self._entry(parts, change=True)
                except OSError as e:
                    raise path_error(e.errno, 'open', path) from None
                assert parent.children is not None
                parent.children[parts[-1]] = _Node(mode, in_memory)
                parent.touch()
                self._set_owner(path, owner)
                return
        # Through a new file in the directory, renamed over the old one.
        try:
            parent, _ = self._entry(parts, change=True)
        except OSError as e:
            raise path_error(e.errno, 'open', path) from None
        assert parent.children is not None
        parent.touch()
        data = in_memory if in_memory is not None else b''.join(chunks)
        parent.children[parts[-1]] = _Node(mode, data)
        self._set_owner(path, owner)

    def _make_parents(
        self, path: str, owner: dict[str, Any] | None, mode: int, *, creating: bool
    ) -> None:
        parts = _parts(container_path(path))
        if not parts or self._isdir(parts[:-1]):
            return
        current = ''
        done: list[str] = []
        for part in container_path(path).strip('/').split('/')[:-1]:
            current += '/' + part
            done.append(part)
            node, _ = self._find(done)
            if node is None:
                try:
                    self._mkdir(done, mode)
                except OSError as e:
                    raise path_error(e.errno, 'mkdir', current) from None
                self._set_owner(current, owner)
            elif node.children is None:
                message = f'mkdir {current}: not a directory'
                if creating:
                    message = self._wording(message, f'cannot create directory: {message}')
                raise PathError('generic-file-error', message)

    def make_dir(
        self,
        path: str,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        owner: dict[str, Any] | None = None,
    ) -> None:
        """Create a directory (see :meth:`~._fs.FileSystem.make_dir`).

        Raises:
            PathError: ``generic-file-error`` if it exists (without ``make_parents``),
                ``not-found`` if the parent is missing (without ``make_parents``).
        """
        parts = _parts(container_path(path))
        mode = (_DIR_MODE if permissions is None else permissions) & 0o7777
        node, _ = self._find(parts)
        if node is not None:
            if make_parents and node.children is not None:
                return
            reason = 'file exists'
            if make_parents:
                reason = self._wording(reason, 'not a directory')
            raise PathError('generic-file-error', f'mkdir {path}: {reason}')
        if make_parents:
            self._make_parents(path + '/x', owner, mode, creating=False)
            node, _ = self._find(parts)
            assert node is not None
        elif not self._isdir(parts[:-1]):
            if self._find(parts[:-1])[0] is not None:
                raise PathError('generic-file-error', f'mkdir {path}: not a directory')
            raise PathError(
                'not-found',
                self._wording(
                    f'parent directory not found: {posixpath.dirname(path)}',
                    f'mkdir {path}.mkdir-new: no such file or directory',
                ),
            )
        else:
            try:
                node = self._mkdir(parts, mode)
            except OSError as e:
                raise path_error(e.errno, 'mkdir', path) from None
        node.mode = mode
        self._set_owner(path, owner)

    def _removable(self, node: _Node) -> bool:
        """Whether ``shutil.rmtree`` can empty the directory ``node`` (it opens each one)."""
        if self._denied(node, 0o400):
            return False
        assert node.children is not None
        if node.children and self._denied(node, 0o300):  # unlinking needs w and x
            return False
        return all(c.children is None or self._removable(c) for c in node.children.values())

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """Remove a file or directory (see :meth:`~._fs.FileSystem.remove`).

        A recursive removal that the permissions stop removes nothing (on disk, what came
        before the failure in directory order is gone).

        Raises:
            PathError: ``not-found`` if missing (unless ``recursive``);
                ``generic-file-error`` for ``/`` or a non-empty directory without ``recursive``.
        """
        parts = _parts(container_path(path))
        if not parts:
            raise PathError(
                'generic-file-error',
                self._wording(
                    'cannot remove the root directory', f'remove {path}: device or resource busy'
                ),
            )
        node, _ = self._find(parts)
        if node is None:
            if recursive:
                return
            raise PathError('not-found', f'remove {path}: no such file or directory')
        parent, _ = self._entry(parts, change=False)
        if self._denied(parent, 0o200) or (
            recursive and node.children is not None and not self._removable(node)
        ):
            raise path_error(errno.EACCES, 'remove', path)
        if node.children and not recursive:
            raise PathError('generic-file-error', f'remove {path}: directory not empty')
        assert parent.children is not None
        del parent.children[parts[-1]]
        parent.touch()
        prefix = container_path(path)
        for key in [k for k in self._owners if k == prefix or k.startswith(prefix + '/')]:
            del self._owners[key]

    def wipe(self) -> None:
        """Remove everything under the root.

        Raises:
            PermissionError: a directory's permissions stop its removal (nothing is removed).
        """
        children = self._root.children
        assert children is not None
        for name, node in children.items():
            if node.children is not None and not self._removable(node):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), f'/{name}')
        if children:
            children.clear()
            self._root.touch()
        self._owners.clear()

    # -- listing ----------------------------------------------------------------------------

    def _describe(self, normal: str, node: _Node) -> dict[str, Any]:
        if node is self._root:
            self._root_mode()
        ids = self._ids
        if ids is None:
            # What a file this process creates on disk would show.
            uid, gid = os.geteuid(), os.getegid()
            ids = {
                'user-id': uid,
                'user': _name_for(pwd.getpwuid, uid),
                'group-id': gid,
                'group': _name_for(grp.getgrgid, gid),
            }
            ids = self._ids = {k: v for k, v in ids.items() if v is not None}
        # As os.stat's st_mtime (a float) truncated to seconds.
        seconds, nanos = divmod(node.mtime_ns, 1_000_000_000)
        modified = datetime.datetime.fromtimestamp(
            int(seconds + nanos * 1e-9), datetime.timezone.utc
        )
        info: dict[str, Any] = {
            'path': normal,
            'name': posixpath.basename(normal) or '/',
            'type': 'directory' if node.data is None else 'file',
            'permissions': format(node.mode, '03o'),
            'last-modified': format_timestamp(modified),
            **ids,
        }
        if node.data is not None:
            info['size'] = len(node.data)
        apply_owner(info, self._owners.get(normal))
        return info

    def info(self, path: str) -> dict[str, Any]:
        """Return the API's file-info object for one path.

        Raises:
            PathError: ``not-found`` if the path does not exist.
        """
        node, code = self._find(_parts(container_path(path)))
        if node is None:
            raise path_error(code, 'stat', path)
        return self._describe(container_path(path), node)

    def list(
        self, path: str, *, pattern: str | None = None, itself: bool = False
    ) -> list[dict[str, Any]]:
        """List a directory, sorted by name (or describe a file, or the directory itself).

        Raises:
            PathError: ``not-found`` if the path does not exist.
        """
        node, code = self._find(_parts(container_path(path)))
        if node is None:
            raise path_error(code, 'stat', path)
        base = container_path(path)
        matcher = go_pattern(pattern) if pattern else None
        if itself or node.children is None:
            if matcher is not None and not matcher.fullmatch(posixpath.basename(base)):
                return []
            return [self._describe(base, node)]
        if self._denied(node, 0o400):
            raise path_error(errno.EACCES, 'open', path)
        out = []
        for name in sorted(node.children):
            if matcher is not None and not matcher.fullmatch(name):
                continue
            child = posixpath.join(base, name)
            if self._denied(node, 0o100):
                raise path_error(errno.EACCES, 'stat', child)
            out.append(self._describe(child, node.children[name]))
        return out

    # -- writing out ------------------------------------------------------------------------

    def write_out(self, root: str) -> None:
        """Create every directory and file of the tree under the host directory ``root``.

        Modes and modification times are those of the tree; the root directory itself (made
        by the caller) gets the tree root's modification time.
        """
        self._write_children(root, self._root)
        os.utime(root, ns=(self._root.mtime_ns, self._root.mtime_ns))

    def _write_children(self, host: str, directory: _Node) -> None:
        assert directory.children is not None
        for name, node in directory.children.items():
            target = os.path.join(host, name)
            if node.data is None:
                # Writable while it is filled, whatever its final mode.
                os.makedirs(target, 0o700, exist_ok=True)
                self._write_children(target, node)
            else:
                with open(target, 'wb') as f:
                    f.write(node.data)
            os.chmod(target, node.mode)
            os.utime(target, ns=(node.mtime_ns, node.mtime_ns))
