"""What a hook process imports: the start-up cost of ``import ops`` and of a trivial hook.

A hook is a new Python process, and most of a trivial hook's time is the interpreter loading
modules. These tests pin down the modules that ``import ops`` and a machine charm's
``update-status`` hook must *not* load, so that an eager import cannot creep back unnoticed
(each of the modules below once came with every hook).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.fakejuju import FakeJuju

# Standard-library modules no hook needs up front: ``dataclasses`` brings ``inspect``,
# ``ast``, ``dis``; ``importlib.abc`` brings ``importlib.resources`` and ``tempfile`` (with
# ``shutil``, ``random``, ``bz2``, ``lzma``).
_NEVER_UP_FRONT = frozenset(
    {
        'ast',
        'bz2',
        'dataclasses',
        'dis',
        'importlib.abc',
        'importlib.resources',
        'inspect',
        'lzma',
        'random',
        'shutil',
        'tempfile',
        # ``pathlib`` brings ``urllib.parse``, ``ipaddress``, ``fnmatch`` and ``ntpath``; the
        # charm directory becomes a ``Path`` only when a charm reads it
        'ipaddress',
        'pathlib',
        'urllib.parse',
        # a machine charm has no Pebble
        'http.client',
        'ops_pebble',
        'ssl',
        'websocket',
        # parts of the model a trivial hook does not touch
        'ops_core._model._cloud',
        'ops_core._model._config',
        'ops_core._container',
        'ops_core._model._network',
        'ops_core._model._ports',
        'ops_core._model._relation',
        'ops_core._model._secret',
        'ops_core._model._secret_types',
        'ops_core._model._security',
        'ops_core._model._storage',
        'ops_core._model._typed_load',
    }
)

# Only a hook (or a charm) needs these; ``import ops`` alone loads none of them.
_NOT_AT_IMPORT = _NEVER_UP_FRONT | {
    'json',
    'ops_core._charm._charm',
    'ops_core._charm._meta',
    'ops_core._framework._framework',
    'ops_core._model._model',
    'pickle',
    'sqlite3',
    'subprocess',
    'yaml',
}

_CHARM = """\
import atexit
import os
import sys


def _dump():
    with open(os.environ['TEST_MODULES_OUT'], 'w') as f:
        f.write('\\n'.join(sorted(sys.modules)))


atexit.register(_dump)

import ops  # noqa: E402


class Charm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event):
        self.unit.status = ops.ActiveStatus('ready')


if __name__ == '__main__':
    ops.main(Charm)
"""

_DISPATCH = """\
#!/bin/sh
JUJU_DISPATCH_PATH="${{JUJU_DISPATCH_PATH:-$0}}" PYTHONPATH=lib:venv exec {python} ./src/charm.py
"""


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(('JUJU_', 'PYTHON'))}


def test_import_ops_loads_no_module_that_only_some_hooks_need(tmp_path: Path) -> None:
    code = 'import sys, ops; print("\\n".join(sorted(sys.modules)))'
    proc = subprocess.run(
        [sys.executable, '-c', code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
        timeout=60,
        check=True,
    )
    loaded = set(proc.stdout.split())
    assert 'ops' in loaded
    assert sorted(loaded & _NOT_AT_IMPORT) == []


def test_names_are_loaded_on_first_use_and_are_the_real_objects(tmp_path: Path) -> None:
    code = """\
import sys
import ops
assert 'ops_core._container' not in sys.modules
import ops_core
from ops_core._container import Container
assert ops.Container is Container is ops_core.Container is ops_core.model.Container
assert 'Container' in dir(ops) and 'Container' in dir(ops_core.model)
from ops import *  # noqa: F403
assert CharmBase is ops.charm.CharmBase  # noqa: F405
print('ok')
"""
    proc = subprocess.run(
        [sys.executable, '-c', code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'ok'


def test_trivial_machine_charm_hook_loads_only_what_it_uses(tmp_path: Path) -> None:
    root = tmp_path / 'charm'
    (root / 'src').mkdir(parents=True)
    (root / 'metadata.yaml').write_text('name: trivial\nrequires:\n  db: {interface: pgsql}\n')
    (root / 'src' / 'charm.py').write_text(_CHARM)
    dispatch = root / 'dispatch'
    dispatch.write_text(_DISPATCH.format(python=sys.executable))
    dispatch.chmod(0o755)
    juju = FakeJuju(tmp_path, charm_dir=root)
    modules_out = tmp_path / 'modules.txt'
    env = juju.full_env(
        JUJU_DISPATCH_PATH='hooks/update-status',
        JUJU_HOOK_NAME='update-status',
        TEST_MODULES_OUT=str(modules_out),
    )
    env = {k: v for k, v in env.items() if not k.startswith('PYTHON')}

    proc = subprocess.run(
        [str(dispatch)], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )

    assert proc.returncode == 0, proc.stderr
    assert juju.argvs() == [['status-set', '--application=False', 'active', '--', 'ready']]
    loaded = set(modules_out.read_text().split())
    assert {'ops', 'ops_core._framework._framework', 'sqlite3', 'yaml'} <= loaded
    assert sorted(loaded & _NEVER_UP_FRONT) == []
