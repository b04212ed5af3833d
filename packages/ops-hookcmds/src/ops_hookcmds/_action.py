"""Action commands: ``action-get``, ``action-set``, ``action-log``, ``action-fail``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._exports import publish
from ._runner import check_no_nul, run, run_json


def action_get(key: str | None = None) -> dict[str, Any] | Any:
    """Get the parameters the running action was invoked with (``action-get``).

    Args:
        key: a single parameter to fetch; dotted keys (``'a.b'``) reach into nested
            parameters. None fetches them all.

    Returns:
        All parameters as a dict, or the value of ``key`` (any JSON type; None if unset).

    Raises:
        Error: not running an action, or the tool failed.
    """
    argv = ['action-get', '--format=json']
    if key is not None:
        argv.append(key)
    return run_json(*argv)


def _flatten(results: Mapping[str, Any], prefix: str = '') -> Iterator[tuple[str, Any]]:
    for key, value in results.items():
        if not isinstance(key, str):
            raise TypeError(f'action result keys must be str, got {type(key).__name__}: {key!r}')
        dotted = f'{prefix}{key}'
        if isinstance(value, Mapping):
            yield from _flatten(value, dotted + '.')
        else:
            yield dotted, value


def action_set(results: Mapping[str, Any]) -> None:
    """Record results for the running action (``action-set``).

    Nested mappings are flattened into dotted keys (``{'a': {'b': 1}}`` becomes ``a.b=1``)
    and each value is sent as ``str(value)``. Values travel on the command line, so keep the
    total under about 100 KB. If the tool fails, the values are replaced by ``<redacted>``
    in ``Error.cmd`` because results can be sensitive.

    Raises:
        TypeError: a key is not a str.
        ValueError: two keys flatten to the same dotted key.
        Error: not running an action, Juju rejected a key (e.g. the reserved ``stdout``),
            or the tool failed.
    """
    args: list[str] = []
    shown: list[str] = []
    seen: set[str] = set()
    for key, value in _flatten(results):
        if key in seen:
            raise ValueError(f'duplicate key {key!r} in the results passed to action_set')
        seen.add(key)
        text = str(value)
        check_no_nul('action-set', 'an action result key', key)
        check_no_nul('action-set', f'the action result {key!r}', text)
        args.append(f'{key}={text}')
        shown.append(f'{key}=<redacted>')
    run('action-set', *args, display_argv=['action-set', *shown])


def action_log(message: str) -> None:
    """Send a progress message to the user running the action (``action-log``).

    Raises:
        Error: not running an action, or the tool failed.
    """
    check_no_nul('action-log', 'the action log message', message)
    run('action-log', '--', message)


def action_fail(message: str | None = None) -> None:
    """Mark the running action as failed (``action-fail``).

    The handler keeps running; if called several times, Juju keeps the last message.

    Args:
        message: why the action failed. None lets Juju use its default text.

    Raises:
        Error: not running an action, or the tool failed.
    """
    if message is None:
        run('action-fail')
    else:
        check_no_nul('action-fail', 'the action failure message', message)
        run('action-fail', '--', message)


publish(__name__)
