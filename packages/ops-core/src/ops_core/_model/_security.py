"""Security-event log lines (OWASP logging vocabulary), written through ``juju-log``."""

from __future__ import annotations

import datetime
import json
import logging
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ['SecurityLevel', 'log_security_event']

SecurityLevel = Literal['INFO', 'WARN', 'CRITICAL']

_logger = logging.getLogger('ops')


def log_security_event(
    backend: Backend | None, level: SecurityLevel, event: str, description: str
) -> None:
    """Record a security event as one JSON line at level ``TRACE``.

    Args:
        backend: Where to send it (``juju-log``); with ``None`` the line goes to Python
            logging at DEBUG with ``appid`` ``'charm'``.
        level: ``'INFO'``, ``'WARN'`` or ``'CRITICAL'``.
        event: ``'<type>:<data>'``, e.g. ``'authz_fail:secret-get'``.
        description: Free text. Must never contain secret content.

    Failures to log are swallowed: reporting a security event must not hide the error
    that caused it.
    """
    appid = 'charm' if backend is None else f'{backend.model_uuid}-{backend.unit_name}'
    line = json.dumps(
        {
            'datetime': datetime.datetime.now(datetime.timezone.utc).isoformat(),
            'level': level,
            'type': 'security',
            'appid': appid,
            'event': event,
            'description': description,
        }
    )
    if backend is None:
        _logger.debug(line)
        return
    try:
        backend.juju_log('TRACE', line)
    except Exception:  # see docstring
        _logger.debug('could not record security event %s', event)
