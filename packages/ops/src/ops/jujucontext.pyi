# Static view of `ops.jujucontext`: at run time `ops.jujucontext` is the module `ops_core.jujucontext` itself.
from ops_core.jujucontext import *
