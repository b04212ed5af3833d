"""Tracing for charms: the ``Tracing`` charm object and span export (``ops.tracing``).

At run time this module *is* ``ops_tracing`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read. Without ops-tracing installed, importing it says to
``pip install ops[tracing]`` (the attribute ``ops.tracing`` is then ``None``).
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_tracing import *  # noqa: F403

become(__name__)
