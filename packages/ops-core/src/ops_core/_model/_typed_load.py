"""Build typed objects (dataclasses, pydantic-style models, plain classes) from str-keyed data.

Shared by :meth:`Relation.load`/:meth:`Relation.save`, ``CharmBase.load_config`` and
``ActionEvent.load_params``. Pydantic is never imported: a class is treated as a
pydantic model when it has ``model_fields`` (v2) or ``__fields__`` (v1).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import dataclasses

__all__ = ['dataclass_fields', 'dump_typed', 'field_names', 'load_typed']

_T = TypeVar('_T')


# Per dataclass: its ``__dataclass_fields__`` (to notice a class decorated again), its fields,
# and its data keys: {key: init argument} by field name, and by alias (Relation.load).
# Keyed weakly so that classes made on the fly (in tests, say) are not kept alive.
_DataclassInfo = tuple[
    object, tuple['dataclasses.Field[Any]', ...], dict[str, str], dict[str, str]
]
_dataclass_cache: weakref.WeakKeyDictionary[type, _DataclassInfo] = weakref.WeakKeyDictionary()


def _dataclass_info(class_or_instance: object) -> _DataclassInfo | None:
    marker = getattr(class_or_instance, '__dataclass_fields__', None)
    if marker is None:
        return None
    cls = class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance)
    cached = _dataclass_cache.get(cls)
    if cached is not None and cached[0] is marker:
        return cached
    import dataclasses

    if not dataclasses.is_dataclass(class_or_instance):
        return None
    fields = dataclasses.fields(class_or_instance)
    by_name = {f.name: f.name for f in fields if f.init}
    # A pydantic dataclass resolves aliases itself, so it is given the alias as the argument
    # name. Every pydantic 2 dataclass has __pydantic_validator__ in its own __dict__ (a plain
    # dataclass subclassing one does not), and pydantic itself is never imported here.
    pydantic_dataclass = '__pydantic_validator__' in vars(cls)
    by_alias: dict[str, str] = {}
    for f in fields:
        if f.init:
            alias = f.metadata.get('alias', f.name)
            by_alias[alias] = alias if pydantic_dataclass else f.name
    info: _DataclassInfo = (marker, fields, by_name, by_alias)
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


def field_names(cls: type[Any], *, aliases: bool = True) -> dict[str, str] | None:
    """The data keys ``cls`` takes, each mapped to its keyword argument; ``None`` for "all keys".

    * dataclass: its ``init`` fields, keyed by ``field(metadata={'alias': ...})`` when
      ``aliases`` (else by name);
    * pydantic-style model: each field's alias, or its name when it has none (pydantic
      resolves the alias itself);
    * anything else: ``None`` (every key is passed to the constructor unchanged).
    """
    info = _dataclass_info(cls)
    if info is not None:
        return info[3] if aliases else info[2]
    model_fields = _pydantic_fields(cls)
    if model_fields is not None:
        keys = [getattr(info, 'alias', None) or name for name, info in model_fields.items()]
        return {key: key for key in keys}
    return None


def load_typed(
    cls: Callable[..., _T],
    data: Mapping[str, Any],
    *args: Any,
    decoder: Callable[[Any], Any] | None = None,
    key_transform: Callable[[str], str] | None = None,
    what: str = 'data',
    aliases: bool = True,
    **kwargs: Any,
) -> _T:
    """Create ``cls(*args, **kwargs)`` with the selected values of ``data`` added to ``kwargs``.

    As in ops 3.9, a value from ``data`` wins over a keyword argument of the same name, so
    keyword arguments act as defaults for keys the data does not have.

    Args:
        cls: The class (or factory) to call.
        data: The source mapping (relation data bag, config, action params).
        args: Extra positional arguments for ``cls``.
        decoder: Applied to each selected value (``json.loads`` for relation data);
            ``None`` passes values unchanged.
        key_transform: Applied to each key before matching (``load_config`` maps
            ``my-opt`` to ``my_opt``); ``None`` keeps keys as they are.
        what: Names the source in error messages (``'relation data'``, ``'config'``).
        aliases: Match dataclass fields by their ``alias`` metadata rather than their name
            (see :func:`field_names`).
        kwargs: Extra keyword arguments (values from ``data`` take their place).

    Raises:
        ValueError: if ``decoder`` fails on a selected value; the message names the key.
        Whatever ``cls`` raises for invalid values (``TypeError``, pydantic's
        ``ValidationError``, ...).
    """
    names = field_names(cls, aliases=aliases) if isinstance(cls, type) else None
    selected: dict[str, Any] = dict(kwargs)
    for raw_key, value in data.items():
        key = key_transform(raw_key) if key_transform is not None else raw_key
        if names is not None:
            argument = names.get(key)
            if argument is None:
                continue
            key = argument
        if decoder is not None:
            try:
                value = decoder(value)
            except RecursionError:
                raise ValueError(
                    f'cannot decode {what} key {raw_key!r} for {_name_of(cls)}: it is nested '
                    'too deeply'
                ) from None
            except ValueError as exc:
                raise ValueError(
                    f'cannot decode {what} key {raw_key!r} for {_name_of(cls)}: {exc}; '
                    'store values with the matching encoder (json.dumps by default)'
                ) from exc
        selected[key] = value
    return cls(*args, **selected)


def dump_typed(obj: object, encoder: Callable[[Any], str] | None = None) -> dict[str, Any]:
    """The data of ``obj`` as a ``key -> value`` dict (the inverse of :func:`load_typed`).

    What :meth:`Relation.save` writes, as ops 3.9 does:

    * dataclass: every field, keyed by its ``alias`` metadata (else its name), with the
      values of :func:`dataclasses.asdict` (nested dataclasses become dicts);
    * pydantic-style model: ``model_dump(mode='json', by_alias=True)`` (``dict(by_alias=True)``
      in v1), each field keyed by its alias or name; a field the dump leaves out (pydantic's
      ``MISSING``) gets ``''``, which erases the key from a data bag;
    * any other object: its annotated attributes (across its class's bases), an
      annotated attribute it does not have getting ``''``; an object whose class has no
      annotations at all gives its public instance attributes instead.

    ``encoder``, if given, is applied to every value except those ``''`` markers. Keys
    come out sorted by attribute name.
    """
    values: Mapping[str, Any]
    keys: dict[str, str]  # attribute name -> data key
    info = None if isinstance(obj, type) else _dataclass_info(obj)
    if info is not None:
        keys = {f.name: f.metadata.get('alias', f.name) for f in info[1]}
        values = _dataclass_values(obj, info[1])
    elif _pydantic_fields(type(obj)) is not None:
        names = field_names(type(obj)) or {}
        keys = {key: key for key in names}
        if hasattr(obj, 'model_dump'):
            values = obj.model_dump(mode='json', by_alias=True)
        else:
            values = obj.dict(by_alias=True)  # type: ignore[attr-defined]
    else:
        annotated = _annotated_names(type(obj))
        if annotated:
            keys = {name: name for name in annotated}
            values = {name: getattr(obj, name) for name in annotated if hasattr(obj, name)}
        else:
            values = {k: v for k, v in vars(obj).items() if not k.startswith('_')}
            keys = {k: k for k in values}
    out: dict[str, Any] = {}
    for attribute, key in sorted(keys.items()):
        if attribute not in values:
            out[key] = ''
        elif encoder is None:
            out[key] = values[attribute]
        else:
            out[key] = encoder(values[attribute])
    return out


# Values that dataclasses.asdict() passes through unchanged (deepcopy returns them as they are).
_ATOMIC = frozenset({str, int, float, bool, type(None)})


def _dataclass_values(obj: object, fields: tuple[dataclasses.Field[Any], ...]) -> dict[str, Any]:
    """``dataclasses.asdict(obj)``, without its recursive copying when every value is a scalar.

    The usual relation-data dataclass holds only strings and numbers, which ``asdict`` would
    deep-copy one by one to get the same objects back.
    """
    values = {f.name: getattr(obj, f.name) for f in fields}
    if all(type(value) in _ATOMIC for value in values.values()):
        return values
    import dataclasses

    return dataclasses.asdict(obj)  # type: ignore[call-overload,no-any-return]


def _annotated_names(cls: type[Any]) -> list[str]:
    """Every name annotated in ``cls`` or its bases (what ``get_type_hints`` would list)."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        names.update(dict.fromkeys(vars(klass).get('__annotations__', {})))
    return list(names)


def _name_of(cls: object) -> str:
    return getattr(cls, '__name__', None) or repr(cls)
