"""What pip picks from our wheelhouse when upstream's and strangers' releases sit beside it.

The wheelhouse is built once (``packages/wheelhouse.py``); a second directory holds stand-ins
for what an index may offer: upstream's ``ops`` 3.9.0 and a later 3.10.0, PyPI's unrelated
``ops-core`` 0.1.0, upstream's ``ops-scenario`` 8.9.0, a squatter's 99.0 of each of our
other names, and PyYAML and
websocket-client. pip resolves with
``--dry-run --report`` and no index, so nothing is installed and no network is used.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .test_packaging import release

REPO = Path(__file__).resolve().parents[2]
STRANGERS = [('ops', '3.9.0'), ('ops', '3.10.0'), ('ops-core', '0.1.0'), ('ops-core', '99.0'),
             ('ops-pebble', '99.0'), ('ops-testing', '99.0'), ('ops-hookcmds', '99.0'),
             ('ops-scenario', '8.9.0'), ('ops-scenario', '99.0'),
             # and the third-party dependencies, which the real index would supply
             ('PyYAML', '6.0.2'), ('websocket-client', '1.8.0')]  # fmt: skip


def _stranger_wheel(directory: Path, name: str, version: str) -> None:
    stem = f'{name.replace("-", "_")}-{version}'
    with zipfile.ZipFile(directory / f'{stem}-py3-none-any.whl', 'w') as zf:
        zf.writestr(
            f'{stem}.dist-info/METADATA',
            f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n',
        )
        zf.writestr(
            f'{stem}.dist-info/WHEEL',
            'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
        )
        zf.writestr(f'{stem}.dist-info/RECORD', '')  # fmt: skip


@pytest.fixture(scope='module')
def houses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    ours = tmp_path_factory.mktemp('wheelhouse')
    subprocess.run([sys.executable, str(REPO / 'packages/wheelhouse.py'), '--outdir', str(ours)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    strangers = tmp_path_factory.mktemp('strangers')
    for name, version in STRANGERS:
        _stranger_wheel(strangers, name, version)
    return ours, strangers


def _resolve(houses: tuple[Path, Path], *args: str) -> dict[str, str]:
    """What ``pip install ARGS`` would install: name to version (only ``ops*`` names)."""
    ours, strangers = houses
    constraints = str(ours / 'constraints.txt')
    argv = [sys.executable, '-m', 'pip', 'install', '--isolated', '--dry-run', '--quiet',
            '--ignore-installed', '--report', '-', '--no-index',
            '--find-links', str(ours), '--find-links', str(strangers),
            *[constraints if a == 'CONSTRAINTS' else a for a in args]]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode:
        return {'error': result.stderr}
    report = json.loads(result.stdout)
    picked = {i['metadata']['name']: i['metadata']['version'] for i in report['install']}
    return {k: v for k, v in picked.items() if k.startswith('ops')}


@pytest.mark.parametrize('pin', ['ops[testing]', 'ops ~= 3.9', 'ops >= 2.17'])
def test_with_the_constraints_every_pin_gets_all_of_ours(houses, pin: str):
    picked = _resolve(houses, '-c', 'CONSTRAINTS', pin)
    assert {'ops', 'ops-core', 'ops-pebble', 'ops-hookcmds'} <= set(picked), picked
    assert picked == {name: release.version(name) for name in picked}


def test_an_exact_upstream_pin_prefers_ours_and_its_sisters_come_only_from_ours(houses):
    picked = _resolve(houses, 'ops[testing]==3.9.0')
    assert picked == {
        name: release.version(name)
        for name in (
            'ops',
            'ops-core',
            'ops-pebble',
            'ops-hookcmds',
            'ops-testing',
            'ops-scenario',
        )
    }


def test_without_the_constraints_a_later_upstream_release_wins_a_loose_pin(houses):
    """Why docs/install.md always passes -c: a newer upstream ops satisfies ops ~= 3.9."""
    assert _resolve(houses, 'ops ~= 3.9', '--no-deps') == {'ops': '3.10.0'}


@pytest.mark.parametrize('name', ['ops-pebble', 'ops-hookcmds'])
def test_a_single_distribution_with_the_constraints_is_ours_despite_squatters(houses, name: str):
    picked = _resolve(houses, '-c', 'CONSTRAINTS', name)
    assert name in picked
    assert picked == {name: release.version(name) for name in picked}
