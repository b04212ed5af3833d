"""Hook tools that fail, hang, print garbage or are missing: the hook fails cleanly.

The charm's real ``dispatch`` runs with the fake Juju's tools on ``PATH``, one tool broken
in one way. The hook must end (bounded by the framework's own per-tool timeout, set to one
second by the charm), exit non-zero, log a :class:`ops.ModelError` naming the tool and the
problem through ``juju-log``, and commit nothing. A charm that catches the error carries
on; a broken ``juju-log`` itself never fails the hook.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from ops.storage import NoSnapshotError, SQLiteStorage

from tests.reliability.conftest import Charm

CASES = {
    # id: (operation in the charm, tool, fault, expected phrase in the log)
    'status-set-fails': ('status-set', 'status-set', 'fail', 'ERROR not allowed (boom)'),
    'config-get-fails': ('config-get', 'config-get', 'fail', 'ERROR not allowed (boom)'),
    'config-get-garbage': ('config-get', 'config-get', 'garbage', "'config-get' printed output that is not valid JSON"),
    'relation-get-garbage': ('relation-get', 'relation-get', 'garbage', "'relation-get' printed output that is not valid JSON"),
    'config-get-deep-json': ('config-get', 'config-get', 'deep', "'config-get' printed JSON nested too deeply to decode"),
    'is-leader-deep-json': ('is-leader', 'is-leader', 'deep', "'is-leader' printed JSON nested too deeply to decode"),
    'is-leader-wrong-type': ('is-leader', 'is-leader', 'wrong-type', "'is-leader'"),
    'is-leader-hangs': ('is-leader', 'is-leader', 'hang', "'is-leader' timed out after 0.5 seconds and was killed"),
    'status-set-hangs': ('status-set', 'status-set', 'hang', "'status-set' timed out after 0.5 seconds"),
    'status-set-missing': ('status-set', 'status-set', 'missing', "'status-set' was not found on PATH"),
    'config-get-not-executable': ('config-get', 'config-get', 'not-executable', "'config-get' was found on PATH but is not executable"),
}  # fmt: skip


def _stored_count(charm: Charm) -> int:
    storage = SQLiteStorage(charm.state_db)
    try:
        return int(storage.load_snapshot('ToolsCharm/StoredStateData[_stored]')['count'])
    except NoSnapshotError:
        return 0
    finally:
        storage.close()


def _break(charm: Charm, tool: str, fault: str) -> None:
    state = charm.juju.state
    link = charm.juju.bin_dir / tool
    if fault == 'fail':
        state.fail(tool, code=2, stderr='ERROR not allowed (boom)\n')
    elif fault == 'garbage':
        state.garbage(tool, '<html>\x00 502 Bad Gateway {{{\n')
    elif fault == 'deep':
        state.garbage(tool, '{"a": ' * 100_000 + '1' + '}' * 100_000 + '\n')
    elif fault == 'wrong-type':
        state.garbage(tool, '{"leader": "perhaps"}\n')
    elif fault == 'hang':
        state.hang(tool, 120)
    elif fault == 'missing':
        link.unlink()
    elif fault == 'not-executable':
        link.unlink()
        link.write_text('#!/bin/sh\necho never\n')
        link.chmod(0o644)


@pytest.fixture
def tools_charm(charm_factory: Any) -> Charm:
    charm: Charm = charm_factory('tools_charm.py')
    charm.juju.state.add_relation('db', 'pg', units=['pg/0'], remote_app_data={'a': 'b'})
    assert charm.run(REL_TOOL_OP='status-set').returncode == 0
    assert _stored_count(charm) == 1
    return charm


@pytest.mark.parametrize('case', list(CASES))
def test_a_broken_hook_tool_fails_the_hook_cleanly(tools_charm: Charm, case: str) -> None:
    op, tool, fault, phrase = CASES[case]
    _break(tools_charm, tool, fault)
    start = time.monotonic()
    result = tools_charm.run(REL_TOOL_OP=op, REL_TOOL_TIMEOUT='0.5', timeout=60)
    elapsed = time.monotonic() - start
    assert elapsed < 15, f'the hook took {elapsed:.1f}s: a hung tool was not cut off'
    assert result.returncode != 0
    log = tools_charm.juju_log_text()
    assert 'ModelError' in log, log[-2000:]
    assert phrase in log, log[-2000:]
    assert _stored_count(tools_charm) == 1, 'a failed hook committed its changes'
    assert not any('done' in r and r['done'] == 2 for r in tools_charm.records())


def test_a_charm_that_catches_the_model_error_carries_on(tools_charm: Charm) -> None:
    _break(tools_charm, 'status-set', 'fail')
    result = tools_charm.run(REL_TOOL_OP='catch')
    assert result.returncode == 0, result.stderr
    assert tools_charm.records()[-2:] == [
        {'caught': 'ModelError', 'message': 'ERROR not allowed (boom)\n'},
        {'done': 2},
    ]
    assert _stored_count(tools_charm) == 2


@pytest.mark.parametrize('fault', ['fail', 'missing', 'hang'])
def test_a_broken_juju_log_never_fails_the_hook(tools_charm: Charm, fault: str) -> None:
    _break(tools_charm, 'juju-log', fault)
    start = time.monotonic()
    result = tools_charm.run(REL_TOOL_OP='is-leader', REL_TOOL_TIMEOUT='0.5')
    assert time.monotonic() - start < 15
    assert result.returncode == 0, result.stderr
    assert 'Logging error' in result.stderr  # reported where it can be seen, not lost
    assert tools_charm.records()[-1] == {'done': 2}
    assert _stored_count(tools_charm) == 2


def test_a_hung_juju_log_is_waited_for_once_per_hook(tools_charm: Charm) -> None:
    _break(tools_charm, 'juju-log', 'hang')
    tools_charm.juju.clear_calls()
    result = tools_charm.run(REL_TOOL_OP='log-many', REL_TOOL_TIMEOUT='0.5')
    assert result.returncode == 0, result.stderr
    # Waited for once; every later line went to stderr instead of another 0.5 s (300 s
    # with the default timeout) wait.
    assert len(tools_charm.juju.calls('juju-log')) == 1
    assert "juju-log is not usable (command 'juju-log' timed out" in result.stderr
    for n in range(10):
        assert f'WARNING warning number {n}' in result.stderr
    assert tools_charm.records()[-1] == {'done': 2}


def _tool_processes(charm: Charm, tool: str) -> list[int]:
    """Live processes of the fake ``tool`` belonging to this charm's fake Juju."""
    marker = f'FAKE_JUJU_SOCKET={charm.juju.socket_path}'.encode()
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f'/proc/{entry}/cmdline').read_bytes().split(b'\0')
            environ = Path(f'/proc/{entry}/environ').read_bytes().split(b'\0')
            state = Path(f'/proc/{entry}/stat').read_text().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if state != 'Z' and marker in environ and any(a.endswith(tool.encode()) for a in cmdline):
            found.append(int(entry))
    return found


@pytest.mark.parametrize('op', ['secret-add', 'secret-set'])
@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGHUP], ids=['SIGTERM', 'SIGHUP'])
def test_a_signal_during_secret_add_leaves_no_secret_file_and_no_orphan(
    tools_charm: Charm, tmp_path: Path, op: str, signum: int
) -> None:
    tmpdir = tmp_path / 'hook-tmp'
    tmpdir.mkdir()
    tools_charm.juju.state.hang(op, 120)
    tools_charm.juju.clear_calls()
    proc = tools_charm.popen(REL_TOOL_OP=op, TMPDIR=str(tmpdir))
    try:
        deadline = time.monotonic() + 30
        while not tools_charm.juju.calls(op):  # the tool is running, the files exist
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        files = list(tmpdir.rglob('*'))
        assert any(f.is_file() for f in files), files
        assert _tool_processes(tools_charm, op)
        proc.send_signal(signum)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signum  # died of the signal, as with ops 3.9
    assert list(tmpdir.iterdir()) == [], 'secret files were left on disk'
    deadline = time.monotonic() + 5
    while _tool_processes(tools_charm, op) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _tool_processes(tools_charm, op) == [], f'{op} was orphaned'
