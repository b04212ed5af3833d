"""``scenario.state``: the State and its components (the objects of ``ops_testing.state``).

It also has the private names of ops-scenario 8.9 that tools import from here
(pytest-interface-tester: ``_Event``, ``_EventPath``, ``_CharmSpec``,
``_DEFAULT_JUJU_DATABAG``); see ``ops_testing.scenario_private``.
"""

from ops_testing import scenario_private as _private
from ops_testing.state import *  # noqa: F403
from ops_testing.state import __all__ as __all__

_Action = _private.Action
_CharmSpec = _private.CharmSpec
_DEFAULT_JUJU_DATABAG = _private.DEFAULT_JUJU_DATABAG
_EntityStatus = _private.EntityStatus
_Event = _private.Event
_EventPath = _private.EventPath
_EventType = _private.EventKind
