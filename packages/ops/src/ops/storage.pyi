# Static view of `ops.storage`: at run time `ops.storage` is the module `ops_core.storage` itself.
from ops_core.storage import *
