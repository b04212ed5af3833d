"""The one-way layering of DESIGN.md, checked by importing in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
