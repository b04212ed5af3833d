"""Hook dispatch: the entry point a charm's `dispatch` script calls (`ops.main`).

``ops.main(MyCharm)`` (or the legacy spelling ``ops.main.main(MyCharm)``) runs the charm
for the hook or action Juju is dispatching.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._dispatch._main import (
        CHARM_STATE_FILE as CHARM_STATE_FILE,
    )
    from ._dispatch._main import (
        main as main,
    )

_exports.install(globals())
