"""A real charm's state file moves between ops 3.9 and this project through ``ops.main``.

``tests/data/ops39-state/charm-deferred.unit-state.db`` was written by ops 3.9 running the
charm in ``tests/data/ops39-state/charm`` (install deferred, then db-relation-changed deferred
with install deferred again) against the fake Juju hook tools. The next hook, run by our
``ops.main``, must re-deliver both deferred events in order (the relation event restored with
its relation, app and unit) before its own event, with the stored state intact.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / 'data' / 'ops39-state'
OPS39_PYTHON = Path('/tmp/ops39/bin/python')
needs_ops39 = pytest.mark.skipif(
    not OPS39_PYTHON.exists(),
    reason='ops 3.9 reference interpreter /tmp/ops39/bin/python is not installed here',
)

_spec = importlib.util.spec_from_file_location('_ops39_make_state', DATA / 'make_state_files.py')
assert _spec is not None and _spec.loader is not None
maker: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)

OUR_PYTHONPATH = os.pathsep.join(p for p in sys.path if p)
EXPECTED_AFTER_OPS39_WRITE = [
    ['install', 'MyCharm/on/install[1]', {'installs': 3}],
    [
        'db_changed',
        'MyCharm/on/db_relation_changed[5]',
        {'relation': ['db', 3], 'app': 'pg', 'unit': 'pg/0'},
    ],
    [
        'config_changed',
        'MyCharm/on/config_changed[9]',
        {'installs': 3, 'units': ['pg/0', 'pg/0'], 'seen': [3]},
    ],
]


def _read_with(python: str | Path, state: Path, work: Path, pythonpath: str | None) -> list[Any]:
    charm_dir = work / 'reader-charm'
    shutil.copytree(DATA / 'charm', charm_dir)
    shutil.copyfile(state, charm_dir / '.unit-state.db')
    fj = maker.fake_juju_for(work / 'reader', charm_dir)
    log = work / 'read-log.jsonl'
    done = maker.run_hook(
        python, fj, charm_dir, 'config-changed', defer=False, log=log, pythonpath=pythonpath
    )
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(charm_dir / '.unit-state.db')
    try:
        assert db.execute('SELECT * FROM notice').fetchall() == []
    finally:
        db.close()
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_our_main_resumes_a_charm_state_written_by_ops39(tmp_path: Path) -> None:
    deliveries = _read_with(
        sys.executable, DATA / 'charm-deferred.unit-state.db', tmp_path, OUR_PYTHONPATH
    )
    assert deliveries == EXPECTED_AFTER_OPS39_WRITE


@needs_ops39
def test_ops39_resumes_a_charm_state_written_by_ours(tmp_path: Path) -> None:
    state = maker.write_charm_state(sys.executable, tmp_path / 'w', pythonpath=OUR_PYTHONPATH)
    deliveries = _read_with(OPS39_PYTHON, state, tmp_path / 'r', None)
    assert deliveries == EXPECTED_AFTER_OPS39_WRITE
