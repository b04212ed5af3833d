"""``scenario.context``: ``Context`` and ``Manager`` (the objects of ``ops_testing.context``)."""

from ops_testing.context import *  # noqa: F403
from ops_testing.context import __all__ as __all__

# Names ops-scenario 8.9's module also has (it uses them itself) that tests import from here.
from ops_testing.errors import AlreadyEmittedError as AlreadyEmittedError
from ops_testing.errors import ContextSetupError as ContextSetupError
from ops_testing.errors import MetadataNotFoundError as MetadataNotFoundError
from ops_testing.state import CheckInfo as CheckInfo
from ops_testing.state import Container as Container
from ops_testing.state import Notice as Notice
from ops_testing.state import Secret as Secret
from ops_testing.state import Storage as Storage
