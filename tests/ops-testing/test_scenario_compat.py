"""Behaviour a charm's Scenario tests see, matched to ops-scenario 8.9 where ours differed."""

from __future__ import annotations

import dataclasses
import pathlib
import sys
from typing import Any, ClassVar

import ops
import pytest
from ops import pebble, testing
from ops.testing import errors
from ops_testing.state import _EntityStatus

WEB_META = {'name': 'web', 'containers': {'nginx': {}}}


# ---- Pebble reads without a connection, exec history ----------------------------------------


class HealthCharm(ops.CharmBase):
    seen: ClassVar[list[Any]] = []

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.nginx_pebble_check_failed, self._on_check_failed)

    def _on_check_failed(self, event: ops.PebbleCheckFailedEvent) -> None:
        nginx = event.workload
        self.seen[:] = [
            event.info.status,
            event.info.failures,
            sorted(nginx.get_plan().checks),
            [n.key for n in nginx.get_notices()],
        ]
        with pytest.raises(pebble.ConnectionError):
            nginx.get_services()


def test_check_failed_handler_reads_checks_plan_and_notices_without_can_connect() -> None:
    layer = pebble.Layer({'checks': {'alive': {'override': 'replace', 'threshold': 2}}})
    info = testing.CheckInfo('alive', status=pebble.CheckStatus.DOWN, failures=4, threshold=2)
    nginx = testing.Container(
        'nginx',
        layers={'base': layer},
        check_infos={info},
        notices=[testing.Notice('web.example/reload')],
    )
    ctx = testing.Context(HealthCharm, meta=WEB_META)
    ctx.run(ctx.on.pebble_check_failed(nginx, info), testing.State(containers={nginx}))
    assert HealthCharm.seen == [pebble.CheckStatus.DOWN, 4, ['alive'], ['web.example/reload']]


class ShellCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.nginx_pebble_ready, self._on_ready)

    def _on_ready(self, event: ops.PebbleReadyEvent) -> None:
        proc = event.workload.exec(['tee', '/tmp/x'])
        assert proc.stdin is not None
        proc.stdin.write('piped text')
        proc.wait()


def test_exec_history_is_filled_at_exec_time_and_records_text_written_to_stdin() -> None:
    nginx = testing.Container('nginx', can_connect=True, execs={testing.Exec(['tee'])})
    ctx = testing.Context(ShellCharm, meta=WEB_META)
    with ctx(ctx.on.update_status(), testing.State(containers={nginx})) as mgr:
        mgr.charm.unit.get_container('nginx').exec(['tee', '-a', 'log']).wait()
        # Seen inside the `with` block, before the event has run.
        assert [args.command for args in ctx.exec_history['nginx']] == [['tee', '-a', 'log']]
        mgr.run()
    ctx = testing.Context(ShellCharm, meta=WEB_META)
    ctx.run(ctx.on.pebble_ready(nginx), testing.State(containers={nginx}))
    assert ctx.exec_history['nginx'][0].stdin == 'piped text'


class FileCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.get_container('nginx').push('/nginx.conf', 'worker 1;')


def test_reusing_a_context_warns_in_juju_log_that_the_filesystem_is_wiped() -> None:
    ctx = testing.Context(FileCharm, meta=WEB_META)
    state = testing.State(containers={testing.Container('nginx', can_connect=True)})
    ctx.run(ctx.on.start(), state)
    ctx.run(ctx.on.start(), state)
    warnings = [line.message for line in ctx.juju_log if line.level == 'WARNING']
    assert any("'nginx'" in m and 'non-empty' in m and 'Mount' in m for m in warnings)


# ---- State components ------------------------------------------------------------------------


def test_check_info_level_must_be_a_check_level_but_odd_startup_and_status_are_kept() -> None:
    with pytest.raises(ValueError):
        testing.CheckInfo('alive', level=7)  # type: ignore[arg-type]
    info = testing.CheckInfo('alive', startup='sometimes', status='sideways')  # type: ignore[arg-type]
    assert (info.startup, info.status) == ('sometimes', 'sideways')
    known = testing.CheckInfo('alive', level='ready', startup='disabled', status='down')  # type: ignore[arg-type]
    assert known.level is pebble.CheckLevel.READY
    assert known.startup is pebble.CheckStartup.DISABLED
    assert known.status is pebble.CheckStatus.DOWN


def test_get_relation_with_a_mismatched_relation_object_names_the_method_and_endpoint() -> None:
    db = testing.Relation('db')
    state = testing.State(relations={db})
    with pytest.raises(ValueError, match=r'get_relation.*PeerRelation'):
        state.get_relation(testing.PeerRelation('db', id=db.id))
    with pytest.raises(ValueError, match="endpoint 'db'.*endpoint 'cache'"):
        state.get_relation(testing.Relation('cache', id=db.id))


def test_unknown_status_from_a_name_with_a_message_warns_that_the_message_is_dropped() -> None:
    with pytest.warns(UserWarning, match='no message'):
        status = _EntityStatus.from_status_name('unknown', 'lost text')
    assert status == testing.UnknownStatus()


class QuietCharm(ops.CharmBase):
    pass


def test_output_state_components_share_no_mutable_data_with_the_input() -> None:
    meta = {
        'name': 'web',
        'requires': {'db': {'interface': 'sql'}},
        'containers': {'nginx': {}},
    }
    db = testing.Relation('db', local_app_data={'user': 'u1'}, remote_units_data={3: {'a': 'b'}})
    secret = testing.Secret({'password': 'pw'})
    nginx = testing.Container('nginx')
    state_in = testing.State(relations={db}, secrets={secret}, containers={nginx})
    ctx = testing.Context(QuietCharm, meta=meta)
    out = ctx.run(ctx.on.update_status(), state_in)

    db_out = out.get_relation(db.id)
    assert db_out == db and db_out is not db
    db_out.local_app_data['user'] = 'changed'
    db_out.remote_units_data[3]['a'] = 'changed'
    assert db.local_app_data == {'user': 'u1'}
    assert db.remote_units_data == {3: {'a': 'b'}}

    secret_out = out.get_secret(id=secret.id)
    secret_out.tracked_content['password'] = 'changed'
    assert secret.tracked_content == {'password': 'pw'}
    assert out.get_container('nginx') is not nginx


# ---- running events ----------------------------------------------------------------------


class BackupCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.backup_action, self._on_backup)

    def _on_backup(self, event: ops.ActionEvent) -> None:
        event.fail('disk full')


def test_a_failure_when_the_with_block_ends_replaces_the_blocks_own_exception() -> None:
    ctx = testing.Context(BackupCharm, meta={'name': 'db'}, actions={'backup': {}})
    with pytest.raises(testing.ActionFailed, match='disk full') as info:
        with ctx(ctx.on.action('backup'), testing.State()):
            raise LookupError('the test body failed')
    assert isinstance(info.value.__context__, LookupError)


class SnoozeCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        for event in (
            self.on.install,
            self.on.start,
            self.on.update_status,
            self.on.leader_elected,
        ):
            framework.observe(event, self._snooze)

    def _snooze(self, event: ops.EventBase) -> None:
        event.defer()


def test_output_deferred_events_are_ordered_by_handle_path() -> None:
    ctx = testing.Context(SnoozeCharm, meta={'name': 'snooze'})
    queued = [
        ctx.on.update_status().deferred(SnoozeCharm._snooze, event_id=10),
        ctx.on.leader_elected().deferred(SnoozeCharm._snooze, event_id=4),
        ctx.on.install().deferred(SnoozeCharm._snooze, event_id=2),
    ]
    out = ctx.run(ctx.on.start(), testing.State(deferred=queued))
    paths = [d.handle_path for d in out.deferred]
    assert paths == sorted(paths)
    assert [p.split('/')[-1].split('[')[0] for p in paths] == [
        'install',
        'leader_elected',
        'start',
        'update_status',
    ]


class MetaReader(ops.CharmBase):
    pass


def test_metadata_written_into_a_charm_root_is_removed_when_the_event_has_run(
    tmp_path: pathlib.Path,
) -> None:
    ctx = testing.Context(MetaReader, meta={'name': 'reader'}, charm_root=tmp_path)
    written = tmp_path / 'metadata.yaml'
    with ctx(ctx.on.start(), testing.State()) as mgr:
        assert written.exists()
        mgr.run()
        assert not written.exists()
    assert not written.exists()


def test_errors_module_is_the_scenario_one() -> None:
    import scenario.errors

    assert scenario.errors.UncaughtCharmError is errors.UncaughtCharmError


class GuardCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._on_config_changed)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        self.unit.get_container('nginx').stop_checks('alive')


def test_stopping_a_check_given_in_the_state_makes_it_inactive() -> None:
    layer = pebble.Layer({'checks': {'alive': {'override': 'replace', 'startup': 'enabled'}}})
    info = testing.CheckInfo('alive', status=pebble.CheckStatus.UP)
    nginx = testing.Container(
        'nginx', can_connect=True, layers={'base': layer}, check_infos={info}
    )
    ctx = testing.Context(GuardCharm, meta=WEB_META)
    out = ctx.run(ctx.on.config_changed(), testing.State(containers={nginx}))
    assert out.get_container('nginx').get_check_info('alive').status == pebble.CheckStatus.INACTIVE


def test_a_relation_event_without_remote_unit_warns_when_several_units_are_related(
    caplog: pytest.LogCaptureFixture,
) -> None:
    meta = {'name': 'web', 'requires': {'db': {'interface': 'sql'}}}
    db = testing.Relation('db', remote_units_data={4: {}, 9: {}})
    ctx = testing.Context(QuietCharm, meta=meta)
    ctx.run(ctx.on.relation_changed(db), testing.State(relations={db}))
    assert 'remote unit ID unset, and multiple remote unit IDs are present' in caplog.text


@dataclasses.dataclass
class ListenConfig:
    port: int

    def __post_init__(self) -> None:
        if self.port <= 0:
            raise ValueError('port must be positive')


class ListenerCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._on_config_changed)
        self.listen = self.load_config(ListenConfig, errors='blocked')

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        self.unit.status = ops.ActiveStatus('listening')


LISTENER_CONFIG = {'options': {'port': {'type': 'int', 'default': 80}}}


def test_bad_config_loaded_with_errors_blocked_ends_the_hook_without_emitting() -> None:
    ctx = testing.Context(ListenerCharm, meta={'name': 'listener'}, config=LISTENER_CONFIG)
    out = ctx.run(ctx.on.config_changed(), testing.State(config={'port': -1}))
    assert out.unit_status == testing.BlockedStatus('Invalid config: port must be positive')
    assert ctx.emitted_events == []

    with ctx(ctx.on.config_changed(), testing.State(config={'port': -1})) as mgr:
        with pytest.raises(RuntimeError, match='exited early'):
            _ = mgr.charm
        out = mgr.run()
    assert isinstance(out.unit_status, testing.BlockedStatus)

    out = ctx.run(ctx.on.config_changed(), testing.State(config={'port': 8080}))
    assert out.unit_status == testing.ActiveStatus('listening')


class VaultCharm(ops.CharmBase):
    failure: ClassVar[ops.ModelError | None] = None

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.rotate_action, self._on_rotate)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        try:
            self.model.get_secret(label='vault-root')
        except ops.SecretNotFoundError as e:
            type(self).failure = e

    def _on_rotate(self, event: ops.ActionEvent) -> None:
        try:
            self.model.get_cloud_spec()
        except ops.ModelError as e:
            type(self).failure = e


@pytest.mark.skipif(sys.version_info < (3, 11), reason='exception notes are Python 3.11+')
def test_model_errors_carry_a_note_naming_the_hook_command_and_the_hook() -> None:
    ctx = testing.Context(VaultCharm, meta={'name': 'vault'}, actions={'rotate': {}})
    ctx.run(ctx.on.update_status(), testing.State())
    assert VaultCharm.failure is not None
    assert VaultCharm.failure.__notes__ == [
        "Hook command 'secret-get' (label='vault-root', refresh=False, peek=False) "
        "failed during the 'update-status' hook."
    ]
    ctx.run(ctx.on.action('rotate'), testing.State())
    assert VaultCharm.failure.__notes__ == [
        "Hook command 'credential-get' failed during the 'rotate' action."
    ]


@pytest.mark.skipif(sys.version_info < (3, 11), reason='exception notes are Python 3.11+')
def test_a_note_never_shows_secret_content() -> None:
    class Writer(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._on_start)

        def _on_start(self, event: ops.StartEvent) -> None:
            self.model._backend.secret_set(  # type: ignore[attr-defined]
                'secret:doesnotexist0000000',
                content={'token': 'hunter2'},
                label='api',
                description=None,
                expire=None,
                rotate=None,
            )

    ctx = testing.Context(Writer, meta={'name': 'writer'})
    with pytest.raises(errors.UncaughtCharmError) as info:
        ctx.run(ctx.on.start(), testing.State())
    notes = info.value.__cause__.__notes__  # type: ignore[union-attr]
    assert len(notes) == 1 and notes[0].startswith("Hook command 'secret-set' (id=")
    assert 'hunter2' not in notes[0] and 'token' not in notes[0]
