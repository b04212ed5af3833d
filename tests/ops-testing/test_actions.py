"""Running actions: params, results, logs, failure."""

from __future__ import annotations

import ops
import pytest
from ops import testing
from ops.testing import errors


class ActionCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.backup_action, self._on_backup)
        framework.observe(self.on.start, self._on_start)

    def _on_backup(self, event: ops.ActionEvent) -> None:
        event.log(f'backing up to {event.params["target"]}')
        event.set_results({'size': event.params.get('size', 10), 'nested': {'a': 'b'}})
        event.set_results({'done': 'yes'})
        if event.params['target'] == 'nowhere':
            event.fail('cannot back up to nowhere')
        if event.params['target'] == 'silent':
            event.fail()

    def _on_start(self, event: ops.StartEvent) -> None:
        self.model.get_relation('x') if False else None


META = {'name': 'app'}
ACTIONS = {
    'backup': {
        'params': {'target': {'type': 'string'}, 'size': {'type': 'integer', 'default': 10}},
    }
}


def test_action_results_and_logs() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    assert ctx.action_results is None
    ctx.run(ctx.on.action('backup', params={'target': 's3'}), testing.State())
    assert ctx.action_logs == ['backing up to s3']
    assert ctx.action_results == {'size': 10, 'nested': {'a': 'b'}, 'done': 'yes'}


def test_action_failure_raises_with_output_state() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    with pytest.raises(testing.ActionFailed) as info:
        ctx.run(ctx.on.action('backup', params={'target': 'nowhere'}), testing.State(leader=True))
    assert info.value.message == 'cannot back up to nowhere'
    assert str(info.value) == 'cannot back up to nowhere'
    assert info.value.state is not None and info.value.state.leader
    assert ctx.action_logs == ['backing up to nowhere']
    assert ctx.action_results is not None and ctx.action_results['done'] == 'yes'


def test_action_failure_without_message() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    with pytest.raises(testing.ActionFailed) as info:
        ctx.run(ctx.on.action('backup', params={'target': 'silent'}), testing.State())
    assert str(info.value) == 'Event handler called `fail()` with no additional details.'


def test_logs_and_results_reset_per_action_run() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    ctx.run(ctx.on.action('backup', params={'target': 'a'}), testing.State())
    ctx.run(ctx.on.action('backup', params={'target': 'b'}), testing.State())
    assert ctx.action_logs == ['backing up to b']
    ctx.run(ctx.on.start(), testing.State())
    assert ctx.action_logs == ['backing up to b']


def test_action_tools_outside_an_action() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    with ctx(ctx.on.start(), testing.State()) as manager:
        backend = manager.charm.model._backend
        with pytest.raises(errors.ActionMissingFromContextError, match='cannot action-set'):
            backend.action_set({'a': 'b'})
        with pytest.raises(errors.ActionMissingFromContextError):
            backend.action_get()


def test_action_output_type() -> None:
    output = testing.ActionOutput(logs=['x'], results={'a': 1})
    failed = testing.ActionFailed('m', output)
    assert failed.output.logs == ['x']
    assert testing.ActionFailed('m').output == testing.ActionOutput([], {})


def test_run_action_was_removed() -> None:
    ctx = testing.Context(ActionCharm, meta=META, actions=ACTIONS)
    with pytest.raises(AttributeError, match=r'ctx\.run\(ctx\.on\.action'):
        ctx.run_action('backup', testing.State())
