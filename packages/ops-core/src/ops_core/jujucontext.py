"""The Juju hook context read from the environment (`ops.jujucontext`)."""

from ._jujucontext import JujuContext
from ._jujuversion import JujuVersion

__all__: list[str] = ['JujuContext', 'JujuVersion']
