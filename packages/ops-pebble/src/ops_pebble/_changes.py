"""Changes and tasks (Pebble's record of asynchronous operations), warnings, system info."""

from __future__ import annotations

import datetime
import enum
from typing import Any, TypedDict

from ._exports import publish
from ._timeconv import parse_timestamp
from ._value_object import ValueObject


class ChangeID(str):
    """The identifier of a change, a distinct type of ``str``."""

    __slots__ = ()


class TaskID(str):
    """The identifier of a task within a change, a distinct type of ``str``."""

    __slots__ = ()


class ChangeKind(enum.Enum):
    """The kinds of change Pebble makes that charms commonly look at."""

    START = 'start'
    STOP = 'stop'
    RESTART = 'restart'
    REPLAN = 'replan'
    EXEC = 'exec'
    RECOVER_CHECK = 'recover-check'
    PERFORM_CHECK = 'perform-check'


class ChangeStatus(enum.Enum):
    """The states a change or task passes through."""

    HOLD = 'Hold'
    DO = 'Do'
    DOING = 'Doing'
    DONE = 'Done'
    ABORT = 'Abort'
    UNDO = 'Undo'
    UNDOING = 'Undoing'
    ERROR = 'Error'
    WAIT = 'Wait'


class ChangeState(enum.Enum):
    """Which changes :meth:`Client.get_changes` returns."""

    ALL = 'all'
    IN_PROGRESS = 'in-progress'
    READY = 'ready'


class WarningState(enum.Enum):
    """Which warnings :meth:`Client.get_warnings` returns."""

    ALL = 'all'
    PENDING = 'pending'


class _TaskProgressDict(TypedDict):
    """The wire form of :class:`TaskProgress`."""

    label: str
    done: int
    total: int


def _optional_time(value: Any) -> datetime.datetime | None:
    return parse_timestamp(value) if value else None


class SystemInfo(ValueObject):
    """What ``/v1/system-info`` reports.

    Attributes:
        version: The Pebble server's version string.
    """

    _fields = ('version',)

    def __init__(self, version: str):
        self.version = version

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SystemInfo:
        """Build from the API's JSON object.

        Raises:
            KeyError: if there is no version.
            TypeError: if the version is not a string.
        """
        version = d['version']
        if not isinstance(version, str):
            raise TypeError(f'version must be a string, got {type(version).__name__}')
        return cls(version=version)


class Warning(ValueObject):
    """A warning Pebble recorded (legacy ``/v1/warnings`` API).

    Attributes:
        message: The warning text.
        first_added: When it was first recorded.
        last_added: When it was last recorded.
        last_shown: When it was last acknowledged, or ``None``.
        expire_after: How long it lives (Go duration string).
        repeat_after: How soon it is shown again after acknowledgement.
    """

    _fields = (
        'message',
        'first_added',
        'last_added',
        'last_shown',
        'expire_after',
        'repeat_after',
    )

    def __init__(
        self,
        message: str,
        first_added: datetime.datetime,
        last_added: datetime.datetime,
        last_shown: datetime.datetime | None,
        expire_after: str,
        repeat_after: str,
    ):
        self.message = message
        self.first_added = first_added
        self.last_added = last_added
        self.last_shown = last_shown
        self.expire_after = expire_after
        self.repeat_after = repeat_after

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Warning:
        """Build from the API's JSON object."""
        return cls(
            message=d['message'],
            first_added=parse_timestamp(d['first-added']),
            last_added=parse_timestamp(d['last-added']),
            last_shown=_optional_time(d.get('last-shown')),
            expire_after=d['expire-after'],
            repeat_after=d['repeat-after'],
        )


class TaskProgress(ValueObject):
    """How far a task has got.

    Attributes:
        label: What is being counted.
        done: Units done so far.
        total: Units in all.
    """

    _fields = ('label', 'done', 'total')

    def __init__(self, label: str, done: int, total: int):
        self.label = label
        self.done = done
        self.total = total

    @classmethod
    def from_dict(cls, d: _TaskProgressDict | dict[str, Any]) -> TaskProgress:
        """Build from the API's JSON object."""
        return cls(label=d['label'], done=d['done'], total=d['total'])


class Task(ValueObject):
    """One step of a change.

    Attributes:
        id: The task's identifier.
        kind: What kind of task it is (``'exec'``, ``'start'``...).
        summary: A one-line description.
        status: Its state, a :class:`ChangeStatus` value as a string.
        log: Log lines the task recorded.
        progress: How far it has got.
        spawn_time: When it was created.
        ready_time: When it finished, or ``None``.
        data: Extra data (exec tasks hold ``{'exit-code': int}``).
    """

    _fields = (
        'id', 'kind', 'summary', 'status', 'log', 'progress', 'spawn_time', 'ready_time', 'data'
    )  # fmt: skip

    def __init__(
        self,
        id: TaskID,
        kind: str,
        summary: str,
        status: str,
        log: list[str],
        progress: TaskProgress,
        spawn_time: datetime.datetime,
        ready_time: datetime.datetime | None,
        data: dict[str, Any] | None = None,
    ):
        self.id = id
        self.kind = kind
        self.summary = summary
        self.status = status
        self.log = log
        self.progress = progress
        self.spawn_time = spawn_time
        self.ready_time = ready_time
        self.data: dict[str, Any] = data or {}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Task:
        """Build from the API's JSON object."""
        return cls(
            id=TaskID(d['id']),
            kind=d['kind'],
            summary=d['summary'],
            status=d['status'],
            log=list(d.get('log') or []),
            progress=TaskProgress.from_dict(d['progress']),
            spawn_time=parse_timestamp(d['spawn-time']),
            ready_time=_optional_time(d.get('ready-time')),
            data=d.get('data') or {},
        )


class Change(ValueObject):
    """An operation Pebble runs asynchronously, made of tasks.

    Attributes:
        id: The change's identifier.
        kind: What kind of change it is (see :class:`ChangeKind`).
        summary: A one-line description.
        status: Its state, a :class:`ChangeStatus` value as a string.
        tasks: The tasks it is made of.
        ready: Whether it has finished.
        err: The error it finished with, or ``None``.
        spawn_time: When it was created.
        ready_time: When it finished, or ``None``.
        data: Extra data attached to the change.
    """

    _fields = (
        'id', 'kind', 'summary', 'status', 'tasks', 'ready', 'err', 'spawn_time', 'ready_time',
        'data',
    )  # fmt: skip

    def __init__(
        self,
        id: ChangeID,
        kind: str,
        summary: str,
        status: str,
        tasks: list[Task],
        ready: bool,
        err: str | None,
        spawn_time: datetime.datetime,
        ready_time: datetime.datetime | None,
        data: dict[str, Any] | None = None,
    ):
        self.id = id
        self.kind = kind
        self.summary = summary
        self.status = status
        self.tasks = tasks
        self.ready = ready
        self.err = err
        self.spawn_time = spawn_time
        self.ready_time = ready_time
        self.data: dict[str, Any] = data or {}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        """Build from the API's JSON object."""
        return cls(
            id=ChangeID(d['id']),
            kind=d['kind'],
            summary=d['summary'],
            status=d['status'],
            tasks=[Task.from_dict(t) for t in d.get('tasks') or []],
            ready=d['ready'],
            err=d.get('err'),
            spawn_time=parse_timestamp(d['spawn-time']),
            ready_time=_optional_time(d.get('ready-time')),
            data=d.get('data') or {},
        )


publish(__name__)
