"""Unit testing for Juju charms: ``Context``/``State`` and the legacy ``Harness`` (``ops.testing``).

At run time this module *is* ``ops_testing`` (see :mod:`ops._alias`); the star import below
is what type checkers and IDEs read.
"""

from typing import TYPE_CHECKING

from ._alias import become

if TYPE_CHECKING:
    from ops_testing import *  # noqa: F403

become(__name__, submodules=('context', 'errors', 'state'))
