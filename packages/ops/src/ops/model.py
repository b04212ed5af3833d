"""The Juju model as a charm sees it: units, apps, relations, secrets, status, containers (``ops.model``).

At run time this module *is* ``ops_core.model`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_core.model import *  # noqa: F403

become(__name__)
