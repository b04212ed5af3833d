"""Hook dispatch: the entry point a charm's ``dispatch`` script calls (``ops.main``).

At run time this module *is* ``ops_core.main`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_core.main import *  # noqa: F403

become(__name__)
