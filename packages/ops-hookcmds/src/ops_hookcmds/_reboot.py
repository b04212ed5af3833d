"""Rebooting the unit's machine: ``juju-reboot``."""

from __future__ import annotations

from ._exports import publish
from ._runner import run


def juju_reboot(*, now: bool = False) -> None:
    """Reboot the machine this unit runs on (``juju-reboot``).

    Args:
        now: reboot immediately (Juju kills the hook) instead of after the hook succeeds.

    Raises:
        Error: the tool failed (e.g. it is not allowed while running an action).
    """
    if now:
        run('juju-reboot', '--now')
    else:
        run('juju-reboot')


publish(__name__)
