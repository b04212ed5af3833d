"""The ``scenario`` import name: the same objects as ``ops.testing``."""

from ops_testing import *  # noqa: F403
from ops_testing import __all__ as __all__
