"""``scenario.state``: the State and its components (the objects of ``ops_testing.state``).

It also has the private names of ops-scenario 8.9 that tools import from here
(pytest-interface-tester: ``_Event``, ``_EventPath``, ``_CharmSpec``,
``_DEFAULT_JUJU_DATABAG``); see ``ops_testing.scenario_private``.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    import ops_pebble as pebble  # noqa: F401  # not in __all__ (ops-scenario 8.9 has it)
    from ops_core.charm import CharmBase as CharmBase  # not in __all__
    from ops_core.charm import CharmEvents as CharmEvents  # not in __all__
    from ops_core.model import SecretRotate as SecretRotate  # not in __all__
    from ops_core.model import StatusBase as StatusBase  # not in __all__
    from ops_testing.context import CharmType as CharmType  # not in __all__
    from ops_testing.errors import MetadataNotFoundError as MetadataNotFoundError  # not in __all__
    from ops_testing.errors import StateValidationError as StateValidationError  # not in __all__
    from ops_testing.scenario_private import DEFAULT_JUJU_DATABAG as _DEFAULT_JUJU_DATABAG  # noqa: F401
    from ops_testing.scenario_private import Action as _Action  # noqa: F401
    from ops_testing.scenario_private import CharmSpec as _CharmSpec  # noqa: F401
    from ops_testing.scenario_private import EntityStatus as _EntityStatus  # noqa: F401
    from ops_testing.scenario_private import Event as _Event  # noqa: F401
    from ops_testing.scenario_private import EventKind as _EventType  # noqa: F401
    from ops_testing.scenario_private import EventPath as _EventPath  # noqa: F401
    from ops_testing.state import *  # noqa: F403

# Names ops-scenario 8.9's module also has (it uses them itself) that tests import from
# here; ``CharmEvents`` is ``ops.CharmEvents``, as there (``ctx.on`` is
# ``scenario.context.CharmEvents``).
ATTACH_ALL_STORAGES = 'ATTACH_ALL_STORAGES'
CREATE_ALL_RELATIONS = 'CREATE_ALL_RELATIONS'
BREAK_ALL_RELATIONS = 'BREAK_ALL_RELATIONS'
DETACH_ALL_STORAGES = 'DETACH_ALL_STORAGES'

_exports.install(globals())
