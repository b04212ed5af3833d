"""``scenario.state``: the State and its components (the objects of ``ops_testing.state``)."""

from ops_testing.state import *  # noqa: F403
from ops_testing.state import __all__ as __all__
