"""Run the hostile cases of docs/reliability.md against ops 3.9 and against this implementation.

Usage (from the repository root, with the development environment)::

    .venv/bin/python tools/reliability-vs-ops39/compare.py [/tmp/ops39/bin/python]

Each case runs the same charm (``charm.py``, public ops API only) through its real
``dispatch``-style entry point, once with each interpreter, against the fake Juju hook tools
(``tests/helpers/fakejuju``) with the unit state file on disk, and prints one Markdown row:
what ops 3.9 did and what ours did. Cases that need a Pebble server or ``Context`` use the
project's Pebble test server (in another process) and a small script per interpreter.
Nothing here is asserted: ``tests/reliability`` holds the tests; this records the contrast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.fakejuju import FakeJuju  # noqa: E402

OURS = sys.executable
TIMEOUT = 20.0


class Unit:
    """A charm directory plus fake Juju, run with one interpreter."""

    def __init__(self, root: Path, python: str):
        self.root = root
        self.python = python
        self.charm = root / 'charm'
        (self.charm / 'src').mkdir(parents=True)
        shutil.copy(HERE / 'charm.py', self.charm / 'src' / 'charm.py')
        (self.charm / 'metadata.yaml').write_text('name: compare\n')
        self.juju = FakeJuju(root, charm_dir=self.charm)
        self.db = self.charm / '.unit-state.db'

    def env(self, hook: str, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(('JUJU_', 'PYTHON'))}
        env.update(self.juju.hook_env(hook))
        env.update(extra)
        if self.python == OURS:  # ours from this checkout; ops 3.9 from its own venv
            env['PYTHONPATH'] = os.pathsep.join(
                str(REPO / 'packages' / p / 'src')
                for p in ('ops-hookcmds', 'ops-pebble', 'ops-core', 'ops-testing', 'ops')
            )
        return env

    def popen(self, hook: str = 'update-status', **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [self.python, str(self.charm / 'src' / 'charm.py')],
            cwd=self.charm,
            env=self.env(hook, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, hook: str = 'update-status', timeout: float = TIMEOUT, **extra: str) -> str:
        """Run one hook; describe how it ended."""
        proc = self.popen(hook, **extra)
        start = time.monotonic()
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return f'hung (killed after {timeout:g} s)'
        return self.describe(proc.returncode, err, time.monotonic() - start)

    def describe(self, code: int, err: str, took: float) -> str:
        if code == 0:
            return f'exit 0 ({took:.1f} s)'
        log = '\n'.join(message for _, message in self.juju.juju_logs())
        reason = _last_exception(log + '\n' + err)
        return f'exit {code} ({took:.1f} s): {reason}'


def _last_exception(text: str) -> str:
    for line in reversed(text.splitlines()):
        line = line.strip()
        head = line.split(':', 1)[0]
        if head.endswith(('Error', 'Exception', 'Interrupt')) and ' ' not in head:
            return line[:160]
    return 'no exception logged'


# --- cases -----------------------------------------------------------------------------------


def fifo_state_file(unit: Unit) -> str:
    os.mkfifo(unit.db)
    return unit.run()


def fifo_journal(unit: Unit) -> str:
    unit.run()
    os.mkfifo(str(unit.db) + '-journal')
    return unit.run()


def second_hook_while_one_runs(unit: Unit) -> str:
    unit.run()
    first = unit.popen(CMP_OP='sleep')
    time.sleep(1.5)
    second = unit.run()
    first.communicate(timeout=60)
    return f'second hook: {second}'


def orphan_notice(unit: Unit) -> str:
    unit.run('install')  # deferred
    _sql(unit.db, 'DELETE FROM snapshot WHERE handle LIKE "%/on/install[%"')
    return f'{unit.run()}; again: {unit.run()}'


def null_notice(unit: Unit) -> str:
    unit.run()
    _sql(unit.db, 'INSERT INTO notice VALUES (NULL, NULL, NULL, NULL)')
    return f'{unit.run()}; again: {unit.run()}'


def planted_pickle(unit: Unit) -> str:
    unit.run()
    marker = unit.root / 'code-ran'
    payload = b'cposix\nmkdir\n(S' + json.dumps(str(marker)).encode() + b'\ntR.'
    _sql(
        unit.db,
        'UPDATE snapshot SET data = ? WHERE handle LIKE "%StoredStateData[_stored]"',
        payload,
    )
    outcome = unit.run()
    return f'{outcome}; code ran: {"yes" if marker.exists() else "no"}'


def symlinked_state_file(unit: Unit) -> str:
    unit.run()
    target = unit.root / 'elsewhere.db'
    shutil.move(unit.db, target)
    target.chmod(0o644)
    unit.db.symlink_to(target)
    outcome = unit.run()
    return f'{outcome}; target mode after: {stat.S_IMODE(target.stat().st_mode):o}'


def hung_juju_log(unit: Unit) -> str:
    unit.run()
    unit.juju.state.hang('juju-log', 3600)
    unit.juju.clear_calls()
    outcome = unit.run(CMP_OP='log-many', CMP_TOOL_TIMEOUT='2', timeout=60)
    return f'{outcome}; juju-log calls: {len(unit.juju.calls("juju-log"))}'


def sigterm_during_secret_add(unit: Unit) -> str:
    unit.run()
    tmp = unit.root / 'tmp'
    tmp.mkdir()
    unit.juju.state.hang('secret-add', 60)
    unit.juju.clear_calls()
    proc = unit.popen(CMP_OP='secret-add', TMPDIR=str(tmp))
    deadline = time.monotonic() + 30
    while not unit.juju.calls('secret-add') and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    time.sleep(2)
    files = [p for p in tmp.rglob('*') if p.is_file()]
    orphans = _tool_processes(unit, 'secret-add')
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)
    return (
        f'exit {proc.returncode}; secret files left: {len(files)}; '
        f'orphaned secret-add processes: {len(orphans)}'
    )


def deep_json(unit: Unit) -> str:
    unit.run()
    unit.juju.state.garbage('config-get', '[' * 100_000 + ']' * 100_000 + '\n')
    return unit.run(CMP_OP='config')


def nul_status(unit: Unit) -> str:
    return unit.run(CMP_OP='nul-status')


def nul_version(unit: Unit) -> str:
    return unit.run(CMP_OP='nul-version')


def _sql(db: Path, statement: str, *args: Any) -> None:
    conn = sqlite3.connect(db)
    conn.execute(statement, args)
    conn.commit()
    conn.close()


def _tool_processes(unit: Unit, tool: str) -> list[int]:
    marker = f'FAKE_JUJU_SOCKET={unit.juju.socket_path}'.encode()
    found = []
    for entry in filter(str.isdigit, os.listdir('/proc')):
        try:
            cmdline = Path(f'/proc/{entry}/cmdline').read_bytes()
            environ = Path(f'/proc/{entry}/environ').read_bytes().split(b'\0')
            state = Path(f'/proc/{entry}/stat').read_text().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if state != 'Z' and marker in environ and tool.encode() in cmdline:
            found.append(int(entry))
    return found


# --- cases in a script (Pebble, Context) -----------------------------------------------------

PULL_SERVER = (REPO / 'tests' / 'reliability' / 'test_hostile_workload.py').read_text()
PULL_SERVER = PULL_SERVER.split('SERVER = """', 1)[1].split('"""', 1)[0]

PULL_CLIENT = """
import sys, ops, ops.pebble
client = ops.pebble.Client(sys.argv[1])
try:
    import ops.model
    backend = ops.model._ModelBackend() if hasattr(ops.model, '_ModelBackend') else None
    container = ops.model.Container('workload', backend, client)
    container.pull_path('/srv/data', sys.argv[2])
    print('no error')
except Exception as e:
    print(type(e).__name__, getattr(e, 'errors', '') or e)
"""


def hostile_pull_path(work: Path, python: str) -> str:
    outside = work / 'outside'
    outside.mkdir()
    evil = '/srv/data/../../../..' + str(outside) + '/pwned'
    lies = {
        '/srv/data': [
            {
                'path': evil,
                'name': 'pwned',
                'type': 'file',
                'size': 5,
                'permissions': '644',
                'last-modified': '2025-01-01T00:00:00Z',
            }
        ]
    }
    files = {str(outside) + '/pwned': 'owned', '/srv/data/good.txt': 'good'}
    sock = str(work / 'p.sock')
    server = subprocess.Popen(
        [OURS, '-c', PULL_SERVER, str(work / 'root'), sock, json.dumps(lies), json.dumps(files)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, 'PYTHONPATH': _our_path()},
    )
    assert server.stdout is not None and server.stdout.readline().strip() == 'ready'
    try:
        env = {**os.environ, 'PYTHONPATH': _our_path()} if python == OURS else _clean_env()
        env.update(JUJU_UNIT_NAME='app/0', JUJU_MODEL_NAME='m', JUJU_VERSION='3.6.4')
        out = subprocess.run(
            [python, '-c', PULL_CLIENT, sock, str(work / 'dest')],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    finally:
        assert server.stdin is not None
        server.stdin.write('\n')
        server.stdin.flush()
        server.wait(timeout=30)
    # ops 3.9 resolves the entry relative to the source's parent, so it climbs as many
    # levels above dest_dir as that parent is deep: look for the file anywhere in work/.
    escaped = [
        str(p.relative_to(work))
        for p in work.rglob('pwned')
        if not p.is_relative_to(work / 'dest') and not p.is_relative_to(work / 'root')
    ]
    result = (out.stdout.strip() or out.stderr.strip().splitlines()[-1])[:160]
    return f'{result}; files written outside dest_dir: {escaped or "none"}'


CONTEXT_SCRIPT = """
import ops, sys
from scenario import Context, State, Container, Secret, Relation, DeferredEvent
class C(ops.CharmBase):
    _stored = ops.StoredState()
    def __init__(self, f):
        super().__init__(f)
        f.observe(self.on.update_status, self._on)
    def _on(self, e):
        if sys.argv[1] == 'cycle':
            d = {}
            d['me'] = d
            self._stored.d = d
        elif sys.argv[1] == 'layer':
            self.unit.get_container('wl').get_plan()
meta = {'name': 'x', 'requires': {'db': {'interface': 'pg'}}, 'containers': {'wl': {}}}
ctx = Context(C, meta=meta)
case = sys.argv[1]
try:
    if case == 'repr':
        out = ctx.run(ctx.on.update_status(), State(secrets=[Secret({'password': 'hunter2'})]))
        print('secret value in repr(State):', 'yes' if 'hunter2' in repr(out) else 'no')
        raise SystemExit
    state = {
        'cycle': lambda: State(),
        'relations': lambda: State(relations=['x']),
        'networks': lambda: State(networks={'db': 'x'}),
        'deferred': lambda: State(deferred=[object()]),
        'layer': lambda: State(containers=[Container('wl', can_connect=True, layers={'a': 'services: {}'})]),
    }[case]()
    ctx.run(ctx.on.update_status(), state)
    print('accepted')
except Exception as e:
    cause = e.__cause__
    print(type(e).__name__ + (f' from {type(cause).__name__}' if cause else '') + ': ' + str(cause or e)[:110])
"""


def context_case(case: str) -> Callable[[Path, str], str]:
    def run(work: Path, python: str) -> str:
        env = {**os.environ, 'PYTHONPATH': _our_path()} if python == OURS else _clean_env()
        out = subprocess.run(
            [python, '-c', CONTEXT_SCRIPT, case],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        lines = [line for line in out.stdout.splitlines() if line.strip()]
        return lines[-1] if lines else out.stderr.strip().splitlines()[-1][:160]

    return run


def _our_path() -> str:
    return os.pathsep.join(
        str(REPO / 'packages' / p / 'src')
        for p in ('ops-hookcmds', 'ops-pebble', 'ops-core', 'ops-testing', 'ops-scenario', 'ops')
    )


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith('PYTHON')}


UNIT_CASES: dict[str, Callable[[Unit], str]] = {
    'a FIFO at .unit-state.db': fifo_state_file,
    'a FIFO at .unit-state.db-journal': fifo_journal,
    'a second hook while one runs': second_hook_while_one_runs,
    'an orphan notice (no snapshot)': orphan_notice,
    'a notice row of NULLs': null_notice,
    'a pickle planted in a snapshot': planted_pickle,
    '.unit-state.db a symlink to a 0644 file': symlinked_state_file,
    'juju-log hangs, 5 warnings logged (our tool timeout: 2 s)': hung_juju_log,
    'SIGTERM during secret-add': sigterm_during_secret_add,
    'config-get prints 100,000-deep JSON': deep_json,
    'a NUL in the status message': nul_status,
    'a NUL in the workload version': nul_version,
}
SCRIPT_CASES: dict[str, Callable[[Path, str], str]] = {
    'pull_path: Pebble lists /srv/data/../../../..<outside>/pwned': hostile_pull_path,
    'Context: a cyclic dict in StoredState': context_case('cycle'),
    'Context: repr() of an output State with a Secret': context_case('repr'),
    "Context: State(relations=['x'])": context_case('relations'),
    "Context: State(networks={'db': 'x'})": context_case('networks'),
    'Context: State(deferred=[object()])': context_case('deferred'),
    'Context: a layer given as a YAML string': context_case('layer'),
}


def main() -> None:
    ops39 = sys.argv[1] if len(sys.argv) > 1 else '/tmp/ops39/bin/python'
    print('| case | ops 3.9 | ours |')
    print('|---|---|---|')
    for name in [*UNIT_CASES, *SCRIPT_CASES]:
        results = []
        for python in (ops39, OURS):
            work = Path(tempfile.mkdtemp(prefix='cmp39-', dir='/tmp'))
            try:
                if name in UNIT_CASES:
                    results.append(UNIT_CASES[name](Unit(work, python)))
                else:
                    results.append(SCRIPT_CASES[name](work, python))
            except Exception as exc:  # a case that could not be run is reported, not hidden
                results.append(f'(could not run: {type(exc).__name__}: {exc})')
            finally:
                shutil.rmtree(work, ignore_errors=True)
        cells = [textwrap.shorten(r.replace('|', '\\|'), 200) for r in results]
        print(f'| {name} | {cells[0]} | {cells[1]} |', flush=True)


if __name__ == '__main__':
    main()
