"""State files are interchangeable with real ops 3.9, in both directions.

``tests/data/ops39-state/deferred.unit-state.db`` was written by ops 3.9 running
``compat_charm.py write`` (see ``make_state_files.py``); ``expected-read.json`` is what ops 3.9
itself reports when it reads that file back. Our implementation must report the same, and
ops 3.9 must read a file written by ours exactly as it reads its own.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / 'data' / 'ops39-state'
CHARM = DATA / 'compat_charm.py'
OPS39_PYTHON = Path('/tmp/ops39/bin/python')
needs_ops39 = pytest.mark.skipif(
    not OPS39_PYTHON.exists(),
    reason='ops 3.9 reference interpreter /tmp/ops39/bin/python is not installed here',
)


def _run(python: str | Path, db: Path, phase: str, cwd: Path) -> str:
    env = {
        'PATH': os.environ.get('PATH', ''),
        'PYTHONHASHSEED': '0',
        'PYTHONPATH': os.pathsep.join(p for p in sys.path if p),
    }
    if Path(python) == OPS39_PYTHON:
        env.pop('PYTHONPATH')
    out = subprocess.run(
        [str(python), str(CHARM), str(db), phase],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def _expected() -> dict[str, object]:
    data: dict[str, object] = json.loads((DATA / 'expected-read.json').read_text())
    return data


def test_the_ops39_file_really_holds_deferred_events_and_stored_state() -> None:
    db = sqlite3.connect(DATA / 'deferred.unit-state.db')
    notices = db.execute('SELECT event_path, observer_path, method_name FROM notice').fetchall()
    db.close()
    assert ('MyCharm/on/data[2]', 'MyCharm', '_on_data') in notices
    assert len(notices) == 4


def test_ours_reads_a_file_written_by_ops39(tmp_path: Path) -> None:
    db = tmp_path / '.unit-state.db'
    shutil.copyfile(DATA / 'deferred.unit-state.db', db)
    got = json.loads(_run(sys.executable, db, 'read', tmp_path))
    expected = _expected()
    # Deferred events re-emitted in the original order, each to the observer that deferred it.
    assert got['deliveries'] == expected['deliveries']
    # Stored state of every type intact, the queue emptied, event counter continued.
    assert got['stored'] == expected['stored']
    assert got['views'] == expected['views']


@needs_ops39
def test_ops39_reads_a_file_written_by_ours(tmp_path: Path) -> None:
    db = tmp_path / '.unit-state.db'
    _run(sys.executable, db, 'write', tmp_path)
    got = json.loads(_run(OPS39_PYTHON, db, 'read', tmp_path))
    assert got == _expected()


@needs_ops39
def test_the_two_implementations_write_the_same_rows(tmp_path: Path) -> None:
    ours, theirs = tmp_path / 'ours.db', tmp_path / 'theirs.db'
    _run(sys.executable, ours, 'write', tmp_path)
    _run(OPS39_PYTHON, theirs, 'write', tmp_path)

    def dump(path: Path) -> dict[str, object]:
        db = sqlite3.connect(path)
        try:
            return {
                'schema': db.execute('SELECT type, name, sql FROM sqlite_master').fetchall(),
                'snapshot': db.execute('SELECT * FROM snapshot ORDER BY handle').fetchall(),
                'notice': db.execute('SELECT * FROM notice ORDER BY sequence').fetchall(),
                'sequence': db.execute('SELECT * FROM sqlite_sequence').fetchall(),
            }
        finally:
            db.close()

    assert dump(ours) == dump(theirs)
