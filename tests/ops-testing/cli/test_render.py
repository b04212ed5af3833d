"""The simulator's text rendering, in-process."""

from __future__ import annotations

import pytest
from ops import testing
from ops_testing._cli_events import UsageError, convert_options
from ops_testing._cli_table import relation_data_written, render_table, status_text


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


def test_render_table_fits_and_keeps_first_column():
    rows = [['a-long-event-name', 'word ' * 20, 'x']]
    table = render_table(['event', 'status', 'z'], rows, width=50)
    lines = table.splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert lines[2].startswith('a-long-event-name | ')
    assert sum('word' in line for line in lines) > 1


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
