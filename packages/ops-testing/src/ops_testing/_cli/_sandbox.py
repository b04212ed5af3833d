"""Keep the simulator's charm from changing the host: record process starts and writes.

``python -m ops_testing`` runs the charm's code for real, in-process. Without
``--allow-side-effects``, :class:`SideEffectGuard` is active while the charm is imported and
while each event runs:

* starting a process (``subprocess.Popen`` and everything built on it -- ``run``, ``call``,
  ``check_output``, ``getoutput`` --, ``os.system``, ``os.popen``, ``os.spawn*``,
  ``os.posix_spawn*``) is recorded and not performed: the process "exits" with status 0 and
  no output. ``os.exec*`` is recorded and raises ``PermissionError`` (there is no "after"
  for an exec that did not happen);
* writing outside the scratch root (opening for writing, creating, removing, renaming,
  changing modes or owners, linking) is recorded, and performed on a copy under the scratch
  root instead (``/etc/app.conf`` -> ``<scratch>/host/etc/app.conf``); reads of a path the
  charm wrote see that copy. Temporary files (``tempfile``) are made under the scratch root.

Asynchronous subprocesses (asyncio) and processes started through a C extension are not
intercepted.
"""

from __future__ import annotations

import builtins
import dataclasses
import io
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ['SideEffect', 'SideEffectGuard']

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Writing to these changes nothing on the host.
_HARMLESS = ('/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty')


@dataclasses.dataclass(frozen=True)
class SideEffect:
    """One thing the charm tried to do to the host, recorded instead of done.

    Attributes:
        kind: ``'run'`` (a process), ``'write'``, ``'mkdir'``, ``'remove'``, ``'rename'``,
            ``'chmod'``, ``'chown'``, ``'link'``.
        detail: the command line, or the host path (``'a -> b'`` for a rename or link).
    """

    kind: str
    detail: str

    def __str__(self) -> str:
        return f'{self.kind}: {self.detail}'


def _command_text(args: Any, shell: bool = False) -> str:
    if isinstance(args, (str, bytes, os.PathLike)):
        text = os.fsdecode(args)
        return text if shell else shlex.quote(text)
    return shlex.join(os.fsdecode(a) for a in args)


class SideEffectGuard:
    """Intercept process starts and host writes while active (a context manager).

    Args:
        scratch: the directory the charm may write to; writes elsewhere go under
            ``<scratch>/host``.
    """

    def __init__(self, scratch: str) -> None:
        self.scratch = os.path.realpath(scratch)
        self.effects: list[SideEffect] = []
        self._saved: list[tuple[Any, str, Any]] = []
        self._real_open = builtins.open
        self._real = {name: getattr(os, name) for name in _OS_PATCHES if hasattr(os, name)}

    # -- bookkeeping -------------------------------------------------------------------

    def take(self) -> list[SideEffect]:
        """Return the effects recorded since the last call, and forget them."""
        effects, self.effects = self.effects, []
        return effects

    def _record(self, kind: str, detail: str) -> None:
        effect = SideEffect(kind, detail)
        if not self.effects or self.effects[-1] != effect:
            self.effects.append(effect)

    def _patch(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def __enter__(self) -> SideEffectGuard:
        os.makedirs(os.path.join(self.scratch, 'tmp'), exist_ok=True)
        self._patch(tempfile, 'tempdir', os.path.join(self.scratch, 'tmp'))
        self._patch(subprocess, 'Popen', _recording_popen(self))
        self._patch(builtins, 'open', self._open)
        self._patch(io, 'open', self._open)
        for name in _OS_PATCHES:
            if hasattr(os, name):
                self._patch(os, name, _OS_PATCHES[name](self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)

    # -- paths ---------------------------------------------------------------------------

    def _host_path(self, path: Any, dir_fd: int | None = None) -> str | None:
        """The absolute host path of ``path``, or None if it is not a path (an fd)."""
        if isinstance(path, int):
            return None
        text = os.fsdecode(path)
        if dir_fd is not None and not os.path.isabs(text):
            text = os.path.join(os.readlink(f'/proc/self/fd/{dir_fd}'), text)
        return os.path.realpath(os.path.abspath(text))

    def _inside(self, host: str) -> bool:
        return host == self.scratch or host.startswith(self.scratch + os.sep) or host in _HARMLESS

    def _shadow(self, host: str) -> str:
        return os.path.join(self.scratch, 'host', host.lstrip(os.sep))

    def redirect(self, path: Any, kind: str | None, dir_fd: int | None = None) -> Any:
        """Where an operation on ``path`` really happens (recording it if ``kind``).

        A path inside the scratch root is itself; a host path becomes its copy under
        ``<scratch>/host`` when it is written (``kind`` given) or was written before.
        """
        host = self._host_path(path, dir_fd)
        if host is None or self._inside(host):
            return path
        shadow = self._shadow(host)
        if kind is None:
            return shadow if os.path.lexists(shadow) else path
        self._record(kind, host)
        parent = os.path.dirname(shadow)
        if not os.path.isdir(parent):
            self._real['makedirs'](parent, exist_ok=True)
        return shadow

    def _copy_on_write(self, path: Any, shadow: str) -> None:
        # Appending to or updating a host file: start the copy from the file's content.
        host = self._host_path(path)
        if host and not os.path.lexists(shadow) and os.path.isfile(host):
            shutil.copyfile(host, shadow)

    def _open(self, file: Any, mode: str = 'r', *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, int):
            return self._real_open(file, mode, *args, **kwargs)
        writing = any(c in mode for c in 'wax+')
        target = self.redirect(file, 'write' if writing else None)
        if writing and target is not file and ('a' in mode or '+' in mode):
            self._copy_on_write(file, target)
        return self._real_open(target, mode, *args, **kwargs)


def _recording_popen(guard: SideEffectGuard) -> type[subprocess.Popen[Any]]:
    class RecordedProcess(subprocess.Popen):  # type: ignore[type-arg]
        """A process that was recorded, not started: exit status 0, no output."""

        def __init__(self, args: Any, *_: Any, **kwargs: Any) -> None:
            guard._record('run', _command_text(args, bool(kwargs.get('shell'))))
            self.args = args
            self.pid = 0
            self.returncode = 0
            text = any(kwargs.get(k) for k in ('text', 'universal_newlines', 'encoding', 'errors'))
            self._empty: str | bytes = '' if text else b''
            pipe = subprocess.PIPE
            self.stdin = self._stream() if kwargs.get('stdin') == pipe else None
            self.stdout = self._stream() if kwargs.get('stdout') == pipe else None
            self.stderr = self._stream() if kwargs.get('stderr') == pipe else None

        def _stream(self) -> Any:
            return io.StringIO('') if isinstance(self._empty, str) else io.BytesIO(b'')

        def communicate(self, input: Any = None, timeout: float | None = None) -> Any:
            return (
                self._empty if self.stdout is not None else None,
                self._empty if self.stderr is not None else None,
            )

        def poll(self) -> int:
            return 0

        def wait(self, timeout: float | None = None) -> int:
            return 0

        def send_signal(self, sig: int) -> None:
            pass

        def __del__(self) -> None:
            pass

    return RecordedProcess


def _run_recorder(guard: SideEffectGuard, result: Callable[..., Any]) -> Callable[..., Any]:
    def recorded(*args: Any, **kwargs: Any) -> Any:
        guard._record('run', _command_text(_argv(args, kwargs), shell=_is_shell(args, kwargs)))
        return result(*args, **kwargs)

    return recorded


def _is_shell(args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    return bool(args) and isinstance(args[0], str) and 'args' not in kwargs and len(args) == 1


def _argv(args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """The command of os.system(cmd), os.posix_spawn(path, argv, env) or os.spawn*(mode, ...)."""
    if not args:
        return kwargs.get('argv', kwargs.get('path', ''))
    if isinstance(args[0], int):  # os.spawn*(mode, file, args...) or (mode, file, argv[, env])
        rest = args[2:]
        if rest and isinstance(rest[0], (list, tuple)):
            return rest[0]
        return [a for a in rest if not isinstance(a, dict)]
    if len(args) > 1 and isinstance(args[1], (list, tuple)):  # posix_spawn(path, argv, env)
        return args[1]
    return args[0]


def _exec_recorder(guard: SideEffectGuard) -> Callable[..., Any]:
    def recorded(path: Any, *args: Any, **kwargs: Any) -> Any:
        argv = args[0] if args and not isinstance(args[0], (str, bytes)) else (path, *args)
        guard._record('run', _command_text(argv))
        raise PermissionError(
            f'the simulator did not exec {os.fsdecode(path)!r} (run with --allow-side-effects)'
        )

    return recorded


def _path_op(guard: SideEffectGuard, name: str, kind: str) -> Callable[..., Any]:
    real = getattr(os, name)

    def redirected(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> Any:
        target = guard.redirect(path, kind, dir_fd)
        if target is not path:
            if kind in ('chmod', 'chown'):
                # The copy gets the mode if it exists; the host file is left alone.
                return real(target, *args, **kwargs) if os.path.lexists(target) else None
            if kind == 'remove':
                return real(target, *args, **kwargs) if os.path.lexists(target) else None
            return real(target, *args, **kwargs)
        if dir_fd is not None:
            kwargs['dir_fd'] = dir_fd
        return real(path, *args, **kwargs)

    return redirected


def _two_path_op(guard: SideEffectGuard, name: str, kind: str) -> Callable[..., Any]:
    real = getattr(os, name)

    def redirected(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        dst_host = guard._host_path(dst, kwargs.get('dst_dir_fd'))
        if dst_host is None or guard._inside(dst_host):
            return real(src, dst, *args, **kwargs)
        src_host = guard._host_path(src, kwargs.get('src_dir_fd')) or os.fsdecode(src)
        guard._record(kind, f'{src_host} -> {dst_host}')
        kwargs.pop('src_dir_fd', None)
        kwargs.pop('dst_dir_fd', None)
        new_dst = guard._shadow(dst_host)
        guard._real['makedirs'](os.path.dirname(new_dst), exist_ok=True)
        new_src = src if kind == 'link' and name == 'symlink' else guard.redirect(src, None)
        if name == 'symlink' or os.path.lexists(new_src):
            return real(new_src, new_dst, *args, **kwargs)
        return None

    return redirected


def _os_open(guard: SideEffectGuard) -> Callable[..., Any]:
    real = os.open

    def redirected(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        writing = bool(flags & _WRITE_FLAGS)
        target = guard.redirect(path, 'write' if writing else None, dir_fd)
        if target is not path:
            if writing and not flags & os.O_TRUNC:
                guard._copy_on_write(path, target)
            return real(target, flags, mode)
        return real(path, flags, mode, dir_fd=dir_fd)

    return redirected


def _popen(guard: SideEffectGuard) -> Callable[..., Any]:
    def recorded(cmd: Any, mode: str = 'r', buffering: int = -1) -> Any:
        guard._record('run', _command_text(cmd, shell=True))
        return io.StringIO('')  # no output; close() gives None, i.e. exit status 0

    return recorded


def _zero(*args: Any, **kwargs: Any) -> int:
    return 0


_SPAWN = ('spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe')
_EXEC = ('execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe')

_OS_PATCHES: dict[str, Callable[[SideEffectGuard], Callable[..., Any]]] = {
    'system': lambda g: _run_recorder(g, _zero),
    'popen': _popen,
    'posix_spawn': lambda g: _run_recorder(g, _zero),
    'posix_spawnp': lambda g: _run_recorder(g, _zero),
    **{name: (lambda g: _run_recorder(g, _zero)) for name in _SPAWN},
    **{name: _exec_recorder for name in _EXEC},
    'open': _os_open,
    'mkdir': lambda g: _path_op(g, 'mkdir', 'mkdir'),
    'makedirs': lambda g: _path_op(g, 'makedirs', 'mkdir'),
    'remove': lambda g: _path_op(g, 'remove', 'remove'),
    'unlink': lambda g: _path_op(g, 'unlink', 'remove'),
    'rmdir': lambda g: _path_op(g, 'rmdir', 'remove'),
    'chmod': lambda g: _path_op(g, 'chmod', 'chmod'),
    'chown': lambda g: _path_op(g, 'chown', 'chown'),
    'lchown': lambda g: _path_op(g, 'lchown', 'chown'),
    'truncate': lambda g: _path_op(g, 'truncate', 'write'),
    'utime': lambda g: _path_op(g, 'utime', 'write'),
    'mkfifo': lambda g: _path_op(g, 'mkfifo', 'write'),
    'mknod': lambda g: _path_op(g, 'mknod', 'write'),
    'rename': lambda g: _two_path_op(g, 'rename', 'rename'),
    'replace': lambda g: _two_path_op(g, 'replace', 'rename'),
    'symlink': lambda g: _two_path_op(g, 'symlink', 'link'),
    'link': lambda g: _two_path_op(g, 'link', 'link'),
}


@contextmanager
def guarded(guard: SideEffectGuard | None) -> Iterator[None]:
    """Activate ``guard`` (if any) for the duration of the block."""
    if guard is None:
        yield
        return
    with guard:
        yield


def describe(effects: Sequence[SideEffect]) -> list[str]:
    """One line per recorded effect, for the simulator's output."""
    return [str(effect) for effect in effects]
