"""Where the framework persists stored state and deferred events (``ops.storage``).

At run time this module *is* ``ops_core.storage`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_core.storage import *  # noqa: F403

become(__name__)
