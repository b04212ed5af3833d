"""Type checkers see the real classes through ``ops``, not ``Any``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHARM = '''
import ops
from ops import testing

class Charm(ops.CharmBase):
    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.ActiveStatus('ready')
        layer = ops.pebble.Layer({'services': {}})
        reveal_type(layer)

reveal_type(ops.CharmBase)
reveal_type(ops.model.Relation)
reveal_type(testing.Context)
'''


def test_mypy_strict_accepts_a_charm_and_sees_real_types(tmp_path: Path) -> None:
    source = tmp_path / 'charm.py'
    source.write_text(CHARM)
    result = subprocess.run(
        [sys.executable, '-m', 'mypy', '--strict', '--no-incremental', '--config-file=', str(source)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    notes = [line for line in result.stdout.splitlines() if 'Revealed type' in line]
    assert len(notes) == 4, result.stdout
    assert not any('"Any"' in line for line in notes), result.stdout
    assert 'ops_pebble._layer.Layer' in notes[0]
    errors = [line for line in result.stdout.splitlines() if ': error:' in line]
    assert not errors, result.stdout
