# Static view of `ops.pebble`: at run time it is the module `ops_pebble` itself.
from ops_pebble import *
