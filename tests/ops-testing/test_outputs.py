"""What a run records: statuses and their history, workload version, logs, emitted events."""

from __future__ import annotations

import ops
import pytest
from ops import testing
from ops.testing import errors


class StatusCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.collect_unit_status, self._collect)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.MaintenanceStatus('x')
        self.unit.status = ops.WaitingStatus('y')
        if self.unit.is_leader():
            self.app.status = ops.BlockedStatus('app')
        self.unit.set_workload_version('1.0')
        self.unit.set_workload_version('2.0')
        logging_logger.info('started with %s', 'args')

    def _collect(self, event: ops.CollectStatusEvent) -> None:
        event.add_status(ops.ActiveStatus('ok'))

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        self.unit.status = ops.ActiveStatus('again')


import logging  # noqa: E402

logging_logger = logging.getLogger('status-charm')

META = {'name': 'app'}


def test_status_history_and_output() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    out = ctx.run(ctx.on.start(), testing.State(leader=True))
    assert out.unit_status == testing.ActiveStatus('ok')
    assert ctx.unit_status_history == [
        testing.UnknownStatus(),
        testing.MaintenanceStatus('x'),
        testing.WaitingStatus('y'),
    ]
    assert out.app_status == testing.BlockedStatus('app')
    assert ctx.app_status_history == [testing.UnknownStatus()]
    # Histories accumulate over runs of the same Context.
    ctx.run(ctx.on.update_status(), out)
    assert ctx.unit_status_history[-1] == testing.ActiveStatus('again')


def test_workload_version_history() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    out = ctx.run(ctx.on.start(), testing.State(workload_version='0.9'))
    assert out.workload_version == '2.0'
    assert ctx.workload_version_history == ['0.9', '1.0']


def test_juju_log_has_ops_and_charm_lines() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    ctx.run(ctx.on.start(), testing.State())
    lines = [(line.level, line.message) for line in ctx.juju_log]
    assert lines[0] == ('DEBUG', 'ops 3.9.0 up and running.')
    assert ('DEBUG', 'Emitting Juju event start.') in lines
    assert ('INFO', 'started with args') in lines


def test_emitted_events() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    ctx.run(ctx.on.start(), testing.State())
    assert [e.handle.path for e in ctx.emitted_events] == ['StatusCharm/on/start[1]']
    framework_ctx = testing.Context(StatusCharm, meta=META, capture_framework_events=True)
    framework_ctx.run(framework_ctx.on.start(), testing.State())
    assert [e.handle.path for e in framework_ctx.emitted_events] == [
        'StatusCharm/on/start[1]',
        'StatusCharm/on/collect_unit_status[2]',
        'on/pre_commit[3]',
        'on/commit[4]',
    ]


def test_input_state_is_not_changed() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    state = testing.State(leader=True)
    out = ctx.run(ctx.on.start(), state)
    assert state.unit_status == testing.UnknownStatus()
    assert state.workload_version == ''
    assert out is not state


def test_manager_gives_the_charm_before_and_after() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    with ctx(ctx.on.start(), testing.State()) as manager:
        assert isinstance(manager.charm, StatusCharm)
        assert manager.charm.unit.status == ops.UnknownStatus()
        out = manager.run()
        assert manager.charm.unit.status == ops.ActiveStatus('ok')
        with pytest.raises(errors.AlreadyEmittedError):
            manager.run()
    assert out.unit_status == testing.ActiveStatus('ok')


def test_manager_runs_on_exit_and_guards_use_outside_with() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    manager = ctx(ctx.on.start(), testing.State())
    with pytest.raises(RuntimeError):
        _ = manager.charm
    with pytest.raises(RuntimeError):
        manager.run()
    with manager:
        pass
    assert ctx.unit_status_history[-1] == testing.WaitingStatus('y')


def test_invalid_status_from_backend() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    with ctx(ctx.on.update_status(), testing.State()) as manager:
        backend = manager.charm.model._backend
        with pytest.raises(ops.ModelError, match='invalid status "bogus"'):
            backend.status_set('bogus', '', is_app=False)


def test_state_argument_must_be_a_state() -> None:
    ctx = testing.Context(StatusCharm, meta=META)
    with pytest.raises(TypeError, match='Expected an ops.testing.State'):
        ctx.run(ctx.on.start(), {})  # type: ignore[arg-type]


class BusyCharm(ops.CharmBase):
    """Changes everything it can."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.workload_pebble_ready, self._ready)

    def _ready(self, event: ops.PebbleReadyEvent) -> None:
        for relation in self.model.relations['db']:
            relation.data[self.unit]['k'] = 'v'
            relation.data[self.app]['k'] = 'v'
        secret = self.model.get_secret(label='s')
        secret.set_content({'key': 'changed'})
        secret.get_content(refresh=True)
        self.app.add_secret({'new': 'secret'})
        event.workload.add_layer('l', {'services': {'s': {'override': 'replace', 'command': 'x'}}})
        event.workload.start('s')
        self.unit.open_port('tcp', 1)
        self.unit.set_workload_version('9')
        self.unit.status = ops.BlockedStatus('b')
        self.app.status = ops.BlockedStatus('b')


def test_input_state_never_mutated_by_a_busy_charm() -> None:
    import json

    meta = {'name': 'app', 'requires': {'db': {'interface': 'x'}}, 'containers': {'workload': {}}}
    ctx = testing.Context(BusyCharm, meta=meta)
    container = testing.Container('workload', can_connect=True)
    state = testing.State(
        leader=True,
        relations=[testing.Relation('db'), testing.Relation('db')],
        secrets=[testing.Secret({'key': 'v'}, owner='app', label='s')],
        containers=[container],
        stored_states=[testing.StoredState(owner_path='BusyCharm', content={'a': [1]})],
    )
    before = json.dumps(state.to_dict(), sort_keys=True)
    out = ctx.run(ctx.on.pebble_ready(container), state)
    assert json.dumps(state.to_dict(), sort_keys=True) == before
    assert out != state
    assert all(r.local_unit_data['k'] == 'v' for r in out.relations)
    assert out.get_secret(label='s').tracked_content == {'key': 'changed'}
    assert len(out.secrets) == 2
    assert out.get_container('workload').service_statuses['s'] == ops.pebble.ServiceStatus.ACTIVE
    assert out.workload_version == '9'


class Fragile(ops.EventBase):
    """An event whose snapshot cannot be taken until it has data."""

    def __init__(self, handle: ops.Handle, value: object = None):
        super().__init__(handle)
        self.value = value

    def snapshot(self) -> dict[str, object]:
        if self.value is None:
            raise ValueError('no value yet')
        return {'value': self.value}

    def restore(self, snapshot: dict[str, object]) -> None:
        self.value = snapshot['value']


class FragileEvents(ops.CharmEvents):
    fragile = ops.EventSource(Fragile)


class FragileCharm(ops.CharmBase):
    on = FragileEvents()  # type: ignore[reportAssignmentType]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._start)

    def _start(self, event: ops.StartEvent) -> None:
        self.on.fragile.emit(None)


def test_events_that_cannot_snapshot_are_still_recorded() -> None:
    ctx = testing.Context(FragileCharm, meta=META)
    ctx.run(ctx.on.start(), testing.State())
    assert [type(e).__name__ for e in ctx.emitted_events] == ['StartEvent', 'Fragile']
