# Static view of `ops.model`: at run time `ops.model` is the module `ops_core.model` itself.
from ops_core.model import *
