"""The ``Framework``: observer registry, event emission, deferral and snapshot persistence."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import weakref
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import TYPE_CHECKING, Any, Protocol

import ops_core.tracing_hook as tracing_hook

from .._exports import publish
from .._persistence._errors import NoSnapshotError
from ._events import BoundEvent, EventBase, FrameworkEvents, LifecycleEvent
from ._handle import Handle, Object
from ._stored_state import StoredStateData

if TYPE_CHECKING:
    from pathlib import Path

    from ..charm import CharmMeta
    from ..model import Model
    from ..storage import JujuStorage, SQLiteStorage

logger = logging.getLogger('ops.framework')

# Matches the handle path of an event snapshot: ``MyCharm/on/install[3]``, ``on/commit[5]``.
# Pattern source only: ``re`` compiles (and caches) it on first use, not at import.
_EVENT_PATH = r'^(|.*/)on/[a-zA-Z_]+\[\d+\]$'
_BREAKPOINT_NAME = r'^[a-z0-9]([a-z0-9\-]*[a-z0-9])?$'
# Exact builtin types allowed in snapshots (what ``marshal`` accepts, minus code objects).
_SIMPLE_TYPES = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        complex,
        str,
        bytes,
        bytearray,
        tuple,
        list,
        set,
        frozenset,
        dict,
    }
)

_DEBUG_WELCOME = """\
Starting pdb to debug charm code.
Hook/action: {name}
  n (next), s (step), c (continue), p <expr> (print), l (list), h (help).
  Leave the debugger with c to let the hook finish.
"""


class NoTypeError(Exception):
    """No class was registered to rebuild the object saved under this handle path.

    Args:
        handle_path: the path of the saved object.
    """

    def __init__(self, handle_path: str):
        super().__init__(handle_path)
        self.handle_path = handle_path

    def __str__(self) -> str:
        return f'cannot restore {self.handle_path} since no class was registered for it'


class Serializable(Protocol):
    """What the framework needs to save and restore an object: a handle and snapshot/restore.

    Events and :class:`StoredStateData` satisfy it.
    """

    handle_kind: str = ''

    @property
    def handle(self) -> Handle:
        """The handle under which the object's snapshot is stored."""
        ...

    @handle.setter
    def handle(self, value: Handle) -> None: ...

    def snapshot(self) -> dict[str, Any]:
        """Return the object's state as a dictionary of simple types."""
        ...

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the object's state from what :meth:`snapshot` returned.

        Args:
            snapshot: the saved state.
        """
        ...


class _Storage(Protocol):
    def save_snapshot(self, handle_path: str, snapshot_data: Any) -> None: ...
    def load_snapshot(self, handle_path: str) -> Any: ...
    def drop_snapshot(self, handle_path: str) -> None: ...
    def save_notice(self, event_path: str, observer_path: str, method_name: str) -> None: ...
    def drop_notice(self, event_path: str, observer_path: str, method_name: str) -> None: ...
    def notices(self, event_path: str | None = None) -> Iterator[tuple[str, str, str]]: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


_CO_VARARGS = 0x04  # inspect.CO_VARARGS, without importing inspect (and ast, dis, ...)


def _plain_method_takes_one_argument(observer: Callable[..., Any]) -> bool | None:
    """Whether ``observer(event)`` binds, read from the code object of a plain bound method.

    Returns ``None`` when only :func:`inspect.signature` can tell (decorated functions with
    ``__wrapped__`` or ``__signature__``, callables that are not plain functions, methods
    without positional parameters).
    """
    func = getattr(observer, '__func__', None)
    if type(func) is not FunctionType or hasattr(func, '__wrapped__'):
        return None
    if hasattr(func, '__signature__'):
        return None
    code = func.__code__
    positional = code.co_argcount - 1  # after 'self'
    if positional < 0:
        return None
    required = max(0, positional - len(func.__defaults__ or ()))
    kw_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    kw_defaults = func.__kwdefaults__ or {}
    if any(name not in kw_defaults for name in kw_only):
        return False
    return required <= 1 and (positional >= 1 or bool(code.co_flags & _CO_VARARGS))


_SCALAR_TYPES = frozenset({type(None), bool, int, float, complex, str, bytes, bytearray})


def _all_simple(value: Any) -> bool:
    """Whether ``value`` holds only exact simple types (the common case, checked cheaply)."""
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return True
    if kind is dict:
        for k, v in value.items():
            if type(k) not in _SCALAR_TYPES and not _all_simple(k):
                return False
            if type(v) not in _SCALAR_TYPES and not _all_simple(v):
                return False
        return True
    if kind in (list, tuple, set, frozenset):
        return all(type(item) in _SCALAR_TYPES or _all_simple(item) for item in value)
    return False


def _frozen(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return (dict, frozenset([(k, _frozen(v)) for k, v in value.items()]))
    if kind is list or kind is tuple:
        return (kind, tuple([_frozen(item) for item in value]))
    if kind is set or kind is frozenset:
        return (frozenset, frozenset(value))
    if kind is bytearray:
        return bytes(value)
    return value


def _equality_hash(value: Any) -> int:
    """A hash on which equal snapshots agree (dicts in any order, set and frozenset, ...).

    Unequal snapshots may share one; a value that cannot be hashed gets 0.
    """
    try:
        return hash(_frozen(value))
    except TypeError:
        return 0


def _find_unsimple(value: Any, where: str) -> tuple[str, type[Any]] | None:
    """Return (location, type) of the first value that is not an exact simple type."""
    if _all_simple(value):
        return None
    return _locate_unsimple(value, where)


def _locate_unsimple(value: Any, where: str) -> tuple[str, type[Any]] | None:
    kind = type(value)
    if kind not in _SIMPLE_TYPES:
        return where, kind
    if kind is dict:
        for k, v in value.items():
            found = _locate_unsimple(k, f'{where} key {k!r}') or _locate_unsimple(
                v, f'{where}[{k!r}]'
            )
            if found:
                return found
    elif kind in (list, tuple, set, frozenset):
        for i, item in enumerate(value):
            found = _locate_unsimple(item, f'{where}[{i}]')
            if found:
                return found
    return None


def _shape_problem(value: Any, where: str) -> tuple[str, str]:
    """Where ``value`` refers to itself or nests too deeply, walked without recursion."""
    on_path: set[int] = set()  # the containers from the top down to the current one
    # (value, location, depth), or (None, '', -id) to leave a container again
    stack: list[tuple[Any, str, int]] = [(value, where, 1)]
    deepest = (where, 0)
    while stack:
        item, here, depth = stack.pop()
        if depth <= 0:
            on_path.discard(-depth)
            continue
        kind = type(item)
        if kind is dict:
            children = [(v, f'[{k!r}]') for k, v in item.items()]
        elif kind in (list, tuple, set, frozenset):
            children = [(v, f'[{i}]') for i, v in enumerate(item)]
        else:
            continue
        if id(item) in on_path:
            return here, 'contains itself (a reference cycle)'
        on_path.add(id(item))
        stack.append((None, '', -id(item)))
        if depth > deepest[1]:
            deepest = (here, depth)
        for child, step in children:
            # Locations stop growing after a while: a deep path would flood the message.
            place = here + step if len(here) < 200 else here.rstrip('.') + '...'
            stack.append((child, place, depth + 1))
    where_deep, levels = deepest
    if type(value) is dict:  # count from the attribute, as the location names it
        where_deep, levels = where_deep[: where_deep.find(']') + 1] or where_deep, levels - 1
    return where_deep, f'is nested too deeply ({levels} levels)'


def _attribute_name(where: str, data: Any) -> str:
    if where.startswith('snapshot[') and isinstance(data, dict):
        # Name the attribute for stored state: "attribute 'x'" reads better than snapshot['x'].
        name, _, rest = where[len('snapshot[') :].partition(']')
        return f'attribute {name}{rest and " at " + rest}'
    return where


class Framework(Object):
    """The event framework: delivers events to observers, persists deferrals and stored state.

    ``ops.main`` builds one per dispatch; charms receive it in ``__init__``.

    Args:
        storage: where snapshots and deferred-event notices are kept
            (:class:`~ops.storage.SQLiteStorage` or :class:`~ops.storage.JujuStorage`).
        charm_dir: the charm's root directory.
        meta: the charm's metadata.
        model: the Juju model the charm sees.
        event_name: the name of the Juju event being dispatched, if any.
        juju_debug_at: the breakpoint names from ``JUJU_DEBUG_AT``; read from the environment
            when ``None``.
        skip_duplicate_events: when true, an event identical to one already queued for the
            same observer is not queued again.
    """

    on: FrameworkEvents = FrameworkEvents()
    handle_kind = 'Framework'
    model: Model = None  # type: ignore[assignment]
    meta: CharmMeta = None  # type: ignore[assignment]

    _is_ops_framework = True

    def __init__(
        self,
        storage: SQLiteStorage | JujuStorage,
        charm_dir: str | Path,
        meta: CharmMeta,
        model: Model,
        event_name: str | None = None,
        juju_debug_at: set[str] | None = None,
        skip_duplicate_events: bool = True,
    ):
        self._objects: weakref.WeakValueDictionary[str, Object] = weakref.WeakValueDictionary()
        super().__init__(self, None)
        self._charm_dir: str | Path = charm_dir
        self.meta = meta
        self.model = model
        if isinstance(storage, (str, os.PathLike)):
            # The pre-0.7 signature took the state file's path; ops 3.9 still accepts it.
            from .._persistence._sqlite import SQLiteStorage as _SQLiteStorage

            logger.warning('deprecated: Framework now takes a Storage not a path')
            storage = _SQLiteStorage(storage)
        self._storage: _Storage = storage
        self._event_name = event_name
        self._skip_duplicate_events = skip_duplicate_events
        if juju_debug_at is None:
            raw = os.environ.get('JUJU_DEBUG_AT', '')
            juju_debug_at = {part.strip() for part in raw.split(',') if part.strip()}
        self._juju_debug_at: set[str] = set(juju_debug_at)
        self._debug_banner_shown = False
        # (emitter path, event kind) -> [(observer path, method name), ...] in registration order
        self._observer_index: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # Every registration as (observer path, method name, emitter path, event kind), in
        # order: the shape of ops 3.9's Framework._observers, which charms' tests read.
        self._observers: list[tuple[str, str, str, str]] = []
        self._observer_objects: weakref.WeakValueDictionary[str, Object] = (
            weakref.WeakValueDictionary()
        )
        self._type_registry: dict[tuple[str | None, str], type[Any]] = {}
        # Queued notices for duplicate detection: (event kind path, observer, method) ->
        # their event paths, or once that group was needed, event paths by data digest.
        self._duplicate_index: (
            dict[tuple[str, str, str], list[str] | dict[int, list[str]]] | None
        ) = None
        self._type_known: set[type[Any]] = set()

        self.register_type(StoredStateData, None, StoredStateData.handle_kind)
        self._stored = StoredStateData(self, '_stored')
        try:
            self._stored.restore(self._storage.load_snapshot(self._stored.handle.path))
        except NoSnapshotError:
            self._stored['event_count'] = 0

    # -- object tracking -------------------------------------------------------------

    @property
    def charm_dir(self) -> Path:
        """The charm's root directory."""
        value = self._charm_dir
        if isinstance(value, str):
            # Made a Path on first read: a hook that never reads it does not import pathlib
            # (with the urllib.parse and ipaddress it imports, ~8% of a trivial hook's work).
            from pathlib import Path

            value = self._charm_dir = Path(value)
        return value

    @charm_dir.setter
    def charm_dir(self, value: Path) -> None:
        self._charm_dir = value

    def _track(self, obj: Object) -> None:
        path = obj.handle.path
        existing = self._objects.get(path)
        if existing is not None and existing is not obj:
            raise RuntimeError(
                f'two objects claiming to be {path} have been created; give each '
                f'{type(obj).__name__} a distinct key (Object(parent, key))'
            )
        self._objects[path] = obj

    def _forget(self, obj: Object) -> None:
        self._objects.pop(obj.handle.path, None)

    # -- lifecycle -------------------------------------------------------------------

    def set_breakpointhook(self) -> Callable[..., Any] | None:
        """Route Python's builtin ``breakpoint()`` to :meth:`breakpoint`.

        Called by ``ops.main``; does nothing when ``PYTHONBREAKPOINT`` is set.

        Returns:
            the previous ``sys.breakpointhook`` (to restore later), or ``None`` if unchanged.
        """
        if 'PYTHONBREAKPOINT' in os.environ:
            return None
        old = sys.breakpointhook
        sys.breakpointhook = self.breakpoint
        return old

    def close(self) -> None:
        """Close the storage; anything not committed is discarded."""
        self._storage.close()

    def commit(self) -> None:
        """Emit ``pre_commit`` and ``commit``, save stored state and commit the storage."""
        self.on.pre_commit.emit()
        self.on.commit.emit()
        self.save_snapshot(self._stored)
        self._storage.commit()

    # -- snapshots -------------------------------------------------------------------

    def register_type(
        self, cls: type[Any], parent: Handle | Object | None, kind: str | None = None
    ) -> None:
        """Register the class used to restore objects saved under ``parent`` with ``kind``.

        Args:
            cls: the class (an event type or :class:`StoredStateData`).
            parent: the parent handle or object of the saved objects, or ``None``.
            kind: the handle kind; defaults to ``cls.handle_kind``.
        """
        if isinstance(parent, Object):
            parent = parent.handle
        parent_path = parent.path if parent is not None else None
        self._type_registry[parent_path, kind or cls.handle_kind] = cls
        self._type_known.add(cls)

    def _validate_snapshot_data(self, value: Serializable | EventBase, data: Any) -> None:
        try:
            found = _find_unsimple(data, 'snapshot')
        except RecursionError:
            raise self._shape_error(value, data) from None
        if found is None:
            return
        where, bad_type = found
        raise ValueError(
            f'unable to save the data for {type(value).__name__}, it must contain only simple '
            f'types: {_attribute_name(where, data)} of {value.handle.path} is a '
            f'{bad_type.__module__}.{bad_type.__qualname__}; store only None, bool, int, '
            f'float, str, bytes, list, tuple, set, frozenset and dict values'
        )

    @staticmethod
    def _shape_error(value: Serializable | EventBase, data: Any) -> ValueError:
        where, problem = _shape_problem(data, 'snapshot')
        return ValueError(
            f'unable to save the data for {type(value).__name__}: '
            f'{_attribute_name(where, data)} of {value.handle.path} {problem}; store '
            f'plain trees of None, bool, int, float, str, bytes, list, tuple, set, '
            f'frozenset and dict values'
        )

    def save_snapshot(self, value: Serializable | EventBase) -> None:
        """Save ``value.snapshot()`` under ``value.handle.path``.

        Raises:
            RuntimeError: if the value's type was never registered.
            ValueError: if the snapshot holds anything but simple builtin types, refers to
                itself (a reference cycle) or is nested too deeply to encode.
        """
        if type(value) not in self._type_known:
            raise RuntimeError(
                f'cannot save {type(value).__name__} values before registering that type'
            )
        data = value.snapshot()
        self._validate_snapshot_data(value, data)
        try:
            self._storage.save_snapshot(value.handle.path, data)
        except RecursionError:  # nested deeper than the encoder can go
            raise self._shape_error(value, data) from None

    def load_snapshot(self, handle: Handle) -> Any:
        """Rebuild the object saved under ``handle`` using the class registered for it.

        Raises:
            NoTypeError: if no class is registered for the handle's parent and kind.
            NoSnapshotError: if nothing is saved under the handle.
        """
        parent_path = handle.parent.path if handle.parent is not None else None
        cls: Any = self._type_registry.get((parent_path, handle.kind))
        if cls is None:
            raise NoTypeError(handle.path)
        data = self._storage.load_snapshot(handle.path)
        obj: Any = cls.__new__(cls)
        obj.framework = self
        obj.handle = handle
        obj.restore(data)
        return obj

    def drop_snapshot(self, handle: Handle) -> None:
        """Delete the snapshot saved under ``handle`` (no error if there is none)."""
        self._storage.drop_snapshot(handle.path)

    # -- observing and emitting ------------------------------------------------------

    def observe(self, bound_event: BoundEvent, observer: Callable[[Any], None]) -> None:
        """Register ``observer`` to be called with every ``bound_event`` emitted.

        Example::

            framework.observe(self.on.start, self._on_start)

        Args:
            bound_event: the event to observe, such as ``self.on.config_changed``.
            observer: a bound method of an :class:`Object`, taking the event as its only
                argument.

        Raises:
            TypeError: if ``bound_event`` is not a :class:`BoundEvent`, or ``observer`` is
                not a method of an :class:`Object` callable with a single event argument.
        """
        if not isinstance(bound_event, BoundEvent):
            raise TypeError(
                f'Framework.observe() requires a BoundEvent (such as self.on.start) as first '
                f'argument, got {bound_event!r}'
            )
        owner = getattr(observer, '__self__', None)
        name = getattr(observer, '__name__', None)
        if owner is None or name is None or not callable(observer):
            raise TypeError(
                f'Framework.observe() requires a bound method of an ops.Object as observer '
                f'(such as self._on_start), got {observer!r}'
            )
        if not isinstance(owner, Object):
            raise TypeError(
                f'observer {type(owner).__name__}.{name} is a method of a '
                f'{type(owner).__name__}, which is not an ops.Object; '
                f'make {type(owner).__name__} inherit from ops.Object'
            )
        self._check_observer_signature(owner, name, observer)

        emitter = bound_event.emitter
        self.register_type(bound_event.event_type, emitter, bound_event.event_kind)
        observer_path = owner.handle.path
        self._observer_objects[observer_path] = owner
        key = (emitter.handle.path, bound_event.event_kind)
        self._observer_index.setdefault(key, []).append((observer_path, name))
        self._observers.append((observer_path, name, *key))

    @staticmethod
    def _check_observer_signature(owner: Object, name: str, observer: Callable[..., Any]) -> None:
        accepts = _plain_method_takes_one_argument(observer)
        if accepts is not None:
            if not accepts:
                raise TypeError(
                    f"{type(owner).__name__}.{name} must be callable with only 'self' and the "
                    f"'event'"
                )
            return
        import inspect

        try:
            # The callable the framework will call is the wrapper, not what it wraps (a
            # decorator may supply extra arguments), so its own signature is what counts.
            sig = inspect.signature(observer, follow_wrapped=False)
        except (TypeError, ValueError):
            return
        try:
            sig.bind(None)
        except TypeError:
            raise TypeError(
                f"{type(owner).__name__}.{name} must be callable with only 'self' and the 'event'"
            ) from None

    def _next_event_key(self) -> str:
        count: int = self._stored['event_count'] + 1
        self._stored['event_count'] = count
        return str(count)

    def _is_duplicate(self, event_path: str, observer_path: str, method: str, data: Any) -> bool:
        # Only the event's own key (the last "[n]") differs between duplicates; an emitter's
        # key earlier in the path (MyNotifier[db1]/ready[1]) tells distinct events apart.
        group = (event_path.rpartition('[')[0], observer_path, method)
        for candidate in self._queued_like(group).get(_equality_hash(data), ()):
            if not self._still_queued(candidate, observer_path, method):
                continue
            try:
                existing = self._storage.load_snapshot(candidate)
            except NoSnapshotError:
                existing = {}
            if existing == data:
                logger.info(
                    'Skipping notice (%s/%s/%s) - already in the queue.',
                    event_path,
                    observer_path,
                    method,
                )
                return True
        return False

    def _queued_like(self, group: tuple[str, str, str]) -> dict[int, list[str]]:
        """The queued events of ``group`` (event kind, observer, method) by data digest.

        Read from the storage once per dispatch: the queue's notices on the first call,
        then a group's snapshots the first time that group is asked for; events queued
        later are added by :meth:`_remember_queued`. Deferring N events in one hook thus
        decodes each stored snapshot at most once, rather than the whole queue per event.
        Entries whose notice has gone since are skipped by the caller.
        """
        index = self._duplicate_index
        if index is None:
            paths: dict[tuple[str, str, str], list[str]] = {}
            for n_event, n_observer, n_method in self._storage.notices():
                key = (n_event.rpartition('[')[0], n_observer, n_method)
                paths.setdefault(key, []).append(n_event)
            index = self._duplicate_index = dict(paths)
        entry = index.get(group)
        if isinstance(entry, dict):
            return entry
        digests: dict[int, list[str]] = {}
        for path in entry or ():
            try:
                existing = self._storage.load_snapshot(path)
            except NoSnapshotError:
                existing = {}
            digests.setdefault(_equality_hash(existing), []).append(path)
        index[group] = digests
        return digests

    def _remember_queued(
        self, event_path: str, observer_path: str, method: str, data: Any
    ) -> None:
        index = self._duplicate_index
        if index is None:
            return  # read from the storage when first needed
        group = (event_path.rpartition('[')[0], observer_path, method)
        entry = index.get(group)
        if isinstance(entry, dict):
            entry.setdefault(_equality_hash(data), []).append(event_path)
        else:
            if entry is None:
                index[group] = [event_path]
            else:
                entry.append(event_path)

    def _still_queued(self, event_path: str, observer_path: str, method: str) -> bool:
        return any(
            n_observer == observer_path and n_method == method
            for _, n_observer, n_method in self._storage.notices(event_path)
        )

    def _emit(self, event: EventBase) -> None:
        handle = event.handle
        parent = handle.parent
        observers = self._observer_index.get((parent.path if parent else '', handle.kind))
        if not observers:
            if tracing_hook.hook is not None:
                tracing_hook.hook.event_emitted(event, False)
            return
        event_path = handle.path
        queued: list[tuple[str, str]] = []
        data: Any = None
        for observer_path, method in list(observers):
            if self._skip_duplicate_events:
                if data is None:
                    data = event.snapshot()
                if self._is_duplicate(event_path, observer_path, method, data):
                    continue
            if not queued:
                self.save_snapshot(event)
            self._storage.save_notice(event_path, observer_path, method)
            if self._skip_duplicate_events:
                self._remember_queued(event_path, observer_path, method, data)
            queued.append((observer_path, method))
        if tracing_hook.hook is not None:
            tracing_hook.hook.event_emitted(event, bool(queued))
        if queued:
            self._deliver_new(handle, queued)

    def _deliver_new(self, handle: Handle, queued: list[tuple[str, str]]) -> None:
        """Deliver a just-emitted event to the observers it was queued for.

        Does what :meth:`_reemit` does for one event path, without reading back the notices
        just saved (the event's key is new, so they are exactly ``queued``) or rebuilding the
        handle from its path. Each observer still gets its own copy restored from the saved
        snapshot, and the notices are saved before any handler runs, so deferrals made by
        nested emissions keep their order.
        """
        event_path = handle.path
        storage = self._storage
        deferred = False
        for observer_path, method_name in queued:
            try:
                event = self.load_snapshot(handle)
            except NoTypeError:
                storage.drop_notice(event_path, observer_path, method_name)
                continue
            if self._deliver(event, observer_path, method_name, self._custom_note(event)):
                deferred = True
            else:
                storage.drop_notice(event_path, observer_path, method_name)
        if not deferred:
            storage.drop_snapshot(event_path)

    def _custom_note(self, event: EventBase) -> tuple[Any, ...]:
        """The debug line for a custom event emitted while a Juju event is dispatched."""
        if (
            self._event_name
            and self._event_name != event.handle.kind
            and not isinstance(event, LifecycleEvent)
        ):
            return ('Emitting custom event %s.', event)
        return ()

    def _deliver(
        self,
        event: EventBase,
        observer_path: str,
        method_name: str,
        note: tuple[Any, ...],
        reemitted: bool = False,
    ) -> bool:
        """Hand ``event`` to one observer (logging ``note`` first); True if it deferred it.

        ``reemitted`` says the event is a deferred one delivered again (for tracing).
        """
        event.deferred = False
        observer = self._observer_objects.get(observer_path)
        if observer is None:
            self._warn_collected(observer_path)
            return False
        if note:
            logger.debug(*note)
        tracer = tracing_hook.hook
        if tracer is None:
            self._call_observer(observer, method_name, event)
        else:
            with tracer.observer_call(event, observer, method_name, reemitted):
                self._call_observer(observer, method_name, event)
                if event.deferred:
                    tracer.event_deferred(event)
        return event.deferred

    def _call_observer(self, observer: Object, method_name: str, event: EventBase) -> None:
        handler = getattr(observer, method_name, None)
        if handler is None:
            return
        with self._event_context(event.handle.kind):
            if self._juju_debug_at and self._wants_debugger(event):
                self._run_under_debugger(handler, event)
            else:
                handler(event)

    @staticmethod
    def _warn_collected(observer_path: str) -> None:
        logger.warning(
            'Reference to ops.Object at path %s has been garbage collected between '
            'when the charm was initialised and when the event was emitted. Keep a '
            'reference to the observer (for example as an attribute of the charm).',
            observer_path,
        )

    def _is_observed(self, bound_event: BoundEvent) -> bool:
        """Whether emitting ``bound_event`` would reach anyone (an observer, or a recorder).

        Lets the framework skip work, such as the ``is-leader`` call behind
        ``collect_app_status``, that only matters if something is listening.
        """
        key = (bound_event.emitter.handle.path, bound_event.event_kind)
        return bool(self._observer_index.get(key))

    def reemit(self) -> None:
        """Deliver every deferred event, oldest first, to the observers that deferred it."""
        self._reemit()

    def _event_context(self, event_name: str) -> contextlib.AbstractContextManager[None]:
        """Tell the model which event is being handled (relation-data access rules use it).

        Uses ``model._event_context(name)`` when the model has one, otherwise sets
        ``model._backend._hook_is_running`` (the ops 3.9 convention) if present.
        """
        model_context = getattr(self.model, '_event_context', None)
        if model_context is not None:
            return model_context(event_name)  # type: ignore[no-any-return]
        return self._backend_event_context(event_name)

    @contextlib.contextmanager
    def _backend_event_context(self, event_name: str) -> Iterator[None]:
        backend = getattr(self.model, '_backend', None)
        if backend is None or not hasattr(backend, '_hook_is_running'):
            yield
            return
        old = backend._hook_is_running
        backend._hook_is_running = event_name
        try:
            yield
        finally:
            backend._hook_is_running = old

    def _wants_debugger(self, event: EventBase) -> bool:
        if not self._juju_debug_at & {'all', 'hook'}:
            return False
        from .. import charm

        types = tuple(
            t
            for t in (getattr(charm, 'HookEvent', None), getattr(charm, 'ActionEvent', None))
            if t
        )
        return bool(types) and isinstance(event, types)

    def _reemit(self, single_event_path: str | None = None) -> None:
        notices = list(self._storage.notices(single_event_path))
        total = len(notices)
        last_path: str | None = None
        deferred = True
        for index, (event_path, observer_path, method_name) in enumerate(notices, 1):
            if event_path != last_path:
                if not deferred and last_path is not None:
                    self._storage.drop_snapshot(last_path)
                last_path = event_path
                deferred = False
            try:
                event = self.load_snapshot(Handle.from_path(event_path))
            except NoTypeError:
                self._storage.drop_notice(event_path, observer_path, method_name)
                continue
            except NoSnapshotError:
                # An orphan notice (its event's data is gone): it can never be delivered,
                # and failing here would fail every hook of the unit from now on.
                logger.warning(
                    'Dropping deferred event %s for %s.%s: its saved data is missing from '
                    'the unit state.',
                    event_path,
                    observer_path,
                    method_name,
                )
                self._storage.drop_notice(event_path, observer_path, method_name)
                continue
            note: tuple[Any, ...] = (
                ('Re-emitting deferred event %s (%d of %d in queue).', event, index, total)
                if single_event_path is None
                else self._custom_note(event)
            )
            if self._deliver(
                event, observer_path, method_name, note, reemitted=single_event_path is None
            ):
                deferred = True
            else:
                self._storage.drop_notice(event_path, observer_path, method_name)
            del event
        if not deferred and last_path is not None:
            self._storage.drop_snapshot(last_path)

    # -- debugging -------------------------------------------------------------------

    def _show_debug_banner(self, name: str) -> None:
        if not self._debug_banner_shown:
            sys.stderr.write(_DEBUG_WELCOME.format(name=name))
            self._debug_banner_shown = True

    def _run_under_debugger(self, handler: Callable[[Any], None], event: EventBase) -> None:
        import pdb

        self._show_debug_banner(event.handle.kind)
        pdb.runcall(handler, event)

    def breakpoint(self, name: str | None = None) -> None:
        """Stop in the debugger here if ``JUJU_DEBUG_AT`` asks for it.

        Stops when ``JUJU_DEBUG_AT`` contains ``all`` or ``name``; otherwise logs that the
        breakpoint was skipped (only when ``JUJU_DEBUG_AT`` is set).

        Args:
            name: a lowercase name such as ``db-ready`` (letters, digits and inner hyphens),
                or ``None`` for an unnamed breakpoint.

        Raises:
            TypeError: if ``name`` is not a string.
            ValueError: if ``name`` is malformed or is the reserved ``all`` or ``hook``.
        """
        if name is not None:
            if not isinstance(name, str):
                raise TypeError(f'breakpoint names must be strings, got {type(name).__name__}')
            if name in ('all', 'hook'):
                raise ValueError(f'breakpoint name {name!r} is reserved; pick another name')
            if not re.match(_BREAKPOINT_NAME, name):
                raise ValueError(
                    f'breakpoint name {name!r} is invalid: use lowercase letters, digits and '
                    f'inner hyphens, such as "db-ready"'
                )
        wanted = self._juju_debug_at
        if not wanted:
            return
        if 'all' in wanted or (name is not None and name in wanted):
            import inspect
            import pdb

            self._show_debug_banner(name or 'breakpoint')
            here = inspect.currentframe()
            pdb.Pdb().set_trace(here.f_back if here is not None else None)
        else:
            # The set itself, as ops 3.9 logs it (tests match this line exactly).
            logger.warning(
                'Breakpoint %r skipped (not found in the requested breakpoints: %s)',
                name,
                wanted,
            )

    def remove_unreferenced_events(self) -> None:
        """Delete saved event snapshots that no deferred notice refers to any more.

        Not called automatically; useful after an upgrade removed observers.
        """
        list_snapshots = getattr(self._storage, 'list_snapshots', None)
        if list_snapshots is None:
            raise RuntimeError(
                f'remove_unreferenced_events() needs a storage that can list its snapshots, '
                f'such as SQLiteStorage; {type(self._storage).__name__} cannot'
            )
        referenced = {event_path for event_path, _, _ in self._storage.notices()}
        for handle_path in list(list_snapshots()):
            if re.match(_EVENT_PATH, handle_path) and handle_path not in referenced:
                self._storage.drop_snapshot(handle_path)


publish(__name__)
