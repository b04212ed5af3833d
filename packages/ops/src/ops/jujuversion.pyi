# Static view of `ops.jujuversion`: at run time `ops.jujuversion` is the module `ops_core.jujuversion` itself.
from ops_core.jujuversion import *
