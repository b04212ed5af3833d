"""Ports the unit opens (TCP, UDP, ICMP)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import (
    set_field,
)
from ._serialise import DictMixin

if TYPE_CHECKING:
    pass

__all__ = [
    'ICMPPort',
    'Port',
    'TCPPort',
    'UDPPort',
]


@record(frozen=True, eq=False)
class Port(DictMixin):
    """A port the charm has opened. Use :class:`TCPPort`, :class:`UDPPort` or :class:`ICMPPort`.

    Attributes:
        port: the port number (``None`` for ICMP).
        protocol: ``'tcp'``, ``'udp'`` or ``'icmp'``.
    """

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = field(default='tcp', kw_only=True)

    def __post_init__(self) -> None:
        if type(self) is Port:
            raise RuntimeError(
                'Port cannot be instantiated directly; use TCPPort, UDPPort or ICMPPort'
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Port) or type(other).__name__ in ('Port', 'OpenedPort'):
            other_port = getattr(other, 'port', None)
            other_protocol = getattr(other, 'protocol', None)
            return (self.protocol, self.port) == (other_protocol, other_port)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.protocol, self.port))

    def _check_number(self) -> None:
        if not isinstance(self.port, int) or isinstance(self.port, bool):
            raise StateValidationError(
                f'{type(self).__name__} needs a port number between 1 and 65535, got {self.port!r}'
            )
        if not 1 <= self.port <= 65535:
            raise StateValidationError(
                f'port {self.port} is out of range for {type(self).__name__}: '
                'a port number must be between 1 and 65535'
            )


@record(frozen=True, eq=False)
class TCPPort(Port):
    """An opened TCP port."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = 'tcp'

    def __post_init__(self) -> None:
        self._check_number()
        set_field(self, 'protocol', 'tcp')


@record(frozen=True, eq=False)
class UDPPort(Port):
    """An opened UDP port."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = 'udp'

    def __post_init__(self) -> None:
        self._check_number()
        set_field(self, 'protocol', 'udp')


@record(frozen=True, eq=False)
class ICMPPort(Port):
    """ICMP opened (it has no port number)."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = field(default='icmp', kw_only=True)

    def __post_init__(self) -> None:
        if self.port is not None:
            raise StateValidationError('ICMPPort has no port number; use ICMPPort()')
        set_field(self, 'protocol', 'icmp')


def port_from_ops(port: Any) -> Port:
    """A State port equal to an ``ops.Port``."""
    if isinstance(port, Port):
        return port
    protocol = getattr(port, 'protocol', None)
    if protocol == 'tcp':
        return TCPPort(port.port)
    if protocol == 'udp':
        return UDPPort(port.port)
    if protocol == 'icmp':
        return ICMPPort()
    raise StateValidationError(f'not a port: {port!r}; use TCPPort, UDPPort or ICMPPort')


publish(__name__)
