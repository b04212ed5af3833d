"""The lines a charm logs through ``juju-log``, as a State run records them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ops_hookcmds.sister import record

from .._exports import publish
from ._serialise import DictMixin

if TYPE_CHECKING:
    pass

__all__ = [
    'JujuLogLine',
]


@record(frozen=True)
class JujuLogLine(DictMixin):
    """One line the charm logged through ``juju-log``.

    Attributes:
        level: the log level name, for example ``'INFO'``.
        message: the logged message.
    """

    level: str
    message: str


publish(__name__)
