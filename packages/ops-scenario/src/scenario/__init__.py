"""The ``scenario`` import name: the same objects as ``ops.testing``.

Charms' tests written for the original ``ops-scenario`` distribution import from here;
``scenario.State is ops.testing.State``, and ``scenario.state``, ``scenario.context`` and
``scenario.errors`` re-export the objects of the matching ``ops_testing`` modules.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ops_testing import *  # noqa: F403

    # ``errors`` (from ops_testing) is the error module itself; these two are the scenario
    # submodules re-exporting ops_testing.context and ops_testing.state.
    from . import context as context
    from . import state as state
    from .errors import StateValidationError as StateValidationError  # not in __all__

_exports.install(globals())
