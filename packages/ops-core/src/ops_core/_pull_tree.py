"""Where :meth:`Container.pull_path` may write: checked workload paths, a confined local tree.

The workload is not trusted. Its Pebble server decides which paths a listing holds, so a
compromised workload could answer with ``/srv/data/../../../etc/cron.d/x`` and have the
charm (often root) write that file on the host. Two independent guards stop this:

* :func:`child_path` accepts a listed path only if it is clean (as real Pebble returns
  them: absolute, no ``.``/``..``/empty segments) and lies strictly under the directory
  that was listed;
* :class:`LocalTree` creates every directory and file one path segment at a time,
  relative to an open descriptor of the destination directory, never following a
  symbolic link, so even a symlink planted below the destination cannot redirect a write.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from collections.abc import Iterable
from typing import BinaryIO

__all__ = ['LocalTree', 'child_path', 'clean_workload_path']

# Linux refuses paths longer than this (PATH_MAX), so a real Pebble never lists one; a
# longer "path" is a server inventing ever deeper trees.
_MAX_PATH = 4096

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def clean_workload_path(path: str) -> str:
    """``path`` as Pebble itself resolves it: absolute, ``.``/``..``/``//`` collapsed."""
    clean = posixpath.normpath(path)
    return '/' + clean.lstrip('/') if clean.startswith('/') else clean


def child_path(listed: object, parent: str) -> str | None:
    """The path below ``parent`` of a path Pebble listed, or ``None`` if it is not one.

    Args:
        listed: the ``path`` of an entry Pebble returned.
        parent: the clean workload directory the entry must lie under.

    Returns:
        The relative path (``sub/file``), or ``None`` when ``listed`` is not a string, is
        not absolute and clean, is too long for Linux, or does not lie strictly under
        ``parent``.
    """
    if not isinstance(listed, str) or not listed.startswith('/') or len(listed) > _MAX_PATH:
        return None
    if '\x00' in listed or clean_workload_path(listed) != listed:
        return None
    base = parent.rstrip('/') + '/'
    if not listed.startswith(base) or len(listed) == len(base):
        return None
    return listed[len(base) :]


class LocalTree:
    """Directories and files created strictly inside one local directory.

    Args:
        root: the destination directory (created, with its parents, when the first thing is
            written). It may itself be a symbolic link; nothing below it may be.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self._root = os.fspath(root)

    def _open_dir(self, parts: Iterable[str], create: bool) -> int:
        os.makedirs(self._root, exist_ok=True)
        fd = os.open(self._root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for part in parts:
                if part in ('', '.', '..') or '/' in part:  # child_path never yields these
                    raise OSError(errno.EINVAL, f'invalid path segment {part!r}')
                if create:
                    try:
                        os.mkdir(part, 0o777, dir_fd=fd)
                    except FileExistsError:
                        pass
                try:
                    child = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise OSError(
                            exc.errno,
                            f'{part!r} in the destination is not a directory (a symbolic '
                            f'link or a file); refusing to write through it',
                        ) from None
                    raise
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def make_dir(self, relative: str) -> None:
        """Create ``root/relative`` and any missing parents (no symlink is followed).

        Raises:
            OSError: a segment exists and is not a directory, or cannot be created.
        """
        os.close(self._open_dir(relative.split('/'), create=True))

    def write_file(self, relative: str, source: BinaryIO) -> None:
        """Create or overwrite the regular file ``root/relative`` with ``source``'s bytes.

        Parents are created as needed. An existing symbolic link, FIFO, device or
        directory at the destination is refused, not written through.

        Raises:
            OSError: the destination or a parent is not what it must be, or writing fails.
        """
        *parents, name = relative.split('/')
        dir_fd = self._open_dir(parents, create=True)
        try:
            if name in ('', '.', '..'):
                raise OSError(errno.EINVAL, f'invalid file name {name!r}')
            try:
                existing = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                pass
            else:
                if not stat.S_ISREG(existing.st_mode):
                    raise OSError(
                        errno.EEXIST,
                        f'{relative!r} in the destination exists and is not a regular file; '
                        f'refusing to write through it',
                    )
            try:
                fd = os.open(name, _FILE_FLAGS, 0o666, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
                    raise OSError(
                        exc.errno,
                        f'{relative!r} in the destination exists and is not a regular file; '
                        f'refusing to write through it',
                    ) from None
                raise
        finally:
            os.close(dir_fd)
        with os.fdopen(fd, 'wb') as out:
            if not stat.S_ISREG(os.fstat(out.fileno()).st_mode):
                raise OSError(
                    errno.EINVAL,
                    f'{relative!r} in the destination is not a regular file; refusing to '
                    f'write to it',
                )
            os.set_blocking(out.fileno(), True)
            out.truncate(0)
            while chunk := source.read(64 * 1024):
                out.write(chunk)
