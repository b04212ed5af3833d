"""``scenario.context``: ``Context`` and ``Manager`` (the objects of ``ops_testing.context``)."""

from ops_testing.context import *  # noqa: F403
from ops_testing.context import __all__ as __all__
