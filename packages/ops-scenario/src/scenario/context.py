"""``scenario.context``: ``Context`` and ``Manager`` (the objects of ``ops_testing.context``)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ops_testing.context import *  # noqa: F403

    # Names ops-scenario 8.9's module also has (it uses them itself) that tests import from
    # here.
    from ops_testing.errors import AlreadyEmittedError as AlreadyEmittedError  # not in __all__
    from ops_testing.errors import ContextSetupError as ContextSetupError  # not in __all__
    from ops_testing.errors import MetadataNotFoundError as MetadataNotFoundError  # not in __all__
    from ops_testing.state import CheckInfo as CheckInfo  # not in __all__
    from ops_testing.state import Container as Container  # not in __all__
    from ops_testing.state import Notice as Notice  # not in __all__
    from ops_testing.state import Secret as Secret  # not in __all__
    from ops_testing.state import Storage as Storage  # not in __all__

_exports.install(globals())
