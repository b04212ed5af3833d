"""run_action: parameters, results, logs, failures."""

from __future__ import annotations

from typing import Any

import ops
import pytest
from ops import testing

ACTIONS = """
backup:
  params:
    target: {type: string, default: /backups}
    compress: {type: boolean}
  required: [compress]
  additionalProperties: false
free-form:
  params:
    n: {type: integer}
broken: {}
"""


class Actions(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.backup_action, self._backup)
        framework.observe(self.on.free_form_action, self._free)
        framework.observe(self.on.broken_action, self._broken)
        self.ids: list[str] = []

    def _backup(self, event: ops.ActionEvent) -> None:
        self.ids.append(event.id)
        event.log('starting')
        event.set_results({'target': event.params['target'], 'nested': {'ok': True}})
        event.log('done')

    def _free(self, event: ops.ActionEvent) -> None:
        event.set_results({'params': dict(event.params)})

    def _broken(self, event: ops.ActionEvent) -> None:
        event.log('trying')
        event.set_results({'partial': 1})
        event.fail('disk full')


@pytest.fixture
def acting(make: Any) -> Any:
    harness = make(Actions, meta='name: a', actions=ACTIONS)
    harness.begin()
    return harness


def test_results_logs_and_defaults(acting: Any) -> None:
    output = acting.run_action('backup', {'compress': True})
    assert isinstance(output, testing.ActionOutput)
    assert output.logs == ['starting', 'done']
    assert output.results == {'target': '/backups', 'nested': {'ok': True}}
    output = acting.run_action('backup', {'compress': False, 'target': '/x'})
    assert output.results['target'] == '/x'
    assert output.logs == ['starting', 'done']  # each run starts afresh
    assert acting.charm.ids == ['1', '2']


def test_action_failure(acting: Any) -> None:
    with pytest.raises(testing.ActionFailed) as exc_info:
        acting.run_action('broken')
    assert exc_info.value.message == 'disk full'
    assert exc_info.value.output.logs == ['trying']
    assert exc_info.value.output.results == {'partial': 1}
    # A later successful run is not marked failed.
    assert acting.run_action('free-form').results == {'params': {}}


def test_unknown_action_and_missing_parameter(acting: Any) -> None:
    with pytest.raises(RuntimeError, match="does not have a 'nope' action"):
        acting.run_action('nope')
    with pytest.raises(RuntimeError, match="'compress' parameter is required"):
        acting.run_action('backup')


def test_unexpected_parameter(acting: Any) -> None:
    with pytest.raises(ops.ModelError, match='additional property "extra"'):
        acting.run_action('backup', {'compress': True, 'extra': 1})
    # Without additionalProperties: false, extra parameters pass through.
    assert acting.run_action('free-form', {'n': 1, 'm': 2}).results == {'params': {'n': 1, 'm': 2}}


def test_run_action_before_begin(make: Any) -> None:
    harness = make(Actions, meta='name: a', actions=ACTIONS)
    with pytest.raises(RuntimeError):
        harness.run_action('broken')
