"""The monorepo's one RFC 3339 parser, as the sister distributions get it."""

from __future__ import annotations

import datetime

import pytest
from ops_hookcmds.sister import parse_rfc3339

UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        # Juju's FormatTime: a space instead of 'T'.
        ('2023-05-23 17:05:05Z', datetime.datetime(2023, 5, 23, 17, 5, 5, tzinfo=UTC)),
        ('2023-05-23t17:05:05z', datetime.datetime(2023, 5, 23, 17, 5, 5, tzinfo=UTC)),
        # Go's RFC3339Nano: nine digits, rounded to microseconds.
        (
            '2024-12-27T10:08:14.399194229+08:00',
            datetime.datetime(
                2024,
                12,
                27,
                10,
                8,
                14,
                399194,
                tzinfo=datetime.timezone(datetime.timedelta(hours=8)),
            ),
        ),
        (
            ' 2024-01-02T03:04:05.5-02:30\n',
            datetime.datetime(
                2024,
                1,
                2,
                3,
                4,
                5,
                500000,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=2, minutes=30)),
            ),
        ),
        # Just under a second stays in that second.
        (
            '2024-01-02T03:04:05.9999999Z',
            datetime.datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=UTC),
        ),
    ],
)
def test_parses_what_juju_and_pebble_print(text: str, expected: datetime.datetime):
    parsed = parse_rfc3339(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_a_timestamp_without_a_zone_is_refused_unless_a_default_is_given():
    with pytest.raises(ValueError, match='2024-01-02T03:04:05'):
        parse_rfc3339('2024-01-02T03:04:05')
    assert parse_rfc3339('2024-01-02T03:04:05', default_zone=UTC) == datetime.datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=UTC
    )


@pytest.mark.parametrize(
    'text',
    [
        'yesterday',
        '',
        '2024-13-01T00:00:00Z',
        '2024-01-02T03:04:60Z',
        '2024-01-02T03:04:05+24:00',
        '2024-01-02T03:04:05Zjunk',
        '2024-01-02',
    ],
)
def test_bad_input_raises_value_error_naming_the_text(text: str):
    with pytest.raises(ValueError, match='invalid timestamp') as info:
        parse_rfc3339(text)
    assert repr(text) in str(info.value)


def test_the_seam_and_the_public_homes_agree():
    import ops_hookcmds.sister as sister

    assert set(sister.__all__) == {'field', 'parse_rfc3339', 'record', 'run'}
    assert sister.parse_rfc3339.__module__ == 'ops_hookcmds.sister'
