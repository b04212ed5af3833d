"""The one-way layering of DESIGN.md: imports in a fresh interpreter, and import-linter.

import-linter (``.importlinter``, run by ``lint-imports`` in CI) checks every import
statement, lazy ones too; the fresh interpreters check what an import actually loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name('lint-imports')

_HEAVY = ('ops_pebble', 'websocket', 'ssl', 'http.client', 'ops_testing')


def _modules_loaded_by(statement: str) -> set[str]:
    code = f'import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))'
    out = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize('statement', ['import ops_core', 'import ops'])
def test_the_core_and_ops_load_no_pebble_networking_or_testing(statement: str) -> None:
    loaded = _modules_loaded_by(statement)
    assert not loaded & set(_HEAVY), f'{statement!r} also imported {sorted(loaded & set(_HEAVY))}'


@pytest.mark.parametrize('package', ['ops_hookcmds', 'ops_pebble'])
def test_the_lower_packages_import_nothing_of_ours(package: str) -> None:
    loaded = _modules_loaded_by(f'import {package}')
    ours = {m for m in loaded if m.split('.')[0] in {'ops', 'ops_core', 'ops_testing', 'scenario'}}
    assert not ours, f'import {package} pulled in {sorted(ours)}'
    if package == 'ops_hookcmds':
        third_party = {m for m in loaded if m.split('.')[0] in {'yaml', 'websocket'}}
        assert not third_party, f'ops_hookcmds must use the standard library only: {third_party}'


def test_touching_ops_pebble_loads_the_pebble_client() -> None:
    loaded = _modules_loaded_by('import ops; ops.pebble')
    assert 'ops_pebble' in loaded


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(
            f'{LINT_IMPORTS} is missing: this environment predates import-linter in the root '
            "pyproject.toml's hatch dependencies; `hatch run test` syncs it, or run "
            f"`{sys.executable} -m pip install 'import-linter>=2.17,<3'`"
        )
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(REPO), str(cwd)])}
    return subprocess.run(
        [str(LINT_IMPORTS), '--no-cache', '--no-logo'],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Contracts: 4 kept, 0 broken.' in result.stdout
    assert 'Inside ops_testing: cli | harness > context > runtime > engine > state KEPT' in (
        result.stdout
    )


def test_the_seam_contract_refuses_a_private_import_across_distributions(tmp_path: Path) -> None:
    # Two toy distributions: 'upper' uses 'lower' through its seam, its public module, and
    # (the offence) a private module; inside 'lower' private imports are its own business.
    files = {
        'lower/__init__.py': '',
        'lower/sister.py': 'from ._impl import helper as helper\n',
        'lower/_impl.py': 'def helper() -> int:\n    return 1\n',
        'lower/public.py': 'from ._impl import helper\n',
        'lower/_pkg/__init__.py': '',
        'lower/_pkg/_deep.py': 'X = 1\n',
        'upper/__init__.py': '',
        'upper/ok.py': 'from lower.sister import helper\nimport lower.public\n',
        'upper/bad.py': 'import os\n\ndef f():\n    from lower._pkg._deep import X\n    return X\n',
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / '.importlinter').write_text(
        textwrap.dedent(
            """\
            [importlinter]
            root_packages =
                lower
                upper
            contract_types =
                sister_seams: tools.import_contracts.SisterSeamsContract

            [importlinter:contract:seams]
            name = seams only
            type = sister_seams
            """
        )
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert '- upper.bad -> lower._pkg._deep (l.4)' in result.stdout
    assert 'upper.ok' not in result.stdout
    assert 'lower.public' not in result.stdout

    # Ignoring the import (as .importlinter does for work in progress) keeps the contract.
    config = (tmp_path / '.importlinter').read_text()
    (tmp_path / '.importlinter').write_text(
        config + 'ignore_imports =\n    upper.bad -> lower._pkg._deep\n'
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
