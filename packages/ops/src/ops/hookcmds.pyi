# Static view of `ops.hookcmds`: at run time it is the module `ops_hookcmds` itself.
from ops_hookcmds import *
