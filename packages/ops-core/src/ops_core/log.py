"""Logging through Juju's `juju-log` hook command (`ops.log`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._dispatch._log import (
        JujuLogHandler as JujuLogHandler,
    )
    from ._dispatch._log import (
        setup_root_logging as setup_root_logging,
    )

_exports.install(globals())
