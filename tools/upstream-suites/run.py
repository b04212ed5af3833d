"""Run ops 3.9's and ops-scenario 8.9's own test-suites against this implementation.

A compatibility measurement, not part of CI: it downloads the two source distributions
from the package index, unpacks their tests into a scratch directory (never into this
repository), adds a conftest with stand-ins for the private names the test modules import
(``ops_shim.py``, ``scenario_shim.py``), runs each selected test file with the project's
interpreter, and prints passed/failed counts per file.

Usage (from the repository root)::

    .venv/bin/python tools/upstream-suites/run.py            # every file listed below
    .venv/bin/python tools/upstream-suites/run.py test_testing.py scenario
    .venv/bin/python tools/upstream-suites/run.py --show test_testing.py   # with failures

A failing upstream test is one of: a test of ops 3.9's internals (its private backend,
private attributes, exact wording of a message), a difference kept on purpose (listed in
docs/migrating.md), or a compatibility bug to fix. README.md says which is which for the
last measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPS_FILES = [
    'test_testing.py',
    'test_model.py',
    'test_charm.py',
    'test_framework.py',
    'test_main.py',
    'test_model_relation_data_class.py',
    'test_jujuversion.py',
    'test_jujucontext.py',
    'test_storage.py',
    # The rest of ops 3.9's test/ directory.
    'test_log.py',
    'test_lib.py',
    'test_hookcmds.py',
    'test_pebble.py',
    'test_helpers.py',
    'test_infra.py',
    'test_main_invocation.py',
    'test_main_type_hint.py',
    'test_timeconv.py',
    'test_yaml.py',
    'test_real_pebble.py',  # against a fresh real Pebble (see _real_pebble)
]
SUMMARY = re.compile(r'(\d+) (passed|failed|errors?|skipped)')


def _fetch(python: str, work: Path) -> tuple[Path, Path, Path]:
    """Download and unpack the sdists (once); return their directories."""
    sdists = work / 'sdists'
    sdists.mkdir(parents=True, exist_ok=True)
    wanted = {
        'ops-3.9.0.tar.gz': 'ops-3.9.0',
        'ops_scenario-8.9.0.tar.gz': 'ops_scenario-8.9.0',
        'ops_tracing-3.9.0.tar.gz': 'ops_tracing-3.9.0',
    }
    if not all((sdists / name).exists() for name in wanted):
        subprocess.run(
            [python, '-m', 'pip', 'download', '--quiet', '--no-deps', '--no-binary', ':all:']
            + ['--dest', str(sdists), 'ops==3.9.0', 'ops-scenario==8.9.0', 'ops-tracing==3.9.0'],
            check=True,
            timeout=300,
        )
    for name, directory in wanted.items():
        if not (work / directory).exists():
            with tarfile.open(sdists / name) as archive:
                try:
                    archive.extractall(work, filter='data')
                except TypeError:  # a Python without extraction filters (before 3.10.12)
                    archive.extractall(work)
    return work / 'ops-3.9.0', work / 'ops_scenario-8.9.0', work / 'ops_tracing-3.9.0'


def _prepare(
    work: Path, ops_src: Path, scenario_src: Path, tracing_src: Path
) -> tuple[Path, Path, Path]:
    """Lay out the runnable trees, ops' and ops-scenario's each with its conftest shim."""
    ops_run, scenario_run = work / 'ops-run', work / 'scenario-run'
    tracing_run = work / 'tracing-run'
    for tree in (ops_run, scenario_run, tracing_run):
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir()
    shutil.copytree(ops_src / 'test', ops_run / 'test')
    shutil.copy(HERE / 'ops_shim.py', ops_run / 'conftest.py')
    shutil.copytree(scenario_src / 'tests', scenario_run / 'tests')
    # ops-scenario's end-to-end tests import ops 3.9's test charms as test.charms.
    (scenario_run / 'test').mkdir()
    (scenario_run / 'test' / '__init__.py').write_text('')
    shutil.copytree(ops_src / 'test' / 'charms', scenario_run / 'test' / 'charms')
    shutil.copy(HERE / 'scenario_shim.py', scenario_run / 'conftest.py')
    # ops-tracing's tests (and their own conftest) run as they are: no stand-ins.
    shutil.copytree(tracing_src / 'test', tracing_run / 'test')
    return ops_run, scenario_run, tracing_run


def _run(python: str, cwd: Path, target: str, show: bool, *extra: str) -> dict[str, int]:
    args = [python, '-m', 'pytest', '-q', '-p', 'no:randomly', '-p', 'no:cacheprovider', *extra]
    args += ['--tb=line' if show else '--tb=no', target]
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=1200)
    lines = done.stdout.strip().splitlines()
    if show:
        print('\n'.join(line for line in lines if line.startswith(('E ', 'FAILED', 'ERROR'))))
    counts = {'passed': 0, 'failed': 0, 'errors': 0, 'skipped': 0}
    for number, kind in SUMMARY.findall(lines[-1] if lines else ''):
        counts['errors' if kind.startswith('error') else kind] += int(number)
    return counts


@contextlib.contextmanager
def _real_pebble() -> Iterator[bool]:
    """Serve a fresh real Pebble as test_real_pebble.py expects it ($PEBBLE, and HTTP on
    port 4000); yields False if there is no Pebble binary (shared/bin/pebble next to the
    repository or a parent of it, or $OPS_TEST_PEBBLE)."""
    repo = HERE.parent.parent
    candidates = [os.environ.get('OPS_TEST_PEBBLE', '')]
    candidates += [str(p / 'shared' / 'bin' / 'pebble') for p in (repo.parent, *repo.parents)]
    binary = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if binary is None:
        yield False
        return
    state = tempfile.mkdtemp(prefix='upstream-pebble-')
    log = open(os.path.join(state, 'pebble.log'), 'wb')
    proc = subprocess.Popen(
        [binary, 'run', '--create-dirs', '--http', '127.0.0.1:4000'],
        env={**os.environ, 'PEBBLE': state},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {k: os.environ.get(k) for k in ('PEBBLE', 'RUN_REAL_PEBBLE_TESTS')}
    try:
        for _ in range(200):
            if os.path.exists(os.path.join(state, '.pebble.socket')):
                break
            time.sleep(0.05)
        os.environ.update(PEBBLE=state, RUN_REAL_PEBBLE_TESTS='1')
        yield True
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        shutil.rmtree(state, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('files', nargs='*', help="ops test files, 'scenario' or 'tracing'")
    parser.add_argument('--python', default=sys.executable, help='the interpreter to test')
    parser.add_argument('--work', default='/tmp/upstream-suites', help='scratch directory')
    parser.add_argument('--show', action='store_true', help='print each failure line')
    options = parser.parse_args()
    work = Path(options.work)
    ops_run, scenario_run, tracing_run = _prepare(work, *_fetch(options.python, work))
    targets = options.files or [*OPS_FILES, 'scenario', 'tracing']
    print(f'{"suite":45} {"passed":>7} {"failed":>7} {"errors":>7}')
    ops_total = {'passed': 0, 'failed': 0, 'errors': 0, 'files': 0}
    for target in targets:
        if target == 'scenario':
            counts = _run(options.python, scenario_run, 'tests', options.show)
            name = 'ops-scenario 8.9 tests/'
        elif target == 'tracing':
            # Two of its files import ops-tracing 3.9's private modules: count the rest.
            counts = _run(
                options.python,
                tracing_run,
                'test',
                options.show,
                '--continue-on-collection-errors',
            )
            name = 'ops-tracing 3.9 test/'
        elif target == 'test_real_pebble.py':
            # Against a real Pebble (its own skip marker needs RUN_REAL_PEBBLE_TESTS).
            with _real_pebble() as available:
                if not available:
                    print(f'{"ops 3.9 test/" + target:45} skipped: no real Pebble binary')
                    continue
                counts = _run(options.python, ops_run, f'test/{target}', options.show)
            name = f'ops 3.9 test/{target}'
        else:
            counts = _run(options.python, ops_run, f'test/{target}', options.show)
            name = f'ops 3.9 test/{target}'
            for kind in ('passed', 'failed', 'errors'):
                ops_total[kind] += counts[kind]
            ops_total['files'] += 1
        print(f'{name:45} {counts["passed"]:7} {counts["failed"]:7} {counts["errors"]:7}')
    if ops_total['files'] > 1:
        name = f'ops 3.9 test/ ({ops_total["files"]} files)'
        print(f'{name:45} {ops_total["passed"]:7} {ops_total["failed"]:7} {ops_total["errors"]:7}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
