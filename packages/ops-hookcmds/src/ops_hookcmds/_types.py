"""Literal types shared by several commands, and the RFC 3339 timestamp parser."""

from __future__ import annotations

import datetime
from typing import Literal, Union

from ._exports import publish

SettableStatusName = Literal['active', 'blocked', 'maintenance', 'waiting']
"""A status a charm may set with ``status-set``."""

StatusName = Union[SettableStatusName, Literal['error', 'unknown']]  # noqa: UP007
"""Any status ``status-get`` can report: the settable ones, plus ``error`` and ``unknown``."""

SecretRotate = Literal['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly']
"""How often Juju asks the owner to rotate a secret."""

LogLevel = Literal['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR']


def parse_timestamp(text: str) -> datetime.datetime:
    """Parse an RFC 3339 timestamp as Juju prints it.

    Accepts ``T``, ``t`` or a space between date and time, ``Z``/``z`` or ``±HH:MM`` zones,
    and 0 to 9 fractional digits (rounded to microseconds, clamped at 999999 so that a
    value just under a second never rolls over into the next one).

    Raises:
        ValueError: ``text`` is not such a timestamp.
    """
    raw = text.strip()
    if len(raw) < 19 or raw[10] not in 'Tt ':
        raise ValueError(f'not an RFC 3339 timestamp: {text!r}')
    date_part, rest = raw[:10], raw[11:]
    zone: datetime.tzinfo | None = None
    if rest[-1:] in ('Z', 'z'):
        zone = datetime.timezone.utc
        rest = rest[:-1]
    elif len(rest) >= 6 and rest[-6] in '+-' and rest[-3] == ':':
        sign = 1 if rest[-6] == '+' else -1
        hours, minutes = int(rest[-5:-3]), int(rest[-2:])
        zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
        rest = rest[:-6]
    clock, _, fraction = rest.partition('.')
    if len(clock) != 8 or (fraction and not fraction.isdigit()) or len(fraction) > 9:
        raise ValueError(f'not an RFC 3339 timestamp: {text!r}')
    micros = min(round(int(fraction) * 10 ** (6 - len(fraction))), 999999) if fraction else 0
    try:
        year, month, day = (int(p) for p in date_part.split('-'))
        hour, minute, second = (int(p) for p in clock.split(':'))
        return datetime.datetime(year, month, day, hour, minute, second, micros, tzinfo=zone)
    except ValueError:
        raise ValueError(f'not an RFC 3339 timestamp: {text!r}') from None


def format_expire(expire: datetime.datetime | str) -> str:
    """The ``--expire`` argument: strings verbatim, datetimes in ISO 8601 (UTC as ``Z``)."""
    if isinstance(expire, datetime.datetime):
        text = expire.isoformat()
        if expire.tzinfo == datetime.timezone.utc and text.endswith('+00:00'):
            text = text[: -len('+00:00')] + 'Z'
        return text
    if isinstance(expire, str):
        return expire
    raise TypeError(f'expire must be a datetime or str, not {type(expire).__name__}')


publish(__name__)
