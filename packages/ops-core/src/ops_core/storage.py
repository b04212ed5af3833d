"""Where the framework persists stored state and deferred events (`ops.storage`).

:class:`SQLiteStorage` keeps them in the unit state file ``<charm dir>/.unit-state.db``;
:class:`JujuStorage` in the controller-side unit state (``state-get``/``state-set``).
Both use the handle paths and value formats of ops 3.9, so state files are interchangeable.
``sqlite3`` and ``pickle`` are imported only when :class:`SQLiteStorage` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._juju_storage import JujuStorage, juju_backend_available
from ._storage_errors import NoSnapshotError, StateFileError

if TYPE_CHECKING:
    from ._sqlite_storage import SQLiteStorage

__all__ = [
    'JujuStorage',
    'NoSnapshotError',
    'SQLiteStorage',
    'StateFileError',
    'juju_backend_available',
]


def __getattr__(name: str) -> Any:
    if name == 'SQLiteStorage':
        from ._sqlite_storage import SQLiteStorage

        globals()['SQLiteStorage'] = SQLiteStorage
        return SQLiteStorage
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
