"""A damaged or busy ``.unit-state.db`` stops the hook with a clear error; nothing is reset.

Each case runs the charm's real ``dispatch`` against a state file holding committed stored
state and deferred events, damages it, and checks that the hook exits non-zero, that Juju's
log (``juju-log``) names the file and what to do, and that the file is left byte for byte as
it was, so nothing is silently reset. A zero-length file is the one exception: it is what a
first hook that failed before committing leaves behind, so it holds no state and must work.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ops.storage import SQLiteStorage

from tests.reliability.conftest import Charm, make_charm
from tests.reliability.test_kill import committed_state


@pytest.fixture(scope='module')
def seeded_state(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A state file after six committed dispatches (stored state, four deferred ticks)."""
    charm = make_charm(tmp_path_factory.mktemp('seed') / 'charm', 'kill_charm.py')
    for _ in range(6):
        result = charm.run()
        assert result.returncode == 0, result.stderr
    assert committed_state(charm.state_db)['gen'] == 6
    return charm.state_db.read_bytes()


def _charm_with_state(charm_factory: Any, seeded_state: bytes) -> Charm:
    charm: Charm = charm_factory('kill_charm.py')
    charm.state_db.write_bytes(seeded_state)
    charm.state_db.chmod(0o600)
    return charm


def _assert_refused(charm: Charm, before: bytes, *phrases: str) -> None:
    result = charm.run(timeout=30)
    assert result.returncode != 0
    log = charm.juju_log_text()
    assert 'Uncaught exception' in log
    assert str(charm.state_db) in log
    for phrase in phrases:
        assert phrase in log, log[-2000:]
    assert charm.state_db.read_bytes() == before, 'the damaged file was modified'


@pytest.mark.parametrize('keep', [0.01, 0.4, 0.9, -1], ids=lambda k: f'keep-{k}')
def test_a_truncated_state_file_is_refused_and_left_alone(
    charm_factory: Any, seeded_state: bytes, keep: float
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    good = charm.state_db.read_bytes()
    cut = len(good) - 1 if keep == -1 else int(len(good) * keep)
    damaged = good[:cut]
    charm.state_db.write_bytes(damaged)
    _assert_refused(charm, damaged)
    charm.state_db.write_bytes(good)  # restored from a backup: the unit carries on
    assert charm.run().returncode == 0
    assert committed_state(charm.state_db)['gen'] == 7


@pytest.mark.parametrize('damage', ['page-headers', 'text', 'bad-header'])
def test_a_corrupted_state_file_is_refused_and_left_alone(
    charm_factory: Any, seeded_state: bytes, damage: str
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    data = bytearray(charm.state_db.read_bytes())
    if damage == 'page-headers':
        page_size = int.from_bytes(data[16:18], 'big')
        for page in range(1, len(data) // page_size):
            start = page * page_size
            data[start : start + 32] = b'\xa5' * 32
    elif damage == 'text':
        data = bytearray(b'not a database, just text\n' * 300)
    else:
        data[16:24] = b'\xff' * 8
    charm.state_db.write_bytes(bytes(data))
    _assert_refused(charm, bytes(data), 'move it aside')


def test_a_zero_length_state_file_means_no_state_yet(charm_factory: Any) -> None:
    charm: Charm = charm_factory('kill_charm.py')
    # The first hook fails: nothing is committed and the file it created stays empty.
    result = charm.run(REL_RAISE='1')
    assert result.returncode != 0
    assert charm.state_db.exists() and charm.state_db.stat().st_size == 0
    assert 'the charm failed on purpose' in charm.juju_log_text()
    # Juju retries the hook: it must work, not be refused forever.
    assert charm.run().returncode == 0
    assert committed_state(charm.state_db)['gen'] == 1


HOLDER = """
import sys, time
from ops.storage import SQLiteStorage
storage = SQLiteStorage(sys.argv[1])
storage.save_snapshot('holder', {})  # takes SQLite's exclusive lock until the process ends
print('locked', flush=True)
sys.stdin.readline()
storage.close()
"""


def test_a_state_file_locked_by_another_process_is_reported_not_reset(
    charm_factory: Any, seeded_state: bytes
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    holder = subprocess.Popen(
        [sys.executable, '-c', HOLDER, str(charm.state_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == 'locked'
        start = time.monotonic()
        result = charm.run(REL_LOCK_TIMEOUT='0.5', timeout=30)
        assert time.monotonic() - start < 20
        assert result.returncode != 0
        log = charm.juju_log_text()
        assert str(charm.state_db) in log
        assert 'locked by another process' in log
    finally:
        assert holder.stdin is not None
        holder.stdin.write('\n')
        holder.stdin.flush()
        holder.wait(timeout=30)
    # Once the other process is gone the hook runs and finds every bit of the state.
    assert charm.run().returncode == 0
    state = committed_state(charm.state_db)
    assert state['gen'] == 7
    assert state['pending'] == [4, 5, 6, 7]


def test_a_fifo_at_the_state_file_is_refused_at_once(charm_factory: Any) -> None:
    charm: Charm = charm_factory('kill_charm.py')
    os.mkfifo(charm.state_db)
    start = time.monotonic()
    result = charm.run(timeout=60)
    assert time.monotonic() - start < 20, 'the hook waited on the FIFO'
    assert result.returncode != 0
    log = charm.juju_log_text()
    assert 'StateFileError' in log and str(charm.state_db) in log
    assert 'a FIFO (named pipe), not a regular file' in log
    assert stat.S_ISFIFO(charm.state_db.lstat().st_mode), 'the FIFO was replaced'


@pytest.mark.parametrize('kind', ['fifo', 'directory'])
def test_a_special_file_at_the_journal_is_refused_at_once(
    charm_factory: Any, seeded_state: bytes, kind: str
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    journal = charm.path / '.unit-state.db-journal'
    if kind == 'fifo':
        os.mkfifo(journal)
    else:
        journal.mkdir()
    start = time.monotonic()
    _assert_refused(charm, seeded_state, 'not a regular file', str(journal))
    assert time.monotonic() - start < 20
    journal.unlink() if kind == 'fifo' else journal.rmdir()
    assert charm.run().returncode == 0
    assert committed_state(charm.state_db)['gen'] == 7


def test_a_second_hook_waits_for_the_running_one_and_then_runs(
    charm_factory: Any, seeded_state: bytes
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    first = charm.popen(REL_SLEEP='5')
    try:
        deadline = time.monotonic() + 30
        while not any('sleeping' in r for r in charm.records()):
            assert time.monotonic() < deadline and first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = charm.run(timeout=60)
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr + charm.juju_log_text()[-2000:]
    # The second hook ran after the first committed, and saw what it committed.
    saw = [r['saw'] for r in charm.records() if 'saw' in r]
    assert saw == [6, 7], saw
    assert committed_state(charm.state_db)['gen'] == 8
    assert 'is locked by another process (another hook of this unit?); waiting' in (
        charm.juju_log_text()
    )


def _sql(db: Path, statement: str, *args: Any) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(statement, args)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize('damage', ['orphan-notice', 'null-snapshot', 'null-notice'])
def test_a_broken_deferred_event_is_skipped_with_a_warning(
    charm_factory: Any, seeded_state: bytes, damage: str
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    first_tick = '(SELECT event_path FROM notice ORDER BY sequence LIMIT 1)'
    if damage == 'orphan-notice':
        _sql(charm.state_db, f'DELETE FROM snapshot WHERE handle = {first_tick}')
    elif damage == 'null-snapshot':
        _sql(charm.state_db, f'UPDATE snapshot SET data = NULL WHERE handle = {first_tick}')
    else:
        _sql(charm.state_db, 'INSERT INTO notice VALUES (NULL, NULL, NULL, NULL)')
    for _ in range(2):  # not just once: the unit is not wedged
        result = charm.run()
        assert result.returncode == 0, result.stderr + charm.juju_log_text()[-2000:]
    log = charm.juju_log_text()
    if damage == 'null-notice':
        assert 'WARNING Dropping a broken deferred-event notice' in log
    else:
        assert 'WARNING Dropping deferred event KillCharm/on/tick[' in log
        assert 'its saved data is missing' in log
    storage = SQLiteStorage(charm.state_db)
    try:
        stored = storage.load_snapshot('KillCharm/StoredStateData[_stored]')
        assert stored['gen'] == 8
        notices = list(storage.notices())
        assert all(None not in n for n in notices)
        assert len(notices) == 4
    finally:
        storage.close()


def test_permissions_are_not_set_through_a_symlinked_state_file(
    charm_factory: Any, seeded_state: bytes, tmp_path: Path
) -> None:
    charm: Charm = charm_factory('kill_charm.py')
    target = tmp_path / 'elsewhere.db'
    target.write_bytes(seeded_state)
    target.chmod(0o644)
    charm.state_db.symlink_to(target)
    result = charm.run()
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o644, 'chmod followed the symlink'
    assert charm.state_db.is_symlink()
    assert 'is a symbolic link; its permissions are left as they are' in charm.juju_log_text()
    assert committed_state(target)['gen'] == 7


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def test_a_pickle_that_would_run_code_is_refused(
    charm_factory: Any, seeded_state: bytes, tmp_path: Path
) -> None:
    charm = _charm_with_state(charm_factory, seeded_state)
    marker = tmp_path / 'code-ran'
    evil = pickle.dumps({'gen': 6, 'x': _Payload(marker)})
    _sql(
        charm.state_db,
        'UPDATE snapshot SET data = ? WHERE handle = ?',
        evil,
        'KillCharm/StoredStateData[_stored]',
    )
    before = charm.state_db.read_bytes()
    _assert_refused(
        charm, before, 'was refused: it refers to posix.mkdir', 'nothing from it was run'
    )
    assert not marker.exists(), 'unpickling the state file ran code'
