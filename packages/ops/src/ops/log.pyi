# Static view of `ops.log`: at run time `ops.log` is the module `ops_core.log` itself.
from ops_core.log import *
