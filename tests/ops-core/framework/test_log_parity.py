"""The framework logs the same messages as ops 3.9 (they end up in ``juju debug-log``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OPS39_PYTHON = Path('/tmp/ops39/bin/python')

SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(message)s', stream=sys.stdout)
from ops.framework import EventBase, EventSource, Framework, Object, ObjectEvents, StoredState
from ops.storage import SQLiteStorage


class Ev(EventBase):
    pass


class Events(ObjectEvents):
    foo = EventSource(Ev)
    bar = EventSource(Ev)
    baz = EventSource(Ev)


class Charm(Object):
    on = Events()
    _stored = StoredState()

    def __init__(self, framework):
        super().__init__(framework, None)
        framework.observe(self.on.foo, self.deferring)
        framework.observe(self.on.bar, self.plain)
        self._stored.x = 1

    def plain(self, event):
        pass

    def deferring(self, event):
        event.defer()


framework = Framework(SQLiteStorage(sys.argv[1]), '.', None, None, event_name='foo')
charm = Charm(framework)
charm.on.foo.emit()
charm.on.bar.emit()
charm.on.baz.emit()
framework.reemit()
charm.on.foo.emit()
framework.commit()
framework.close()
"""


def _logs(python: str | Path, tmp_path: Path, name: str) -> list[str]:
    env = {'PATH': os.environ.get('PATH', '')}
    if Path(python) != OPS39_PYTHON:
        env['PYTHONPATH'] = os.pathsep.join(p for p in sys.path if p)
    done = subprocess.run(
        [str(python), '-c', SCRIPT, str(tmp_path / name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.replace(str(tmp_path), '<tmp>').splitlines()


EXPECTED = [
    'DEBUG Initializing SQLite local storage: <tmp>/state.db.',
    'DEBUG Deferring <Ev via Charm/on/foo[1]>.',
    'DEBUG Emitting custom event <Ev via Charm/on/bar[2]>.',
    'DEBUG Re-emitting deferred event <Ev via Charm/on/foo[1]> (1 of 1 in queue).',
    'DEBUG Deferring <Ev via Charm/on/foo[1]>.',
    'INFO Skipping notice (Charm/on/foo[4]/Charm/deferring) - already in the queue.',
]


def test_framework_log_messages(tmp_path: Path) -> None:
    assert _logs(sys.executable, tmp_path, 'state.db') == EXPECTED


@pytest.mark.skipif(
    not OPS39_PYTHON.exists(), reason='ops 3.9 (/tmp/ops39/bin/python) not installed'
)
def test_ops39_logs_the_same(tmp_path: Path) -> None:
    assert _logs(OPS39_PYTHON, tmp_path, 'state.db') == EXPECTED
