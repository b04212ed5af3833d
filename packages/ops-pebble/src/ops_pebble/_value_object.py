"""``ValueObject``: the base giving Pebble's info types a readable repr and value equality.

Not to be confused with ``ops_hookcmds``'s lazily built dataclasses: these classes keep
their own ``__init__`` and list the attributes that make up their value in ``_fields``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ValueObject:
    """Base of plain info types: ``repr``, ``==`` and ``hash`` built from the listed attributes."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        inner = ', '.join(f'{name}={getattr(self, name)!r}' for name in self._fields)
        return f'{type(self).__name__}({inner})'

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields)

    def __hash__(self) -> int:
        return hash(tuple(_hashable(getattr(self, n)) for n in self._fields))


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value
