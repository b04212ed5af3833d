"""CharmBase, CharmEvents and the event classes, in-process over the simulated Juju."""

from __future__ import annotations

import dataclasses
from typing import Any

import ops
import pytest
from ops_core._charm._charm import _evaluate_status
from ops_core._framework._abort import _Abort

Env = Any  # the conftest's Env
CharmJuju = Any  # the conftest's CharmJuju


class Recorder(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.seen: list[ops.EventBase] = []
        self.defer_kinds: set[str] = set()
        for kind in (
            'install',
            'update_status',
            'db_relation_changed',
            'data_storage_attached',
            'secret_remove',
            'work_load_pebble_ready',
            'do_backup_action',
        ):
            framework.observe(getattr(self.on, kind), self._record)

    def _record(self, event: ops.EventBase) -> None:
        self.seen.append(event)
        if event.handle.kind in self.defer_kinds:
            event.defer()


def test_metadata_defines_events_for_each_relation_storage_action_and_container(env: Env) -> None:
    charm = env.charm(ops.CharmBase)
    on = charm.on
    for kind in ('created', 'joined', 'changed', 'departed', 'broken'):
        assert getattr(on, f'db_relation_{kind}').event_type.__name__ == (
            f'Relation{kind.capitalize()}Event'
        )
    assert on.my_cache_relation_changed.event_type is ops.RelationChangedEvent
    assert on['my-cache'].relation_changed.event_kind == 'my_cache_relation_changed'
    assert on.data_storage_attached.event_type is ops.StorageAttachedEvent
    assert on.data_storage_detaching.event_type is ops.StorageDetachingEvent
    assert on.do_backup_action.event_type is ops.ActionEvent
    assert on.work_load_pebble_ready.event_type is ops.PebbleReadyEvent
    assert on.work_load_pebble_custom_notice.event_type is ops.PebbleCustomNoticeEvent
    assert on.work_load_pebble_check_failed.event_type is ops.PebbleCheckFailedEvent
    assert on.work_load_pebble_check_recovered.event_type is ops.PebbleCheckRecoveredEvent
    assert isinstance(on, ops.CharmEvents)
    # The shared class is untouched: another charm with other metadata has no such events.
    assert not hasattr(ops.CharmEvents, 'db_relation_changed')
    assert 'db_relation_changed' in on.events() and 'install' in on.events()


def test_the_same_charm_class_can_be_built_again_with_other_metadata(
    env: Env, juju: CharmJuju
) -> None:
    env.charm(Recorder)
    from ops_core._framework._framework import Framework
    from ops_core._model._model import Model
    from ops_core._persistence._sqlite import SQLiteStorage

    other = ops.CharmMeta.from_yaml('name: other\nprovides: {web: {interface: http}}')
    fw = Framework(SQLiteStorage(':memory:'), '.', other, Model(other, juju.recorder))
    charm = ops.CharmBase(fw)
    assert hasattr(charm.on, 'web_relation_joined') and not hasattr(charm.on, 'db_relation_joined')


def test_define_event_rejects_bad_names(env: Env) -> None:
    charm = env.charm(ops.CharmBase)
    with pytest.raises(RuntimeError, match='overlaps with an existing type'):
        type(charm.on).define_event('db_relation_changed', ops.RelationChangedEvent)
    with pytest.raises(RuntimeError, match='python keyword'):
        type(charm.on).define_event('class', ops.EventBase)


def test_charm_properties(env: Env, juju: CharmJuju) -> None:
    juju.set_config({'log-level': 'debug', 'port': 8080})
    charm = env.charm(ops.CharmBase)
    assert charm.app.name == 'myapp' and charm.unit.name == 'myapp/0'
    assert charm.meta is env.meta and str(charm.charm_dir) == '.'
    assert charm.config['port'] == 8080
    assert charm.model is charm.framework.model


@pytest.mark.parametrize(
    ('cls', 'args', 'message'),
    [
        (ops.StopEvent, (), 'cannot defer stop events'),
        (ops.RemoveEvent, (), 'cannot defer remove events'),
        (ops.ActionEvent, ('1',), 'cannot defer action events'),
        (ops.SecretRotateEvent, ('secret:x', None), 'Cannot defer secret rotation'),
        (ops.SecretExpiredEvent, ('secret:x', None, 1), 'Cannot defer secret expiration'),
        (ops.CollectStatusEvent, (), 'cannot defer lifecycle events'),
    ],
)
def test_events_that_cannot_be_deferred(
    cls: type[Any], args: tuple[Any, ...], message: str
) -> None:
    event = cls(ops.Handle(None, 'x', '1'), *args)
    with pytest.raises(RuntimeError, match=message):
        event.defer()


@pytest.mark.parametrize(
    'cls', [ops.PreSeriesUpgradeEvent, ops.PostSeriesUpgradeEvent, ops.CollectMetricsEvent]
)
def test_deprecated_events_warn(cls: type[Any]) -> None:
    with pytest.warns(DeprecationWarning):
        cls(ops.Handle(None, 'x', '1'))


def _commit_and_reload(env: Env, cls: type[Recorder] = Recorder) -> Recorder:
    env.frameworks[-1].commit()
    charm = cls(env.framework())
    return charm


def test_deferred_relation_event_is_restored_with_its_relation_app_and_unit(
    env: Env, juju: CharmJuju
) -> None:
    juju.add_relation('db', 'pg', relation_id=3, units=['pg/0'])
    charm = env.charm(Recorder)
    charm.defer_kinds.add('db_relation_changed')
    rel = charm.model.get_relation('db', 3)
    charm.on.db_relation_changed.emit(
        rel, app=charm.model.get_app('pg'), unit=charm.model.get_unit('pg/0')
    )
    charm = _commit_and_reload(env)
    charm.framework.reemit()
    (event,) = charm.seen
    assert isinstance(event, ops.RelationChangedEvent)
    assert event.relation.id == 3 and event.app is not None and event.app.name == 'pg'
    assert event.unit is not None and event.unit.name == 'pg/0'
    assert event.snapshot() == {
        'relation_name': 'db',
        'relation_id': 3,
        'app_name': 'pg',
        'unit_name': 'pg/0',
    }


def test_relation_event_with_a_unit_of_another_app_is_rejected(env: Env, juju: CharmJuju) -> None:
    juju.add_relation('db', 'pg', relation_id=3, units=['pg/0'])
    charm = env.charm(Recorder)
    rel = charm.model.get_relation('db', 3)
    with pytest.raises(RuntimeError, match='cannot create RelationEvent'):
        ops.RelationChangedEvent(
            ops.Handle(None, 'x', '1'),
            rel,
            charm.model.get_app('other'),
            charm.model.get_unit('pg/0'),
        )


def test_deferred_storage_event_keeps_its_location(env: Env, juju: CharmJuju) -> None:
    juju.add_storage('data/0', '/srv/a')
    juju.add_storage('data/1', '/srv/b')
    charm = env.charm(Recorder)
    charm.defer_kinds.add('data_storage_attached')
    charm.on.data_storage_attached.emit(charm.model.storages['data'][1])
    charm = _commit_and_reload(env)
    charm.framework.reemit()
    (event,) = charm.seen
    assert (event.storage.name, event.storage.index, str(event.storage.location)) == (
        'data',
        1,
        '/srv/b',
    )


def test_secret_remove_event_snapshot_and_revision(env: Env) -> None:
    charm = env.charm(Recorder)
    charm.defer_kinds.add('secret_remove')
    charm.on.secret_remove.emit('secret:abc', 'lbl', 4)
    charm = _commit_and_reload(env)
    charm.framework.reemit()
    (event,) = charm.seen
    assert isinstance(event, ops.SecretRemoveEvent)
    assert event.revision == 4 and event.secret.label == 'lbl'
    assert event.secret.id is not None and event.secret.id.endswith('abc')
    assert event.snapshot() == {'id': 'secret:abc', 'label': 'lbl', 'revision': 4}


def test_workload_event_restores_the_container(env: Env) -> None:
    charm = env.charm(Recorder)
    charm.defer_kinds.add('work_load_pebble_ready')
    charm.on.work_load_pebble_ready.emit(charm.unit.get_container('work-load'))
    charm = _commit_and_reload(env)
    charm.framework.reemit()
    (event,) = charm.seen
    assert event.workload.name == 'work-load'
    assert event.snapshot() == {'container_name': 'work-load'}


def test_action_event_loads_params_on_delivery_and_reports(env: Env, juju: CharmJuju) -> None:
    juju.set_action('do-backup', {'target-dir': '/backups', 'count': 2})
    charm = env.charm(Recorder)
    assert juju.recorder.count('action_get') == 0
    charm.on.do_backup_action.emit('42')
    (event,) = charm.seen
    assert isinstance(event, ops.ActionEvent)
    assert event.id == '42' and event.params == {'target-dir': '/backups', 'count': 2}
    event.set_results({'done': True, 'detail': {'files': 3}})
    event.log('progress')
    event.fail('oops')
    action = juju.load()['action']
    assert action['results'] == {'done': True, 'detail': {'files': 3}}
    assert action['logs'] == ['progress'] and action['failed'] == 'oops'


@pytest.mark.parametrize(
    ('results', 'message'),
    [
        ({'Bad': 1}, "invalid action result key 'Bad'"),
        ({'a-': 1}, "invalid action result key 'a-'"),
        ({1: 2}, 'keys must be strings'),
        ({'a.b': 1, 'a': {'b': 2}}, "duplicate action result key 'a.b'"),
    ],
)
def test_set_results_validates_keys(
    env: Env, juju: CharmJuju, results: dict[Any, Any], message: str
) -> None:
    juju.set_action('do-backup')
    charm = env.charm(Recorder)
    charm.on.do_backup_action.emit('1')
    with pytest.raises(ValueError, match=message):
        charm.seen[0].set_results(results)


@dataclasses.dataclass
class BackupParams:
    target_dir: str
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError('count must be at least 1')


def test_load_params(env: Env, juju: CharmJuju) -> None:
    juju.set_action('do-backup', {'target-dir': '/b', 'count': 3, 'ignored': True})
    charm = env.charm(Recorder)
    charm.on.do_backup_action.emit('1')
    event = charm.seen[0]
    assert event.load_params(BackupParams) == BackupParams('/b', 3)
    juju.set_action('do-backup', {'target-dir': '/b', 'count': 0})
    charm.on.do_backup_action.emit('2')
    with pytest.raises(ValueError, match='at least 1'):
        charm.seen[1].load_params(BackupParams)
    with pytest.raises(_Abort) as abort:
        charm.seen[1].load_params(BackupParams, errors='fail')
    assert abort.value.exit_code == 0
    assert juju.juju.action_failure == 'Error in action parameters: count must be at least 1'


@dataclasses.dataclass
class Config:
    log_level: str
    port: int
    creds: ops.Secret | None = None
    nickname: str = dataclasses.field(default='', metadata={'alias': 'nick'})

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f'port {self.port} out of range')


def test_load_config(env: Env, juju: CharmJuju) -> None:
    juju.set_config({'log-level': 'debug', 'port': 8080, 'creds': 'secret:abc', 'nick': 'n'})
    charm = env.charm(ops.CharmBase)
    cfg = charm.load_config(Config)
    assert (cfg.log_level, cfg.port, cfg.nickname) == ('debug', 8080, 'n')
    assert isinstance(cfg.creds, ops.Secret) and cfg.creds.id is not None
    # As in ops 3.9, keyword arguments fill in what the config does not set.
    assert charm.load_config(Config, port=1).port == 8080
    juju.set_config({'log-level': 'debug', 'creds': 'secret:abc', 'nick': 'n'})
    charm = env.charm(ops.CharmBase)
    assert charm.load_config(Config, port=1).port == 1


def test_load_config_errors_blocked(env: Env, juju: CharmJuju) -> None:
    juju.set_config({'log-level': 'x', 'port': 0})
    charm = env.charm(ops.CharmBase)
    with pytest.raises(ValueError, match='out of range'):
        charm.load_config(Config)
    with pytest.raises(_Abort):
        charm.load_config(Config, errors='blocked')
    assert juju.status() == ('blocked', 'Invalid config: port 0 out of range')


class Collector(ops.CharmBase):
    unit_statuses: list[ops.StatusBase] = []
    app_statuses: list[ops.StatusBase] = []

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.collect_unit_status, self._unit)
        if self.app_statuses:
            framework.observe(self.on.collect_app_status, self._app)

    def _unit(self, event: ops.CollectStatusEvent) -> None:
        for status in self.unit_statuses:
            event.add_status(status)

    def _app(self, event: ops.CollectStatusEvent) -> None:
        for status in self.app_statuses:
            event.add_status(status)


@pytest.mark.parametrize(
    ('statuses', 'expected'),
    [
        (
            [ops.ActiveStatus('a'), ops.WaitingStatus('w'), ops.MaintenanceStatus('m')],
            ('maintenance', 'm'),
        ),
        (
            [ops.ActiveStatus('a'), ops.BlockedStatus('b1'), ops.BlockedStatus('b2')],
            ('blocked', 'b1'),
        ),
        ([ops.ActiveStatus('first'), ops.ActiveStatus('second')], ('active', 'first')),
        ([ops.WaitingStatus('w'), ops.ActiveStatus('a')], ('waiting', 'w')),
    ],
)
def test_collect_status_highest_priority_wins(
    env: Env, juju: CharmJuju, statuses: list[ops.StatusBase], expected: tuple[str, str]
) -> None:
    cls = type('C', (Collector,), {'unit_statuses': statuses})
    charm = env.charm(cls)
    _evaluate_status(charm)
    assert juju.status() == expected
    assert juju.recorder.count('is_leader') == 0  # no collect_app_status observer


def test_collect_status_sets_nothing_when_no_status_was_added(env: Env, juju: CharmJuju) -> None:
    charm = env.charm(Collector)
    _evaluate_status(charm)
    assert juju.recorder.count('status_set') == 0


def test_app_status_is_collected_only_on_the_leader(env: Env, juju: CharmJuju) -> None:
    cls = type('C', (Collector,), {'app_statuses': [ops.BlockedStatus('app')]})
    _evaluate_status(env.charm(cls))
    assert juju.recorder.count('is_leader') == 1
    assert juju.status(app=True) == ('unknown', '')
    juju.set_leader(True)
    _evaluate_status(env.charm(cls))
    assert juju.status(app=True) == ('blocked', 'app')


@pytest.mark.parametrize(
    ('bad', 'exc'),
    [
        ('active', TypeError),
        (ops.ErrorStatus('x'), ops.InvalidStatusError),
        (ops.UnknownStatus(), ops.InvalidStatusError),
    ],
)
def test_add_status_rejects_what_cannot_be_set(env: Env, bad: Any, exc: type[Exception]) -> None:
    cls = type('C', (Collector,), {'unit_statuses': [bad]})
    with pytest.raises(exc):
        _evaluate_status(env.charm(cls))


def test_collect_metrics_add_metrics(env: Env, juju: CharmJuju) -> None:
    with pytest.warns(DeprecationWarning):
        event = ops.CollectMetricsEvent(ops.Handle(None, 'x', '1'))
    event.framework = env.framework()
    event.add_metrics({'requests': 3, 'latency-ms': 1.5}, {'region': 'eu'})
    assert juju.juju.metrics == [({'requests': 3, 'latency-ms': 1.5}, {'region': 'eu'})]
    with pytest.raises(ops.ModelError, match='invalid metric name'):
        event.add_metrics({'bad name': 1})
    with pytest.raises(ops.ModelError, match='is not a number'):
        event.add_metrics({'ok': 'one'})  # type: ignore[dict-item]
    with pytest.raises(ops.ModelError, match='metric label'):
        event.add_metrics({'ok': 1}, {'region': 'a=b'})
