"""Upstream's ops-scenario installed over ours: ``import scenario`` says so and names the fix.

(``pip check`` names it too: ops-testing requires our ops-scenario exactly; docs/migrating.md
runs that in a real environment in CI.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UPSTREAM_SCENARIO = Path('/tmp/ops39/lib/python3.11/site-packages/scenario')


def _import(code: str, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env_path = [str(path)] if path else []
    return subprocess.run(
        [sys.executable, '-c', f'import sys; sys.path[:0] = {env_path!r}\n{code}'],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not UPSTREAM_SCENARIO.is_dir(), reason=f'no ops 3.9 in {UPSTREAM_SCENARIO}')
def test_upstream_scenario_fails_on_a_named_missing_module(tmp_path: Path):
    shutil.copytree(UPSTREAM_SCENARIO, tmp_path / 'scenario')
    result = _import('import scenario', tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: No module named 'ops._private': it is upstream")


def test_the_message_names_upstreams_ops_scenario_and_the_fix():
    code = """
import importlib.metadata as m
real = m.version
m.version = lambda name: '8.9.0' if name == 'ops-scenario' else real(name)
try:
    import ops._private
except ModuleNotFoundError as e:
    assert e.name == 'ops._private', e.name
    print(e)
"""
    result = _import(code)
    assert result.returncode == 0, result.stderr
    assert (
        "upstream's: ops-scenario 8.9.0 is installed in place of this project's" in result.stdout
    )
    assert (
        '--force-reinstall --find-links DIR -c DIR/constraints.txt ops-scenario' in result.stdout
    )


def test_an_except_import_error_fallback_still_works():
    code = """
try:
    from ops._private.harness import ActionFailed
except ImportError:
    from ops.testing import ActionFailed
print(ActionFailed.__name__)
"""
    result = _import(code)
    assert result.returncode == 0 and result.stdout.strip() == 'ActionFailed', result.stderr
