"""The Juju hook context read from the environment (`ops.jujucontext`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._dispatch._jujucontext import JujuContext as JujuContext
    from .jujuversion import JujuVersion as JujuVersion

_exports.install(globals())
