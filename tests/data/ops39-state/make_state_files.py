"""Regenerate the ops 3.9 state files in this directory (needs ops 3.9 in /tmp/ops39).

Usage: ``python tests/data/ops39-state/make_state_files.py [path/to/ops39/python]``
(run with the project's dev interpreter; the ops 3.9 interpreter runs the charms).

Writes:

``deferred.unit-state.db``
    Written by real ops 3.9 running ``compat_charm.py write``: framework-level objects with
    stored state of every storable type on a charm object and a library object, and four
    deferred custom events (with and without data, one on the library's emitter).
``expected-read.json``
    What ops 3.9 itself reports when it runs ``compat_charm.py read`` on a copy of that file:
    the deliveries in order, the stored state and what is left in the file afterwards.
``charm-deferred.unit-state.db``
    Written by real ops 3.9 running the charm in ``charm/`` through ``ops.main`` against the
    fake Juju hook tools: ``install`` (deferred) then ``db-relation-changed`` for relation
    ``db:3`` with ``pg/0`` (deferred; install deferred again).

The helpers below (``fake_juju_for``, ``run_hook``) are also used by the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CHARM = HERE / 'compat_charm.py'
CHARM_DIR = HERE / 'charm'
RELATION_ENV = {
    'JUJU_RELATION': 'db',
    'JUJU_RELATION_ID': 'db:3',
    'JUJU_REMOTE_APP': 'pg',
    'JUJU_REMOTE_UNIT': 'pg/0',
}


def _run(python: str, db: Path, phase: str) -> str:
    env = {'PATH': os.environ.get('PATH', ''), 'PYTHONHASHSEED': '0'}
    out = subprocess.run(
        [python, str(CHARM), str(db), phase],
        env=env,
        cwd=tempfile.gettempdir(),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout


def fake_juju_for(root: Path, charm_dir: Path) -> Any:
    """A fake Juju unit ``compat/0`` with relation ``db:3`` to ``pg`` (unit ``pg/0``)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.helpers.fakejuju import FakeJuju

    fj = FakeJuju(root, unit='compat/0', charm_dir=charm_dir)
    fj.state.add_relation('db', 'pg', relation_id=3, units=['pg/0'])
    return fj


def run_hook(
    python: str | Path,
    fj: Any,
    charm_dir: Path,
    hook: str,
    *,
    defer: bool,
    log: Path,
    pythonpath: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one hook of the charm in ``charm_dir`` through ``ops.main`` with ``python``."""
    extra = dict(RELATION_ENV) if hook.startswith('db-relation-') else {}
    env = fj.full_env(
        JUJU_DISPATCH_PATH=f'hooks/{hook}',
        JUJU_HOOK_NAME=hook,
        COMPAT_DEFER='1' if defer else '0',
        COMPAT_LOG=str(log),
        PYTHONHASHSEED='0',
        **extra,
    )
    env.pop('PYTHONPATH', None)
    env.pop('OPERATOR_DISPATCH', None)
    if pythonpath:
        env['PYTHONPATH'] = pythonpath
    return subprocess.run(
        [str(python), str(charm_dir / 'src' / 'charm.py')],
        env=env,
        cwd=charm_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_charm_state(python: str | Path, work: Path, pythonpath: str | None = None) -> Path:
    """Run install and db-relation-changed (both deferring); return the state file."""
    charm_dir = work / 'charm'
    shutil.copytree(CHARM_DIR, charm_dir)
    fj = fake_juju_for(work, charm_dir)
    log = work / 'write-log.jsonl'
    for hook in ('install', 'db-relation-changed'):
        done = run_hook(python, fj, charm_dir, hook, defer=True, log=log, pythonpath=pythonpath)
        if done.returncode != 0:
            raise RuntimeError(f'{hook} failed:\n{done.stderr}')
    return charm_dir / '.unit-state.db'


def main() -> None:
    python = sys.argv[1] if len(sys.argv) > 1 else '/tmp/ops39/bin/python'
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / '.unit-state.db'
        _run(python, db, 'write')
        shutil.copyfile(db, HERE / 'deferred.unit-state.db')
        (HERE / 'expected-read.json').write_text(_run(python, db, 'read'))
    with tempfile.TemporaryDirectory() as tmp:
        state = write_charm_state(python, Path(tmp))
        shutil.copyfile(state, HERE / 'charm-deferred.unit-state.db')
    print(f'wrote the state files in {HERE}')


if __name__ == '__main__':
    main()
