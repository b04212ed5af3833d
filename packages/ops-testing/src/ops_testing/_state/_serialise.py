"""Plain-data (JSON/YAML) form of ``State`` and its components.

Beyond ops 3.9: every State component has ``to_dict()`` and ``from_dict(data)``, so a state
can be written to a file and read back equal::

    data = state.to_dict()                  # only dicts, lists, str, int, float, bool, None
    pathlib.Path('state.json').write_text(json.dumps(data))
    assert State.from_dict(json.loads(pathlib.Path('state.json').read_text())) == state

The format: a component is a dict of its constructor fields plus ``'$type'`` (the class
name); values that JSON has no type for are tagged dicts: ``{'$enum': 'CheckStatus',
'value': 'up'}``, ``{'$datetime': '<ISO 8601>'}``, ``{'$timedelta': [days, seconds,
microseconds]}``, ``{'$path': '...'}``, ``{'$layer': {...}}``, and a dict with non-string keys
(``remote_units_data``) or a key starting with ``$`` ``{'$items': [[key, value], ...]}``. Sets become lists.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import pathlib
from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ['DictMixin', 'from_plain', 'to_plain']

_T = TypeVar('_T', bound='DictMixin')

# The modules whose dataclasses a dict's "$type" may name (imported on first use: they import
# this module).
_COMPONENT_MODULES = (
    '_containers',
    '_framework',
    '_log',
    '_model',
    '_network',
    '_ports',
    '_relations',
    '_resources',
    '_secrets',
    '_state',
    '_storage',
)


class DictMixin:
    """Adds ``to_dict`` / ``from_dict`` (plain JSON-compatible data) to a State component."""

    def to_dict(self) -> dict[str, Any]:
        """This object as plain data (dicts, lists, str, int, float, bool, None).

        The result can be written as JSON or YAML; :meth:`from_dict` reads it back into an
        equal object.
        """
        out = to_plain(self)
        assert isinstance(out, dict)
        return out

    @classmethod
    def from_dict(cls: type[_T], data: Mapping[str, Any]) -> _T:
        """Rebuild an object from the output of :meth:`to_dict`.

        Raises:
            ValueError: ``data`` does not describe an object of this class.
        """
        tagged = dict(data)
        tagged.setdefault('$type', cls.__name__)
        obj = from_plain(tagged)
        if not isinstance(obj, cls):
            raise ValueError(
                f'{cls.__name__}.from_dict: the data describes a {type(obj).__name__}, '
                f'not a {cls.__name__}'
            )
        return obj


def _registry() -> dict[str, type[Any]]:
    import dataclasses  # on first use only: it imports inspect

    classes: dict[str, type[Any]] = {}
    for module_name in _COMPONENT_MODULES:
        module = importlib.import_module(f'.{module_name}', __package__)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj):
                classes[name] = obj
    return classes


def _enums() -> dict[str, type[enum.Enum]]:
    import ops_pebble as pebble
    from ops_core.model import SecretRotate

    found: dict[str, type[enum.Enum]] = {'SecretRotate': SecretRotate}
    for name in (
        'CheckLevel',
        'CheckStartup',
        'CheckStatus',
        'NoticeType',
        'ServiceStartup',
        'ServiceStatus',
    ):
        found[name] = getattr(pebble, name)
    return found


def to_plain(value: Any) -> Any:
    """Encode ``value`` (a State component or anything inside one) as plain data."""
    from ._status import _EntityStatus

    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, enum.Enum):
        return {'$enum': type(value).__name__, 'value': value.value}
    if isinstance(value, _EntityStatus):
        return {'$status': value.name, 'message': value.message}
    import dataclasses  # on first use only: it imports inspect

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {'$type': type(value).__name__}
        for field in dataclasses.fields(value):
            if field.init:
                out[field.name] = to_plain(getattr(value, field.name))
        return out
    if isinstance(value, str):  # a str subclass such as pebble.ChangeID
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.datetime):
        return {'$datetime': value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {'$timedelta': [value.days, value.seconds, value.microseconds]}
    if isinstance(value, pathlib.PurePath):
        return {'$path': str(value)}
    if hasattr(value, 'to_dict') and type(value).__name__ == 'Layer':
        return {'$layer': to_plain(value.to_dict())}
    if isinstance(value, Mapping):
        # A key that starts with '$' would read back as a tag, so such a mapping (like
        # one with non-string keys) is written as a list of pairs.
        if all(isinstance(k, str) and not k.startswith('$') for k in value):
            return {k: to_plain(v) for k, v in value.items()}
        return {'$items': [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    if isinstance(value, (frozenset, set)):
        items = [to_plain(v) for v in value]
        try:
            return sorted(items, key=repr)
        except TypeError:
            return items
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    raise TypeError(f'cannot serialise {type(value).__name__} value {value!r} to plain data')


def from_plain(value: Any) -> Any:
    """Decode plain data produced by :func:`to_plain`.

    Raises:
        ValueError: a ``$type`` or ``$enum`` tag names an unknown class.
    """
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if '$type' in value:
        classes = _registry()
        cls = classes.get(value['$type'])
        if cls is None:
            raise ValueError(f'unknown State component type {value["$type"]!r} in data')
        kwargs = {k: from_plain(v) for k, v in value.items() if k != '$type'}
        return cls(**kwargs)
    if '$status' in value:
        from ._status import _EntityStatus

        return _EntityStatus.from_status_name(value['$status'], value.get('message', ''))
    if '$enum' in value:
        enum_cls = _enums().get(value['$enum'])
        if enum_cls is None:
            raise ValueError(f'unknown enum type {value["$enum"]!r} in data')
        return enum_cls(value['value'])
    if '$datetime' in value:
        return datetime.datetime.fromisoformat(value['$datetime'])
    if '$timedelta' in value:
        days, seconds, micro = value['$timedelta']
        return datetime.timedelta(days=days, seconds=seconds, microseconds=micro)
    if '$path' in value:
        return pathlib.Path(value['$path'])
    if '$layer' in value:
        import ops_pebble as pebble

        return pebble.Layer(from_plain(value['$layer']))
    if '$items' in value:
        return {_hashable(from_plain(k)): from_plain(v) for k, v in value['$items']}
    return {k: from_plain(v) for k, v in value.items()}


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
