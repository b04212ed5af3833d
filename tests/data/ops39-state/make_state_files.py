"""Regenerate the ops 3.9 state files in this directory (needs ops 3.9 in /tmp/ops39).

Usage: ``python tests/data/ops39-state/make_state_files.py [path/to/ops39/python]``.

Writes:

``deferred.unit-state.db``
    A ``.unit-state.db`` written by real ops 3.9 running ``compat_charm.py write``: stored
    state of every storable type on a charm object and a library object, and four deferred
    events (custom events with and without data, one on the library's emitter).
``expected-read.json``
    What ops 3.9 itself reports when it runs ``compat_charm.py read`` on a copy of that file:
    the deliveries in order, the stored state and what is left in the file afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHARM = HERE / 'compat_charm.py'


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


def main() -> None:
    python = sys.argv[1] if len(sys.argv) > 1 else '/tmp/ops39/bin/python'
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / '.unit-state.db'
        _run(python, db, 'write')
        shutil.copyfile(db, HERE / 'deferred.unit-state.db')
        (HERE / 'expected-read.json').write_text(_run(python, db, 'read'))
    print(f'wrote {HERE / "deferred.unit-state.db"} and {HERE / "expected-read.json"}')


if __name__ == '__main__':
    main()
