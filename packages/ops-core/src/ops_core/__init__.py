"""The charm framework of the ``ops`` family: events, stored state, the model, dispatch.

``ops_core`` is what a machine charm needs at run time; it never imports the Pebble
client, which is loaded only when a workload container's client is first used. Charm
authors normally reach these names through ``ops`` (``ops.CharmBase is
ops_core.CharmBase``).
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ops_hookcmds import StatusName as StatusName

    from . import charm, framework, jujucontext, jujuversion, lib, log, main, model, storage  # noqa: F401
    from .charm import *  # noqa: F403
    from .framework import *  # noqa: F403
    from .jujucontext import *  # noqa: F403
    from .jujuversion import *  # noqa: F403
    from .model import *  # noqa: F403

_exports.install(globals())
