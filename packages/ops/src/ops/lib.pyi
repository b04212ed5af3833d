# Static view of `ops.lib`: at run time `ops.lib` is the module `ops_core.lib` itself.
from ops_core.lib import *
