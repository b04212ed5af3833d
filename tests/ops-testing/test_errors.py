"""Errors from the charm: wrapping, SCENARIO_BARE_CHARM_ERRORS, aborts, missing events."""

from __future__ import annotations

import dataclasses

import ops
import pytest
from ops import testing
from ops.testing import errors


class Boom(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._start)
        framework.observe(self.on.config_changed, self._config)
        framework.observe(self.on.update_status, self._exit)

    def _start(self, event: ops.StartEvent) -> None:
        raise KeyError('kaboom')

    def _config(self, event: ops.ConfigChangedEvent) -> None:
        self.load_config(Config, errors='blocked')

    def _exit(self, event: ops.UpdateStatusEvent) -> None:
        raise SystemExit(3)


@dataclasses.dataclass
class Config:
    port: int

    def __post_init__(self) -> None:
        if self.port < 1024:
            raise ValueError('port must be at least 1024')


META = {'name': 'app'}
CONFIG = {'options': {'port': {'type': 'int', 'default': 80}}}


def test_charm_errors_are_wrapped() -> None:
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    with pytest.raises(errors.UncaughtCharmError) as info:
        ctx.run(ctx.on.start(), testing.State())
    assert isinstance(info.value.__cause__, KeyError)
    assert str(info.value).startswith('Uncaught KeyError in charm')
    assert "Details: KeyError('kaboom')" in str(info.value)
    assert isinstance(info.value, errors.ScenarioRuntimeError)


@pytest.mark.parametrize('value', ['true', 'True', '1', '42'])
def test_bare_charm_errors(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv('SCENARIO_BARE_CHARM_ERRORS', value)
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    with pytest.raises(KeyError):
        ctx.run(ctx.on.start(), testing.State())


@pytest.mark.parametrize('value', ['false', '0', 'yes'])
def test_bare_charm_errors_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv('SCENARIO_BARE_CHARM_ERRORS', value)
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    with pytest.raises(errors.UncaughtCharmError):
        ctx.run(ctx.on.start(), testing.State())


def test_abort_with_exit_code_zero_is_normal_completion() -> None:
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    out = ctx.run(ctx.on.config_changed(), testing.State())
    assert out.unit_status.name == 'blocked'
    assert 'port must be at least 1024' in out.unit_status.message


def test_base_exceptions_propagate() -> None:
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    with pytest.raises(SystemExit):
        ctx.run(ctx.on.update_status(), testing.State())


def test_event_not_on_the_charm() -> None:
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    from ops_testing._events import Event

    with pytest.raises(errors.NoObserverError, match="Cannot fire 'foo_bar'"):
        testing.Context(Boom, meta=META, config=CONFIG).run(Event('foo_bar'), testing.State())
    assert ctx.juju_log == []


def test_environment_restored_after_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv('JUJU_VERSION', 'outer')
    monkeypatch.delenv('JUJU_UNIT_NAME', raising=False)
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    with pytest.raises(errors.UncaughtCharmError):
        ctx.run(ctx.on.start(), testing.State())
    assert os.environ['JUJU_VERSION'] == 'outer'
    assert 'JUJU_UNIT_NAME' not in os.environ


def test_environment_keys_added_by_the_charm_are_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    class Setter(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._start)

        def _start(self, event: ops.StartEvent) -> None:
            os.environ['CHARM_ADDED_THIS'] = '1'
            os.environ['KEEP_ME'] = 'changed'

    monkeypatch.setenv('KEEP_ME', 'original')
    ctx = testing.Context(Setter, meta=META)
    ctx.run(ctx.on.start(), testing.State())
    assert 'CHARM_ADDED_THIS' not in os.environ
    assert os.environ['KEEP_ME'] == 'original'


def test_errors_in_charm_init_are_wrapped() -> None:
    class BadInit(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            raise RuntimeError('bad init')

    ctx = testing.Context(BadInit, meta=META)
    with pytest.raises(errors.UncaughtCharmError) as info:
        ctx.run(ctx.on.start(), testing.State())
    assert isinstance(info.value.__cause__, RuntimeError)


def test_process_hooks_left_alone() -> None:
    import sys
    import warnings

    hooks = (sys.breakpointhook, sys.excepthook, warnings.showwarning)
    ctx = testing.Context(Boom, meta=META, config=CONFIG)
    ctx.run(ctx.on.config_changed(), testing.State())
    assert (sys.breakpointhook, sys.excepthook, warnings.showwarning) == hooks
