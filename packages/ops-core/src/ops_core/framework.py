"""The event framework: handles, objects, events, observers and stored state (`ops.framework`).

The code lives in private modules: :mod:`._handle` (``Handle``, ``Object``), :mod:`._events`
(events, sources and emitters), :mod:`._framework` (``Framework``) and :mod:`._stored_state`
(``StoredState`` and its wrappers). The storages are re-exported from :mod:`ops.storage`.

Errors specific to this implementation (both subclasses of the exceptions ops 3.9 raises):

* ``StoredStateTypeError`` (``AttributeError`` and ``TypeError``): a value of an unsupported
  type was assigned to a stored-state attribute; the message names the attribute and type.
* :class:`ops.storage.StateFileError` (``RuntimeError``): the unit state file is corrupt, not
  a database, or locked; the message names the file and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._events import (
    BoundEvent,
    CommitEvent,
    EventBase,
    EventSource,
    FrameworkEvents,
    LifecycleEvent,
    ObjectEvents,
    PreCommitEvent,
    PrefixedEvents,
)
from ._framework import Framework, NoTypeError, Serializable
from ._handle import Handle, HandleKind, Object
from ._storage_errors import NoSnapshotError
from ._stored_state import (
    BoundStoredState,
    StoredDict,
    StoredList,
    StoredSet,
    StoredState,
    StoredStateData,
)
from ._stored_state import StoredStateTypeError as StoredStateTypeError
from .storage import JujuStorage

if TYPE_CHECKING:
    from ._sqlite_storage import SQLiteStorage
    from .model import Model

StoredObject = StoredList | StoredSet | StoredDict
"""Any of the write-through wrappers returned when reading stored state."""

__all__ = [
    'BoundEvent',
    'BoundStoredState',
    'CommitEvent',
    'EventBase',
    'EventSource',
    'Framework',
    'FrameworkEvents',
    'Handle',
    'HandleKind',
    'JujuStorage',
    'LifecycleEvent',
    'Model',
    'NoSnapshotError',
    'NoTypeError',
    'Object',
    'ObjectEvents',
    'PreCommitEvent',
    'PrefixedEvents',
    'SQLiteStorage',
    'Serializable',
    'StoredDict',
    'StoredList',
    'StoredObject',
    'StoredSet',
    'StoredState',
    'StoredStateData',
]


def __getattr__(name: str) -> Any:
    # Loaded on first use: sqlite3 only when SQLite storage is used, and the model module
    # imports this one, so it cannot be imported here at import time.
    if name == 'SQLiteStorage':
        from ._sqlite_storage import SQLiteStorage

        globals()['SQLiteStorage'] = SQLiteStorage
        return SQLiteStorage
    if name == 'Model':
        from .model import Model

        globals()['Model'] = Model
        return Model
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
