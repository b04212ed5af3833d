"""Fixtures for the reliability suite: charms run as Juju runs them, resource accounting.

Every charm here is a real charm directory (``dispatch`` script, ``src/charm.py``, metadata)
run as a subprocess against the fake Juju hook tools in ``tests/helpers/fakejuju``, with its
SQLite state file on disk. Trial counts are small by default; ``OPS_FULL_TRIALS=1`` runs the
full counts of issue 10 (see docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fakejuju import FakeJuju
from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401

HERE = Path(__file__).resolve().parent
CHARMS = HERE / 'charms'
FULL = os.environ.get('OPS_FULL_TRIALS') == '1'

DISPATCH = """\
#!/bin/sh
JUJU_DISPATCH_PATH="${{JUJU_DISPATCH_PATH:-$0}}" PYTHONPATH=lib:venv exec {python} ./src/charm.py
"""

METADATA = """\
name: relcharm
peers:
  cluster: {interface: cluster}
requires:
  db: {interface: pgsql}
containers:
  workload: {}
"""
ACTIONS = """\
rotate:
  params:
    secret-value: {type: string}
"""
CONFIG = """\
options:
  name: {type: string, default: world}
  port: {type: int, default: 8080}
"""


def trials(default: int, full: int) -> int:
    """``full`` under ``OPS_FULL_TRIALS=1``, else ``default``."""
    return full if FULL else default


#: For a test whose count grows under ``OPS_FULL_TRIALS=1``: the suite's per-test limit
#: (300 s) holds for the small counts; the full counts get an hour (a thousand dispatches
#: take over ten minutes on two busy cores).
long_trials = pytest.mark.timeout(trials(300, 3600))


@dataclass
class Charm:
    """A charm directory plus the fake Juju it runs against."""

    path: Path
    juju: FakeJuju
    record_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def state_db(self) -> Path:
        """The charm's SQLite state file."""
        return self.path / '.unit-state.db'

    def env(self, hook: str, **extra: str) -> dict[str, str]:
        """The full environment of one dispatch of ``hook`` (``actions/<name>`` for actions)."""
        env = dict(os.environ)
        for name in list(env):
            if name.startswith(('JUJU_', 'OPERATOR_', 'OPS_JUJU_')):
                del env[name]
        env.update(self.juju.hook_env(hook))
        env.update(TEST_RECORD=str(self.record_path))
        env.update(self.extra_env)
        env.update(extra)
        return env

    def popen(self, hook: str = 'update-status', **extra: str) -> subprocess.Popen[str]:
        """Start ``dispatch`` for one hook without waiting for it."""
        return subprocess.Popen(
            [str(self.path / 'dispatch')],
            cwd=self.path,
            env=self.env(hook, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, hook: str = 'update-status', *, timeout: float = 60, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """Run ``dispatch`` for one hook and wait (bounded) for it."""
        return subprocess.run(
            [str(self.path / 'dispatch')],
            cwd=self.path,
            env=self.env(hook, **extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def records(self) -> list[dict[str, Any]]:
        """What the charm recorded (one JSON object a line), in order."""
        if not self.record_path.exists():
            return []
        lines = self.record_path.read_text(encoding='utf-8').splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def juju_log_text(self) -> str:
        """Every ``juju-log`` message so far, one a line."""
        return '\n'.join(f'{level} {message}' for level, message in self.juju.juju_logs())


def make_charm(root: Path, source: str, juju: FakeJuju | None = None) -> Charm:
    """Lay out a charm directory at ``root`` whose ``src/charm.py`` is ``charms/<source>``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / 'src').mkdir(exist_ok=True)
    (root / 'metadata.yaml').write_text(METADATA)
    (root / 'actions.yaml').write_text(ACTIONS)
    (root / 'config.yaml').write_text(CONFIG)
    charm_py = root / 'src' / 'charm.py'
    charm_py.write_text('#!' + sys.executable + '\n' + (CHARMS / source).read_text())
    charm_py.chmod(0o755)
    dispatch = root / 'dispatch'
    dispatch.write_text(DISPATCH.format(python=sys.executable))
    dispatch.chmod(0o755)
    if juju is None:
        juju = FakeJuju(root.parent, charm_dir=root)
    return Charm(root, juju, root.parent / 'record.jsonl')


@pytest.fixture
def charm_factory(tmp_path: Path) -> Any:
    """``charm_factory('kill_charm.py')`` -> a fresh :class:`Charm` under ``tmp_path``."""

    def factory(source: str, name: str = 'charm') -> Charm:
        return make_charm(tmp_path / name, source)

    return factory


def open_fds() -> set[str]:
    """The file descriptors this process has open, as ``fd -> target`` strings."""
    out = set()
    for fd in os.listdir('/proc/self/fd'):
        try:
            out.add(f'{fd}->{os.readlink(f"/proc/self/fd/{fd}")}')
        except OSError:
            pass  # the descriptor listdir itself used, closed by now
    return out
