# Static view of `ops.charm`: at run time `ops.charm` is the module `ops_core.charm` itself.
from ops_core.charm import *
