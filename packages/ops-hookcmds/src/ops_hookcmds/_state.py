"""Charm state stored by the controller: ``state-get``, ``state-set``, ``state-delete``."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ._exports import publish
from ._runner import expect_str, expect_str_dict, run, run_json


def state_get(key: str | None) -> dict[str, str] | str:
    """Read this unit's controller-side state (``state-get``).

    Args:
        key: one key to read, or None for the whole store.

    Returns:
        The whole store as a dict (empty when nothing is stored: Juju 4 prints ``null``
        then), or the value of ``key`` (``''`` when the key is not set: Juju prints
        nothing or ``null``).

    Raises:
        Error: the tool failed or printed something that is not a str or dict of str.
    """
    argv = ['state-get', '--format=json']
    if key is None:
        result = run_json(*argv, empty=None)
        return expect_str_dict(argv, {} if result is None else result, 'the state')
    argv.append(key)
    value = run_json(*argv, empty=None)
    return '' if value is None else expect_str(argv, value, f'the value of {key!r}')


def state_set(data: Mapping[str, str]) -> None:
    """Store keys in this unit's controller-side state (``state-set``).

    Applied by Juju only if the hook succeeds. The data goes as JSON on standard input,
    never on the command line.

    Raises:
        TypeError: a key or value is not a str.
        Error: the tool failed (e.g. the state would exceed the controller's quota).
    """
    for k, v in data.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(
                f'state keys and values must be str, got {type(k).__name__} key {k!r} '
                f'with a {type(v).__name__} value'
            )
    run('state-set', '--file', '-', input=json.dumps(dict(data)))


def state_delete(key: str) -> None:
    """Remove a key from this unit's controller-side state (``state-delete``).

    Raises:
        Error: the tool failed.
    """
    run('state-delete', key)


publish(__name__)
