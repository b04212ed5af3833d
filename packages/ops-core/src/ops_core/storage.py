"""Where the framework persists stored state and deferred events (`ops.storage`).

:class:`SQLiteStorage` keeps them in the unit state file ``<charm dir>/.unit-state.db``;
:class:`JujuStorage` in the controller-side unit state (``state-get``/``state-set``).
Both use the handle paths and value formats of ops 3.9, so state files are interchangeable.
``sqlite3`` and ``pickle`` are imported only when :class:`SQLiteStorage` is first used.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._juju_storage import (
        JujuStorage as JujuStorage,
    )
    from ._juju_storage import (
        juju_backend_available as juju_backend_available,
    )
    from ._sqlite_storage import SQLiteStorage as SQLiteStorage
    from ._storage_errors import (
        NoSnapshotError as NoSnapshotError,
    )
    from ._storage_errors import (
        StateFileError as StateFileError,
    )

_exports.install(globals())
