"""Juju version parsing and feature checks (`ops.jujuversion`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._model._jujuversion import JujuVersion as JujuVersion

_exports.install(globals())
