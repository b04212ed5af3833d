"""Pebble's wire formats for times (RFC 3339) and durations (Go ``time.Duration``).

Times are parsed by the monorepo's one RFC 3339 parser, which ``ops-hookcmds`` (the
standard-library-only distribution below this one) offers its sister distributions.
"""

from __future__ import annotations

import datetime
import re

from ops_hookcmds.sister import parse_rfc3339

from ._exports import publish

_DURATION_PART = re.compile(r'([0-9.]+)([a-zµμ]+)')
_UNIT_SECONDS = {
    'ns': 1e-9,
    'us': 1e-6,
    'µs': 1e-6,
    'μs': 1e-6,
    'ms': 1e-3,
    's': 1.0,
    'm': 60.0,
    'h': 3600.0,
}


def parse_timestamp(text: str) -> datetime.datetime:
    """Parse an RFC 3339 time as Pebble sends it (with a zone) into an aware datetime.

    Nanosecond fractions are rounded to microseconds.

    Raises:
        ValueError: if ``text`` is not an RFC 3339 time.
    """
    return parse_rfc3339(text)


def format_timestamp(when: datetime.datetime) -> str:
    """Format a datetime as RFC 3339 with nanosecond-style precision, as Pebble emits."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    text = when.isoformat()
    if text.endswith('+00:00'):
        text = text[:-6] + 'Z'
    return text


def format_duration(seconds: float) -> str:
    """Format seconds as a Go duration string the way the client sends it (``'30.000s'``)."""
    return f'{seconds:.3f}s'


def parse_duration(text: str) -> float:
    """Parse a Go duration string (``'1h2m3.5s'``, ``'300ms'``, ``'0'``) into seconds.

    Raises:
        ValueError: if ``text`` is not a valid duration.
    """
    body = text.strip()
    sign = 1.0
    if body[:1] in ('+', '-'):
        sign = -1.0 if body[0] == '-' else 1.0
        body = body[1:]
    if body == '0':
        return 0.0
    if not body:
        raise ValueError(f'invalid duration {text!r}')
    total = 0.0
    pos = 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != pos:
            break
        number, unit = match.groups()
        if unit not in _UNIT_SECONDS:
            raise ValueError(f'invalid duration {text!r}: unknown unit {unit!r}')
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f'invalid duration {text!r}: bad number {number!r}') from None
        total += value * _UNIT_SECONDS[unit]
        pos = match.end()
    if pos != len(body):
        raise ValueError(f'invalid duration {text!r}: expected forms like 300ms, 1.5h or 2m3s')
    return sign * total


def format_go_duration(seconds: float) -> str:
    """Format seconds the way Pebble (Go) prints a duration, such as ``'168h0m0s'``."""
    if seconds == 0:
        return '0s'
    negative = seconds < 0
    seconds = abs(seconds)
    if seconds < 1:
        text = f'{seconds * 1000:g}ms'
    else:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        secs_text = f'{secs:.9f}'.rstrip('0').rstrip('.')
        if hours:
            text = f'{int(hours)}h{int(minutes)}m{secs_text}s'
        elif minutes:
            text = f'{int(minutes)}m{secs_text}s'
        else:
            text = f'{secs_text}s'
    return ('-' if negative else '') + text


publish(__name__)
