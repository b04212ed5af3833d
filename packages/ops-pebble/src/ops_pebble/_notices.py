"""Notices: events Pebble records (custom notices, change updates, warnings)."""

from __future__ import annotations

import datetime
import enum
from typing import Any

from ops_hookcmds.sister import field, record

from ._exports import publish
from ._timeconv import parse_duration, parse_timestamp


class NoticeType(enum.Enum):
    """The notice types a charm deals with."""

    CUSTOM = 'custom'
    CHANGE_UPDATE = 'change-update'


class NoticesUsers(enum.Enum):
    """Special values for the ``users`` filter of :meth:`Client.get_notices`."""

    ALL = 'all'


@record(frozen=True)
class Notice:
    """One notice recorded by Pebble.

    Attributes:
        id: The server-assigned identifier.
        user_id: The UID the notice belongs to, ``None`` if public.
        type: A :class:`NoticeType`, or the raw string for other types.
        key: The notice key (``example.com/path`` form for custom notices).
        first_occurred: When it first occurred.
        last_occurred: When it last occurred.
        last_repeated: When it last repeated (occurrences within ``repeat_after``
            do not count as repeats).
        occurrences: How many times it occurred.
        last_data: The data given with the last occurrence.
        repeat_after: The minimum time before an occurrence counts as a repeat.
        expire_after: How long after the last occurrence it is dropped.
    """

    id: str
    user_id: int | None
    type: NoticeType | str
    key: str
    first_occurred: datetime.datetime
    last_occurred: datetime.datetime
    last_repeated: datetime.datetime
    occurrences: int
    last_data: dict[str, str] = field(default_factory=dict)
    repeat_after: datetime.timedelta | None = None
    expire_after: datetime.timedelta | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notice:
        """Build from the API's JSON object."""
        try:
            notice_type: NoticeType | str = NoticeType(d['type'])
        except ValueError:
            notice_type = d['type']

        def delta(key: str) -> datetime.timedelta | None:
            value = d.get(key)
            return datetime.timedelta(seconds=parse_duration(value)) if value else None

        return cls(
            id=d['id'],
            user_id=d.get('user-id'),
            type=notice_type,
            key=d['key'],
            first_occurred=parse_timestamp(d['first-occurred']),
            last_occurred=parse_timestamp(d['last-occurred']),
            last_repeated=parse_timestamp(d['last-repeated']),
            occurrences=d['occurrences'],
            last_data=dict(d.get('last-data') or {}),
            repeat_after=delta('repeat-after'),
            expire_after=delta('expire-after'),
        )


publish(__name__)
