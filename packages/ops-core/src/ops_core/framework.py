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

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._framework._events import (
        BoundEvent as BoundEvent,
    )
    from ._framework._events import (
        CommitEvent as CommitEvent,
    )
    from ._framework._events import (
        EventBase as EventBase,
    )
    from ._framework._events import (
        EventSource as EventSource,
    )
    from ._framework._events import (
        FrameworkEvents as FrameworkEvents,
    )
    from ._framework._events import (
        LifecycleEvent as LifecycleEvent,
    )
    from ._framework._events import (
        ObjectEvents as ObjectEvents,
    )
    from ._framework._events import (
        PreCommitEvent as PreCommitEvent,
    )
    from ._framework._events import (
        PrefixedEvents as PrefixedEvents,
    )
    from ._framework._framework import (
        Framework as Framework,
    )
    from ._framework._framework import (
        NoTypeError as NoTypeError,
    )
    from ._framework._framework import (
        Serializable as Serializable,
    )
    from ._framework._handle import (
        Handle as Handle,
    )
    from ._framework._handle import (
        HandleKind as HandleKind,
    )
    from ._framework._handle import (
        Object as Object,
    )
    from ._framework._stored_state import (
        BoundStoredState as BoundStoredState,
    )
    from ._framework._stored_state import (
        StoredDict as StoredDict,
    )
    from ._framework._stored_state import (
        StoredList as StoredList,
    )
    from ._framework._stored_state import (
        StoredObject as StoredObject,
    )
    from ._framework._stored_state import (
        StoredSet as StoredSet,
    )
    from ._framework._stored_state import (
        StoredState as StoredState,
    )
    from ._framework._stored_state import (
        StoredStateData as StoredStateData,
    )
    from ._framework._stored_state import (
        StoredStateTypeError as StoredStateTypeError,
    )
    from .model import Model as Model
    from .storage import (
        JujuStorage as JujuStorage,
    )
    from .storage import (
        NoSnapshotError as NoSnapshotError,
    )
    from .storage import (
        SQLiteStorage as SQLiteStorage,
    )

_exports.install(globals())
