"""Handles (persistent object paths) and the base ``Object`` every framework participant derives from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from .._exports import publish

if TYPE_CHECKING:
    from ..model import Model
    from ._framework import Framework


class Handle:
    """The persistent identity of an object taking part in the framework.

    A handle is a ``(parent, kind, key)`` triple. Its :attr:`path` (for example
    ``MyCharm/on/install[3]``) is the key under which the object's snapshot is saved, so
    handles must be stable across hook invocations.

    Args:
        parent: the parent handle, an :class:`Object` (whose handle is used), or ``None``
            for a top-level handle.
        kind: the kind of object, normally its class name or ``handle_kind``.
        key: distinguishes objects of the same kind under the same parent; may be ``None``.
    """

    __slots__ = ('_parent', '_kind', '_key', '_path', '__weakref__')

    def __init__(self, parent: Handle | Object | None, kind: str, key: str | None):
        if isinstance(parent, Object):
            parent = parent.handle
        self._parent: Handle | None = parent
        self._kind = kind
        self._key = key
        segment = f'{kind}[{key}]' if key else kind
        self._path: str = f'{parent._path}/{segment}' if parent is not None else segment

    def nest(self, kind: str, key: str | None) -> Handle:
        """Create a handle whose parent is this handle."""
        return Handle(self, kind, key)

    def __hash__(self) -> int:
        return hash(self._path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Handle):
            return NotImplemented
        return self._path == other._path

    def __str__(self) -> str:
        return self._path

    def __repr__(self) -> str:
        return f'Handle({self._path!r})'

    @property
    def parent(self) -> Handle | None:
        """The parent handle, or ``None`` for a top-level handle."""
        return self._parent

    @property
    def kind(self) -> str:
        """The kind of the object this handle identifies."""
        return self._kind

    @property
    def key(self) -> str | None:
        """The key distinguishing this handle from its siblings of the same kind."""
        return self._key

    @property
    def path(self) -> str:
        """The full path of the handle, such as ``MyCharm/on/install[3]``."""
        return self._path

    @classmethod
    def from_path(cls, path: str) -> Handle:
        """Rebuild a handle from its :attr:`path`.

        Raises:
            RuntimeError: if a path segment is neither ``kind`` nor ``kind[key]``.
        """
        handle: Handle | None = None
        for segment in path.split('/'):
            kind, bracket, rest = segment.partition('[')
            if bracket:
                if not rest.endswith(']') or '[' in rest:
                    raise RuntimeError(f'attempted to restore invalid handle path {path}')
                key: str | None = rest[:-1]
            else:
                key = None
            handle = Handle(handle, kind, key)
        if handle is None:  # pragma: no cover - str.split always yields one segment
            raise RuntimeError(f'attempted to restore invalid handle path {path}')
        return handle


class HandleKind:
    """Descriptor giving a class's ``handle_kind``: the name of the class it is read through.

    ``Object.handle_kind`` is one of these, so ``MyCharm.handle_kind == 'MyCharm'`` unless a
    class sets ``handle_kind`` to a plain string, which then applies to it and its subclasses.
    """

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> str: ...
    @overload
    def __get__(self, obj: object, owner: type[Any] | None = None) -> str: ...
    def __get__(self, obj: object | None, owner: type[Any] | None = None) -> str:
        if owner is None:
            owner = type(obj)
        return owner.__name__


class Object:
    """Base class of every object that takes part in the framework (charms, libraries, emitters).

    An object is attached to a parent (another :class:`Object` or the :class:`Framework`)
    and gets a :class:`Handle` built from its ``handle_kind`` and ``key``. No two live
    objects may share a handle path.

    Args:
        parent: the framework or the owning object.
        key: distinguishes several objects of the same kind under one parent.

    Raises:
        RuntimeError: if another live object already has the same handle path.
    """

    handle_kind: str = HandleKind()  # type: ignore[assignment]

    framework: Framework
    handle: Handle

    def __init__(self, parent: Framework | Object, key: str | None):
        kind = self.handle_kind
        if getattr(parent, '_is_ops_framework', False):
            self.framework = parent  # type: ignore[assignment]
            self.handle = Handle(None, kind, key)
        elif isinstance(parent, Object):
            self.framework = parent.framework
            self.handle = Handle(parent, kind, key)
        else:
            raise TypeError(
                f'{type(self).__name__} must be created with an ops.Object or the Framework as '
                f'parent, got {type(parent).__name__}'
            )
        self.framework._track(self)

    @property
    def model(self) -> Model:
        """The :class:`~ops.Model` this object's framework is attached to."""
        return self.framework.model


publish(__name__)
