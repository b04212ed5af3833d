"""Argument checks and shapes shared by the client's methods (and the in-memory client)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._errors import PathError, ProtocolError


def names(value: Any, what: str) -> list[str]:
    """Check ``value`` is an iterable of str (but not a str itself) and return it as a list.

    Raises:
        TypeError: naming ``what`` and the offending type or item.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f'{what} must be a list of str, not {type(value).__name__}')
    names: list[Any] = list(value)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(
                f'{what} must be a list of str; item {name!r} is {type(name).__name__}'
            )
    return names


def owner_fields(
    user_id: int | None, user: str | None, group_id: int | None, group: str | None
) -> dict[str, Any]:
    """Return the ownership keys (``user-id``, ``user``, ``group-id``, ``group``) that were given."""
    fields: dict[str, Any] = {}
    if user_id is not None:
        fields['user-id'] = user_id
    if user is not None:
        fields['user'] = user
    if group_id is not None:
        fields['group-id'] = group_id
    if group is not None:
        fields['group'] = group
    return fields


def permissions(permissions: int | None) -> dict[str, str]:
    """Return ``{'permissions': '644'}``-style wire form, or ``{}`` when not given.

    Raises:
        ValueError: if ``permissions`` is not an int from 0o000 to 0o777.
    """
    if permissions is None:
        return {}
    if not isinstance(permissions, int) or not 0 <= permissions <= 0o777:
        raise ValueError(f'permissions must be an int from 0o000 to 0o777, got {permissions!r}')
    return {'permissions': format(permissions, '03o')}


def raise_item_error(result: Any, path: str) -> None:
    """Raise the error a file operation's result list reports for ``path``, if any.

    Raises:
        PathError: with the kind and message Pebble gave for the path.
        ProtocolError: if the path is missing from the result.
    """
    for item in result or []:
        if item.get('path') == path:
            error = item.get('error')
            if error:
                raise PathError(error.get('kind', 'generic-file-error'), error.get('message', ''))
            return
    raise ProtocolError(f'path {path!r} is missing from the response')
