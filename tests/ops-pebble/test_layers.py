"""Layer, Plan and the items they hold: parsing, serialising, equality, override rules."""

from __future__ import annotations

import ops_pebble
import pytest
import yaml
from ops_pebble._layer import combine_layers, merge_layer_into, validate_layer


def test_layer_round_trips_yaml_and_drops_unset_fields() -> None:
    text = """
summary: Sum
services:
  web:
    override: replace
    command: /bin/web
    startup: enabled
    environment: {A: '1'}
    after: [db]
    unknown-key: ignored
checks:
  up:
    override: merge
    level: alive
    threshold: 5
    tcp: {port: 80}
log-targets:
  loki:
    override: replace
    type: loki
    location: http://loki
    services: [all]
"""
    layer = ops_pebble.Layer(text)
    assert layer.summary == 'Sum'
    assert layer.services['web'].environment == {'A': '1'}
    assert layer.services['web'].after == ['db']
    assert layer.checks['up'].level is ops_pebble.CheckLevel.ALIVE
    assert layer.checks['up'].tcp == {'port': 80}
    assert layer.log_targets['loki'].services == ['all']
    d = layer.to_dict()
    assert 'unknown-key' not in d['services']['web']
    assert 'description' not in d
    assert yaml.safe_load(layer.to_yaml()) == d
    assert str(layer) == layer.to_yaml()
    assert ops_pebble.Layer(layer.to_yaml()) == layer
    assert layer == d  # a plain dict compares too


def test_service_equality_and_defaults() -> None:
    svc = ops_pebble.Service('s', {'override': 'replace', 'command': 'x', 'user-id': 10})
    assert svc.user_id == 10
    assert svc.startup == ''
    assert svc == {'override': 'replace', 'command': 'x', 'user-id': 10}
    assert svc != ops_pebble.Service('s', {'override': 'merge', 'command': 'x'})


def test_check_startup_and_level_written_as_strings() -> None:
    chk = ops_pebble.Check('c', {'override': 'replace', 'startup': 'disabled', 'level': 'ready'})
    assert chk.startup is ops_pebble.CheckStartup.DISABLED
    assert chk.to_dict() == {'override': 'replace', 'startup': 'disabled', 'level': 'ready'}


def test_plan_properties() -> None:
    plan = ops_pebble.Plan('services:\n  a: {override: replace, command: x}\n')
    assert list(plan.services) == ['a']
    assert plan.checks == {}
    assert plan.log_targets == {}
    assert plan.to_dict() == {'services': {'a': {'override': 'replace', 'command': 'x'}}}
    assert ops_pebble.Plan(plan.to_yaml()) == plan


def test_merge_appends_lists_merges_maps_replaces_scalars() -> None:
    base = {
        'services': {
            'web': {
                'override': 'replace', 'command': 'a', 'after': ['db'],
                'environment': {'A': '1', 'B': '2'}, 'summary': 'old',
            }
        },
        'checks': {'up': {'override': 'replace', 'http': {'url': 'u', 'headers': {'X': '1'}}}},
        'log-targets': {'l': {'override': 'replace', 'services': ['web'], 'labels': {'a': '1'}}},
    }  # fmt: skip
    new = {
        'services': {'web': {'override': 'merge', 'after': ['cache'], 'environment': {'B': '3'}}},
        'checks': {'up': {'override': 'merge', 'http': {'headers': {'Y': '2'}}}},
        'log-targets': {'l': {'override': 'merge', 'services': ['-web'], 'labels': {'b': '2'}}},
    }
    plan = combine_layers([base, new])
    web = plan['services']['web']
    assert web['after'] == ['db', 'cache']
    assert web['environment'] == {'A': '1', 'B': '3'}
    assert web['command'] == 'a' and web['summary'] == 'old'
    assert plan['checks']['up']['http'] == {'url': 'u', 'headers': {'X': '1', 'Y': '2'}}
    assert plan['log-targets']['l']['services'] == ['web', '-web']
    assert plan['log-targets']['l']['labels'] == {'a': '1', 'b': '2'}


def test_replace_discards_the_earlier_definition() -> None:
    base = {'services': {'web': {'override': 'replace', 'command': 'a', 'after': ['db']}}}
    new = {'services': {'web': {'override': 'replace', 'command': 'b'}}}
    assert combine_layers([base, new])['services']['web'] == {
        'override': 'replace',
        'command': 'b',
    }


def test_combine_into_existing_label_keeps_summary_from_last() -> None:
    merged = merge_layer_into({'summary': 'a'}, {'summary': 'b', 'services': {}})
    assert merged['summary'] == 'b'


@pytest.mark.parametrize(
    ('label', 'layer', 'message'),
    [
        ('', {}, 'label must be set'),
        ('pebble-x', {}, 'reserved label prefix'),
        ('l', {'bogus': {}}, 'unknown section "bogus"'),
        ('l', {'services': {'s': {'command': 'x'}}}, 'must define "override" for service "s"'),
        ('l', {'checks': {'c': {'override': 'x'}}}, 'invalid "override" value for check "c"'),
        ('l', {'services': {'pebble': {'override': 'replace'}}}, 'reserved service name'),
    ],
)
def test_validate_layer_rejects_what_pebble_rejects(label: str, layer: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_layer(label, layer)


def test_layer_rejects_non_mapping_yaml() -> None:
    with pytest.raises(ValueError, match='mapping'):
        ops_pebble.Layer('- a\n- b\n')


@pytest.mark.parametrize(
    'raw', ['services: [1]\n', 'checks: {c: 3}\n', {'log-targets': ['x']}, '- a list\n']
)
def test_a_plan_of_the_wrong_shape_is_a_value_error(raw: object) -> None:
    # As Layer does: the message names the section (ops 3.9 raised AttributeError).
    with pytest.raises(ValueError, match='plan|must be a mapping'):
        ops_pebble.Plan(raw)  # type: ignore[arg-type]
