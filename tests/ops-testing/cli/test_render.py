"""The simulator's text rendering, in-process."""

from __future__ import annotations

import pytest
from ops import testing
from ops_testing._cli._event_args import UsageError, convert_options
from ops_testing._cli._table import (
    Column,
    Table,
    relation_data_written,
    status_text,
    wrap_cell,
)


def test_status_text():
    assert status_text(testing.ActiveStatus()) == 'active'
    assert status_text(testing.BlockedStatus('no db')) == 'blocked: no db'


def test_relation_data_written_shows_changes_and_deletions_only():
    before = testing.Relation('db', id=1, local_app_data={'a': '1', 'b': '2', 'gone': 'x'})
    after = testing.Relation('db', id=1, local_app_data={'a': '1', 'b': '3', 'new': 'y' * 60})
    text = relation_data_written(
        testing.State(relations=[before]), testing.State(relations=[after])
    )
    assert text == f'db:1 app b=3, new={"y" * 37}..., -gone'


def test_relation_data_written_nothing():
    state = testing.State(relations=[testing.Relation('db', id=1)])
    assert relation_data_written(state, state) == '-'


def test_table_fits_and_keeps_first_column():
    columns = [Column('status', cap=40, weight=3), Column('z', cap=10)]
    table = Table('event', ['a-long-event-name'], columns, width=50)
    lines = [*table.head(), *table.row(['a-long-event-name', 'word ' * 20, 'x'])]
    assert all(len(line) <= 50 for line in lines)
    assert lines[2].startswith('a-long-event-name | ')
    assert sum('word' in line for line in lines) > 1


def test_table_columns_share_room_by_weight_up_to_their_cap():
    columns = [Column('wide', cap=100, weight=3), Column('narrow', cap=100, weight=1)]
    assert Table('e', ['e'], columns, width=300).widths == [1, 100, 100]
    # 43 characters of room: 8 each at least, the 27 left shared 3 to 1.
    assert Table('e', ['e'], columns, width=50).widths == [1, 28, 15]


@pytest.mark.parametrize(
    ('text', 'width', 'lines'),
    [
        (
            'waiting for Pebble in the container',
            10,
            ['waiting', 'for Pebble', 'in the', 'container'],
        ),
        ('a b', 10, ['a b']),
        ('', 5, ['']),
        ('one\ntwo three', 9, ['one', 'two three']),
        # A word longer than the column is cut after punctuation when it can be...
        (
            'db:1 app password_secret_id="secret:abc"',
            12,
            ['db:1 app', 'password_', 'secret_id=', '"secret:abc"'],
        ),
        # ...and at the width when it cannot.
        ('abcdefghijkl', 5, ['abcde', 'fghij', 'kl']),
    ],
)
def test_wrap_cell_breaks_at_word_boundaries(text: str, width: int, lines: list[str]):
    assert wrap_cell(text, width) == lines


@pytest.mark.parametrize(
    ('pair', 'schema', 'value'),
    [
        ('n=3', {'n': {'type': 'integer'}}, 3),
        ('n=3', {'n': {'type': 'string'}}, '3'),
        ('f=1.5', {'f': {'type': 'number'}}, 1.5),
        ('b=no', {'b': {'type': 'boolean'}}, False),
        ('l=[1, 2]', {'l': {'type': 'array'}}, [1, 2]),
        ('u=true', {}, True),
        ('u=hello world', {}, 'hello world'),
        ('u=', {}, ''),
    ],
)
def test_convert_options(pair: str, schema: dict[str, object], value: object):
    key = pair.split('=', 1)[0]
    assert convert_options([pair], schema, what='x') == {key: value}


def test_convert_options_errors():
    with pytest.raises(UsageError, match="b='sometimes' for x: the value must be of type boolean"):
        convert_options(['b=sometimes'], {'b': {'type': 'boolean'}}, what='x')
    with pytest.raises(UsageError, match="x has no option 'c'"):
        convert_options(['c=1'], {'b': {}}, what='x', strict=True)
