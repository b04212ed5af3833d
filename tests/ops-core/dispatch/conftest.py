"""Fixtures for end-to-end dispatch tests: a charm directory run as Juju runs it.

Set ``D2_CHARM_PYTHON=/tmp/ops39/bin/python`` to run the same charm under another ``ops``
(for example the original ops 3.9) and check that the tests describe its behaviour too.
With ops 3.9, test_dispatch.py and test_main.py pass except the "no is-leader unless the
charm asks" check; in test_cost.py only the read-once check passes (ops 3.9 sends DEBUG
lines to juju-log, calls is-leader and imports ssl/http.client/websocket in every hook).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fakejuju import FakeJuju
from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401

HERE = Path(__file__).resolve().parent

METADATA = """\
name: testcharm
requires:
  db: {interface: pgsql}
storage:
  data: {type: filesystem, location: /srv/data}
containers:
  workload: {}
"""
ACTIONS = """\
go:
  params: {value: {type: integer}}
explode: {}
"""
CONFIG = """\
options:
  name: {type: string, default: world}
  port: {type: int}
"""

DISPATCH = """\
#!/bin/sh
JUJU_DISPATCH_PATH="${{JUJU_DISPATCH_PATH:-$0}}" PYTHONPATH=lib:venv exec {python} ./src/charm.py
"""


@dataclass
class CharmDir:
    """A charm directory plus the fake Juju it runs against."""

    path: Path
    juju: FakeJuju
    record_path: Path

    def run(
        self,
        dispatch_path: str,
        *,
        mode: str = '',
        timeout: float = 60,
        executable: str = 'dispatch',
        **env: str,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``dispatch`` (or ``executable``) for one hook or action, as Juju would.

        An empty ``JUJU_DISPATCH_PATH`` keyword leaves the variable unset (old Juju).
        """
        hook_name = '' if dispatch_path.startswith('actions/') else dispatch_path.split('/')[-1]
        env.setdefault('JUJU_DISPATCH_PATH', dispatch_path)
        full_env = self.juju.full_env(
            JUJU_HOOK_NAME=hook_name,
            TEST_RECORD=str(self.record_path),
            TEST_MODE=mode,
            **env,
        )
        if not full_env['JUJU_DISPATCH_PATH']:
            del full_env['JUJU_DISPATCH_PATH']
        for inherited in (
            'OPERATOR_DISPATCH',
            'JUJU_DEBUG',
            'JUJU_DEBUG_AT',
            'OPS_JUJU_LOG_LEVEL',
        ):
            if inherited not in env:
                full_env.pop(inherited, None)
        return subprocess.run(
            [str(self.path / executable)],
            cwd=self.path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def records(self) -> list[dict[str, Any]]:
        """What the charm's handlers recorded, in order."""
        if not self.record_path.exists():
            return []
        lines = self.record_path.read_text(encoding='utf-8').splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def clear(self) -> None:
        """Forget recorded events and hook-tool calls."""
        self.record_path.write_text('', encoding='utf-8')
        self.juju.clear_calls()

    def tools(self) -> list[str]:
        """The names of the hook tools called so far, in order."""
        return [call.tool for call in self.juju.calls()]


@pytest.fixture
def charm_dir(tmp_path: Path) -> CharmDir:
    """A charm directory with a charmcraft-style ``dispatch`` script and metadata files."""
    root = tmp_path / 'charm'
    (root / 'src').mkdir(parents=True)
    (root / 'metadata.yaml').write_text(METADATA)
    (root / 'actions.yaml').write_text(ACTIONS)
    (root / 'config.yaml').write_text(CONFIG)
    charm_py = root / 'src' / 'charm.py'
    charm_py.write_text('#!' + sys.executable + '\n' + (HERE / 'charm_src.py').read_text())
    charm_py.chmod(0o755)
    dispatch = root / 'dispatch'
    dispatch.write_text(DISPATCH.format(python=os.environ.get('D2_CHARM_PYTHON', sys.executable)))
    dispatch.chmod(0o755)
    juju = FakeJuju(tmp_path, charm_dir=root)
    return CharmDir(root, juju, tmp_path / 'record.jsonl')


def state_db(charm: CharmDir) -> Path:
    """The charm's SQLite state file."""
    return charm.path / '.unit-state.db'


def env_without_ops() -> dict[str, str]:
    """``os.environ`` minus variables that would change ops' behaviour."""
    return {k: v for k, v in os.environ.items() if not k.startswith(('JUJU_', 'OPERATOR_'))}
