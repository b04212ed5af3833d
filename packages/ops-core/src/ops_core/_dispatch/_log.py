"""Sending Python logging to Juju's debug log through the ``juju-log`` hook command.

``ops.main`` forwards every record the charm logs, whatever its level, as ops 3.9 does:
Juju's ``logging-config`` decides what the operator sees. Only the framework's own
per-hook chatter (DEBUG records of the ``ops`` loggers, such as "Emitting Juju event
...") stays in the process unless asked for (see :func:`_juju_log_levels`), because each
forwarded record costs one ``juju-log`` process.
"""

from __future__ import annotations

import logging
import sys
import types
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from .._exports import publish

if TYPE_CHECKING:
    from .._model._backend import Backend

LOG_LEVEL_ENV = 'OPS_JUJU_LOG_LEVEL'
"""Environment variable naming the lowest level forwarded to ``juju-log`` by ``ops.main``."""

FRAMEWORK_LOGGER = 'ops'
"""The logger under which the framework's own records are logged (``ops.main``, ...)."""

_FRAMEWORK_CHATTER_LEVEL = logging.INFO


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


def _juju_log_levels(environ: Mapping[str, str], debug: bool) -> tuple[int, int]:
    """The lowest levels ``ops.main`` forwards to ``juju-log``: (every record, the framework's).

    By default every record of the charm is forwarded (DEBUG up, as in ops 3.9; Juju's
    ``logging-config`` filters what is shown), and the framework's own records (the
    ``ops`` loggers) from INFO up, or from DEBUG under ``JUJU_DEBUG`` (``juju
    debug-hooks``). ``OPS_JUJU_LOG_LEVEL`` (a level name such as ``DEBUG`` or ``WARNING``,
    or a number) sets both: ``DEBUG`` forwards everything ops 3.9 forwards, ``WARNING``
    keeps INFO and DEBUG records of the charm in the process too.
    """
    raw = environ.get(LOG_LEVEL_ENV, '').strip()
    if raw:
        if raw.isdigit():
            return int(raw), int(raw)
        level = logging.getLevelName(raw.upper())
        if isinstance(level, int):
            return level, level
    return logging.DEBUG, logging.DEBUG if debug else _FRAMEWORK_CHATTER_LEVEL


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
    framework_level: int = logging.NOTSET,
    stderr: TextIO | None = None,
) -> JujuLogHandler:
    """:func:`setup_root_logging` with the ``juju-log`` thresholds chosen by the caller.

    ``framework_level`` becomes the level of the ``ops`` logger unless the charm set one
    itself, so the framework's records below it are not even created.
    """
    handler = JujuLogHandler(model_backend, level=level)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    framework_logger = logging.getLogger(FRAMEWORK_LOGGER)
    if framework_level > logging.NOTSET and framework_logger.level == logging.NOTSET:
        framework_logger.setLevel(framework_level)
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
            from .._model._security import log_security_event

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


publish(__name__)
