"""Argument checks and shapes shared by the client's methods (and the in-memory client)."""

from __future__ import annotations

import os
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


def path_str(path: Any, what: str = 'path') -> str:
    """Return a path given as ``str`` or ``pathlib.PurePath`` (any ``os.PathLike``) as str.

    Checked before anything is sent, so a bad path never leaves a request half-written.

    Raises:
        TypeError: naming ``what`` and the offending type.
    """
    if isinstance(path, str):
        return path
    if isinstance(path, os.PathLike):
        value = os.fspath(path)
        if isinstance(value, str):
            return value
    raise TypeError(f'{what} must be a str or pathlib.PurePath, not {type(path).__name__}')


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

    Any int is sent as its octal digits, as ops 3.9 does: Pebble itself refuses values
    outside 0o000..0o777 (with a :class:`PathError`, which callers catch).

    Raises:
        ValueError: if ``permissions`` is not an int (as ops 3.9, whose formatting fails).
    """
    if permissions is None:
        return {}
    if not isinstance(permissions, int):
        raise ValueError(f'permissions must be an int such as 0o644, got {permissions!r}')
    return {'permissions': format(permissions, '03o')}


def raise_item_error(result: Any, path: str) -> None:
    """Raise the error a file operation's result list reports for ``path``, if any.

    Raises:
        PathError: with the kind and message Pebble gave for the path.
        ProtocolError: if the path is missing from the result.
    """
    if not isinstance(result, list | None):
        raise ProtocolError(f'the result for {path!r} is not a list')
    for item in result or []:
        if isinstance(item, dict) and item.get('path') == path:
            error = item.get('error')
            if error:
                if not isinstance(error, dict):
                    raise ProtocolError(f'the error for {path!r} is not an object')
                kind, message = error.get('kind'), error.get('message')
                raise PathError(str(kind or 'generic-file-error'), str(message or ''))
            return
    raise ProtocolError(f'path {path!r} is missing from the response')
