"""What a hook costs: processes run, modules imported, files read (a hook is a new process)."""

from __future__ import annotations

from typing import Any

CharmDir = Any  # the conftest's CharmDir


def test_update_status_that_sets_a_status_runs_only_status_set(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/update-status', mode='status-only')
    assert proc.returncode == 0, proc.stderr
    # No juju-log for the framework's DEBUG chatter, no is-leader, nothing else.
    assert charm_dir.juju.argvs() == [
        ['status-set', '--application=False', 'active', '--', 'all good']
    ]


def test_the_charms_debug_records_reach_juju_log_as_in_ops_39(charm_dir: CharmDir) -> None:
    # Juju's logging-config (`<root>=DEBUG` to debug a unit) decides what is shown, so every
    # record the charm (or a charm library) logs is sent, DEBUG included; the framework's
    # own per-hook chatter is not.
    proc = charm_dir.run('hooks/update-status', mode='debug-log')
    assert proc.returncode == 0, proc.stderr
    assert charm_dir.juju.juju_logs() == [
        ('DEBUG', 'charm debug line in update_status'),
        ('DEBUG', 'library debug line'),
    ]
    assert charm_dir.juju.argvs('juju-log')[0] == [
        'juju-log',
        '--log-level',
        'DEBUG',
        '--',
        'charm debug line in update_status',
    ]


def test_logging_at_the_configured_level_is_what_costs_juju_log_calls(
    charm_dir: CharmDir,
) -> None:
    proc = charm_dir.run('hooks/update-status', mode='status-only', OPS_JUJU_LOG_LEVEL='DEBUG')
    assert proc.returncode == 0, proc.stderr
    logs = charm_dir.juju.juju_logs()
    assert ('DEBUG', 'Emitting Juju event update_status.') in logs
    assert logs[0][1].startswith('ops ') and logs[0][1].endswith(' up and running.')
    assert set(charm_dir.tools()) == {'juju-log', 'status-set'}
    assert charm_dir.tools().count('juju-log') == len(logs)

    charm_dir.clear()
    proc = charm_dir.run('hooks/install', mode='defer-install', OPS_JUJU_LOG_LEVEL='WARNING')
    assert proc.returncode == 0, proc.stderr
    assert charm_dir.tools() == []  # the charm's INFO line is below WARNING
    charm_dir.clear()
    proc = charm_dir.run('hooks/install', mode='defer-install')
    messages = [argv[-1] for argv in charm_dir.juju.argvs('juju-log')]
    assert proc.returncode == 0, proc.stderr
    assert set(charm_dir.tools()) == {'juju-log'}
    # INFO lines only: the charm's own, and the framework's note that an identical install
    # event is already queued (the previous run deferred one).
    assert messages[0] == 'deferring install'
    assert all(m.startswith(('deferring', 'Skipping notice')) for m in messages)


def test_machine_charm_hook_imports_no_pebble_websocket_ssl_or_http(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/start', mode='modules')
    assert proc.returncode == 0, proc.stderr
    exit_record = charm_dir.records()[-1]
    assert exit_record == {'event': 'exit', 'modules': []}


def test_each_metadata_file_is_read_once_per_hook(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/config-changed', mode='count-reads')
    assert proc.returncode == 0, proc.stderr
    reads = [r for r in charm_dir.records() if r['event'] == 'reads']
    assert reads == [{'event': 'reads', 'files': ['actions.yaml', 'config.yaml', 'metadata.yaml']}]
