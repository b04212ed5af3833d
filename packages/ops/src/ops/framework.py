"""The event framework: handles, objects, events, observers and stored state (``ops.framework``).

At run time this module *is* ``ops_core.framework`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_core.framework import *  # noqa: F403

become(__name__)
