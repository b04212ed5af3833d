"""Helpers shared by the State component modules: name rules, id counters, databag checks."""

from __future__ import annotations

import copy
import itertools
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..errors import StateValidationError

#: The unit databag Juju fills in for every unit, used as the default of every unit databag.
DEFAULT_JUJU_DATABAG: Final[Mapping[str, str]] = {
    'egress-subnets': '192.0.2.0',
    'ingress-address': '192.0.2.0',
    'private-address': '192.0.2.0',
}

_NAME_RULES: Final[dict[str, tuple[re.Pattern[str], str]]] = {
    'relation endpoint': (
        re.compile(r'^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$'),
        'lowercase letters and digits, separated by single hyphens or underscores, '
        'starting with a letter',
    ),
    'storage': (
        re.compile(r'^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$'),
        'lowercase letters and digits separated by single hyphens, starting with a letter, '
        'with no segment made only of digits',
    ),
    'action': (
        re.compile(r'^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$'),
        'lowercase letters, digits and hyphens, starting and ending with a letter or digit',
    ),
    'container': (
        re.compile(r'^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$'),
        'lowercase letters, digits and hyphens, starting and ending with a letter or digit, '
        'at most 63 characters',
    ),
}


def check_name(kind: str, name: object) -> None:
    """Raise StateValidationError unless ``name`` follows Juju's naming rule for ``kind``."""
    pattern, rule = _NAME_RULES[kind]
    ok = isinstance(name, str) and pattern.match(name) is not None
    if ok and kind == 'container' and len(name) > 63:  # type: ignore[arg-type]
        ok = False
    if not ok:
        raise StateValidationError(
            f'invalid {kind} name {name!r}: Juju requires {kind} names to consist of {rule}.'
        )


class _Counter:
    """A process-global counter (ids that Scenario users rely on being unique per process)."""

    def __init__(self, start: int) -> None:
        self._it = itertools.count(start)

    def next(self) -> int:
        return next(self._it)


relation_ids: Final = _Counter(1)
storage_indices: Final = _Counter(0)
notice_ids: Final = _Counter(1)
change_ids: Final = _Counter(1)
action_ids: Final = _Counter(1)

_ID_ALPHABET: Final = string.ascii_lowercase + string.digits
_MODEL_NAME_ALPHABET: Final = string.ascii_letters + string.digits


def random_secret_id() -> str:
    """A new ``secret:<20 chars>`` identifier, in the form Juju uses."""
    import random  # on first use only: not needed to import ops.testing

    return 'secret:' + ''.join(random.choices(_ID_ALPHABET, k=20))


def random_model_name() -> str:
    """A random 20-character model name."""
    import random  # on first use only: not needed to import ops.testing

    return ''.join(random.choices(_MODEL_NAME_ALPHABET, k=20))


def check_databag(bag: object) -> None:
    """Raise StateValidationError unless ``bag`` is a dict of str to str."""
    if not isinstance(bag, dict):
        raise StateValidationError(f'all databags should be dicts, not {type(bag)}')
    for key, value in bag.items():
        if not isinstance(key, str):
            raise StateValidationError(
                f'all databags should be Dict[str,str]; found a key of type {type(key)}'
            )
        if not isinstance(value, str):
            raise StateValidationError(
                f'all databags should be Dict[str,str]; found a value of type {type(value)} '
                f'for key {key!r}'
            )


def copy_dict(value: Mapping[Any, Any]) -> dict[Any, Any]:
    """A deep copy of ``value`` as a plain dict (inner mutable values are not shared)."""
    return copy.deepcopy(dict(value))


def string_list(name: str, value: Iterable[str]) -> list[str]:
    """``value`` as a list of strings, rejecting a bare str/bytes (a common mistake)."""
    if isinstance(value, (str, bytes)):
        raise StateValidationError(
            f'{name} must be an iterable of strings, not a single string; '
            f'did you mean [{value!r}]?'
        )
    return list(value)


def _describe(value: object) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + '...'
        return f'the str {shown!r}'
    return f'a {type(value).__module__}.{type(value).__qualname__}'


def _kind_names(kinds: type | tuple[type, ...]) -> str:
    return ' or '.join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))


def members_of(
    field: str,
    values: Iterable[Any] | None,
    kinds: type | tuple[type, ...],
    *,
    check_items: bool = True,
) -> list[Any]:
    """The items of the collection ``values`` given for ``field``, each checked to be ``kinds``.

    Args:
        field: the field's name as the user knows it, for messages (``'State.relations'``).
        values: what was given.
        kinds: the type (or types) every item must have.
        check_items: ``False`` to check only that ``values`` is a collection, leaving the
            items to :func:`check_members` when a run starts (ops-scenario accepts any items
            when a component is built, and its own tests build components that way).

    Raises:
        StateValidationError: ``values`` is a single string, or an item is of another type
            (naming the field, the item's position and its type).
    """
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise StateValidationError(
            f'{field} must be a collection of {_kind_names(kinds)} objects, '
            f'not {_describe(values)}'
        )
    items = list(values)
    if check_items:
        check_members(field, items, kinds, given=values)
    return items


def check_members(
    field: str,
    items: Iterable[Any],
    kinds: type | tuple[type, ...],
    *,
    given: object = None,
) -> None:
    """Check that every item of ``field`` is one of ``kinds``.

    Raises:
        StateValidationError: naming the field, the item's position and its type.
    """
    names = _kind_names(kinds)
    for index, item in enumerate(items):
        if not isinstance(item, kinds):
            hint = (
                ' (a dict gives its keys when iterated: pass the objects themselves)'
                if isinstance(given, Mapping)
                else ''
            )
            raise StateValidationError(
                f'{field} must hold {names} objects; item {index} is {_describe(item)}{hint}'
            )


def values_of(
    field: str,
    mapping: Mapping[Any, Any] | None,
    kinds: type | tuple[type, ...],
    *,
    check_items: bool = True,
) -> dict[Any, Any]:
    """``mapping`` (given for ``field``) as a dict whose values are checked to be ``kinds``.

    ``check_items=False`` checks only that it is a mapping (see :func:`members_of`); the
    values are then checked by :func:`check_values` when a run starts.

    Raises:
        StateValidationError: ``mapping`` is not a mapping, or a value is of another type.
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise StateValidationError(
            f'{field} must be a mapping of names to {_kind_names(kinds)} objects, '
            f'not {_describe(mapping)}'
        )
    if check_items:
        check_values(field, mapping, kinds)
    return dict(mapping)


def check_values(field: str, mapping: Mapping[Any, Any], kinds: type | tuple[type, ...]) -> None:
    """Check that every value of the mapping ``field`` is one of ``kinds``.

    Raises:
        StateValidationError: naming the field, the key and the value's type.
    """
    for key, value in mapping.items():
        if not isinstance(value, kinds):
            raise StateValidationError(
                f'{field}[{key!r}] must be a {_kind_names(kinds)}, not {_describe(value)}'
            )


def set_field(obj: object, name: str, value: object) -> None:
    """Set a field of a frozen dataclass during ``__post_init__`` normalisation."""
    object.__setattr__(obj, name, value)
