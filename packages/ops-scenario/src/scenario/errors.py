"""``scenario.errors``: the exceptions of the testing API (the objects of ``ops_testing.errors``)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ops_testing.errors import *  # noqa: F403

_exports.install(globals())
