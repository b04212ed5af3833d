"""The Pebble client, layers and the types Pebble returns (``ops.pebble``).

At run time this module *is* ``ops_pebble`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_pebble import *  # noqa: F403

become(__name__)
