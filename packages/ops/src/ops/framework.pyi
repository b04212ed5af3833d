# Static view of `ops.framework`: at run time `ops.framework` is the module `ops_core.framework` itself.
from ops_core.framework import *
