"""``scenario.errors``: the exceptions of the testing API (the objects of ``ops_testing.errors``)."""

from ops_testing.errors import *  # noqa: F403
from ops_testing.errors import __all__ as __all__
