"""Commands about this unit: config, leadership, logging, reboot, resources, version."""

from __future__ import annotations

import pathlib

from ._exports import publish
from ._runner import (
    MAX_ARG_BYTES,
    bad_output,
    check_no_nul,
    expect_dict,
    json_kind,
    run,
    run_json,
)
from ._types import LogLevel

ConfigValue = bool | int | float | str


def config_get(key: str | None = None) -> dict[str, ConfigValue] | ConfigValue:
    """The charm's configuration (``config-get``).

    Args:
        key: one option to read; None reads every option that is set or has a default.

    Returns:
        All options as a dict, or the value of ``key`` (None if unknown or unset).

    Raises:
        Error: the tool failed or printed something that is not JSON.
    """
    argv = ['config-get', '--format=json']
    if key is not None:
        argv.append(key)
        value: ConfigValue = run_json(*argv)
        return value
    return expect_dict(argv, run_json(*argv), 'the config')


def is_leader() -> bool:
    """Whether this unit is the application's leader (``is-leader``).

    Raises:
        Error: the tool failed or did not print a JSON boolean.
    """
    argv = ['is-leader', '--format=json']
    result = run_json(*argv)
    if not isinstance(result, bool):
        bad_output(argv, f'expected true or false, got {json_kind(result)}')
    return result


def _chunks(message: str) -> list[str]:
    """Split ``message`` into pieces whose UTF-8 form fits in one argv string."""
    if len(message.encode('utf-8')) <= MAX_ARG_BYTES:
        return [message]
    pieces: list[str] = []
    start = 0
    while start < len(message):
        end = min(len(message), start + MAX_ARG_BYTES)
        while len(message[start:end].encode('utf-8')) > MAX_ARG_BYTES:
            end -= max(1, (len(message[start:end].encode('utf-8')) - MAX_ARG_BYTES) // 4)
        pieces.append(message[start:end])
        start = end
    return pieces


def juju_log(message: str, *, level: LogLevel = 'INFO') -> None:
    """Write a message to the Juju debug log (``juju-log``).

    A message too long for one command-line argument (more than 131071 bytes of UTF-8) is
    sent as several consecutive ``juju-log`` calls rather than failing.

    Args:
        message: the text to log.
        level: ``TRACE``, ``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR``.

    Raises:
        Error: the tool failed.
    """
    # A log line is never refused: a NUL (which no argument can carry) is shown escaped.
    for piece in _chunks(message.replace('\x00', '\\x00')):
        run('juju-log', '--log-level', level, '--', piece)


def juju_reboot(*, now: bool = False) -> None:
    """Reboot the machine this unit runs on (``juju-reboot``).

    Args:
        now: reboot immediately (Juju kills the hook) instead of after the hook succeeds.

    Raises:
        Error: the tool failed (e.g. it is not allowed while running an action).
    """
    if now:
        run('juju-reboot', '--now')
    else:
        run('juju-reboot')


def resource_get(name: str) -> pathlib.Path:
    """Fetch a resource declared in metadata and return its local path (``resource-get``).

    Raises:
        Error: the resource could not be downloaded, or the tool failed or printed no path.
    """
    out = run('resource-get', name).rstrip('\n')
    if not out:
        bad_output(['resource-get', name], 'it printed no path')
    return pathlib.Path(out)


def app_version_set(version: str) -> None:
    """Set the workload version shown in ``juju status`` (``application-version-set``).

    Raises:
        Error: the tool failed.
    """
    check_no_nul('application-version-set', 'the workload version', version)
    run('application-version-set', '--', version)


publish(__name__)
