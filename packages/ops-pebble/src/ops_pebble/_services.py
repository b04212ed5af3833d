"""Service status as Pebble reports it."""

from __future__ import annotations

import enum
from typing import Any

from ._exports import publish
from ._value_object import ValueObject


class ServiceStartup(enum.Enum):
    """Whether a service starts on ``autostart``/``replan``."""

    ENABLED = 'enabled'
    DISABLED = 'disabled'


class ServiceStatus(enum.Enum):
    """The current state of a service."""

    ACTIVE = 'active'
    INACTIVE = 'inactive'
    ERROR = 'error'


class ServiceInfo(ValueObject):
    """The status of one service.

    Attributes:
        name: The service's name.
        startup: A :class:`ServiceStartup`, or the raw string for values this client
            does not know.
        current: A :class:`ServiceStatus`, or the raw string (such as ``'backoff'``).
    """

    _fields = ('name', 'startup', 'current')

    def __init__(
        self,
        name: str,
        startup: ServiceStartup | str,
        current: ServiceStatus | str,
    ):
        self.name = name
        self.startup = startup
        self.current = current

    def is_running(self) -> bool:
        """Report whether the service is active."""
        return self.current == ServiceStatus.ACTIVE

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ServiceInfo:
        """Build from the API's JSON object."""
        startup: ServiceStartup | str
        current: ServiceStatus | str
        try:
            startup = ServiceStartup(d['startup'])
        except ValueError:
            startup = d['startup']
        try:
            current = ServiceStatus(d['current'])
        except ValueError:
            current = d['current']
        return cls(name=d['name'], startup=startup, current=current)


publish(__name__)
