"""Logging to Juju's debug log: ``juju-log``."""

from __future__ import annotations

from typing import Literal

from ._exports import publish
from ._runner import MAX_ARG_BYTES, run

LogLevel = Literal['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR']
"""The levels ``juju-log --log-level`` takes."""


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


publish(__name__)
