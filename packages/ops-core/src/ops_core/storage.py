"""Where the framework persists stored state and deferred events (`ops.storage`).

:class:`SQLiteStorage` keeps them in the unit state file ``<charm dir>/.unit-state.db``;
:class:`JujuStorage` in the controller-side unit state (``state-get``/``state-set``).
Both use the handle paths and value formats of ops 3.9, so state files are interchangeable.
``sqlite3`` and ``pickle`` are imported only when :class:`SQLiteStorage` is first used.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._persistence._errors import (
        NoSnapshotError as NoSnapshotError,
    )
    from ._persistence._errors import (
        StateFileError as StateFileError,
    )
    from ._persistence._juju import (
        JujuStorage as JujuStorage,
    )
    from ._persistence._juju import (
        juju_backend_available as juju_backend_available,
    )
    from ._persistence._sqlite import SQLiteStorage as SQLiteStorage

_exports.install(globals())
