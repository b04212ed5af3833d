"""Opened ports of a unit (`Port`, `OpenedPort`)."""

from __future__ import annotations

from typing import Literal

from ops_hookcmds.sister import record

from .._exports import publish

__all__ = ['OpenedPort', 'Port']


@record(frozen=True)
class Port:
    """A port (or ICMP) that a unit has opened, or wants opened.

    Attributes:
        protocol: ``'tcp'``, ``'udp'`` or ``'icmp'``.
        port: The port number; ``None`` for ICMP.
    """

    protocol: Literal['tcp', 'udp', 'icmp']
    """The IP protocol: ``'tcp'``, ``'udp'`` or ``'icmp'``."""

    port: int | None
    """The port number, or ``None`` for ICMP (which has no ports)."""


OpenedPort = Port
"""Older name of :class:`Port`, kept for compatibility."""


publish(__name__)
