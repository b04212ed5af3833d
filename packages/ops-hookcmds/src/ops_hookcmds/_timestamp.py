"""RFC 3339 timestamps as Juju and Pebble print them: the monorepo's one parser.

Juju's hook tools print times such as ``2023-05-23 17:05:05Z`` (a space instead of ``T``)
and ``2026-01-05T23:28:38.123456789+02:00``; Pebble prints Go's ``time.RFC3339Nano``. The
standard library cannot read all of these on Python 3.10 (``datetime.fromisoformat`` takes
neither ``Z`` nor nine fractional digits there), so this module does. It is offered to the
sister distributions through :mod:`ops_hookcmds.sister`.
"""

from __future__ import annotations

import datetime
import re

from ._exports import publish

# Pattern source only: ``re`` compiles (and caches) it on first use, not at import.
_RFC3339 = (
    r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?'
    r'(?:([Zz])|([+-])(\d{2}):(\d{2}))?'
)


def parse_rfc3339(text: str, *, default_zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """Parse an RFC 3339 timestamp into a timezone-aware :class:`datetime.datetime`.

    Accepts ``T``, ``t`` or a space between date and time, any number of fractional
    digits (rounded to microseconds, clamped at 999999 so that a value just under a second
    never rolls over into the next one), and ``Z``, ``z`` or ``±HH:MM`` as the zone.
    Surrounding whitespace is ignored.

    Args:
        text: the timestamp.
        default_zone: the zone of a timestamp that has none. RFC 3339 requires one, so by
            default a timestamp without a zone is refused.

    Raises:
        ValueError: ``text`` is not such a timestamp, or names a date or time that does not
            exist (month 13, second 60, ...). The message quotes ``text``.
    """
    match = re.fullmatch(_RFC3339, text.strip())
    if match is None or (
        match.group(8) is None and match.group(9) is None and default_zone is None
    ):
        raise ValueError(
            f'invalid timestamp {text!r}: expected RFC 3339, such as 2024-01-02T03:04:05Z'
        )
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    fraction = match.group(7)
    micro = min(round(float('0.' + fraction) * 1_000_000), 999_999) if fraction else 0
    zone: datetime.tzinfo | None = default_zone
    if match.group(8):
        zone = datetime.timezone.utc
    elif match.group(9):
        offset = datetime.timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
        try:
            zone = datetime.timezone(-offset if match.group(9) == '-' else offset)
        except ValueError as e:  # an offset of a day or more
            raise ValueError(f'invalid timestamp {text!r}: {e}') from None
    try:
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError as e:
        raise ValueError(f'invalid timestamp {text!r}: {e}') from None


publish(__name__)
