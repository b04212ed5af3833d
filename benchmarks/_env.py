"""The two implementations' interpreters, the work directory and the fake hook tools."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _ram_dir() -> Path | None:
    """A writable directory on a RAM file system (tmpfs), or None if there is none.

    Everything a run writes (charm directories and their state files, TMPDIR of every child,
    sockets) goes there, for both implementations: on a disk file system, fsyncs and
    directory removals (3-4 ms each on a /tmp mounted with ``discard``) would dominate
    figures that have nothing to do with them.
    """
    try:
        with open('/proc/mounts', encoding='utf-8') as f:
            mounts = {
                fields[1]: fields[2] for fields in (line.split() for line in f) if len(fields) > 2
            }
    except OSError:
        return None
    for candidate in (os.environ.get('BENCH_RAM_DIR'), '/dev/shm', '/run/shm'):
        if not candidate:
            continue
        path = Path(candidate)
        if mounts.get(str(path)) in ('tmpfs', 'ramfs') and os.access(path, os.W_OK):
            return path
    return None


RAM_DIR = _ram_dir()
# Where runs keep their files: on the RAM file system when there is one.
WORK_ROOT = RAM_DIR / f'ops-bench-{os.getuid()}' if RAM_DIR else HERE / '.work'
# One directory per run, so that two runs at once (a developer's and CI's smoke run in the
# same tree) never delete each other's files.
WORK = WORK_ROOT / f'run-{os.getpid()}'
OPS39_VENV = HERE / '.venv-ops39'
OPS39_REQUIREMENT = 'ops[testing]==3.9.0'
_OPS39_MARKER = OPS39_VENV / '.bench-complete'

# Every hook tool name Juju provides to charms; each is a link to hooktool.sh.
HOOK_TOOLS = (
    'action-fail action-get action-log action-set application-version-set close-port '
    'config-get credential-get goal-state is-leader juju-log juju-reboot network-get open-port '
    'opened-ports relation-get relation-ids relation-list relation-model-get relation-set '
    'resource-get secret-add secret-get secret-grant secret-ids secret-info-get secret-remove '
    'secret-revoke secret-set state-delete state-get state-set status-get status-set '
    'storage-add storage-get storage-list pod-spec-set add-metric'
).split()


@dataclasses.dataclass(frozen=True)
class Impl:
    """One implementation under test: a label and the interpreter that has its ``ops``."""

    key: str
    label: str
    python: str


class HarnessError(RuntimeError):
    """The harness itself cannot run (as opposed to a figure that is n/a for one side)."""


def ops39_python(*, create: bool, log: object = None) -> str | None:
    """Return the interpreter of the cached ops 3.9 venv, creating it first if ``create``.

    Returns None when the venv does not exist and ``create`` is false (smoke mode: no
    network assumptions). The venv lives in benchmarks/.venv-ops39, never in the project's.
    """
    python = OPS39_VENV / 'bin' / 'python'
    if _OPS39_MARKER.exists() and python.exists():
        return str(python)
    if not create:
        return None
    print(f'creating {OPS39_VENV} with {OPS39_REQUIREMENT} (once; cached)...', flush=True)
    if OPS39_VENV.exists():
        shutil.rmtree(OPS39_VENV)
    base = getattr(sys, '_base_executable', sys.executable)
    _check_call([base, '-m', 'venv', str(OPS39_VENV)], 'create the ops 3.9 venv')
    _check_call(
        [
            str(python),
            '-m',
            'pip',
            'install',
            '-q',
            '--disable-pip-version-check',
            OPS39_REQUIREMENT,
        ],
        f'pip install {OPS39_REQUIREMENT} into {OPS39_VENV}',
    )
    probe = subprocess.run(
        [str(python), '-c', 'import ops, ops.testing; print(ops.__version__)'],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if probe.returncode != 0 or probe.stdout.strip() != '3.9.0':
        raise HarnessError(f'the ops 3.9 venv does not import ops 3.9.0: {probe.stderr[-500:]}')
    _OPS39_MARKER.write_text(OPS39_REQUIREMENT + '\n', encoding='utf-8')
    return str(python)


def _check_call(argv: list[str], what: str) -> None:
    try:
        subprocess.run(argv, check=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise HarnessError(f'could not {what}: {exc}') from exc


def prepare_work_dir() -> Path:
    """Create this run's work directory with the fake hook tools in its bin/.

    Directories left by earlier runs whose process is gone are removed first.
    """
    if WORK_ROOT.exists():
        for old in WORK_ROOT.glob('run-*'):
            pid = old.name.removeprefix('run-')
            if old != WORK and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
    if WORK.exists():
        shutil.rmtree(WORK)
    bin_dir = WORK / 'bin'
    bin_dir.mkdir(parents=True)
    (WORK / 'tmp').mkdir()
    tool = HERE / 'hooktool.sh'
    for name in HOOK_TOOLS:
        (bin_dir / name).symlink_to(tool)
    return WORK


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_env(**extra: str) -> dict[str, str]:
    """A minimal environment for child processes: no PYTHON* variables leak in.

    TMPDIR is the run's own directory (on the RAM file system when there is one), the same
    for both implementations.

    In particular PYTHONDONTWRITEBYTECODE (set by CI) must not reach the children, or ours
    (installed editable, no precompiled bytecode) would recompile every module on every run.
    """
    env = {
        'PATH': f'{WORK / "bin"}:/usr/local/bin:/usr/bin:/bin',
        'HOME': os.environ.get('HOME', '/root'),
        'LANG': 'C.UTF-8',
        'TMPDIR': str(WORK / 'tmp'),
    }
    env.update(extra)
    return env


def warm_bytecode(python: str) -> None:
    """Compile (import) ``ops`` and ``ops.testing`` once so later runs load cached bytecode."""
    subprocess.run(
        [
            python,
            '-c',
            'import ops\ntry:\n import ops.testing, ops.pebble\nexcept Exception: pass',
        ],
        env=clean_env(),
        cwd=WORK,
        capture_output=True,
        timeout=120,
        check=False,
    )
