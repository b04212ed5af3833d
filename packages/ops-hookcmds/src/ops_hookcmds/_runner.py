"""The one place that runs hook tools: argv in, decoded output or :class:`Error` out."""

from __future__ import annotations

import json
import os
import select
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from ._exports import publish

#: Seconds any single hook tool may run before it is killed and :class:`Error` is raised.
#: Juju's tools answer in milliseconds; a tool that has not answered after this long is hung,
#: and a hook must not hang with it. Set to ``None`` to wait forever.
timeout: float | None = 300.0

# Linux refuses a single argv string longer than this many bytes (MAX_ARG_STRLEN - 1).
MAX_ARG_BYTES = 131071


class Error(Exception):
    """A hook tool could not be run, failed, or answered with something unusable.

    Attributes:
        returncode: the tool's exit status (``-1`` if it never ran or was killed for
            taking too long).
        cmd: the argv that was run, starting with the tool's name. Secret content and
            relation or state data are never part of it (they go through files and stdin).
        stdout: what the tool printed on standard output.
        stderr: what the tool printed on standard error (for Juju, ``ERROR <reason>``).
    """

    returncode: int
    cmd: list[str]
    stdout: str = ''
    stderr: str = ''

    def __init__(
        self, *, returncode: int, cmd: list[str], stdout: str = '', stderr: str = ''
    ) -> None:
        self.returncode = returncode
        self.cmd = cmd
        self.stdout = stdout
        self.stderr = stderr
        self._message: str | None = None
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self._message is not None:
            return self._message
        return f'command {self.cmd!r} exited with status {self.returncode}'

    def __str__(self) -> str:
        return self._describe()

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_error,
            (self.returncode, self.cmd, self.stdout, self.stderr, self._message),
        )


def _rebuild_error(
    returncode: int, cmd: list[str], stdout: str, stderr: str, message: str | None
) -> Error:
    return make_error(returncode, cmd, stdout, stderr, message)


def make_error(
    returncode: int, cmd: Sequence[str], stdout: str, stderr: str, message: str | None = None
) -> Error:
    """An :class:`Error` whose ``str()`` is ``message`` (the standard text if None)."""
    error = Error(returncode=returncode, cmd=list(cmd), stdout=stdout, stderr=stderr)
    if message is not None:
        error._message = message
        error.args = (message,)
    return error


def _timeout_seconds() -> float | None:
    return timeout


def run(
    *argv: str,
    input: str | None = None,
    display_argv: Sequence[str] | None = None,
) -> str:
    """Run one hook tool and return its standard output.

    Args:
        argv: the tool name followed by its arguments.
        input: text for the tool's standard input (None: inherit ours, as Juju expects).
        display_argv: what to record as ``Error.cmd`` when argv holds values that must not
            be repeated in errors (action results).

    Raises:
        Error: the tool is not on ``PATH``, cannot be run, timed out, exited non-zero, or
            printed something that is not UTF-8.
    """
    shown = list(display_argv if display_argv is not None else argv)
    tool = argv[0]
    for index, arg in enumerate(argv[1:], 1):
        check_no_nul(tool, f'argument {index} of {tool!r}', arg)
    limit = _timeout_seconds()
    try:
        returncode, stdout, stderr = _run_child(list(argv), input, limit)
    except FileNotFoundError:
        raise make_error(
            -1,
            shown,
            '',
            '',
            f'hook tool {tool!r} was not found on PATH; run inside a Juju hook, or put the '
            f'tool on PATH (PATH={os.environ.get("PATH", "")!r})',
        ) from None
    except PermissionError:
        raise make_error(
            -1, shown, '', '', f'hook tool {tool!r} was found on PATH but is not executable'
        ) from None
    except subprocess.TimeoutExpired:
        raise make_error(
            -1,
            shown,
            '',
            '',
            f'command {tool!r} timed out after {limit:g} seconds and was killed '
            '(raise ops_hookcmds._runner.timeout if it is legitimately slow)',
        ) from None
    except UnicodeDecodeError as e:
        raise make_error(
            -1,
            shown,
            '',
            '',
            f'command {tool!r} printed output that is not valid UTF-8 ({e.reason})',
        ) from None
    except OSError as e:
        if e.errno == 7:  # E2BIG
            raise make_error(
                -1,
                shown,
                '',
                '',
                f'command {tool!r} could not be run: its arguments are too long for the '
                f'operating system (at most {MAX_ARG_BYTES} bytes each)',
            ) from None
        raise make_error(
            -1, shown, '', '', f'command {tool!r} could not be run: {e.strerror}'
        ) from None
    if returncode != 0:
        raise make_error(returncode, shown, stdout, stderr)
    return stdout


def check_no_nul(tool: str, field: str, value: str | None) -> None:
    """Raise :class:`Error` naming ``field`` if ``value`` holds a NUL character.

    A NUL cannot be passed in a command-line argument (the operating system ends the
    argument there), so such a value could only be cut short or refused.
    The value itself is not repeated: it may be an action result or other sensitive text.
    """
    if value is not None and '\x00' in value:
        raise make_error(
            -1,
            [tool],
            '',
            '',
            f'{field} contains a NUL character, which a hook command argument cannot carry; '
            f'remove it ({tool!r} was not run)',
        )


def _run_child(argv: list[str], input: str | None, limit: float | None) -> tuple[int, str, str]:
    """``subprocess.run`` (capturing output, killing the tool on timeout) for a tracked child.

    The running tool is known to :mod:`._termination`, so a SIGTERM that ends the hook
    while secret files exist stops it rather than orphaning it.
    """
    from ._termination import track_child

    with (
        _ToolProcess(
            argv,
            stdin=subprocess.PIPE if input is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding='utf-8',
        ) as proc,
        track_child(proc),
    ):
        try:
            stdout, stderr = proc.communicate(input, timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        except BaseException:
            proc.kill()
            raise
    return proc.returncode, stdout, stderr


class _ToolProcess(subprocess.Popen[str]):
    """A hook tool's process, reaped the moment it exits.

    ``communicate(timeout=...)`` ends with ``wait(timeout)``, which polls with sleeps of
    0.5 ms and more when the tool has closed its output but has not exited yet: that adds a
    millisecond or so of idle time to most tool calls. Waiting on a pidfd instead wakes up
    as soon as the tool exits (Linux 5.3 and later; elsewhere the polling wait is used).
    """

    def wait(self, timeout: float | None = None) -> int:
        if timeout is not None and self.returncode is None:
            exited = _exits_within(self.pid, timeout)
            if exited is not None:
                # Exited: reap it now. Still running at the deadline: a zero wait raises
                # TimeoutExpired, as a wait that timed out would.
                timeout = None if exited else 0
        return super().wait(timeout)


def _exits_within(pid: int, timeout: float) -> bool | None:
    """Whether child ``pid`` exits within ``timeout`` seconds; None if pidfds are missing."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(max(timeout, 0.0) * 1000))
    finally:
        os.close(fd)


def run_json(*argv: str, input: str | None = None, empty: Any = ...) -> Any:
    """Run a tool that was given ``--format=json`` and decode its answer.

    ``empty``, if given, is returned when the tool prints nothing at all (some tools print
    nothing for a missing key); otherwise empty output is an error.

    Raises:
        Error: as :func:`run`, or if the output is not JSON. The message names the tool but
            never repeats the output (it may be secret content or relation data).
    """
    out = run(*argv, input=input)
    if empty is not ... and not out.strip():
        return empty
    try:
        return json.loads(out)
    except RecursionError:
        raise make_error(
            0,
            list(argv),
            out,
            '',
            f'command {argv[0]!r} printed JSON nested too deeply to decode',
        ) from None
    except ValueError as e:
        msg = getattr(e, 'msg', 'invalid JSON')
        raise make_error(
            0,
            list(argv),
            out,
            '',
            f'command {argv[0]!r} printed output that is not valid JSON ({msg})',
        ) from None


# --- shape checks for decoded output ---------------------------------------------------------
#
# Messages say what is wrong with the output, never what it was: output can be secret content
# or relation data. Only the JSON kind of a value is named, and a key from the output only
# when it looks like a name (see :func:`output_key`).

_NAME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@+')


def output_key(key: object) -> str:
    """How a key taken from a tool's output is named in a message.

    ``repr(key)`` for short name-like keys (unit names, endpoints, option names, secret
    ids); ``'a key'`` for anything else, which is not repeated.
    """
    if isinstance(key, str) and 0 < len(key) <= 80 and set(key) <= _NAME_CHARS:
        return repr(key)
    return 'a key'


def bad_output(argv: Sequence[str], problem: str, stdout: str = '') -> NoReturn:
    """Raise :class:`Error` for well-formed JSON of the wrong shape."""
    raise make_error(
        0, argv, stdout, '', f'command {argv[0]!r} returned unexpected output: {problem}'
    )


_TYPE_NAMES = {
    dict: 'a JSON object',
    list: 'a JSON array',
    str: 'a JSON string',
    bool: 'a JSON boolean',
    int: 'a JSON integer',
}


def json_kind(value: Any) -> str:
    """The JSON kind of a decoded value (``'a JSON string'``, ``'null'``...), never the value."""
    return _json_kind(value)


def _json_kind(value: Any) -> str:
    if value is None:
        return 'null'
    for py, name in _TYPE_NAMES.items():
        if isinstance(value, py) and not (py is int and isinstance(value, bool)):
            return name
    return type(value).__name__


def expect_dict(argv: Sequence[str], value: Any, where: str = 'the output') -> dict[str, Any]:
    """``value`` if it is a JSON object, else raise :class:`Error`."""
    if not isinstance(value, dict):
        bad_output(argv, f'expected {where} to be a JSON object, got {_json_kind(value)}')
    return value


def expect_list(argv: Sequence[str], value: Any, where: str = 'the output') -> list[Any]:
    """``value`` if it is a JSON array, else raise :class:`Error`."""
    if not isinstance(value, list):
        bad_output(argv, f'expected {where} to be a JSON array, got {_json_kind(value)}')
    return value


def expect_str(argv: Sequence[str], value: Any, where: str = 'the output') -> str:
    """``value`` if it is a JSON string, else raise :class:`Error`."""
    if not isinstance(value, str):
        bad_output(argv, f'expected {where} to be a JSON string, got {_json_kind(value)}')
    return value


def expect_str_list(argv: Sequence[str], value: Any, where: str = 'the output') -> list[str]:
    """``value`` if it is a JSON array of strings, else raise :class:`Error`."""
    items = expect_list(argv, value, where)
    for item in items:
        expect_str(argv, item, f'every item of {where}')
    return items


def expect_str_dict(argv: Sequence[str], value: Any, where: str = 'the output') -> dict[str, str]:
    """``value`` if it is a JSON object of strings, else raise :class:`Error`."""
    data = expect_dict(argv, value, where)
    for key, item in data.items():
        if not isinstance(item, str):
            bad_output(
                argv,
                f'expected the value of {output_key(key)} in {where} to be a JSON string, '
                f'got {_json_kind(item)}',
            )
    return data


def require_key(
    argv: Sequence[str], data: Mapping[str, Any], key: str, where: str = 'the output'
) -> Any:
    """``data[key]``, or raise :class:`Error` naming the missing key."""
    if key not in data:
        bad_output(argv, f'{where} has no {key!r} key')
    return data[key]


# --- argv helpers ------------------------------------------------------------------------------


def relation_flag(id: int | None, endpoint: str | None) -> list[str]:
    """``-r`` and its value: ``[]``, ``['-r', '3']`` or ``['-r', 'db:3']``."""
    if id is None:
        if endpoint is not None:
            raise TypeError(
                f'endpoint {endpoint!r} was given without a relation id; pass id= as well '
                '(Juju identifies a relation by its id)'
            )
        return []
    return ['-r', f'{endpoint}:{id}' if endpoint is not None else str(id)]


@contextmanager
def secret_files(content: Mapping[str, str]) -> Iterator[list[str]]:
    """Write secret content to private temporary files; yield ``key#file=path`` arguments.

    Each value goes into its own file, created with mode 0600 inside a fresh directory
    (mode 0700); the directory and its files are removed when the block ends, whether or
    not the tool succeeded, and also when SIGTERM or SIGHUP ends the hook meanwhile (the
    running tool is stopped first; see :mod:`._termination`). Values therefore never
    appear in argv or in errors.
    """
    import shutil
    import tempfile

    for key, value in content.items():
        check_secret_key(key)
        if not isinstance(value, str):
            raise TypeError(
                f'secret content values must be str, got {type(value).__name__} for key {key!r}'
            )
    from ._termination import cleanup_on_termination

    tmpdir = tempfile.mkdtemp(prefix='hookcmds-secret-')
    try:
        with cleanup_on_termination(lambda: shutil.rmtree(tmpdir, ignore_errors=True)):
            args: list[str] = []
            for key, value in content.items():
                path = os.path.join(tmpdir, key)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, 'w', encoding='utf-8') as f:
                    f.write(value)
                args.append(f'{key}#file={path}')
            yield args
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def check_secret_key(key: Any) -> None:
    """Raise ValueError unless ``key`` follows Juju's rule ``^([a-z](?:-?[a-z0-9]){2,})$``."""
    ok = (
        isinstance(key, str)
        and key[:1].isascii()
        and key[:1].isalpha()
        and key[:1].islower()
        and not key.endswith('-')
        and '--' not in key
        and all(c == '-' or (c.isascii() and (c.isdigit() or c.islower())) for c in key)
        and sum(1 for c in key if c != '-') >= 3
    )
    if not ok:
        raise ValueError(
            f'invalid secret content key {key!r}: keys must be at least 3 lowercase letters, '
            'digits or single hyphens, start with a letter and not end with a hyphen'
        )


publish(__name__)
