"""Events, event sources, bound events and event emitters (``ObjectEvents``)."""

from __future__ import annotations

import keyword
import logging
import weakref
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .._exports import publish
from ._handle import Handle, Object

if TYPE_CHECKING:
    from ._framework import Framework

logger = logging.getLogger('ops.framework')

if TYPE_CHECKING:
    _EventType = TypeVar('_EventType', bound='EventBase')
    _Emitter = TypeVar('_Emitter', bound='ObjectEvents')
else:
    # A string bound makes a ForwardRef, whose compile() call costs a hook process the
    # creation of every AST node type; the bound matters only to type checkers.
    _EventType = TypeVar('_EventType')
    _Emitter = TypeVar('_Emitter')


class EventBase:
    """The base class of every event.

    An event is created by :meth:`BoundEvent.emit`, saved with :meth:`snapshot` and, when
    it is delivered (now or after a deferral), rebuilt with :meth:`restore`. Subclasses
    carrying data must override both so that the data survives being deferred.

    Args:
        handle: the event's handle (``<emitter path>/<event kind>[<key>]``).
    """

    # Set on every instance by the framework before it is delivered.
    framework: Framework = None  # type: ignore[assignment]

    def __init__(self, handle: Handle):
        self.handle = handle
        self.deferred: bool = False

    def __repr__(self) -> str:
        return f'<{type(self).__name__} via {self.handle}>'

    def defer(self) -> None:
        """Ask for this event to be delivered again to this observer at the next dispatch.

        The handler keeps running after ``defer()``; the event is re-emitted, before the
        next Juju event, to each observer that deferred it, until one run does not defer.
        """
        logger.debug('Deferring %s.', self)
        self.deferred = True

    def snapshot(self) -> dict[str, Any]:
        """Return the data needed to rebuild this event later (simple types only)."""
        return {}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Rebuild the event's data from what :meth:`snapshot` returned.

        Args:
            snapshot: the dictionary previously returned by :meth:`snapshot`.
        """
        self.deferred = False


class EventSource(Generic[_EventType]):
    """Declares an event type on an :class:`ObjectEvents` subclass.

    Example::

        class DatabaseEvents(ops.ObjectEvents):
            ready = ops.EventSource(DatabaseReadyEvent)

    Reading the attribute on an emitter instance gives a :class:`BoundEvent`.

    Args:
        event_type: the :class:`EventBase` subclass to emit.
    """

    def __init__(self, event_type: type[_EventType]):
        if not isinstance(event_type, type) or not issubclass(event_type, EventBase):
            raise RuntimeError(
                f'Event requires a subclass of EventBase as an argument, got {event_type}'
            )
        self.event_type: type[_EventType] = event_type
        self.event_kind: str | None = None
        self.emitter_type: type[Object] | None = None

    def __set_name__(self, emitter_type: type[Object], event_kind: str) -> None:
        if self.event_kind is not None:
            raise RuntimeError(
                f'EventSource({self.event_type.__name__}) reused as '
                f'{self.emitter_type.__name__ if self.emitter_type else "?"}.{self.event_kind} '
                f'and {emitter_type.__name__}.{event_kind}'
            )
        self.event_kind = event_kind
        self.emitter_type = emitter_type

    @overload
    def __get__(self, emitter: None, emitter_type: type[Any]) -> EventSource[_EventType]: ...
    @overload
    def __get__(self, emitter: Object, emitter_type: type[Any]) -> BoundEvent: ...
    def __get__(
        self, emitter: Object | None, emitter_type: type[Any]
    ) -> EventSource[_EventType] | BoundEvent:
        if emitter is None:
            return self
        if self.event_kind is None:
            raise RuntimeError(f'EventSource({self.event_type.__name__}) has no name')
        framework = getattr(emitter, 'framework', None)
        if framework is not None:
            framework.register_type(self.event_type, emitter, self.event_kind)
        return BoundEvent(emitter, self.event_type, self.event_kind)


class BoundEvent:
    """An event type bound to the emitter it is declared on (what ``charm.on.start`` is).

    Pass it to :meth:`Framework.observe`, or call :meth:`emit` to emit the event.

    Args:
        emitter: the emitter object (an :class:`ObjectEvents` instance).
        event_type: the event class.
        event_kind: the attribute name of the event on the emitter.
    """

    def __init__(self, emitter: Object, event_type: type[EventBase], event_kind: str):
        self.emitter = emitter
        self.event_type = event_type
        self.event_kind = event_kind

    def __repr__(self) -> str:
        return (
            f'<BoundEvent {self.event_type.__name__} bound to '
            f'{type(self.emitter).__name__}.{self.event_kind} at {hex(id(self))}>'
        )

    def emit(self, *args: Any, **kwargs: Any) -> None:
        """Emit the event: create it with these arguments and deliver it to its observers.

        Positional and keyword arguments are passed to the event class after the handle.
        """
        framework = self.emitter.framework
        key = framework._next_event_key()
        event = self.event_type(Handle(self.emitter, self.event_kind, key), *args, **kwargs)
        event.framework = framework
        framework._emit(event)


class ObjectEvents(Object):
    """The base class of event emitters: declare events on a subclass with :class:`EventSource`.

    Used as a class attribute (``on = MyEvents()``) of an :class:`Object`, it gives each
    instance its own emitter, whose handle is ``<owner path>/on``.

    Args:
        parent: the owning object; ``None`` when declared as a class attribute.
        key: the handle key; normally ``None``.
    """

    handle_kind = 'on'

    def __init__(self, parent: Object | None = None, key: str | None = None):
        if parent is not None:
            super().__init__(parent, key)
        self._attr_name: str | None = None
        self._cache: weakref.WeakKeyDictionary[Object, ObjectEvents] | None = None

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._attr_name = name

    @overload
    def __get__(self: _Emitter, emitter: None, emitter_type: type[Any]) -> _Emitter: ...
    @overload
    def __get__(self: _Emitter, emitter: Object, emitter_type: type[Any]) -> _Emitter: ...
    def __get__(self: _Emitter, emitter: Object | None, emitter_type: type[Any]) -> _Emitter:
        if emitter is None:
            return self
        if self._attr_name is not None:
            instance = emitter.__dict__.get(self._attr_name)
            if instance is None:
                instance = type(self)(emitter)
                # An instance attribute shadows this (non-data) descriptor from now on.
                emitter.__dict__[self._attr_name] = instance
            return instance
        # Assigned after class creation (no __set_name__): fall back to a weak cache.
        if self._cache is None:
            self._cache = weakref.WeakKeyDictionary()
        cached = self._cache.get(emitter)
        if cached is None:
            cached = self._cache[emitter] = type(self)(emitter)
        return cached  # type: ignore[return-value]

    @classmethod
    def define_event(cls, event_kind: str, event_type: type[EventBase]) -> None:
        """Define an event on this emitter class at run time.

        Args:
            event_kind: the attribute name of the new event (a Python identifier).
            event_type: the :class:`EventBase` subclass to emit.

        Raises:
            RuntimeError: if ``event_kind`` is not an identifier, is a keyword, or overlaps
                an existing attribute of the class.
        """
        prefix = 'unable to define an event with event_kind that '
        if not event_kind.isidentifier():
            raise RuntimeError(prefix + f'is not a valid python identifier: {event_kind}')
        if keyword.iskeyword(event_kind):
            raise RuntimeError(prefix + f'is a python keyword: {event_kind}')
        try:
            getattr(cls, event_kind)
        except AttributeError:
            pass
        else:
            raise RuntimeError(
                prefix + f'overlaps with an existing type {cls} attribute: {event_kind}'
            )
        source: EventSource[EventBase] = EventSource(event_type)
        source.__set_name__(cls, event_kind)
        setattr(cls, event_kind, source)

    @classmethod
    def _event_kinds(cls) -> list[str]:
        kinds: list[str] = []
        seen: set[str] = set()
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, EventSource) and name not in seen:
                    seen.add(name)
                    kinds.append(name)
        return kinds

    def events(self) -> dict[str, BoundEvent]:
        """Return a mapping of every event kind defined on this emitter to its bound event."""
        return {kind: getattr(self, kind) for kind in self._event_kinds()}

    def __getitem__(self, key: str) -> PrefixedEvents:
        return PrefixedEvents(self, key)

    def __repr__(self) -> str:
        return f'<{type(self).__module__}.{type(self).__qualname__}: {", ".join(sorted(self._event_kinds()))}>'

    if TYPE_CHECKING:
        # For type checkers only: the events defined at run time from the charm's metadata
        # (``self.on.db_relation_joined``, ``self.on.restart_action``) and by
        # ``define_event`` are bound events too. At run time a missing attribute is still
        # an AttributeError.
        def __getattr__(self, name: str) -> BoundEvent: ...


class PrefixedEvents:
    """A view of an emitter's events sharing a prefix: ``charm.on['db'].relation_changed``.

    Args:
        emitter: the emitter whose events are viewed.
        key: the prefix; hyphens become underscores and ``_`` is appended.
    """

    def __init__(self, emitter: Object | None, key: str):
        self._emitter = emitter
        self._prefix = key.replace('-', '_') + '_'

    def __getattr__(self, name: str) -> BoundEvent:
        if name.startswith('__'):
            raise AttributeError(name)
        return getattr(self._emitter, self._prefix + name)  # type: ignore[no-any-return]


class LifecycleEvent(EventBase):
    """Base class of events the framework emits around a dispatch; they cannot be deferred."""

    def defer(self) -> None:
        """Lifecycle events cannot be deferred.

        Raises:
            RuntimeError: always.
        """
        raise RuntimeError('cannot defer lifecycle events')


class PreCommitEvent(LifecycleEvent):
    """Emitted by :meth:`Framework.commit` before stored state is saved.

    The last chance for observers to change stored state or the model in this dispatch.
    """


class CommitEvent(LifecycleEvent):
    """Emitted by :meth:`Framework.commit` when stored state is saved to storage."""


class FrameworkEvents(ObjectEvents):
    """The events of the framework itself (``framework.on``)."""

    pre_commit: EventSource[PreCommitEvent] = EventSource(PreCommitEvent)
    commit: EventSource[CommitEvent] = EventSource(CommitEvent)


publish(__name__)
