"""Container paths: normalising them, resolving them inside the container's root, matching
names against Pebble's patterns, and the errors Pebble reports for them.

Resolving inside the root is what keeps a test's files in their sandbox: every symbolic
link met on the way is followed as the container would follow it (an absolute target
starts again at the container's ``/``, ``..`` stops there), so no path, however its links
point, ever reaches a host file outside the root or a mount's source.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import stat
from collections.abc import Mapping

from ops_pebble import PathError

_MAX_LINKS = 40  # as Linux's limit on symbolic links followed in one lookup


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
    return PathError('generic-file-error', f'{op} {path}: {reason.lower()}')


def host_of(root: str, mounts: Mapping[str, str], parts: list[str]) -> str:
    """The host path of the container path made of ``parts`` (through any mount)."""
    if mounts:
        for end in range(len(parts), 0, -1):
            source = mounts.get('/' + '/'.join(parts[:end]))
            if source is not None:
                return os.path.join(source, *parts[end:])
    return os.path.join(root, *parts)


def resolve(root: str, mounts: Mapping[str, str], normal: str, follow: bool = True) -> str:
    """The host path of the normalised container path ``normal``, every symbolic link on the
    way followed inside the container (the last one only with ``follow``).

    Args:
        root: The host directory that is the container's ``/``.
        mounts: Host directories shown at container locations (mount points are not
            followed as links even if the host shows them as links).
        normal: A path from :func:`container_path`.
        follow: Whether a link in the last component is followed too.

    Raises:
        PathError: ``generic-file-error`` for a cycle of links.
    """
    pending = [part for part in reversed(normal.split('/')) if part]
    done: list[str] = []
    links = 0
    exists = True
    while pending:
        part = pending.pop()
        if part == '.':
            continue
        if part == '..':
            if done:
                done.pop()
            continue
        done.append(part)
        if not exists or (not pending and not follow):
            continue
        if mounts and '/' + '/'.join(done) in mounts:
            continue
        host = host_of(root, mounts, done)
        try:
            mode = os.lstat(host).st_mode
        except OSError:
            exists = False  # nothing below can be a link; the operation reports what is wrong
            continue
        if not stat.S_ISLNK(mode):
            continue
        links += 1
        if links > _MAX_LINKS:
            raise PathError(
                'generic-file-error', f'stat {normal}: too many levels of symbolic links'
            )
        target = os.readlink(host)
        done.pop()
        if target.startswith('/'):
            done = []
        pending.extend(part for part in reversed(target.split('/')) if part)
    return host_of(root, mounts, done)


def go_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a Pebble (Go ``path.Match``) file-name pattern.

    ``*`` matches any run of characters but ``/``, ``?`` one such character, ``[...]`` a
    class (``[^...]`` negated, ``a-z`` ranges), ``\\`` quotes the next character.

    Raises:
        PathError: ``generic-file-error`` ``syntax error in pattern`` for a malformed one.
    """
    bad = PathError('generic-file-error', 'syntax error in pattern')
    out: list[str] = []
    i, n = 0, len(pattern)

    def escaped(at: int) -> tuple[str, int]:
        if at >= n or pattern[at] in '-]':
            raise bad
        if pattern[at] == '\\':
            at += 1
            if at >= n:
                raise bad
        return pattern[at], at + 1

    while i < n:
        char = pattern[i]
        if char == '*':
            out.append('[^/]*')
            i += 1
        elif char == '?':
            out.append('[^/]')
            i += 1
        elif char == '[':
            i += 1
            negate = i < n and pattern[i] == '^'
            if negate:
                i += 1
            ranges: list[str] = []
            while True:
                if i >= n:
                    raise bad
                if pattern[i] == ']' and ranges:
                    i += 1
                    break
                low, i = escaped(i)
                high = low
                if i < n and pattern[i] == '-':
                    high, i = escaped(i + 1)
                    if high < low:
                        raise bad
                ranges.append(f'{re.escape(low)}-{re.escape(high)}')
            out.append(f'[{"^" if negate else ""}{"".join(ranges)}]')
        elif char == '\\':
            if i + 1 >= n:
                raise bad
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile(''.join(out), re.S)
