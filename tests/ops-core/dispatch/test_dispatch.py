"""End-to-end dispatch: a charm directory with a ``dispatch`` script, run in a subprocess the
way Juju runs it, with the fake hook tools on PATH and the SQLite state file on disk."""

from __future__ import annotations

import sqlite3
from typing import Any

CharmDir = Any  # the conftest's CharmDir (conftest modules are not importable by name)


def _statuses(charm: CharmDir) -> dict[str, Any]:
    state = charm.juju.state.load()
    return {'unit': state['unit_status'], 'app': state['app_status']}


def _ok(proc: Any) -> None:
    assert proc.returncode == 0, proc.stderr


def test_install_config_changed_start(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_config(name='bob', port=99)
    for hook in ('install', 'config-changed', 'start'):
        _ok(charm_dir.run(f'hooks/{hook}'))
    assert charm_dir.records() == [
        {'event': 'install', 'runs': 1},
        {'event': 'config_changed', 'runs': 2, 'config': {'name': 'bob', 'port': 99}},
        {'event': 'start', 'runs': 3},
    ]
    assert _statuses(charm_dir)['unit']['status'] == 'active'
    assert _statuses(charm_dir)['unit']['message'] == 'started'
    db = charm_dir.path / '.unit-state.db'
    assert db.exists() and (db.stat().st_mode & 0o777) == 0o600


def test_relation_lifecycle(charm_dir: CharmDir) -> None:
    juju = charm_dir.juju
    rel_id = juju.state.add_relation(
        'db', 'pg', relation_id=3, units=['pg/0'], remote_units_data={'pg/0': {'host': 'h0'}}
    )
    rel_env = {'JUJU_RELATION': 'db', 'JUJU_RELATION_ID': f'db:{rel_id}', 'JUJU_REMOTE_APP': 'pg'}
    unit_env = {**rel_env, 'JUJU_REMOTE_UNIT': 'pg/0'}
    _ok(charm_dir.run('hooks/db-relation-created', **rel_env))
    _ok(charm_dir.run('hooks/db-relation-joined', **unit_env))
    _ok(charm_dir.run('hooks/db-relation-changed', **unit_env))
    assert juju.state.relation(rel_id)['local_unit_data'] == {'seen': 'yes'}
    juju.state.remove_relation_unit(rel_id, 'pg/0')  # Juju no longer lists the departing unit
    _ok(charm_dir.run('hooks/db-relation-departed', JUJU_DEPARTING_UNIT='pg/0', **unit_env))
    _ok(charm_dir.run('hooks/db-relation-broken', **rel_env))
    common = {'relation_id': 3, 'app': 'pg', 'active': True, 'listed': [3]}
    assert charm_dir.records() == [
        {'event': 'db_relation_created', 'unit': None, **common},
        {'event': 'db_relation_joined', 'unit': 'pg/0', **common},
        {'event': 'db_relation_changed', 'unit': 'pg/0', 'remote': {'host': 'h0'}, **common},
        {'event': 'db_relation_departed', 'unit': 'pg/0', 'departing': 'pg/0', **common},
        {
            'event': 'db_relation_broken',
            'relation_id': 3,
            'app': 'pg',
            'unit': None,
            'active': False,
            'listed': [],
        },
    ]


def test_leader_elected_and_collect_status(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_leader(True)
    _ok(charm_dir.run('hooks/leader-elected', mode='collect-status,collect-app-status'))
    assert charm_dir.records() == [{'event': 'leader_elected', 'runs': 1}]
    statuses = _statuses(charm_dir)
    # Highest priority wins: blocked > waiting > active.
    assert (statuses['unit']['status'], statuses['unit']['message']) == ('blocked', 'needs db')
    assert (statuses['app']['status'], statuses['app']['message']) == ('maintenance', 'app busy')
    assert charm_dir.tools().count('is-leader') == 1


def test_no_is_leader_call_unless_the_charm_asks(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_leader(True)
    _ok(charm_dir.run('hooks/leader-elected', mode='collect-status'))
    assert 'is-leader' not in charm_dir.tools()
    assert _statuses(charm_dir)['app']['status'] == 'unknown'


def test_secret_changed(charm_dir: CharmDir) -> None:
    secret_id = charm_dir.juju.state.add_secret({'key': 'v1'}, owner='remote')
    _ok(charm_dir.run('hooks/secret-changed', JUJU_SECRET_ID=secret_id, JUJU_SECRET_LABEL=''))
    (rec,) = charm_dir.records()
    assert rec['event'] == 'secret_changed' and rec['content'] == 'v1'
    assert rec['secret_id'].endswith(secret_id.split(':')[-1])


def test_storage_attached(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.add_storage('data/1', '/srv/data/1')
    _ok(charm_dir.run('hooks/data-storage-attached', JUJU_STORAGE_ID='data/1'))
    assert charm_dir.records() == [
        {'event': 'data_storage_attached', 'name': 'data', 'index': 1, 'location': '/srv/data/1'}
    ]


def test_action_that_succeeds(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_action('go', {'value': 21})
    proc = charm_dir.run('actions/go', JUJU_ACTION_NAME='go', JUJU_ACTION_UUID='7')
    _ok(proc)
    assert charm_dir.records() == [{'event': 'go_action', 'params': {'value': 21}, 'id': '7'}]
    action = charm_dir.juju.state.load()['action']
    assert action['failed'] is None
    assert action['logs'] == ['working']
    assert action['results'] == {'answer': '42', 'nested': {'key': 'v'}} or action['results'] == {
        'answer': '42',
        'nested.key': 'v',
    }


def test_action_that_fails(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_action('explode')
    proc = charm_dir.run('actions/explode', JUJU_ACTION_NAME='explode', JUJU_ACTION_UUID='8')
    _ok(proc)  # a failed action is not a failed hook
    assert charm_dir.juju.state.load()['action']['failed'] == 'it blew up'


def _queued(charm: CharmDir) -> list[tuple[str, str, str]]:
    with sqlite3.connect(charm.path / '.unit-state.db') as conn:
        rows = conn.execute(
            'SELECT event_path, observer_path, method_name FROM notice ORDER BY sequence'
        ).fetchall()
    return [tuple(r) for r in rows]


def test_update_status_with_deferred_events_queued(charm_dir: CharmDir) -> None:
    _ok(charm_dir.run('hooks/install', mode='defer-install'))
    _ok(charm_dir.run('hooks/config-changed', mode='defer-install,defer-config_changed'))
    queued = _queued(charm_dir)
    assert [path.split('/')[-1].split('[')[0] for path, _, _ in queued] == [
        'install',
        'config_changed',
    ]
    # Deferred again: still queued exactly once each, re-emitted before the new event.
    _ok(charm_dir.run('hooks/update-status', mode='defer-install,defer-config_changed'))
    assert _queued(charm_dir) == queued
    _ok(charm_dir.run('hooks/update-status'))
    assert _queued(charm_dir) == []
    events = [(r['event'], r['runs']) for r in charm_dir.records()]
    assert events == [
        ('install', 1),
        ('install', 2),
        ('config_changed', 2),
        ('install', 3),
        ('config_changed', 3),
        ('update_status', 3),
        ('install', 4),
        ('config_changed', 4),
        ('update_status', 4),
    ]


def test_a_charm_that_raises(charm_dir: CharmDir) -> None:
    _ok(charm_dir.run('hooks/install'))
    proc = charm_dir.run('hooks/start', mode='raise-start,defer-start')
    assert proc.returncode != 0
    logs = charm_dir.juju.juju_logs()
    errors = [msg for level, msg in logs if level == 'ERROR']
    assert errors and errors[0].startswith('Uncaught exception while in charm code:')
    assert 'RuntimeError: charm failed in start' in errors[0]
    assert 'Traceback' in errors[0]
    # Nothing was committed: the stored counter and the deferral were rolled back.
    assert _queued(charm_dir) == []
    _ok(charm_dir.run('hooks/update-status'))
    assert charm_dir.records()[-1] == {'event': 'update_status', 'runs': 2}


def test_invalid_typed_config_blocks_and_exits_zero(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_config(port=-1)
    proc = charm_dir.run('hooks/config-changed', mode='typed-config')
    _ok(proc)
    unit = _statuses(charm_dir)['unit']
    assert unit['status'] == 'blocked'
    assert unit['message'] == 'Invalid config: port must be positive, not -1'
    charm_dir.juju.state.set_config(port=5)
    _ok(charm_dir.run('hooks/config-changed', mode='typed-config'))
    assert charm_dir.records()[-1]['typed'] == {'name': 'world', 'port': 5}
    assert charm_dir.records()[-1]['runs'] == 1  # the aborted run committed nothing


def test_unknown_event_is_ignored(charm_dir: CharmDir) -> None:
    _ok(charm_dir.run('hooks/something-from-the-future'))
    assert charm_dir.records() == []


def test_dispatch_path_falls_back_to_argv0_of_a_hook_link(charm_dir: CharmDir) -> None:
    # Old Juju runs hooks/<name> itself, without JUJU_DISPATCH_PATH; charmcraft's dispatch
    # script then passes its $0 on, and ops takes the event from it.
    hooks = charm_dir.path / 'hooks'
    hooks.mkdir()
    (hooks / 'install').symlink_to('../dispatch')
    proc = charm_dir.run(
        'hooks/install',
        executable='hooks/install',
        JUJU_DISPATCH_PATH='',
        OPS_JUJU_LOG_LEVEL='DEBUG',
    )
    _ok(proc)
    assert charm_dir.records() == [{'event': 'install', 'runs': 1}]
    assert ('DEBUG', 'Emitting Juju event install.') in charm_dir.juju.juju_logs()


def test_workload_events_carry_container_notice_and_check(charm_dir: CharmDir) -> None:
    wl = {'JUJU_WORKLOAD_NAME': 'workload'}
    _ok(charm_dir.run('hooks/workload-pebble-ready', mode='defer-workload', **wl))
    _ok(
        charm_dir.run(
            'hooks/workload-pebble-custom-notice',
            JUJU_NOTICE_ID='12',
            JUJU_NOTICE_TYPE='custom',
            JUJU_NOTICE_KEY='example.com/thing',
            **wl,
        )
    )
    _ok(charm_dir.run('hooks/workload-pebble-check-failed', JUJU_PEBBLE_CHECK_NAME='up', **wl))
    assert charm_dir.records() == [
        {'event': 'workload_pebble_ready', 'container': 'workload'},
        # the deferred pebble-ready comes back first, restored from its snapshot
        {'event': 'workload_pebble_ready', 'container': 'workload'},
        {
            'event': 'workload_pebble_custom_notice',
            'container': 'workload',
            'notice': ['12', 'custom', 'example.com/thing'],
        },
        {'event': 'workload_pebble_check_failed', 'container': 'workload', 'check': 'up'},
    ]
