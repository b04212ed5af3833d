"""What ``import ops.testing`` loads: nothing network- or server-related until it is used.

``Context`` and ``Harness`` never need the HTTP Pebble test server (``http.server``, and with
it ``http.client``, ``ssl``, ``email``, ``socketserver``), nor PyYAML unless metadata or a
resource comes as YAML, nor ``tempfile``/``shutil`` before a run makes a directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_NOT_AT_IMPORT = (
    'email',
    'http.client',
    'http.server',
    'ops_testing._pebble._handler',
    'ops_testing._pebble._server',
    'shutil',
    'socketserver',
    'ssl',
    'tempfile',
    'yaml',
)


def _loaded_after(code: str, cwd: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('JUJU_', 'PYTHON'))}
    proc = subprocess.run(
        [sys.executable, '-c', code + '\nimport sys\nprint("\\n".join(sys.modules))'],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=True,
    )
    return set(proc.stdout.split())


def test_import_ops_testing_loads_no_server_yaml_or_tempfile(tmp_path: Path) -> None:
    loaded = _loaded_after('import ops.testing', tmp_path)
    assert 'ops_testing' in loaded
    assert sorted(loaded & set(_NOT_AT_IMPORT)) == []


def test_a_test_module_s_imports_build_no_dataclass_methods(tmp_path: Path) -> None:
    # The State classes are records: their methods are generated on first use, so the
    # import a test module makes neither runs dataclasses' code generation nor loads
    # inspect (and with it ast, dis, tokenize), nor uuid/platform/random for defaults.
    loaded = _loaded_after('from ops.testing import Context, State, Harness', tmp_path)
    assert 'ops_testing._state._state' in loaded
    assert (
        sorted(loaded & {'dataclasses', 'inspect', 'ast', 'dis', 'uuid', 'platform', 'random'})
        == []
    )
    # Nor the simulated Pebble: a Harness container's client builds it on first use.
    assert sorted(m for m in loaded if m.startswith('ops_testing._pebble')) == []
    used = _loaded_after(
        'import dataclasses\nfrom ops.testing import State\n'
        'assert dataclasses.replace(State(), leader=True).leader',
        tmp_path,
    )
    assert 'dataclasses' in used


def test_a_context_run_with_dict_metadata_still_needs_none_of_the_server(tmp_path: Path) -> None:
    code = """\
import ops
from ops import testing

class Charm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event):
        self.unit.status = ops.ActiveStatus('ok')

ctx = testing.Context(Charm, meta={'name': 'c', 'containers': {'w': {}}})
out = ctx.run(ctx.on.start(), testing.State(containers=[testing.Container('w')]))
assert out.unit_status == ops.ActiveStatus('ok')
"""
    loaded = _loaded_after(code, tmp_path)
    assert sorted(loaded & {'email', 'http.client', 'http.server', 'ssl', 'socketserver'}) == []


def test_the_pebble_test_server_is_still_there_when_asked_for(tmp_path: Path) -> None:
    loaded = _loaded_after(
        'from ops_testing._pebble import PebbleServer, FAULTS\n'
        'assert PebbleServer.__name__ == "PebbleServer" and FAULTS',
        tmp_path,
    )
    assert 'ops_testing._pebble._server' in loaded
