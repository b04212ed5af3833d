"""Unit and application statuses (`StatusBase` and its registered subclasses)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from .._exports import publish

__all__ = [
    'ActiveStatus',
    'BlockedStatus',
    'ErrorStatus',
    'MaintenanceStatus',
    'StatusBase',
    'UnknownStatus',
    'WaitingStatus',
    'SETTABLE_STATUS_NAMES',
]

if TYPE_CHECKING:
    _S = TypeVar('_S', bound='type[StatusBase]')
else:
    _S = TypeVar('_S')  # no string bound at run time: it would compile a ForwardRef

SETTABLE_STATUS_NAMES = ('active', 'blocked', 'maintenance', 'waiting')
"""The status names a charm may set (Juju sets ``error`` and ``unknown`` itself)."""


class StatusBase:
    """A unit or application status: a name (``active``, ``blocked``, ...) and a message.

    Use a subclass (``ActiveStatus('ready')``) to set a status, or :meth:`from_name` to build
    one from a name. Statuses compare equal when their names and messages are equal.
    """

    name: ClassVar[str] = ''
    """The Juju name of the status; set by each subclass."""

    _statuses: ClassVar[dict[str, type[StatusBase]]] = {}
    # Collect-status picks the highest of these (error outranks everything).
    _priorities: ClassVar[dict[str, int]] = {
        'error': 5,
        'blocked': 4,
        'maintenance': 3,
        'waiting': 2,
        'active': 1,
    }

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not isinstance(getattr(cls, 'name', None), str) or not cls.name:
            raise TypeError(
                f'StatusBase subclass {cls.__qualname__} needs a `name: str` class attribute '
                "(the Juju status name, such as 'active')"
            )

    def __init__(self, message: str = ''):
        if self.__class__ is StatusBase:
            raise TypeError('cannot instantiate a base class')
        self.message = message

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusBase):
            return NotImplemented
        return self.name == other.name and self.message == other.message

    __hash__: ClassVar[None] = None  # type: ignore[assignment]  # mutable message, like upstream

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}({self.message!r})'

    @classmethod
    def from_name(cls, name: str, message: str) -> StatusBase:
        """The status registered under ``name``, with ``message``.

        ``'unknown'`` gives :class:`UnknownStatus` (whose message is always empty).

        Raises:
            KeyError: if no status class is registered under ``name``.
        """
        if name == 'unknown':
            return UnknownStatus()
        return cls._statuses[name](message)

    @classmethod
    def register(cls, child: _S) -> _S:
        """Class decorator: register ``child`` under its ``name`` for :meth:`from_name`.

        Deprecated: the statuses Juju knows are registered already; like ops 3.9, this
        warns with :class:`DeprecationWarning`.

        Raises:
            TypeError: if ``child`` is not a :class:`StatusBase` subclass with a name.
        """
        import warnings

        warnings.warn(
            'StatusBase.register is for internal use only', DeprecationWarning, stacklevel=2
        )
        return cls._register(child)

    @classmethod
    def _register(cls, child: _S) -> _S:
        if not (isinstance(child, type) and issubclass(child, StatusBase)):
            raise TypeError(f'can only register StatusBase subclasses, not {child!r}')
        if not isinstance(child.name, str) or not child.name:
            raise TypeError(f'{child.__name__}.name must be a non-empty str to be registered')
        cls._statuses[child.name] = child
        return child

    @classmethod
    def _get_highest_priority(cls, statuses: Iterable[StatusBase]) -> StatusBase:
        """The status with the highest priority (error > blocked > maintenance > waiting > active).

        Raises:
            ValueError: if ``statuses`` is empty.
        """
        return max(statuses, key=lambda s: cls._priorities.get(s.name, 0))

    def _settable_check(self) -> None:
        """Raise if this status may not be set by a charm (the model calls this on set)."""
        from ._errors import InvalidStatusError

        if self.name not in SETTABLE_STATUS_NAMES:
            # The first part is the text Juju's status-set gives, which tests match on.
            raise InvalidStatusError(
                f'invalid status "{self.name}", expected one of '
                f'[{", ".join(SETTABLE_STATUS_NAMES)}]: a charm cannot set '
                f'{self.__class__.__name__}'
            )


@StatusBase._register
class UnknownStatus(StatusBase):
    """The status is unknown: the charm has not set one yet (or it is another unit's)."""

    name = 'unknown'

    def __init__(self) -> None:
        super().__init__('')

    def __repr__(self) -> str:
        return 'UnknownStatus()'


@StatusBase._register
class ErrorStatus(StatusBase):
    """Something went wrong (a hook failed); set by Juju, not by charms."""

    name = 'error'


@StatusBase._register
class ActiveStatus(StatusBase):
    """The unit or application is ready and doing its job."""

    name = 'active'


@StatusBase._register
class BlockedStatus(StatusBase):
    """A human must act (configure, relate, ...) before the charm can continue."""

    name = 'blocked'


@StatusBase._register
class MaintenanceStatus(StatusBase):
    """The charm is busy with work on this unit (installing, reconfiguring, ...)."""

    name = 'maintenance'


@StatusBase._register
class WaitingStatus(StatusBase):
    """The charm is waiting for something outside its control (another application, ...)."""

    name = 'waiting'


publish(__name__)
