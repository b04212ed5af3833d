"""Health-check status as Pebble reports it."""

from __future__ import annotations

import enum
from typing import Any

from ._exports import publish
from ._value_object import ValueObject


class CheckLevel(enum.Enum):
    """The level a health check belongs to."""

    UNSET = ''
    ALIVE = 'alive'
    READY = 'ready'


class CheckStatus(enum.Enum):
    """Whether a health check is passing."""

    UP = 'up'
    DOWN = 'down'
    INACTIVE = 'inactive'


class CheckStartup(enum.Enum):
    """Whether a check starts automatically on ``replan``."""

    UNSET = ''
    ENABLED = 'enabled'
    DISABLED = 'disabled'


class CheckInfo(ValueObject):
    """The status of one health check.

    Attributes:
        name: The check's name.
        level: A :class:`CheckLevel` (or the raw string for unknown values).
        status: A :class:`CheckStatus` (or the raw string).
        successes: Successful runs so far, ``None`` if the server does not report them.
        failures: Consecutive failures so far.
        threshold: Failures needed before the check is ``down``.
        change_id: The change running the check, ``None`` if it is stopped.
        startup: Whether the check starts automatically.
    """

    _fields = (
        'name', 'level', 'status', 'successes', 'failures', 'threshold', 'change_id', 'startup'
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        level: CheckLevel | str | None,
        status: CheckStatus | str,
        successes: int | None = None,
        failures: int = 0,
        threshold: int = 0,
        change_id: Any = None,
        startup: CheckStartup = CheckStartup.ENABLED,
    ):
        self.name = name
        self.level = level
        self.status = status
        self.successes = successes
        self.failures = failures
        self.threshold = threshold
        self.change_id = change_id
        self.startup = startup

    @property
    def has_run(self) -> bool:
        """Whether the check has run at least once (passed or failed).

        Raises:
            NotImplementedError: if the server predates Pebble 1.23 and so does not report
                ``successes``; upgrade Pebble, or look at ``failures`` and ``status``.
        """
        if self.successes is None:
            raise NotImplementedError(
                'this Pebble does not report check "successes" (added in Pebble 1.23.0), '
                'so has_run cannot be known; upgrade Pebble'
            )
        return bool(self.successes or self.failures)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CheckInfo:
        """Build from the API's JSON object."""
        from ._changes import ChangeID

        level: CheckLevel | str
        try:
            level = CheckLevel(d.get('level', ''))
        except ValueError:
            level = d['level']
        status: CheckStatus | str
        try:
            status = CheckStatus(d['status'])
        except ValueError:
            status = d['status']
        change_id = ChangeID(d['change-id']) if 'change-id' in d else None
        startup = CheckStartup.ENABLED
        if 'startup' in d:
            try:
                startup = CheckStartup(d['startup'])
            except ValueError:
                startup = CheckStartup.ENABLED
            if not change_id:
                status = CheckStatus.INACTIVE
        return cls(
            name=d['name'],
            level=level,
            status=status,
            successes=d.get('successes'),
            failures=d.get('failures', 0),
            threshold=d.get('threshold', 0),
            change_id=change_id,
            startup=startup,
        )


publish(__name__)
