"""Workload statuses as State values: each is also the matching ``ops`` status class."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from ops_core import model as _model
from ops_hookcmds.sister import record

from .._exports import publish

__all__ = [
    'ActiveStatus',
    'BlockedStatus',
    'ErrorStatus',
    'MaintenanceStatus',
    'UnknownStatus',
    'WaitingStatus',
    'status_from_any',
]


@record(frozen=True, eq=False, repr=False, init=False)
class _EntityStatus:
    """A status as a value: a name (``'active'``, ``'blocked'``, ...) and a message."""

    name: str
    message: str = ''

    _by_name: ClassVar[dict[str, type[_EntityStatus]]] = {}

    def __init__(self, name: str, message: str = '') -> None:
        object.__setattr__(self, 'name', name)
        object.__setattr__(self, 'message', message)

    def __eq__(self, other: object) -> bool:
        other_name = getattr(other, 'name', None)
        if isinstance(other, (_EntityStatus, _model.StatusBase)):
            return self.name == other_name and self.message == other.message
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.name, self.message))

    def __repr__(self) -> str:
        if self.name == 'unknown':
            return f'{type(self).__name__}()'
        return f'{type(self).__name__}({self.message!r})'

    @classmethod
    def from_status_name(cls, name: str, message: str = '') -> _EntityStatus:
        """The State status for a Juju status name such as ``'active'``.

        Raises:
            ValueError: ``name`` is not a Juju workload status name.
        """
        try:
            status_cls = _STATUS_CLASSES[name]
        except KeyError:
            raise ValueError(
                f'unknown status name {name!r}; expected one of {sorted(_STATUS_CLASSES)}'
            ) from None
        if status_cls is UnknownStatus:
            if message:
                warnings.warn(
                    f'UnknownStatus has no message; the message {message!r} is dropped',
                    UserWarning,
                    stacklevel=2,
                )
            return UnknownStatus()
        return status_cls(message)  # type: ignore[call-arg,unused-ignore]

    @classmethod
    def from_ops(cls, obj: _model.StatusBase) -> _EntityStatus:
        """The State status equal to the ``ops`` status ``obj``."""
        return cls.from_status_name(obj.name, obj.message)


class UnknownStatus(_EntityStatus, _model.UnknownStatus):  # type: ignore[misc]
    """The status of a unit or application whose charm has not set one."""

    def __init__(self) -> None:
        super().__init__('unknown', '')


class ErrorStatus(_EntityStatus, _model.ErrorStatus):  # type: ignore[misc]
    """The status Juju sets when a hook fails (a charm cannot set it)."""

    def __init__(self, message: str = '') -> None:
        super().__init__('error', message)


class ActiveStatus(_EntityStatus, _model.ActiveStatus):  # type: ignore[misc]
    """The workload is ready and providing its service."""

    def __init__(self, message: str = '') -> None:
        super().__init__('active', message)


class BlockedStatus(_EntityStatus, _model.BlockedStatus):  # type: ignore[misc]
    """The charm needs a human to act before it can go on."""

    def __init__(self, message: str = '') -> None:
        super().__init__('blocked', message)


class MaintenanceStatus(_EntityStatus, _model.MaintenanceStatus):  # type: ignore[misc]
    """The charm is busy with work that needs no human."""

    def __init__(self, message: str = '') -> None:
        super().__init__('maintenance', message)


class WaitingStatus(_EntityStatus, _model.WaitingStatus):  # type: ignore[misc]
    """The charm is waiting for something outside its control (another app, say)."""

    def __init__(self, message: str = '') -> None:
        super().__init__('waiting', message)


_STATUS_CLASSES: dict[str, type[_EntityStatus]] = {
    'unknown': UnknownStatus,
    'error': ErrorStatus,
    'active': ActiveStatus,
    'blocked': BlockedStatus,
    'maintenance': MaintenanceStatus,
    'waiting': WaitingStatus,
}


def status_from_any(field: str, value: Any) -> _EntityStatus:
    """Convert a State or ``ops`` status into a State status for the ``State`` field ``field``.

    Raises:
        TypeError: ``value`` is not a status object.
    """
    if isinstance(value, _EntityStatus):
        return value
    if isinstance(value, _model.StatusBase):
        return _EntityStatus.from_ops(value)
    raise TypeError(
        f'Invalid status.{field}: {value!r}; use a status such as ops.testing.ActiveStatus(...)'
    )


publish(__name__)
