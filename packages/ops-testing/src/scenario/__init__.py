"""The ``scenario`` import name: the same objects as ``ops.testing``.

``scenario.State is ops.testing.State``; ``scenario.state``, ``scenario.context`` and
``scenario.errors`` are the matching ``ops_testing`` modules.
"""

import sys as _sys

from ops_testing import *  # noqa: F403
from ops_testing import __all__ as __all__
from ops_testing import context, errors, state

# `import scenario.state` (and friends) give the very modules of ops_testing.
for _name, _module in (('state', state), ('context', context), ('errors', errors)):
    _sys.modules.setdefault(f'{__name__}.{_name}', _module)
