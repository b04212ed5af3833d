"""``scenario.state``: the State and its components (the objects of ``ops_testing.state``).

It also has the private names of ops-scenario 8.9 that tools import from here
(pytest-interface-tester: ``_Event``, ``_EventPath``, ``_CharmSpec``,
``_DEFAULT_JUJU_DATABAG``); see ``ops_testing.scenario_private``.
"""

import ops_pebble as pebble  # noqa: F401  (ops-scenario 8.9 has scenario.state.pebble)
from ops_core.charm import CharmBase as CharmBase
from ops_core.charm import CharmEvents as CharmEvents
from ops_core.model import SecretRotate as SecretRotate
from ops_core.model import StatusBase as StatusBase
from ops_testing import scenario_private as _private
from ops_testing.context import CharmType as CharmType
from ops_testing.errors import MetadataNotFoundError as MetadataNotFoundError
from ops_testing.errors import StateValidationError as StateValidationError
from ops_testing.state import *  # noqa: F403
from ops_testing.state import __all__ as __all__

# Names ops-scenario 8.9's module also has (it uses them itself) that tests import from
# here; ``CharmEvents`` is ``ops.CharmEvents``, as there (``ctx.on`` is
# ``scenario.context.CharmEvents``).
ATTACH_ALL_STORAGES = 'ATTACH_ALL_STORAGES'
CREATE_ALL_RELATIONS = 'CREATE_ALL_RELATIONS'
BREAK_ALL_RELATIONS = 'BREAK_ALL_RELATIONS'
DETACH_ALL_STORAGES = 'DETACH_ALL_STORAGES'

_Action = _private.Action
_CharmSpec = _private.CharmSpec
_DEFAULT_JUJU_DATABAG = _private.DEFAULT_JUJU_DATABAG
_EntityStatus = _private.EntityStatus
_Event = _private.Event
_EventPath = _private.EventPath
_EventType = _private.EventKind
