# Static view of `ops.main`: at run time `ops.main` is the module `ops_core.main` itself.
from ops_core.main import *
