"""Build typed objects (dataclasses, pydantic-style models, plain classes) from str-keyed data.

Shared by :meth:`Relation.load`/:meth:`Relation.save`, ``CharmBase.load_config`` and
``ActionEvent.load_params``. Pydantic is never imported: a class is treated as a
pydantic model when it has ``model_fields`` (v2) or ``__fields__`` (v1).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import dataclasses

__all__ = ['accepted_keys', 'dataclass_fields', 'dump_typed', 'load_typed']

_T = TypeVar('_T')


# Per dataclass: (its ``__dataclass_fields__`` when cached, its fields, its init field names).
# Keyed weakly so that classes made on the fly (in tests, say) are not kept alive.
_dataclass_cache: weakref.WeakKeyDictionary[
    type, tuple[object, tuple[dataclasses.Field[Any], ...], frozenset[str]]
] = weakref.WeakKeyDictionary()


def _dataclass_info(
    class_or_instance: object,
) -> tuple[object, tuple[dataclasses.Field[Any], ...], frozenset[str]] | None:
    marker = getattr(class_or_instance, '__dataclass_fields__', None)
    if marker is None:
        return None
    cls = class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance)
    cached = _dataclass_cache.get(cls)
    # A class decorated again gets a new __dataclass_fields__, which makes the entry stale.
    if cached is not None and cached[0] is marker:
        return cached
    import dataclasses

    if not dataclasses.is_dataclass(class_or_instance):
        return None
    fields = dataclasses.fields(class_or_instance)
    info = (marker, fields, frozenset(f.name for f in fields if f.init))
    with contextlib.suppress(TypeError):  # a class that cannot be weakly referenced
        _dataclass_cache[cls] = info
    return info


def dataclass_fields(class_or_instance: object) -> tuple[dataclasses.Field[Any], ...] | None:
    """The fields of a dataclass (or dataclass instance), or ``None`` for anything else.

    :mod:`dataclasses` is imported only when the object is a dataclass (and so it is
    already loaded): a hook that never meets one does not pay for importing it.
    """
    info = _dataclass_info(class_or_instance)
    return None if info is None else info[1]


def _pydantic_fields(cls: type[Any]) -> Mapping[str, Any] | None:
    fields = getattr(cls, 'model_fields', None)
    if isinstance(fields, Mapping):
        return fields
    fields = getattr(cls, '__fields__', None)
    if isinstance(fields, Mapping) and hasattr(cls, 'parse_obj'):
        return fields
    return None


def accepted_keys(cls: type[Any]) -> frozenset[str] | None:
    """The data keys ``cls`` takes as keyword arguments, or ``None`` for "every key".

    * dataclass: the names of its ``init`` fields;
    * pydantic-style model: each field's alias, or its name when it has none;
    * anything else: ``None`` (every key is passed to the constructor).
    """
    info = _dataclass_info(cls)
    if info is not None:
        return info[2]
    model_fields = _pydantic_fields(cls)
    if model_fields is not None:
        return frozenset(
            getattr(info, 'alias', None) or name for name, info in model_fields.items()
        )
    return None


def load_typed(
    cls: Callable[..., _T],
    data: Mapping[str, Any],
    *args: Any,
    decoder: Callable[[Any], Any] | None = None,
    key_transform: Callable[[str], str] | None = None,
    what: str = 'data',
    **kwargs: Any,
) -> _T:
    """Create ``cls(*args, **selected_data, **kwargs)``.

    Args:
        cls: The class (or factory) to call.
        data: The source mapping (relation data bag, config, action params).
        args: Extra positional arguments for ``cls``.
        decoder: Applied to each selected value (``json.loads`` for relation data);
            ``None`` passes values unchanged.
        key_transform: Applied to each key before matching (``load_config`` maps
            ``my-opt`` to ``my_opt``); ``None`` keeps keys as they are.
        what: Names the source in error messages (``'relation data'``, ``'config'``).
        kwargs: Extra keyword arguments; they override values from ``data``.

    Raises:
        ValueError: if ``decoder`` fails on a selected value; the message names the key.
        Whatever ``cls`` raises for invalid values (``TypeError``, pydantic's
        ``ValidationError``, ...).
    """
    accepted = accepted_keys(cls) if isinstance(cls, type) else None
    selected: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = key_transform(raw_key) if key_transform is not None else raw_key
        if accepted is not None and key not in accepted:
            continue
        if decoder is not None:
            try:
                value = decoder(value)
            except ValueError as exc:
                raise ValueError(
                    f'cannot decode {what} key {raw_key!r} for {_name_of(cls)}: {exc}; '
                    'store values with the matching encoder (json.dumps by default)'
                ) from exc
        selected[key] = value
    selected.update(kwargs)
    return cls(*args, **selected)


def dump_typed(obj: object, encoder: Callable[[Any], str] | None = None) -> dict[str, Any]:
    """The data of ``obj`` as a ``key -> value`` dict (the inverse of :func:`load_typed`).

    Dataclass fields by name; pydantic-style models through ``model_dump(mode='json',
    by_alias=True)`` (or ``dict(by_alias=True)`` in v1); other objects through their
    public instance attributes. ``encoder``, if given, is applied to every value.
    """
    items: Iterable[tuple[str, Any]]
    fields = None if isinstance(obj, type) else dataclass_fields(obj)
    if fields is not None:
        items = ((f.name, getattr(obj, f.name)) for f in fields)
    elif hasattr(obj, 'model_dump'):
        items = obj.model_dump(mode='json', by_alias=True).items()
    elif _pydantic_fields(type(obj)) is not None and hasattr(obj, 'dict'):
        items = obj.dict(by_alias=True).items()
    else:
        items = ((k, v) for k, v in vars(obj).items() if not k.startswith('_'))
    if encoder is None:
        return dict(items)
    return {key: encoder(value) for key, value in items}


def _name_of(cls: object) -> str:
    return getattr(cls, '__name__', None) or repr(cls)
