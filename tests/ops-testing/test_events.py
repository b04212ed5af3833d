"""Every ``ctx.on.*`` constructor: the charm receives the right event with the right data."""

from __future__ import annotations

import os
from typing import Any

import ops
import pytest
from ops import testing

from .conftest import ACTIONS, CONFIG, META


class EnvCharm(ops.CharmBase):
    """Records each event it gets together with the Juju environment it ran in."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.got: list[tuple[ops.EventBase, dict[str, str]]] = []
        for name in self.on.events():
            framework.observe(getattr(self.on, name), self._record)

    def _record(self, event: ops.EventBase) -> None:
        if isinstance(event, ops.CollectStatusEvent):
            return
        env = {k: v for k, v in os.environ.items() if k.startswith('JUJU_')}
        self.got.append((event, env))


def _run(
    event: Any, state: testing.State, **ctx_kwargs: Any
) -> tuple[ops.EventBase, dict[str, str]]:
    ctx = testing.Context(EnvCharm, meta=META, actions=ACTIONS, config=CONFIG, **ctx_kwargs)
    with ctx(event(ctx) if callable(event) else event, state) as manager:
        manager.run()
        got = manager.charm.got
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    ('name', 'cls', 'hook'),
    [
        ('install', ops.InstallEvent, 'install'),
        ('start', ops.StartEvent, 'start'),
        ('stop', ops.StopEvent, 'stop'),
        ('remove', ops.RemoveEvent, 'remove'),
        ('update_status', ops.UpdateStatusEvent, 'update-status'),
        ('config_changed', ops.ConfigChangedEvent, 'config-changed'),
        ('upgrade_charm', ops.UpgradeCharmEvent, 'upgrade-charm'),
        ('pre_series_upgrade', ops.PreSeriesUpgradeEvent, 'pre-series-upgrade'),
        ('post_series_upgrade', ops.PostSeriesUpgradeEvent, 'post-series-upgrade'),
        ('leader_elected', ops.LeaderElectedEvent, 'leader-elected'),
    ],
)
def test_simple_events(name: str, cls: type[ops.EventBase], hook: str) -> None:
    with pytest.warns() if 'series' in name else _nothing():
        event, env = _run(lambda c: getattr(c.on, name)(), testing.State(leader=True))
    assert type(event) is cls
    assert env['JUJU_DISPATCH_PATH'] == f'hooks/{hook}'
    assert env['JUJU_HOOK_NAME'] == hook
    assert env['JUJU_UNIT_NAME'] == 'app/0'
    assert env['JUJU_VERSION'] == '3.6.14'


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *a: object) -> None:
        return None


def test_collect_status_events() -> None:
    ctx = testing.Context(EnvCharm, meta=META, actions=ACTIONS, config=CONFIG)
    assert ctx.on.collect_unit_status().path == 'collect_unit_status'
    assert ctx.on.collect_app_status().path == 'collect_app_status'


def test_relation_events_and_their_environment() -> None:
    relation = testing.Relation(
        'my-ingress', remote_app_name='traefik', remote_units_data={3: {}, 4: {}}
    )
    state = testing.State(relations=[relation])
    event, env = _run(lambda c: c.on.relation_changed(relation, remote_unit=4), state)
    assert isinstance(event, ops.RelationChangedEvent)
    assert event.relation.id == relation.id
    assert event.app is not None and event.app.name == 'traefik'
    assert event.unit is not None and event.unit.name == 'traefik/4'
    assert env['JUJU_HOOK_NAME'] == 'my-ingress-relation-changed'
    assert env['JUJU_RELATION'] == 'my-ingress'
    assert env['JUJU_RELATION_ID'] == f'my-ingress:{relation.id}'
    assert env['JUJU_REMOTE_APP'] == 'traefik'

    event, env = _run(lambda c: c.on.relation_created(relation), state)
    assert isinstance(event, ops.RelationCreatedEvent) and 'JUJU_REMOTE_UNIT' not in env
    event, env = _run(lambda c: c.on.relation_joined(relation, remote_unit=3), state)
    assert isinstance(event, ops.RelationJoinedEvent) and env['JUJU_REMOTE_UNIT'] == 'traefik/3'
    event, env = _run(
        lambda c: c.on.relation_departed(relation, remote_unit=3, departing_unit=4), state
    )
    assert isinstance(event, ops.RelationDepartedEvent)
    assert event.departing_unit is not None and event.departing_unit.name == 'traefik/4'
    assert env['JUJU_DEPARTING_UNIT'] == 'traefik/4'
    event, env = _run(lambda c: c.on.relation_broken(relation), state)
    assert isinstance(event, ops.RelationBrokenEvent)
    assert event.relation.id == relation.id


def test_relation_broken_hides_the_relation_from_model_relations() -> None:
    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.db_relation_broken, self._broken)
            self.seen: list[int] = []

        def _broken(self, event: ops.RelationBrokenEvent) -> None:
            self.seen = [r.id for r in self.model.relations['db']]

    relation = testing.Relation('db')
    ctx = testing.Context(Charm, meta=META)
    with ctx(ctx.on.relation_broken(relation), testing.State(relations=[relation])) as mgr:
        mgr.run()
        assert mgr.charm.seen == []


def test_peer_relation_remote_app_is_this_app() -> None:
    peer = testing.PeerRelation('peers', peers_data={1: {'k': 'v'}})
    event, env = _run(
        lambda c: c.on.relation_changed(peer, remote_unit=1), testing.State(relations=[peer])
    )
    assert env['JUJU_REMOTE_APP'] == 'app'
    assert event.unit is not None and event.unit.name == 'app/1'  # type: ignore[attr-defined]


def test_storage_events() -> None:
    storage = testing.Storage('data', index=2)
    state = testing.State(storages=[storage])
    event, env = _run(lambda c: c.on.storage_attached(storage), state)
    assert isinstance(event, ops.StorageAttachedEvent)
    assert event.storage.name == 'data' and event.storage.index == 2
    assert env['JUJU_STORAGE_ID'] == 'data/2'
    event, _ = _run(lambda c: c.on.storage_detaching(storage), state)
    assert isinstance(event, ops.StorageDetachingEvent)


def test_workload_events() -> None:
    notice = testing.Notice('example.com/thing')
    check = testing.CheckInfo('up', level='alive')
    from ops import pebble

    layer = pebble.Layer(
        {'checks': {'up': {'override': 'replace', 'level': 'alive', 'exec': {'command': 'true'}}}}
    )
    container = testing.Container(
        'side-car', can_connect=True, notices=[notice], check_infos=[check], layers={'l': layer}
    )
    state = testing.State(containers=[container])
    event, env = _run(lambda c: c.on.pebble_ready(container), state)
    assert isinstance(event, ops.PebbleReadyEvent)
    assert event.workload.name == 'side-car'
    assert env['JUJU_HOOK_NAME'] == 'side-car-pebble-ready'
    assert env['JUJU_WORKLOAD_NAME'] == 'side-car'
    event, env = _run(lambda c: c.on.pebble_custom_notice(container, notice), state)
    assert isinstance(event, ops.PebbleCustomNoticeEvent)
    assert event.notice.key == 'example.com/thing' and event.notice.id == notice.id
    assert env['JUJU_NOTICE_KEY'] == 'example.com/thing' and env['JUJU_NOTICE_TYPE'] == 'custom'
    event, env = _run(lambda c: c.on.pebble_check_failed(container, check), state)
    assert isinstance(event, ops.PebbleCheckFailedEvent) and event.info.name == 'up'
    assert env['JUJU_PEBBLE_CHECK_NAME'] == 'up'
    event, _ = _run(lambda c: c.on.pebble_check_recovered(container, check), state)
    assert isinstance(event, ops.PebbleCheckRecoveredEvent)


def test_secret_events() -> None:
    observed = testing.Secret({'a': 'b'}, label='obs')
    owned = testing.Secret({'a': 'b'}, owner='app', label='mine')
    state = testing.State(secrets=[observed, owned], leader=True)
    event, env = _run(lambda c: c.on.secret_changed(observed), state)
    assert isinstance(event, ops.SecretChangedEvent)
    assert event.secret.id == observed.id and event.secret.label == 'obs'
    assert env['JUJU_SECRET_ID'] == observed.id and env['JUJU_SECRET_LABEL'] == 'obs'
    event, _ = _run(lambda c: c.on.secret_rotate(owned), state)
    assert isinstance(event, ops.SecretRotateEvent)
    event, env = _run(lambda c: c.on.secret_expired(owned, revision=3), state)
    assert isinstance(event, ops.SecretExpiredEvent) and event.revision == 3
    assert env['JUJU_SECRET_REVISION'] == '3'
    event, _ = _run(lambda c: c.on.secret_remove(owned, revision=2), state)
    assert isinstance(event, ops.SecretRemoveEvent) and event.revision == 2


def test_secret_event_ownership_rules() -> None:
    ctx = testing.Context(EnvCharm, meta=META)
    with pytest.raises(ValueError, match='never receive secret-changed for a secret it owns'):
        ctx.on.secret_changed(testing.Secret({'a': 'b'}, owner='unit'))
    for make in (
        lambda s: ctx.on.secret_rotate(s),
        lambda s: ctx.on.secret_expired(s, revision=1),
        lambda s: ctx.on.secret_remove(s, revision=1),
    ):
        with pytest.raises(ValueError):
            make(testing.Secret({'a': 'b'}))


def test_action_event() -> None:
    event, env = _run(
        lambda c: c.on.action('do-thing', params={'name': 'x'}, id='42'), testing.State()
    )
    assert isinstance(event, ops.ActionEvent)
    assert event.id == '42'
    assert event.params == {'name': 'x'}
    assert env['JUJU_DISPATCH_PATH'] == 'actions/do-thing'
    assert env['JUJU_ACTION_NAME'] == 'do-thing'
    assert env['JUJU_ACTION_UUID'] == '42'
    ctx = testing.Context(EnvCharm, meta=META, actions=ACTIONS)
    first, second = ctx.on.action('simple'), ctx.on.action('simple')
    assert first.action is not None and second.action is not None
    assert int(second.action.id) == int(first.action.id) + 1


class RelationReady(ops.EventBase):
    """A library event carrying a relation."""

    def __init__(self, handle: ops.Handle, relation: ops.Relation):
        super().__init__(handle)
        self.relation = relation

    def snapshot(self) -> dict[str, Any]:
        return {'name': self.relation.name, 'id': self.relation.id}

    def restore(self, snapshot: dict[str, Any]) -> None:
        relation = self.framework.model.get_relation(snapshot['name'], snapshot['id'])
        assert relation is not None
        self.relation = relation


def test_custom_event_with_state_objects_converted() -> None:
    class Events(ops.ObjectEvents):
        ready = ops.EventSource(RelationReady)

    class Lib(ops.Object):
        on = Events()  # type: ignore[reportAssignmentType]

    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            self.lib = Lib(self, 'lib')
            self.got: list[RelationReady] = []
            framework.observe(self.lib.on.ready, self._on_ready)

        def _on_ready(self, event: RelationReady) -> None:
            self.got.append(event)

    relation = testing.Relation('db')
    ctx = testing.Context(Charm, meta=META)
    with ctx(ctx.on.custom(Lib.on.ready, relation), testing.State(relations=[relation])) as mgr:
        mgr.run()
        assert len(mgr.charm.got) == 1
        assert mgr.charm.got[0].relation.id == relation.id
    with pytest.raises(ValueError, match='Juju event'):
        ctx.on.custom(ops.CharmBase.on.start)


def test_deferred_builder() -> None:
    class Charm(ops.CharmBase):
        def _on_start(self, event: ops.EventBase) -> None: ...

    ctx = testing.Context(Charm, meta=META)
    deferred = ctx.on.start().deferred(Charm._on_start)
    assert deferred == testing.DeferredEvent('Charm/on/start[1]', 'Charm', '_on_start', {})
    relation = testing.Relation('db', remote_units_data={5: {}})
    deferred = ctx.on.relation_changed(relation, remote_unit=5).deferred(
        Charm._on_start, event_id=7
    )
    assert deferred.handle_path == 'Charm/on/db_relation_changed[7]'
    assert deferred.snapshot_data == {
        'relation_name': 'db',
        'relation_id': relation.id,
        'app_name': 'remote',
        'unit_name': 'remote/5',
    }
    with pytest.raises(ValueError):
        ctx.on.start().deferred(lambda e: None)


def test_wrong_event_arguments() -> None:
    ctx = testing.Context(EnvCharm, meta=META)
    with pytest.raises(TypeError, match='ctx.on.start()'):
        ctx.run('start', testing.State())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match='Did you forget to add parentheses'):
        ctx.run(ctx.on.start, testing.State())  # type: ignore[arg-type]
