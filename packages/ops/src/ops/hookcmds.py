"""Typed functions for every Juju hook command (``ops.hookcmds``).

At run time this module *is* ``ops_hookcmds`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_hookcmds import *  # noqa: F403

become(__name__)
