"""Types shared by both testing front-ends (``Context`` and ``Harness``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, TypeVar

from ops_core.charm import CharmBase
from ops_core.model import Application, Unit
from ops_hookcmds.sister import record

from ._exports import publish

if TYPE_CHECKING:
    from ._pebble import ExecRequest
    from ._state._state import State

__all__ = [
    'ActionFailed',
    'ActionOutput',
    'AnyJson',
    'AppUnitOrName',
    'CharmType',
    'ExecArgs',
    'ExecHandler',
    'ExecResult',
    'RawDataBagContents',
    'RawSecretRevisionContents',
    'ReadableBuffer',
    'UnitID',
    'YAMLStringOrFile',
]

CharmType = TypeVar('CharmType', bound=CharmBase)
"""The type of the charm class under test."""

AppUnitOrName = str | Application | Unit
"""An application, a unit, or the name of either."""

ReadableBuffer = bytes | str | io.StringIO | io.BytesIO | BinaryIO
"""Content to push into a simulated container or resource."""

YAMLStringOrFile = str | TextIO
"""YAML text or an open file of YAML."""

AnyJson = str | bool | dict[str, 'AnyJson'] | int | float | list['AnyJson']
"""Any value JSON can represent."""

RawDataBagContents = Mapping[str, str]
"""The raw content of a relation databag."""

RawSecretRevisionContents = Mapping[str, str]
"""The raw content of one secret revision."""

UnitID = int
"""A unit's number within its application."""


@record
class ActionOutput:
    """What an action run produced.

    Attributes:
        logs: the messages the charm logged with ``event.log()``.
        results: the results the charm set with ``event.set_results()``.
    """

    logs: list[str]
    results: dict[str, Any]


class ActionFailed(Exception):
    """The charm called ``event.fail()`` while handling an action.

    Attributes:
        message: the failure message.
        output: the logs and results the action produced before failing.
        state: with ``Context.run``, the output State of the run.
    """

    def __init__(
        self, message: str, output: ActionOutput | None = None, *, state: State | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.output: ActionOutput = output if output is not None else ActionOutput([], {})
        self.state = state

    def __str__(self) -> str:
        if self.message:
            return self.message
        return 'Event handler called `fail()` with no additional details.'


@record(frozen=True)
class ExecArgs:
    """The arguments of one ``Container.exec`` call, as a handler or history sees them.

    Attributes:
        command: the command and its arguments.
        environment: the environment variables.
        working_dir: the working directory, if given.
        timeout: the timeout in seconds, if given.
        user_id: the user id, if given.
        user: the user name, if given.
        group_id: the group id, if given.
        group: the group name, if given.
        stdin: what was written to the process's standard input.
        encoding: the encoding of the streams (``None`` for bytes).
        combine_stderr: whether stderr was merged into stdout.
    """

    command: list[str]
    environment: dict[str, str]
    working_dir: str | None
    timeout: float | None
    user_id: int | None
    user: str | None
    group_id: int | None
    group: str | None
    stdin: str | bytes | None
    encoding: str | None
    combine_stderr: bool

    @classmethod
    def _from_request(cls, request: ExecRequest, *, stdin: str | bytes | None) -> ExecArgs:
        """The arguments of the simulated Pebble's ``request``, with ``stdin`` as given."""
        return cls(
            command=list(request.command),
            environment=dict(request.environment),
            working_dir=request.working_dir,
            timeout=request.timeout,
            user_id=request.user_id,
            user=request.user,
            group_id=request.group_id,
            group=request.group,
            stdin=stdin,
            encoding=request.encoding,
            combine_stderr=request.combine_stderr,
        )


@record(frozen=True)
class ExecResult:
    """The outcome of a simulated command: exit code and output.

    Attributes:
        exit_code: the process's exit code.
        stdout: what it wrote to standard output.
        stderr: what it wrote to standard error.
    """

    exit_code: int = 0
    stdout: str | bytes = b''
    stderr: str | bytes = b''


ExecHandler = Callable[[ExecArgs], ExecResult | None]
"""A function simulating a command: it gets the call's arguments and returns the result."""


publish(__name__)
