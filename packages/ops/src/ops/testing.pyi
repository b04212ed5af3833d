# Static view of `ops.testing`: at run time it is the module `ops_testing` itself.
from ops_testing import *
