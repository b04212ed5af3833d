"""dev.py, the README's entry point: its help, and what it says about an incomplete environment.

The whole bootstrap (a pinned hatch in .tools/, the environment in .venv/, on a Python that
refuses pip installs) is run by .ci/run through tests/packaging/check_quickstart.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _dev(*args: str, python: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(python or [sys.executable]), str(REPO / 'dev.py'), *args],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip


def test_an_environment_without_the_distributions_is_explained():
    # -S: no site-packages, as in an environment an older hatch made without the workspace.
    result = _dev('--check-env', python=[sys.executable, '-S'])
    assert result.returncode == 1
    assert 'lacks ops, ops_core' in result.stderr
    assert 'hatch before 1.16' in result.stderr and 'python3 dev.py' in result.stderr


def test_the_development_environment_passes_the_check():
    assert _dev('--check-env').returncode == 0


def test_help_lists_the_commands_without_installing_anything():
    result = _dev('--help')
    assert result.returncode == 0
    assert 'python3 dev.py demo' in result.stdout and 'python3 dev.py test' in result.stdout


def test_hatch_is_pinned_exactly_and_new_enough_for_workspaces():
    pin = re.search(r"^HATCH = 'hatch==(\d+)\.(\d+)\.(\d+)'$", (REPO / 'dev.py').read_text(), re.M)
    assert pin, 'dev.py must pin hatch to one exact version'
    assert (int(pin[1]), int(pin[2])) >= (1, 16)


def test_the_readme_quick_start_is_the_two_dev_py_commands():
    readme = (REPO / 'README.md').read_text()
    quick = readme[
        readme.index('## Quick start') : readme.index('\n## ', readme.index('## Quick start') + 1)
    ]
    commands = [line for line in quick.splitlines() if line.startswith('python3 ')]
    assert commands[:2] == ['python3 dev.py demo', 'python3 dev.py test']
    assert 'pip install' not in quick.split('```')[1]
