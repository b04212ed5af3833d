"""Sending Python logging to Juju's debug log through the ``juju-log`` hook command.

Each record the handler forwards costs one ``juju-log`` process, so ``ops.main`` forwards
only records at or above the level Juju shows (see :func:`_juju_log_level`); records
below it cost no process at all.
"""

from __future__ import annotations

import logging
import sys
import types
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ._backend import Backend

LOG_LEVEL_ENV = 'OPS_JUJU_LOG_LEVEL'
"""Environment variable naming the lowest level forwarded to ``juju-log`` by ``ops.main``."""

_DEFAULT_JUJU_LOG_LEVEL = logging.INFO


class JujuLogHandler(logging.Handler):
    """A logging handler that writes each record to Juju's debug log (``juju-log``).

    Args:
        model_backend: the model backend whose ``juju_log(level, message)`` sends the line.
        level: the lowest level forwarded (default: everything from DEBUG).
    """

    def __init__(self, model_backend: Backend, level: int = logging.DEBUG):
        super().__init__(level)
        self.model_backend = model_backend
        self._sending = False

    def emit(self, record: logging.LogRecord) -> None:
        """Send the formatted record to ``juju-log`` at the record's level.

        A record logged while another is being sent (for example by the backend itself)
        is dropped rather than recursing.
        """
        if self._sending:
            return
        self._sending = True
        try:
            self.model_backend.juju_log(record.levelname, self.format(record))
        except Exception:
            self.handleError(record)
        finally:
            self._sending = False


def _juju_log_level(environ: Mapping[str, str], debug: bool) -> int:
    """The lowest level ``ops.main`` forwards to ``juju-log``.

    ``OPS_JUJU_LOG_LEVEL`` (a level name such as ``DEBUG`` or ``WARNING``, or a number)
    wins; otherwise DEBUG when ``JUJU_DEBUG`` is set (``juju debug-hooks``), else INFO,
    the level Juju's default ``logging-config`` (``<root>=INFO``) shows. Set
    ``OPS_JUJU_LOG_LEVEL=DEBUG`` (for example in the charm's ``dispatch`` script) when the
    model's ``logging-config`` shows the unit's DEBUG lines.
    """
    raw = environ.get(LOG_LEVEL_ENV, '').strip()
    if raw:
        if raw.isdigit():
            return int(raw)
        level = logging.getLevelName(raw.upper())
        if isinstance(level, int):
            return level
    return logging.DEBUG if debug else _DEFAULT_JUJU_LOG_LEVEL


def setup_root_logging(
    model_backend: Backend, debug: bool = False, exc_stderr: bool = False
) -> None:
    """Route Python logging, warnings and uncaught exceptions to Juju's debug log.

    Sets the root logger to DEBUG with a :class:`JujuLogHandler` forwarding every record;
    makes :mod:`warnings` log at WARNING; installs a ``sys.excepthook`` that logs an
    uncaught exception with its traceback (and records a ``sys_crash`` security event).

    Args:
        model_backend: the backend whose ``juju_log`` sends the lines.
        debug: also log everything to stderr (as under ``JUJU_DEBUG``).
        exc_stderr: also print a short note about an uncaught exception to stderr (used in
            actions, so the user running it sees why it failed).
    """
    _setup_logging(model_backend, debug=debug, exc_stderr=exc_stderr, level=logging.DEBUG)


def _setup_logging(
    model_backend: Backend,
    *,
    debug: bool,
    exc_stderr: bool,
    level: int,
    stderr: TextIO | None = None,
) -> JujuLogHandler:
    """:func:`setup_root_logging` with the ``juju-log`` threshold chosen by the caller."""
    handler = JujuLogHandler(model_backend, level=level)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    for existing in list(root.handlers):
        if isinstance(existing, JujuLogHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
    if debug:
        stream = logging.StreamHandler(stderr if stderr is not None else sys.stderr)
        stream.setFormatter(logging.Formatter('%(asctime)s %(levelname)-8s %(message)s'))
        root.addHandler(stream)

    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        logging.getLogger('py.warnings').warning(
            '%s:%s: %s: %s', filename, lineno, category.__name__, message
        )

    warnings.showwarning = showwarning

    def excepthook(
        etype: type[BaseException],
        value: BaseException,
        tb: types.TracebackType | None,
    ) -> None:
        logging.error('Uncaught exception while in charm code:', exc_info=(etype, value, tb))
        try:
            from ._security import log_security_event

            log_security_event(
                model_backend,
                'WARN',
                f'sys_crash:{etype.__name__}',
                f'Uncaught exception in charm code: {value!r}.',
            )
        except Exception:
            pass
        if exc_stderr:
            out = stderr if stderr is not None else sys.stderr
            print(f'Uncaught {etype.__name__} in charm code: {value}', file=out)
            print('Use `juju debug-log` to see the full traceback.', file=out)

    sys.excepthook = excepthook
    return handler
