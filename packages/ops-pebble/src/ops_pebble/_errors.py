"""The exceptions the Pebble client raises."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Generic

from ._exports import publish

if TYPE_CHECKING:
    # The output type defaults to str for type checkers, so that a bare
    # ``except ExecError as e`` is ``ExecError[str]`` rather than partially unknown
    # (typing_extensions is only read by type checkers here, not imported at run time).
    from typing_extensions import TypeVar

    from ._changes import Change

    _Output = TypeVar('_Output', str, bytes, default=str)
else:
    from typing import TypeVar

    _Output = TypeVar('_Output', str, bytes)


class Error(Exception):
    """Base class of every error raised by the Pebble client."""

    def __repr__(self) -> str:
        return f'<{type(self).__module__}.{type(self).__name__} {self.args}>'


class TimeoutError(builtins.TimeoutError, Error):
    """A call or a wait exceeded its time limit.

    It is both a :class:`Error` and the built-in :class:`TimeoutError`, so either can be
    caught.
    """


class ConnectionError(Error):
    """Pebble could not be reached (socket missing, refused, or the connection broke)."""


class ProtocolError(Error):
    """Pebble answered with something that does not follow its HTTP API."""


class PathError(Error):
    """A file operation failed on one path.

    Attributes:
        kind: Pebble's error kind: ``'not-found'``, ``'permission-denied'`` or
            ``'generic-file-error'``.
        message: Pebble's human-readable description.
    """

    def __init__(self, kind: str, message: str):
        super().__init__(kind, message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return f'{self.kind} - {self.message}'


class APIError(Error):
    """Pebble answered a request with an HTTP error status.

    Attributes:
        body: The decoded JSON body of the response (``{}`` if it could not be read).
        code: The HTTP status code, such as 404.
        status: The HTTP reason phrase, such as ``'Not Found'``.
        message: The error message Pebble gave.
    """

    def __init__(self, body: dict[str, Any], code: int, status: str, message: str):
        super().__init__(message)
        self.body = body
        self.code = code
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return self.message


class ChangeError(Error):
    """A change Pebble was running finished with an error.

    Attributes:
        err: The change's error text.
        change: The :class:`Change` that failed.
    """

    def __init__(self, err: str, change: Change):
        super().__init__(err, change)
        self.err = err
        self.change = change

    def __str__(self) -> str:
        parts = [self.err]
        logged = False
        for index, task in enumerate(self.change.tasks):
            if not task.log:
                continue
            logged = True
            parts.append(f'\n----- Logs from task {index} -----\n')
            parts.append('\n'.join(task.log))
        if logged:
            parts.append('\n-----')
        return ''.join(parts)


class ExecError(Error, Generic[_Output]):
    """A command run with :meth:`Client.exec` exited with a non-zero code.

    The message names only the executable (the first item of the command), never its
    arguments, which may carry secrets.

    Attributes:
        command: The full command that was run.
        exit_code: The process's exit code.
        stdout: The captured standard output (``None`` unless :meth:`ExecProcess.wait_output`
            was used).
        stderr: The captured standard error (``None`` if not captured).
    """

    STR_MAX_OUTPUT = 1024
    """How many characters of stdout/stderr :func:`str` shows before truncating."""

    def __init__(
        self,
        command: list[str],
        exit_code: int,
        stdout: _Output | None,
        stderr: _Output | None,
    ):
        super().__init__(command, exit_code, stdout, stderr)
        self.command = command
        self.exit_code = exit_code
        self.stdout: _Output | None = stdout
        self.stderr: _Output | None = stderr

    def __str__(self) -> str:
        program = self.command[0] if self.command else ''
        message = f'non-zero exit code {self.exit_code} executing {program!r}'
        for label, value in (('stdout', self.stdout), ('stderr', self.stderr)):
            if value is not None:  # captured, even if empty (as ops 3.9 shows it)
                shown: Any = value
                suffix = ''
                if len(value) > self.STR_MAX_OUTPUT:
                    shown = value[: self.STR_MAX_OUTPUT]
                    suffix = ' [truncated]'
                message += f', {label}={shown!r}{suffix}'
        return message

    def __repr__(self) -> str:
        program = self.command[0] if self.command else ''
        return f'ExecError(command=[{program!r}, ...], exit_code={self.exit_code})'


publish(__name__)
