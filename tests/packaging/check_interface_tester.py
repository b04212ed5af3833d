"""CI check: pytest-interface-tester installs next to our wheels and works with them.

Run with the interpreter of a venv where this project's wheels are installed::

    VENV/bin/python tests/packaging/check_interface_tester.py

It installs ``pytest-interface-tester`` from the package index (or says why it is skipped
when the index cannot be reached), checks that its ``ops-scenario>=7.0.1`` requirement was
satisfied by this project's ``ops-scenario`` (upstream's would replace our ``scenario``
package), then runs ``interface_tester_case.py`` with pytest, which autoloads the plugin.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PLUGIN = 'pytest-interface-tester==3.4.1'
HERE = Path(__file__).resolve().parent


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, '-m', 'pip', '--disable-pip-version-check', *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        probe = _pip('download', '--quiet', '--no-deps', '--dest', scratch, PLUGIN)
        if probe.returncode != 0:
            print(f'skipped: the package index is unreachable ({PLUGIN} could not be downloaded)')
            return 0
        installed = _pip('install', '--quiet', PLUGIN, 'pytest')
        if installed.returncode != 0:
            print(installed.stdout, installed.stderr)
            print(f'FAILED: pip could not install {PLUGIN} next to our wheels')
            return 1

        requires = importlib.metadata.distribution('ops-scenario').requires or []
        if not any(req.startswith('ops-testing') for req in requires):
            print(f"FAILED: pip replaced our ops-scenario with upstream's (requires {requires})")
            return 1
        check = 'import scenario, ops.testing; assert scenario.State is ops.testing.State'
        subprocess.run([sys.executable, '-c', check], check=True, cwd=scratch)

        shutil.copy(HERE / 'interface_tester_case.py', Path(scratch) / 'test_plugin.py')
        args = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-W', 'ignore::DeprecationWarning']
        run = subprocess.run([sys.executable, *args, 'test_plugin.py'], cwd=scratch, timeout=600)
        if run.returncode != 0:
            print('FAILED: pytest-interface-tester does not work with our scenario')
            return 1
    print(f'{PLUGIN}: installed next to our ops-scenario, plugin loaded, interface tests ran')
    return 0


if __name__ == '__main__':
    sys.exit(main())
