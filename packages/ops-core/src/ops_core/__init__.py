"""The charm framework of the ``ops`` family: events, stored state, the model, dispatch.

``ops_core`` is what a machine charm needs at run time; it never imports the Pebble
client, which is loaded only when a workload container's client is first used. Charm
authors normally reach these names through ``ops`` (``ops.CharmBase is
ops_core.CharmBase``).
"""

from ops_hookcmds import StatusName

from . import charm, framework, jujucontext, jujuversion, model
from .charm import *  # noqa: F403
from .framework import *  # noqa: F403
from .jujucontext import *  # noqa: F403
from .jujuversion import *  # noqa: F403
from .model import *  # noqa: F403

__all__: list[str] = []
__all__ += framework.__all__
__all__ += charm.__all__
__all__ += model.__all__
__all__ += jujuversion.__all__
__all__ += [name for name in jujucontext.__all__ if name not in jujuversion.__all__]
__all__ += ['StatusName']  # the status names Juju accepts, as ops 3.9 exports them
