"""ops_pebble's YAML loading gives exactly what ``yaml.safe_load`` gives, fast path or not."""

from __future__ import annotations

import datetime

import pytest
import yaml
from ops_pebble import Plan
from ops_pebble._yaml import safe_dump, safe_load

_DOCUMENTS = [
    '',
    '# only a comment\n',
    'services:\n  web:\n    override: replace\n    command: run --port 80\n',
    'a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: yes\ng: "quoted"\nh: 0x1f\ni: 1_000\nj: .inf\n',
    'k: [1, two, {three: 3}]\nl: []\nm: {}\n',
    '1: int key\ntrue: bool key\nnull: null key\n1.5: float key\n',
    # anchors and aliases: the same object twice, as PyYAML builds it
    'base: &b {x: 1}\nfirst: *b\nsecond: *b\n',
    # needs PyYAML's general constructor: merge keys, timestamps, sets, binary, '='
    'base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n',
    'when: 2001-12-14\n',
    'set: !!set {a, b}\n',
    'blob: !!binary aGVsbG8=\n',
    '=: value key\n',
    '? [complex, key]\n: value\n',
    '- a list\n- at the top\n',
    'plain scalar\n',
    'recursive: &r [*r]\n',
]


@pytest.mark.parametrize('text', _DOCUMENTS)
def test_safe_load_matches_pyyaml(text: str) -> None:
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as e:
        with pytest.raises(type(e)):
            safe_load(text)
        return
    got = safe_load(text)
    if text.startswith('recursive'):
        assert got['recursive'][0] is got['recursive']
        return
    assert got == expected
    assert type(got) is type(expected)


def test_aliases_are_the_same_object() -> None:
    got = safe_load('base: &b {x: 1}\nfirst: *b\nsecond: *b\n')
    assert got['first'] is got['second'] is got['base']


def test_timestamps_and_merges_come_from_pyyaml() -> None:
    assert safe_load('when: 2001-12-14\n') == {'when': datetime.date(2001, 12, 14)}
    assert safe_load('b: &b {x: 1}\nm: {<<: *b, y: 2}\n')['m'] == {'x': 1, 'y': 2}


@pytest.mark.parametrize('text', ['a: [1\n', 'a: b: c\n', '--- 1\n--- 2\n', "x: 'unclosed\n"])
def test_invalid_yaml_raises_yaml_error(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        safe_load(text)


def test_dump_matches_pyyaml() -> None:
    data = {'services': {'web': {'command': 'run', 'environment': {'PORT': '80'}}}, 'x': [1]}
    assert safe_dump(data) == yaml.safe_dump(data)
    assert safe_dump(data, sort_keys=False, indent=4) == yaml.safe_dump(
        data, sort_keys=False, indent=4
    )


def test_plan_from_the_same_text_twice_is_equal_and_independent() -> None:
    text = 'services:\n  web:\n    override: replace\n    command: run\n    after: [db]\n'
    first, second = Plan(text), Plan(text)
    assert first.to_dict() == second.to_dict()
    first.services['web'].after.append('cache')
    first.services['web'].command = 'changed'
    assert second.services['web'].after == ['db']
    assert Plan(text).services['web'].command == 'run'
    changed = Plan(text.replace('command: run', 'command: other'))
    assert changed.services['web'].command == 'other'
