#!/usr/bin/env python3
"""Run a development command of this repository with a pinned hatch, on any Python >= 3.10.

    python3 dev.py demo          simulate a deployment of examples/httpbin-k8s
    python3 dev.py test [ARGS]   run the test suite (ARGS go to pytest)
    python3 dev.py COMMAND ...   any script of pyproject.toml's default environment
                                 (typecheck, lint, wheelhouse, ...), or `python ...`

It needs nothing installed but Python itself (on Debian and Ubuntu also the venv module,
``python3-venv``), and works where ``pip install`` into the system Python is refused
(PEP 668, "externally-managed-environment"). The first run:

1. creates ``.tools/``, a virtual environment holding hatch at the version pinned below;
2. has hatch create the development environment in ``.venv/`` (every distribution under
   packages/ installed editable, plus pytest, mypy, ruff, ...), showing the installer's
   progress.

Later runs start the command at once. ``python3 dev.py --check-env`` is what the hatch
scripts run first: it explains an environment that an older hatch created without the
distributions (hatch before 1.16 ignores ``[tool.hatch.envs.default.workspace]``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HATCH = 'hatch==1.18.2'
"""The hatch the commands run with (workspaces need 1.16 or later)."""

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / '.tools'
DEV_ENV = ROOT / '.venv'
IMPORTS = ('ops', 'ops_core', 'ops_pebble', 'ops_hookcmds', 'ops_testing', 'scenario')


def say(message: str) -> None:
    """A progress line, set apart from the tools' own output."""
    print(f'dev.py: {message}', file=sys.stderr, flush=True)


def _bin(env: Path, name: str) -> Path:
    return env / ('Scripts' if os.name == 'nt' else 'bin') / name


def tools_hatch() -> Path:
    """The pinned hatch in ``.tools/``, installed first if it is missing or another version."""
    hatch = _bin(TOOLS, 'hatch')
    marker = TOOLS / 'installed.txt'
    if hatch.exists() and marker.is_file() and marker.read_text().strip() == HATCH:
        return hatch
    say(f'installing {HATCH} into {TOOLS.name}/ (once; your Python is left untouched)')
    if TOOLS.exists():
        shutil.rmtree(TOOLS)
    try:
        venv.EnvBuilder(with_pip=True).create(TOOLS)
    except (OSError, subprocess.CalledProcessError) as e:
        shutil.rmtree(TOOLS, ignore_errors=True)
        sys.exit(
            f'dev.py: could not create a virtual environment with {sys.executable} ({e}).\n'
            'On Debian and Ubuntu the venv module is a separate package: '
            'sudo apt install python3-venv'
        )
    python = _bin(TOOLS, 'python')
    pip = [str(python), '-m', 'pip', '--disable-pip-version-check', 'install']
    if subprocess.run([*pip, '--progress-bar', 'off', HATCH]).returncode != 0:
        sys.exit(f'dev.py: installing {HATCH} failed (see pip output above)')
    marker.write_text(HATCH + '\n')
    return hatch


def check_env() -> int:
    """In the development environment: are this repository's distributions installed?"""
    missing = [name for name in IMPORTS if importlib.util.find_spec(name) is None]
    if not missing:
        return 0
    print(
        f'The development environment ({sys.prefix}) lacks {", ".join(missing)}: this repository '
        'installs its distributions with hatch workspaces, which hatch before 1.16 silently '
        'ignores. Run the command through `python3 dev.py ...` (it uses a pinned hatch), or '
        'upgrade hatch (`hatch --version`) and recreate the environment with '
        '`hatch env remove default`.',
        file=sys.stderr,
    )
    return 1


def main(argv: list[str]) -> int:
    """Bootstrap the tools and the environment, then run ``hatch run ARGV``."""
    if sys.version_info < (3, 10):  # noqa: UP036 - this file must say so on an older Python
        sys.exit(f'dev.py: Python 3.10 or later is needed, this is {sys.version.split()[0]}')
    if argv[:1] == ['--check-env']:
        return check_env()
    if not argv or argv[0] in ('-h', '--help'):
        print(__doc__)
        return 0
    hatch = tools_hatch()
    env = dict(os.environ)
    env.pop('VIRTUAL_ENV', None)  # an activated venv must not become hatch's environment
    if not DEV_ENV.exists():
        say(
            f'creating the development environment in {DEV_ENV.name}/ (first run only: well '
            'under a minute, mostly downloads; the installer lists what it installs)'
        )
        created = subprocess.run([str(hatch), '-v', 'env', 'create'], cwd=ROOT, env=env)
        if created.returncode != 0:
            say('creating the environment failed; `python3 dev.py` again retries it')
            shutil.rmtree(DEV_ENV, ignore_errors=True)
            return created.returncode
        say('the development environment is ready')
    command = [str(hatch), 'run', *argv]
    if os.name == 'posix':
        os.chdir(ROOT)
        os.execve(command[0], command, env)  # the command's exit status and signals are ours
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
