"""``StoredState``: charm state persisted across hooks, and its write-through wrappers."""

from __future__ import annotations

from collections.abc import (
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    MutableSequence,
    MutableSet,
    Set,
)
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from .._exports import publish
from .._persistence._errors import NoSnapshotError
from ._handle import Object

if TYPE_CHECKING:
    from ._events import CommitEvent

_T = TypeVar('_T')

# Types accepted when assigning an attribute of a BoundStoredState (bool passes as an int).
_ASSIGNABLE = (type(None), int, float, str, bytes, list, dict, set)


class StoredStateTypeError(AttributeError, TypeError):
    """A value of an unsupported type was assigned to a :class:`StoredState` attribute.

    It is both an ``AttributeError`` (as in ops 3.9) and a ``TypeError``.
    """


class StoredStateData(Object):
    """The dictionary of values behind one :class:`StoredState` attribute of one object.

    Saved under ``<owner path>/StoredStateData[<attribute name>]`` when the framework
    commits, if anything changed.

    Args:
        parent: the object owning the stored state.
        attr_name: the name of the :class:`StoredState` class attribute.
    """

    def __init__(self, parent: Object, attr_name: str):
        super().__init__(parent, attr_name)
        self._cache: dict[str, Any] = {}
        self.dirty: bool = False

    def __getitem__(self, key: str) -> Any:
        return self._cache.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._cache[key] = value
        self.dirty = True

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def snapshot(self) -> dict[str, Any]:
        """Return the stored values (the underlying dictionary, not a copy)."""
        return self._cache

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace the stored values with ``snapshot`` and mark the data clean.

        Args:
            snapshot: the dictionary saved by :meth:`snapshot`.
        """
        self._cache = snapshot
        self.dirty = False

    def on_commit(self, event: CommitEvent) -> None:
        """Save the data if it changed since it was loaded (observes ``framework.on.commit``).

        Args:
            event: the commit event.
        """
        if self.dirty:
            self.framework.save_snapshot(self)
            self.dirty = False


class BoundStoredState:
    """The per-instance view of a :class:`StoredState` attribute: ``self._stored.count``.

    Created on first access to the attribute; loads the saved values and saves changes
    when the framework commits. Assigning a value that is not None, bool, int, float, str,
    bytes, list, dict or set raises :class:`StoredStateTypeError` naming the attribute;
    nested values that are not simple builtin types make the commit raise ``ValueError``.

    Args:
        parent: the object owning the stored state.
        attr_name: the name of the :class:`StoredState` class attribute.
    """

    if TYPE_CHECKING:
        # Attribute access is dynamic; tell type checkers any name is fine.
        def __setattr__(self, key: str, value: Any) -> None: ...
        def __getattr__(self, key: str) -> Any: ...

    def __init__(self, parent: Object, attr_name: str):
        framework = parent.framework
        data = StoredStateData(parent, attr_name)
        framework.register_type(StoredStateData, parent, StoredStateData.handle_kind)
        try:
            data.restore(framework._storage.load_snapshot(data.handle.path))
        except NoSnapshotError:
            pass
        framework.observe(framework.on.commit, data.on_commit)
        self.__dict__['_data'] = data
        self.__dict__['_attr_name'] = attr_name

    if not TYPE_CHECKING:

        def __getattr__(self, key: str) -> Any:
            data: StoredStateData | None = self.__dict__.get('_data')
            if data is None or key.startswith('__'):
                raise AttributeError(key)
            if key == 'on':
                raise AttributeError("attribute 'on' is reserved")
            if key not in data:
                raise AttributeError(f"attribute '{key}' is not stored")
            return _wrap(data, data[key])

        def __setattr__(self, key: str, value: Any) -> None:
            if key == 'on':
                raise AttributeError("attribute 'on' is reserved and cannot be set")
            value = _unwrap(value)
            if not isinstance(value, _ASSIGNABLE):
                raise StoredStateTypeError(
                    f"attribute '{key}' cannot be a {type(value).__name__}: must be "
                    f'int/float/dict/list/etc (stored state holds only None, bool, int, float, '
                    f'str, bytes, list, dict and set values)'
                )
            self.__dict__['_data'][key] = value

    def set_default(self, **kwargs: Any) -> None:
        """Set the given attributes only if they are not stored yet.

        Example::

            self._stored.set_default(count=0, peers=[])
        """
        data: StoredStateData = self.__dict__['_data']
        for key, value in kwargs.items():
            if key not in data:
                data[key] = _unwrap(value)


class StoredState:
    """Declares persistent state on an :class:`Object` subclass.

    Example::

        class MyCharm(ops.CharmBase):
            _stored = ops.StoredState()

            def __init__(self, framework):
                super().__init__(framework)
                self._stored.set_default(restarts=0)

    Values survive between hook invocations; they are saved when the framework commits,
    which happens only if the dispatch succeeds.
    """

    def __init__(self) -> None:
        self.parent_type: type[Any] | None = None
        self.attr_name: str | None = None

    @overload
    def __get__(self, parent: None, parent_type: type[Any]) -> StoredState: ...
    @overload
    def __get__(self, parent: Object, parent_type: type[Any]) -> BoundStoredState: ...
    def __get__(
        self, parent: Object | None, parent_type: type[Any]
    ) -> StoredState | BoundStoredState:
        if self.parent_type is not None and self.parent_type not in parent_type.__mro__:
            raise RuntimeError(
                f'StoredState shared by {self.parent_type.__name__} and {parent_type.__name__}'
            )
        if parent is None:
            return self
        if self.attr_name is None:
            self._find_name(parent_type)
        assert self.attr_name is not None
        bound = parent.__dict__.get(self.attr_name)
        if bound is None:
            bound = BoundStoredState(parent, self.attr_name)
            # Shadows this non-data descriptor on the instance from now on.
            parent.__dict__[self.attr_name] = bound
        return bound

    def _find_name(self, parent_type: type[Any]) -> None:
        for cls in parent_type.__mro__:
            names = [name for name, value in vars(cls).items() if value is self]
            if len(names) > 1:
                raise RuntimeError(
                    f'StoredState shared by {cls.__name__}.{names[0]} and {cls.__name__}.{names[1]}'
                )
            if names:
                self.attr_name = names[0]
                self.parent_type = cls
                return
        raise AttributeError(f'cannot find StoredState attribute in type {parent_type.__name__}')


def _wrap(data: StoredStateData, value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return StoredDict(data, value)
    if kind is list:
        return StoredList(data, value)
    if kind is set:
        return StoredSet(data, value)
    return value


def _unwrap(value: Any) -> Any:
    if isinstance(value, (StoredDict, StoredList, StoredSet)):
        return value._under
    return value


class StoredDict(MutableMapping[Any, Any]):
    """A dictionary in stored state: changes write through and mark the state to be saved.

    Args:
        stored_data: the stored-state data the dictionary belongs to.
        under: the underlying dictionary.
    """

    def __init__(self, stored_data: StoredStateData, under: dict[Any, Any]):
        self._stored_data = stored_data
        self._under = under

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._stored_data, self._under[key])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._under[key] = _unwrap(value)
        self._stored_data.dirty = True

    def __delitem__(self, key: Any) -> None:
        del self._under[key]
        self._stored_data.dirty = True

    def __iter__(self) -> Iterator[Any]:
        return iter(self._under)

    def __len__(self) -> int:
        return len(self._under)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredDict):
            return self._under == other._under
        if isinstance(other, Mapping):
            return self._under == other
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f'ops.framework.StoredDict({self._under!r})'
            if self._under
            else ('ops.framework.StoredDict()')
        )


class StoredList(MutableSequence[Any]):
    """A list in stored state: changes write through and mark the state to be saved.

    Args:
        stored_data: the stored-state data the list belongs to.
        under: the underlying list.
    """

    def __init__(self, stored_data: StoredStateData, under: list[Any]):
        self._stored_data = stored_data
        self._under = under

    def __getitem__(self, index: Any) -> Any:
        return _wrap(self._stored_data, self._under[index])

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            self._under[index] = [_unwrap(v) for v in value]
        else:
            self._under[index] = _unwrap(value)
        self._stored_data.dirty = True

    def __delitem__(self, index: Any) -> None:
        del self._under[index]
        self._stored_data.dirty = True

    def __len__(self) -> int:
        return len(self._under)

    def insert(self, index: int, value: Any) -> None:
        """Insert ``value`` before position ``index``."""
        self._under.insert(index, _unwrap(value))
        self._stored_data.dirty = True

    def append(self, value: Any) -> None:
        """Append ``value`` to the end of the list."""
        self._under.append(_unwrap(value))
        self._stored_data.dirty = True

    def __iter__(self) -> Iterator[Any]:
        for item in self._under:
            yield _wrap(self._stored_data, item)

    @staticmethod
    def _other(other: object) -> Any:
        if isinstance(other, StoredList):
            return other._under
        return other

    def __eq__(self, other: object) -> bool:
        other = self._other(other)
        if isinstance(other, list):
            return self._under == other
        if isinstance(other, MutableSequence):
            return self._under == list(other)
        return NotImplemented

    def __lt__(self, other: Any) -> bool:
        other = self._other(other)
        return self._under < other if isinstance(other, list) else NotImplemented

    def __le__(self, other: Any) -> bool:
        other = self._other(other)
        return self._under <= other if isinstance(other, list) else NotImplemented

    def __gt__(self, other: Any) -> bool:
        other = self._other(other)
        return self._under > other if isinstance(other, list) else NotImplemented

    def __ge__(self, other: Any) -> bool:
        other = self._other(other)
        return self._under >= other if isinstance(other, list) else NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f'ops.framework.StoredList({self._under!r})'
            if self._under
            else ('ops.framework.StoredList()')
        )


class StoredSet(MutableSet[Any]):
    """A set in stored state: changes write through and mark the state to be saved.

    Set operators (``|``, ``&``, ``-``, ``^``) return plain ``set`` objects.

    Args:
        stored_data: the stored-state data the set belongs to.
        under: the underlying set.
    """

    def __init__(self, stored_data: StoredStateData, under: set[Any]):
        self._stored_data = stored_data
        self._under = under

    def add(self, key: Any) -> None:
        """Add ``key`` to the set."""
        self._under.add(key)
        self._stored_data.dirty = True

    def discard(self, key: Any) -> None:
        """Remove ``key`` from the set if present."""
        self._under.discard(key)
        self._stored_data.dirty = True

    def __contains__(self, key: object) -> bool:
        return key in self._under

    def __iter__(self) -> Iterator[Any]:
        return iter(self._under)

    def __len__(self) -> int:
        return len(self._under)

    @classmethod
    def _from_iterable(cls, it: Iterable[_T]) -> set[_T]:
        return set(it)

    @staticmethod
    def _other(other: object) -> Any:
        return other._under if isinstance(other, StoredSet) else other

    def __eq__(self, other: object) -> bool:
        other = self._other(other)
        if isinstance(other, Set):
            return self._under == other
        return NotImplemented

    def __le__(self, other: Any) -> bool:
        other = self._other(other)
        if isinstance(other, Set):
            return self._under <= other
        return NotImplemented

    def __ge__(self, other: Any) -> bool:
        other = self._other(other)
        if isinstance(other, Set):
            return self._under >= other
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f'ops.framework.StoredSet({self._under!r})'
            if self._under
            else ('ops.framework.StoredSet()')
        )


StoredObject = StoredList | StoredSet | StoredDict
"""Any of the write-through wrappers returned when reading stored state."""


publish(__name__)
