"""CI check: the README's quick start works on a Python whose pip refuses system installs.

    python3 tests/packaging/check_quickstart.py [--simulate]

Debian 12 and Ubuntu 24.04 mark their Python "externally managed" (PEP 668), so
``python3 -m pip install hatch`` is refused there. This runs the README's two commands,
``python3 dev.py demo`` then ``python3 dev.py test ...``, in a copy of the repository (its
tracked files) with such a Python: the system's own when it is one (``/usr/bin/python3``
with the ``EXTERNALLY-MANAGED`` marker and the venv module), otherwise this interpreter made
into one: ``PYTHONHOME`` pointed at a copy of its standard library (links) that carries the
marker (``--simulate`` uses this one even where the system's would do). It checks first that pip does refuse there, then that the first command builds the
environment saying so and runs the demo, and that the second reuses it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = 'EXTERNALLY-MANAGED'


def system_python() -> str | None:
    """``/usr/bin/python3`` if it is >= 3.10, externally managed and can make venvs."""
    probe = (
        'import sys, sysconfig, os, ensurepip, venv; '
        f'assert sys.version_info >= (3, 10); '
        f'assert os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "{MARKER}"))'
    )
    python = '/usr/bin/python3'
    if os.access(python, os.X_OK):
        if subprocess.run([python, '-c', probe], capture_output=True).returncode == 0:
            return python
    return None


def simulated_home(scratch: Path) -> Path:
    """A PYTHONHOME for this interpreter whose standard library carries the marker."""
    stdlib = Path(sysconfig.get_path('stdlib'))
    home = scratch / 'externally-managed-python'
    lib = home / stdlib.relative_to(sys.base_prefix)
    lib.mkdir(parents=True)
    for entry in stdlib.iterdir():
        (lib / entry.name).symlink_to(entry)
    (lib / MARKER).write_text('[externally-managed]\nError=externally managed (a CI check)\n')
    # Tools that look for the interpreter under its prefix (virtualenv's discovery) find it.
    bindir = home / 'bin'
    bindir.mkdir()
    for name in ('python', 'python3', f'python{sys.version_info[0]}.{sys.version_info[1]}'):
        (bindir / name).symlink_to(Path(sys.executable).resolve())
    return home


def copy_repository(target: Path) -> None:
    """The tracked files of the working tree, as a fresh clone would have them."""
    files = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b'\0')
    for name in filter(None, files):
        source = REPO / os.fsdecode(name)
        if source.is_file():
            dest = target / os.fsdecode(name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(source.read_bytes())
            dest.chmod(source.stat().st_mode & 0o777)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix='quickstart-') as tmp:
        scratch = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ('VIRTUAL_ENV', 'PYTHONHOME')}
        python = None if '--simulate' in argv else system_python()
        if python is None:
            python = sys.executable
            env['PYTHONHOME'] = str(simulated_home(scratch))
            print(f'simulating PEP 668 with {python} and PYTHONHOME={env["PYTHONHOME"]}')
        else:
            print(f'using the system Python, {python}, which is externally managed')

        refused = subprocess.run(
            [python, '-m', 'pip', 'install', '--dry-run', 'hatch'],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        if refused.returncode == 0 or 'externally-managed-environment' not in refused.stderr:
            print(f'FAILED: pip of {python} does not refuse system installs:\n{refused.stderr}')
            return 1

        repo = scratch / 'repo'
        copy_repository(repo)
        first = subprocess.run(
            [python, 'dev.py', 'demo'], cwd=repo, env=env, capture_output=True, text=True,
            timeout=1200,
        )  # fmt: skip
        print(first.stderr[-2000:])
        if first.returncode != 0 or 'Deploying httpbin-k8s' not in first.stdout:
            print(
                f'FAILED: `python3 dev.py demo` exited {first.returncode}:\n{first.stdout[-3000:]}'
            )
            return 1
        if 'dev.py: creating the development environment' not in first.stderr:
            print('FAILED: the first run did not say it was building the environment')
            return 1

        second = subprocess.run(
            [python, 'dev.py', 'test', 'tests/meta/test_layering.py', '-q'],
            cwd=repo, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if second.returncode != 0 or 'passed' not in second.stdout:
            print(f'FAILED: `python3 dev.py test` exited {second.returncode}:\n'
                  f'{second.stdout[-3000:]}{second.stderr[-3000:]}')  # fmt: skip
            return 1
        if 'dev.py:' in second.stderr:
            print(f'FAILED: the second run set things up again:\n{second.stderr}')
            return 1
    print('quick start on an externally managed Python: demo and tests ran')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
