"""What the per-run shortcuts of ctx.run and the in-memory Pebble must not change.

``ctx.run`` reuses work between runs (the charm's events class, the recording Framework
class, the empty state tables) and the in-memory Pebble writes pushed text in place. These
tests pin the behaviour a charm or a test would notice if that reuse leaked between runs.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import ops
import pytest
from ops import testing


class _Custom(ops.EventBase):
    pass


class _DefinesOwnEvent(ops.CharmBase):
    """Defines an event on ``self.on`` in ``__init__`` (older charm libraries do this)."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.on.define_event('custom_thing', _Custom)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.ActiveStatus(str(hasattr(self.on, 'custom_thing')))


def test_a_charm_defining_an_event_in_init_runs_again_and_again() -> None:
    ctx = testing.Context(
        _DefinesOwnEvent, meta={'name': 'app', 'requires': {'db': {'interface': 'db'}}}
    )
    for _ in range(3):
        out = ctx.run(ctx.on.start(), testing.State())
        assert out.unit_status == ops.ActiveStatus('True')


class _Plain(ops.CharmBase):
    pass


def test_metadata_events_are_those_of_each_contexts_metadata() -> None:
    with_db = testing.Context(
        _Plain, meta={'name': 'app', 'requires': {'db': {'interface': 'db'}}}
    )
    with_web = testing.Context(
        _Plain, meta={'name': 'app', 'provides': {'web': {'interface': 'http'}}}
    )
    for _ in range(2):
        for ctx, has, lacks in ((with_db, 'db', 'web'), (with_web, 'web', 'db')):
            with ctx(ctx.on.start(), testing.State()) as manager:
                on = manager.charm.on
                assert hasattr(on, f'{has}_relation_changed')
                assert not hasattr(on, f'{lacks}_relation_changed')
                manager.run()


class _TouchesEnviron(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        os.environ['L_TEST_ADDED'] = 'by the charm'
        os.environ['L_TEST_CHANGED'] = 'changed'
        del os.environ['L_TEST_REMOVED']


def test_the_environment_is_put_back_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('L_TEST_CHANGED', 'original')
    monkeypatch.setenv('L_TEST_REMOVED', 'still here')
    monkeypatch.delenv('L_TEST_ADDED', raising=False)
    before = dict(os.environ)
    ctx = testing.Context(_TouchesEnviron, meta={'name': 'app'})
    ctx.run(ctx.on.start(), testing.State())
    assert dict(os.environ) == before
    assert 'JUJU_UNIT_NAME' not in os.environ


class _Defers(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        event.defer()


def test_state_tables_start_empty_on_every_run() -> None:
    ctx = testing.Context(_Defers, meta={'name': 'app'})
    first = ctx.run(ctx.on.update_status(), testing.State())
    assert len(first.deferred) == 1
    # A fresh State: nothing of the previous run's queue may show up.
    second = ctx.run(ctx.on.update_status(), testing.State())
    assert len(second.deferred) == 1
    # Fed back: the deferred event is re-emitted and deferred again; the new one is the
    # same notice, so it is not queued twice.
    third = ctx.run(ctx.on.update_status(), second)
    assert [d.handle_path for d in third.deferred] == [d.handle_path for d in second.deferred]


_HARNESS_META = 'name: app\ncontainers:\n  work: {}\n'


@pytest.fixture
def harness() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        h = testing.Harness(_Plain, meta=_HARNESS_META)
    h.begin()
    h.set_can_connect('work', True)
    yield h
    h.cleanup()


def test_push_over_a_file_replaces_all_its_content(harness: Any) -> None:
    container = harness.model.unit.get_container('work')
    container.push('/etc/app.conf', 'a much longer first version\n' * 100, make_dirs=True)
    container.push('/etc/app.conf', 'short\n', permissions=0o600)
    assert container.pull('/etc/app.conf').read() == 'short\n'
    host = harness.get_filesystem_root('work') / 'etc/app.conf'
    assert host.stat().st_mode & 0o777 == 0o600
    container.push('/etc/app.conf', b'bytes too')
    assert host.read_bytes() == b'bytes too'
    assert host.stat().st_mode & 0o777 == 0o644


def test_push_over_a_read_only_file_replaces_it(harness: Any) -> None:
    container = harness.model.unit.get_container('work')
    container.push('/secret', 'one', permissions=0o400)
    container.push('/secret', 'two', permissions=0o400)
    assert container.pull('/secret').read() == 'two'


def test_push_to_a_symlink_replaces_the_link_not_its_target(harness: Any) -> None:
    root = harness.get_filesystem_root('work')
    (root / 'target').write_text('target content')
    (root / 'link').symlink_to(root / 'target')
    harness.model.unit.get_container('work').push('/link', 'new content')
    assert not (root / 'link').is_symlink()
    assert (root / 'link').read_text() == 'new content'
    assert (root / 'target').read_text() == 'target content'


def test_push_with_an_unknown_encoding_fails_and_writes_nothing(harness: Any) -> None:
    container = harness.model.unit.get_container('work')
    with pytest.raises(LookupError):
        container.push('/f', 'text', encoding='no-such-codec')
    assert not container.exists('/f')
