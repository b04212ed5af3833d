"""A damaged or busy ``.unit-state.db`` stops the hook with a clear error; nothing is reset.

Each case runs the charm's real ``dispatch`` against a state file holding committed stored
state and deferred events, damages it, and checks that the hook exits non-zero, that Juju's
log (``juju-log``) names the file and what to do, and that the file is left byte for byte as
it was, so nothing is silently reset. A zero-length file is the one exception: it is what a
first hook that failed before committing leaves behind, so it holds no state and must work.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

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
