"""ops.main process behaviour: legacy hooks, re-entrancy, debug output, storage choice, errors."""

from __future__ import annotations

from typing import Any

CharmDir = Any  # the conftest's CharmDir


def _write_hook(charm: CharmDir, name: str, body: str, *, executable: bool = True) -> None:
    hooks = charm.path / 'hooks'
    hooks.mkdir(exist_ok=True)
    hook = hooks / name
    hook.write_text('#!/bin/sh\n' + body)
    hook.chmod(0o755 if executable else 0o644)


def test_legacy_hook_runs_before_the_charm(charm_dir: CharmDir) -> None:
    marker = charm_dir.path / 'legacy-ran'
    _write_hook(charm_dir, 'install', f'echo "$0" > {marker}\n')
    proc = charm_dir.run('hooks/install', OPS_JUJU_LOG_LEVEL='DEBUG')
    assert proc.returncode == 0, proc.stderr
    assert marker.read_text().strip().endswith('hooks/install')
    assert charm_dir.records() == [{'event': 'install', 'runs': 1}]
    messages = [m for _, m in charm_dir.juju.juju_logs()]
    assert 'Running legacy hooks/install.' in messages
    assert 'Legacy hooks/install exited with status 0.' in messages


def test_failing_legacy_hook_fails_the_hook_without_emitting(charm_dir: CharmDir) -> None:
    _write_hook(charm_dir, 'install', 'exit 3\n')
    proc = charm_dir.run('hooks/install')
    assert proc.returncode == 3
    assert charm_dir.records() == []
    assert ('WARNING', 'Legacy hooks/install exited with status 3.') in charm_dir.juju.juju_logs()


def test_non_executable_legacy_hook_is_skipped_with_a_warning(charm_dir: CharmDir) -> None:
    _write_hook(charm_dir, 'install', 'exit 3\n', executable=False)
    proc = charm_dir.run('hooks/install')
    assert proc.returncode == 0, proc.stderr
    assert charm_dir.records() == [{'event': 'install', 'runs': 1}]
    assert (
        'WARNING',
        'Legacy hooks/install exists but is not executable.',
    ) in charm_dir.juju.juju_logs()


def test_a_charm_calling_itself_exits_at_once(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/install', OPERATOR_DISPATCH='1')
    assert proc.returncode == 0, proc.stderr
    assert charm_dir.records() == []
    assert not (charm_dir.path / '.unit-state.db').exists()


def test_juju_debug_also_logs_to_stderr(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/install', JUJU_DEBUG='1')
    assert proc.returncode == 0, proc.stderr
    assert 'DEBUG    Emitting Juju event install.' in proc.stderr
    # Under JUJU_DEBUG, debug lines also go to juju-log.
    assert ('DEBUG', 'Emitting Juju event install.') in charm_dir.juju.juju_logs()


def test_uncaught_exception_in_an_action_is_reported_on_stderr(charm_dir: CharmDir) -> None:
    charm_dir.juju.state.set_action('go', {'value': 1})
    proc = charm_dir.run(
        'actions/go', mode='raise-go', JUJU_ACTION_NAME='go', JUJU_ACTION_UUID='3'
    )
    assert proc.returncode != 0
    assert 'Uncaught ValueError in charm code: bad things in the action' in proc.stderr
    assert 'Use `juju debug-log` to see the full traceback.' in proc.stderr
    assert 'Traceback' not in proc.stderr  # the traceback goes to juju-log only
    logs = charm_dir.juju.juju_logs()
    assert any(level == 'ERROR' and 'ValueError' in msg for level, msg in logs)
    security = [msg for level, msg in logs if level == 'TRACE']
    assert security and '"sys_crash:ValueError"' in security[0]


def test_legacy_main_main_spelling_works(charm_dir: CharmDir) -> None:
    proc = charm_dir.run('hooks/install', mode='legacy-spelling')
    assert proc.returncode == 0, proc.stderr
    assert charm_dir.records() == [{'event': 'install', 'runs': 1}]


def test_controller_storage_keeps_state_on_the_controller(charm_dir: CharmDir) -> None:
    assert charm_dir.run('hooks/install', mode='juju-storage').returncode == 0
    proc = charm_dir.run('hooks/update-status', mode='juju-storage')
    assert proc.returncode == 0, proc.stderr
    assert [r['runs'] for r in charm_dir.records()] == [1, 2]
    assert not (charm_dir.path / '.unit-state.db').exists()
    assert 'state-set' in charm_dir.tools() and 'state-get' in charm_dir.tools()


def test_missing_metadata_fails_the_hook(charm_dir: CharmDir) -> None:
    (charm_dir.path / 'metadata.yaml').unlink()
    proc = charm_dir.run('hooks/install')
    assert proc.returncode != 0
    errors = [m for level, m in charm_dir.juju.juju_logs() if level == 'ERROR']
    assert errors and 'metadata.yaml' in errors[0]
