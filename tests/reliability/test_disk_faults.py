"""A full disk or a read-only charm directory while committing: clear error, old state kept.

The hook is the charm's real ``dispatch``; its commit has to grow the state file (the
handler stores 200 KiB more). Three ways to make the write fail:

* a file-size limit (``RLIMIT_FSIZE``, works anywhere): writes past it fail with EFBIG;
* a real full filesystem: a small tmpfs mounted over the charm directory in a private mount
  namespace, filled up before the hook (needs root and ``unshare``; skipped otherwise);
* a read-only charm directory: a read-only bind mount with the state file itself writable, so
  SQLite fails at commit when it creates its journal (root), or a directory without write
  permission (non-root);
* the whole charm directory on a read-only mount: refused when the file is opened.

Every time: exit status non-zero, ``juju-log`` names the file and the cause, and the next hook
finds exactly the previously committed state.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import Charm
from tests.reliability.test_kill import committed_state

CAN_MOUNT = os.geteuid() == 0 and shutil.which('unshare') is not None


def _prepared(charm_factory: Any) -> Charm:
    charm: Charm = charm_factory('kill_charm.py')
    for _ in range(4):
        result = charm.run()
        assert result.returncode == 0, result.stderr
    assert committed_state(charm.state_db)['gen'] == 4
    return charm


def _assert_failed_cleanly(
    charm: Charm, result: subprocess.CompletedProcess[str], *phrases: str
) -> None:
    assert result.returncode != 0, result.stderr
    log = charm.juju_log_text()
    assert str(charm.state_db) in log, log[-2000:]
    for phrase in phrases:
        assert phrase in log, log[-2000:]


def _in_namespace(charm: Charm, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ['unshare', '-m', 'sh', '-c', script],
        cwd=charm.path,
        env=charm.env('update-status', **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_file_size_limit_while_committing(charm_factory: Any) -> None:
    charm = _prepared(charm_factory)
    limit = charm.state_db.stat().st_size + 8192

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [str(charm.path / 'dispatch')],
        cwd=charm.path,
        env=charm.env('update-status', REL_BIG_KB='200'),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limited,
    )
    _assert_failed_cleanly(charm, result, 'could not be written')
    assert committed_state(charm.state_db)['gen'] == 4
    assert charm.run().returncode == 0
    assert committed_state(charm.state_db)['gen'] == 5


@pytest.mark.skipif(not CAN_MOUNT, reason='needs root and unshare to mount a small tmpfs')
def test_disk_full_while_committing(charm_factory: Any, tmp_path: Path) -> None:
    charm = _prepared(charm_factory)
    save, out = tmp_path / 'save', tmp_path / 'out'
    out.mkdir()
    script = f"""set -e
cp -a '{charm.path}' '{save}'
mount -t tmpfs -o size=1M tmpfs '{charm.path}'
cp -a '{save}/.' '{charm.path}/'
dd if=/dev/zero of='{charm.path}/filler' bs=4096 2>/dev/null || true
set +e
'{charm.path}/dispatch'; rc=$?
cp -a '{charm.path}'/.unit-state.db* '{out}/'
exit $rc
"""
    result = _in_namespace(charm, script, REL_BIG_KB='200')
    _assert_failed_cleanly(charm, result, 'the disk is full', 'previous state is intact')
    # The file as it was on the full disk (with any journal), opened as the next hook would.
    assert committed_state(out / '.unit-state.db')['gen'] == 4


@pytest.mark.skipif(not CAN_MOUNT, reason='needs root and unshare for a read-only bind mount')
def test_read_only_charm_directory_while_committing(charm_factory: Any, tmp_path: Path) -> None:
    charm = _prepared(charm_factory)
    writable = tmp_path / 'state-rw'
    os.link(charm.state_db, writable)  # the same file, reachable through a writable mount
    script = f"""set -e
mount --bind '{charm.path}' '{charm.path}'
mount -o remount,ro,bind '{charm.path}'
mount --bind '{writable}' '{charm.state_db}'
exec '{charm.path}/dispatch'
"""
    result = _in_namespace(charm, script)
    _assert_failed_cleanly(charm, result, 'could not be written', 'directory is writable')
    assert committed_state(charm.state_db)['gen'] == 4
    assert charm.run().returncode == 0
    assert committed_state(charm.state_db)['gen'] == 5


@pytest.mark.skipif(os.geteuid() == 0, reason='root ignores directory permissions')
def test_unwritable_charm_directory_while_committing(charm_factory: Any) -> None:
    charm = _prepared(charm_factory)
    charm.path.chmod(0o555)
    try:
        result = charm.run()
    finally:
        charm.path.chmod(0o755)
    _assert_failed_cleanly(charm, result, 'could not be written')
    assert committed_state(charm.state_db)['gen'] == 4


@pytest.mark.skipif(not CAN_MOUNT, reason='needs root and unshare for a read-only bind mount')
def test_read_only_charm_directory_is_refused_when_opening(charm_factory: Any) -> None:
    charm = _prepared(charm_factory)
    script = f"""set -e
mount --bind '{charm.path}' '{charm.path}'
mount -o remount,ro,bind '{charm.path}'
exec '{charm.path}/dispatch'
"""
    result = _in_namespace(charm, script)
    _assert_failed_cleanly(charm, result, 'Unable to adjust access permission')
    assert committed_state(charm.state_db)['gen'] == 4
