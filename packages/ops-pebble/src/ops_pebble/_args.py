"""Argument checks and shapes shared by the client's methods (and the in-memory client)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._errors import PathError, ProtocolError


def names(value: Any, what: str) -> list[str]:
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
    if permissions is None:
        return {}
    if not isinstance(permissions, int) or not 0 <= permissions <= 0o777:
        raise ValueError(f'permissions must be an int from 0o000 to 0o777, got {permissions!r}')
    return {'permissions': format(permissions, '03o')}


def raise_item_error(result: Any, path: str) -> None:
    for item in result or []:
        if item.get('path') == path:
            error = item.get('error')
            if error:
                raise PathError(error.get('kind', 'generic-file-error'), error.get('message', ''))
            return
    raise ProtocolError(f'path {path!r} is missing from the response')
