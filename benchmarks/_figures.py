"""The figures of issue 9, each measured for ops 3.9 and for ours in one interleaved loop."""

from __future__ import annotations

import dataclasses
import functools
import json
import pickle
import shutil
import sqlite3
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _hook
import _statedb
from _env import WORK, Impl, clean_env
from _report import Cell, Row, met, ms, time_ratio
from _workers import Worker, once

HEAVY = ('ssl', 'http.client', 'email', 'websocket', 'opentelemetry', 'ops_pebble', 'ops.pebble')
MACHINE_FORBIDDEN = ('ssl', 'http.client', 'websocket')
MIB = 1 << 20
PULL_LIMIT = 60.0  # seconds allowed for one 64 MiB pull


@dataclasses.dataclass
class Run:
    """What every figure needs: the implementations, the mode and the shared processes."""

    ours: Impl
    ops39: Impl | None
    smoke: bool
    reps: int
    ops39_missing: str = ''
    workers: dict[str, Worker] = dataclasses.field(default_factory=dict)
    pebble_socket: str | None = None
    pebble_files: dict[int, str] = dataclasses.field(default_factory=dict)
    pebble_missing: str = ''
    notes: list[str] = dataclasses.field(default_factory=list)
    push_source: str = ''
    hook_t0: dict[str, float] = dataclasses.field(default_factory=dict)
    hook_calls0: dict[str, int] = dataclasses.field(default_factory=dict)

    def timeout(self, full: float) -> float:
        """A time limit for one step: ``full`` normally, at most 20 s in smoke mode."""
        return min(full, 20.0) if self.smoke else full

    @property
    def impls(self) -> list[Impl]:
        return [i for i in (self.ops39, self.ours) if i is not None]

    def new_cells(self) -> dict[str, Cell]:
        cells = {'ops39': Cell(), 'ours': Cell()}
        if self.ops39 is None:
            cells['ops39'].mark('skipped', self.ops39_missing)
        return cells

    def worker(self, impl: Impl) -> Worker:
        if impl.key not in self.workers:
            self.workers[impl.key] = Worker(impl)
        return self.workers[impl.key]

    def close(self) -> None:
        for worker in self.workers.values():
            worker.close()


def interleave(
    run: Run,
    cells: dict[str, Cell],
    sample: Callable[[Impl, Cell], None],
    reps: int,
    impls: list[Impl] | None = None,
) -> None:
    """Take ``reps`` samples per implementation, alternating A B, B A, A B ...

    A side whose cell stops being ok (n/a, failed) is not sampled again.
    """
    impls = impls if impls is not None else run.impls
    for rep in range(reps):
        for impl in impls if rep % 2 == 0 else list(reversed(impls)):
            cell = cells[impl.key]
            if cell.status == 'ok':
                sample(impl, cell)


def _apply(cell: Cell, answer: dict[str, Any], value_key: str = 'per_op') -> bool:
    if answer.get('ok'):
        cell.samples.append(float(answer[value_key]))
        return True
    cell.mark(answer.get('status', 'failed'), answer.get('detail', ''))
    return False


# -- import ops --------------------------------------------------------------------------------

_IMPORT_CODE = """
import sys, time
t = time.perf_counter()
{statement}
t = time.perf_counter() - t
names = list(sys.modules)
import json
print(json.dumps({{'seconds': t, 'modules': len(names), 'names': names}}))
"""


def _import_cells(run: Run, statement: str) -> dict[str, Cell]:
    cells = run.new_cells()
    code = _IMPORT_CODE.format(statement=statement)

    def sample(impl: Impl, cell: Cell) -> None:
        try:
            proc = subprocess.run(
                [impl.python, '-c', code],
                capture_output=True,
                text=True,
                cwd=WORK,
                env=clean_env(),
                timeout=run.timeout(120),
                check=False,
            )
        except subprocess.TimeoutExpired:
            cell.mark('failed', f'{statement} timed out')
            return
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ['?'])[-1]
            ready = any(m in last for m in ('ImportError', 'ModuleNotFound', 'AttributeError'))
            cell.mark('n/a' if ready else 'failed', last[:200])
            return
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        cell.samples.append(data['seconds'])
        cell.extra['modules'] = data['modules']
        cell.extra['heavy'] = _heavy(data['names'])

    interleave(run, cells, sample, run.reps if run.smoke else max(9, 2 * run.reps + 1))
    return cells


def figure_import(run: Run) -> list[Row]:
    cells = _import_cells(run, 'import ops')
    testing = _import_cells(run, 'import ops.testing')
    # ops.testing's names load on first use, so `import ops.testing` alone says little of
    # what a test module pays: this is the import a Context or Harness test starts with.
    testing_used = _import_cells(run, _TESTING_USED)
    if cells['ours'].ok:
        top = _slowest_imports(run.ours.python)
        if top:
            run.notes.append(
                "Slowest modules in ours' `import ops` "
                '(self time, least of 3 `-X importtime` runs): '
                + ', '.join(f'{name} {us / 1000:.1f} ms' for name, us in top)
            )
    if testing_used['ours'].ok:
        top = _slowest_imports(run.ours.python, statement=_TESTING_USED)
        if top:
            run.notes.append(
                f"Slowest modules in ours' `{_TESTING_USED}` "
                '(self time, least of 3 `-X importtime` runs): '
                + ', '.join(f'{name} {us / 1000:.1f} ms' for name, us in top)
            )

    def fmt(c: Cell) -> str:
        heavy = ', '.join(c.extra['heavy']) or 'none of ssl/http/email/websocket/otel'
        return f'{ms(c.median)}; {c.extra["modules"]} modules; imports {heavy}'

    return [
        Row(
            title='`import ops` (in a fresh interpreter, time over the bare interpreter)',
            target='<= 1/4 of ops 3.9',
            ops39=cells['ops39'],
            ours=cells['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=lambda a, b: met(b.median <= a.median / 4) if a.ok and b.ok else '',
        ),
        Row(
            title='`import ops.testing` (in a fresh interpreter, time over the bare interpreter)',
            target='<= 1/2 of ops 3.9; nothing network- or server-related until used',
            ops39=testing['ops39'],
            ours=testing['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=lambda a, b: (
                f'1/2: {met(b.median <= a.median / 2)}; no ssl/http/email: '
                f'{met(not set(b.extra["heavy"]) & {"ssl", "http.client", "email"})}'
                if a.ok and b.ok
                else ''
            ),
        ),
        Row(
            title=f'`{_TESTING_USED}` (what a test module starts with)',
            target='<= 1/2 of ops 3.9; nothing network- or server-related until used',
            ops39=testing_used['ops39'],
            ours=testing_used['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=lambda a, b: (
                f'1/2: {met(b.median <= a.median / 2)}; no ssl/http/email: '
                f'{met(not set(b.extra["heavy"]) & {"ssl", "http.client", "email"})}'
                if a.ok and b.ok
                else ''
            ),
        ),
    ]


_TESTING_USED = 'from ops.testing import Context, State, Harness'


def _importtime(python: str, code: str) -> dict[str, int]:
    """Self time (us) per module from one ``-X importtime`` run of ``code``."""
    try:
        proc = subprocess.run(
            [python, '-X', 'importtime', '-c', code],
            capture_output=True,
            text=True,
            cwd=WORK,
            env=clean_env(),
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {}
    times: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split('|')
        if len(parts) == 3 and parts[0].startswith('import time:'):
            self_us = parts[0].partition(':')[2].strip()
            if self_us.isdigit():  # (the header line says 'self [us]')
                times[parts[2].strip()] = int(self_us)
    return times


def _slowest_imports(
    python: str, count: int = 10, runs: int = 3, statement: str = 'import ops'
) -> list[tuple[str, int]]:
    """The modules with the largest self time in ``statement`` (least of a few runs).

    Modules the bare interpreter imports at start-up (site, encodings, ...) are left out.
    """
    startup = set(_importtime(python, 'pass'))
    best: dict[str, int] = {}
    for _ in range(runs):
        for name, us in _importtime(python, statement).items():
            if name not in startup:
                best[name] = min(best.get(name, us), us)
    return sorted(best.items(), key=lambda t: -t[1])[:count]


def _heavy(names: list[str]) -> list[str]:
    found = []
    for heavy in HEAVY:
        if any(n == heavy or n.startswith(heavy + '.') for n in names):
            found.append(heavy)
    return found


# -- the trivial hook, whole process -----------------------------------------------------------


def figure_hook(run: Run) -> list[Row]:
    cells = run.new_cells()
    floor = Cell()
    floor_impl = Impl('floor', 'floor', run.ours.python)
    dirs: dict[str, Path] = {}
    for impl in [*run.impls, floor_impl]:
        cell = floor if impl is floor_impl else cells[impl.key]
        template = 'floor' if impl is floor_impl else 'machine'
        dirs[impl.key] = _hook.make_charm_dir(impl, 'hook', template)
        # install creates the state file; one more update-status warms the page cache.
        for hook in ('install', 'update-status'):
            result = _hook.run_hook(impl, dirs[impl.key], hook, timeout=run.timeout(120))
            if not result.ok:
                cell.mark(*result.failure())
                break
        if cell.status != 'ok':
            continue
        modules = WORK / f'modules-{impl.key}.txt'
        probe = _hook.run_hook(
            impl, dirs[impl.key], 'update-status', modules_out=modules, timeout=run.timeout(120)
        )
        if probe.ok and modules.exists():
            names = modules.read_text(encoding='utf-8').split()
            cell.extra['modules'] = len(names)
            cell.extra['heavy'] = _heavy(names)
            cell.extra['names'] = names
        cell.extra['calls'] = probe.tool_calls

    def sample(impl: Impl, cell: Cell) -> None:
        result = _hook.run_hook(impl, dirs[impl.key], 'update-status', timeout=run.timeout(120))
        if not result.ok:
            cell.mark(*result.failure())
            return
        cell.samples.append(result.wall)
        cell.extra.setdefault('cpu', []).append(result.cpu)
        cell.extra.setdefault('rss', []).append(result.max_rss_kib)

    all_cells = {**cells, 'floor': floor}
    # The floor is sampled in the same alternation as the two sides (ops 3.9, ours, floor;
    # floor, ours, ops 3.9; ...), never once: at least 9 samples each outside smoke mode.
    interleave(
        run,
        all_cells,
        sample,
        run.reps if run.smoke else max(9, 3 * run.reps),
        impls=[*run.impls, floor_impl],
    )
    ours_names, floor_names = cells['ours'].extra.get('names'), floor.extra.get('names')
    if cells['ours'].ok and ours_names and floor_names:
        extra = sorted(set(ours_names) - set(floor_names))
        tops = sorted({n.split('.')[0] for n in extra})
        run.notes.append(
            f"Modules ours' trivial hook imports beyond the floor's: {len(extra)}, from "
            + ', '.join(tops)
        )
    for key, cell in cells.items():
        if cell.ok:
            run.hook_t0[key] = cell.median
            run.hook_calls0[key] = len(cell.extra.get('calls', []))

    def fmt(c: Cell) -> str:
        text = (
            f'{ms(c.median)} wall, {ms(statistics.median(c.extra["cpu"]))} CPU, '
            f'{statistics.median(c.extra["rss"]) / 1024:.0f} MiB peak RSS, '
            f'{c.extra.get("modules", "?")} modules'
        )
        if floor.ok:
            text += f'; {c.median / floor.median:.2f}x the floor'
        return text

    def verdict(a: Cell, b: Cell) -> str:
        if not (a.ok and b.ok and floor.ok):
            return ''
        share = b.median <= 0.40 * a.median
        near_floor = b.median <= 1.3 * floor.median
        text = f'0.40x: {met(share)}; 1.3x floor: {met(near_floor)}'
        return text + ' (indicative: 1 sample)' if run.smoke else text

    def fmt_calls(c: Cell) -> str:
        return _hook.describe_calls(c.extra.get('calls', []))

    def verdict_calls(a: Cell, b: Cell) -> str:
        if not b.ok:
            return ''
        calls_b = b.extra.get('calls', [])
        debug = _hook.debug_log_calls(calls_b)
        fewer = not a.ok or len(calls_b) <= len(a.extra.get('calls', []))
        return met(fewer and debug == 0) + (f' ({debug} DEBUG juju-log calls)' if debug else '')

    def fmt_heavy(c: Cell) -> str:
        return ', '.join(c.extra.get('heavy', [])) or 'none'

    empty_floor = Cell()
    empty_floor.mark('skipped', 'one program for both: see ours')
    return [
        Row(
            title='trivial machine-charm hook (update-status sets a status), whole process',
            target='<= 0.40x of ops 3.9 and <= 1.3x the floor (floor sampled in the same alternation)',
            ops39=cells['ops39'],
            ours=cells['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=verdict,
        ),
        Row(
            title='floor: python + sqlite3 + yaml + the same 4 hook-tool calls, no ops',
            target='(reference)',
            ops39=empty_floor,
            ours=floor,
            fmt=lambda c: (
                f'{ms(c.median)} wall, {ms(statistics.median(c.extra["cpu"]))} CPU, '
                f'{statistics.median(c.extra["rss"]) / 1024:.0f} MiB peak RSS, '
                f'{c.extra.get("modules", "?")} modules'
            ),
        ),
        Row(
            title='hook-tool processes for that hook',
            target='no more than needed; no juju-log for DEBUG chatter (hidden by Juju)',
            ops39=cells['ops39'],
            ours=cells['ours'],
            fmt=fmt_calls,
            verdict=verdict_calls,
        ),
        Row(
            title='heavy modules imported by that (machine charm) hook',
            target='no ssl, http.client, websocket',
            ops39=cells['ops39'],
            ours=cells['ours'],
            fmt=fmt_heavy,
            verdict=lambda a, b: (
                met(not set(b.extra.get('heavy', [])) & set(MACHINE_FORBIDDEN)) if b.ok else ''
            ),
        ),
    ]


# -- deferred events ---------------------------------------------------------------------------


def _deferred_setup(
    impl: Impl, cell: Cell, n: int, from_1000: dict[str, Path], run_timeout: float
) -> Path:
    """A charm directory whose state file holds ``n`` deferred events (marks cell on failure).

    Queues up to 1,000 are made by a real config-changed hook. The 10,000 queue extends a
    copy of the same side's 1,000 queue in the state file (see _statedb.extend_queue).
    """
    if n > 1000 and impl.key in from_1000:
        dest = WORK / 'charms' / f'{impl.key}-defer-{n}'
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(from_1000[impl.key], dest, symlinks=True)
        try:
            _statedb.extend_queue(dest / '.unit-state.db', n)
        except (sqlite3.Error, pickle.UnpicklingError, TypeError, KeyError) as exc:
            cell.mark('failed', f'state file not in ops 3.9 format: {exc}'[:200])
        return dest
    dest = _hook.make_charm_dir(impl, f'defer-{n}')
    for hook, env in [('install', {}), ('config-changed', {'BENCH_DEFER_COUNT': str(n)})]:
        result = _hook.run_hook(impl, dest, hook, extra_env=env, timeout=run_timeout)
        if not result.ok:
            cell.mark(*result.failure())
            break
    return dest


def figure_deferred(run: Run) -> list[Row]:
    """Per-event cost of re-emitting deferred events, from paired hook runs.

    Each sample runs the trivial update-status hook with an empty queue and then with N
    events queued, back to back on the same side; the sample is the difference / N. The
    figure is the CPU-time difference (the hook process tree's, hook tools included): on a
    shared 2-core machine wall time varies by tens of ms between runs, more than ours'
    whole cost for 1,000 events; the wall-time difference is shown beside it.
    """
    # (N, samples for ops 3.9, samples for ours): ours' hooks are cheap, so it gets more
    # samples, which its small differences need: 1,000 events add about 10 ms of CPU to a
    # 60 ms hook whose own CPU time varies by a few ms, and with 11 samples the linearity
    # verdict (the per-event cost at 10,000 over that at 1,000) read x1.87 then x0.80 in
    # the two runs of one quiet benchmark. 31 pairs cost ours about 5 s.
    plan = (
        [(10, 1, 1)]
        if run.smoke
        else [(1000, max(3, run.reps - 2), 6 * run.reps + 1), (10000, 1, run.reps)]
    )
    per_n: dict[int, dict[str, Cell]] = {}
    empty: dict[str, Path] = {}
    for impl in run.impls:
        empty[impl.key] = _hook.make_charm_dir(impl, 'defer-0')
        _hook.run_hook(impl, empty[impl.key], 'install', timeout=run.timeout(120))
    dirs_n: dict[int, dict[str, Path]] = {}
    for n, reps, ours_reps in plan:
        cells = run.new_cells()
        per_n[n] = cells
        dirs: dict[str, Path] = {}
        dirs_n[n] = dirs
        for impl in run.impls:
            cell = cells[impl.key]
            if n > 1000 and not per_n[1000][impl.key].ok:
                cell.mark('skipped', 'the 1,000 queue did not run')
            elif cell.status == 'ok':
                dirs[impl.key] = _deferred_setup(
                    impl, cell, n, dirs_n.get(1000, {}), run.timeout(600)
                )

        def sample(impl: Impl, cell: Cell, n: int = n, dirs: dict[str, Path] = dirs) -> None:
            base = _hook.run_hook(impl, empty[impl.key], 'update-status', timeout=run.timeout(120))
            result = _hook.run_hook(
                impl, dirs[impl.key], 'update-status', timeout=run.timeout(600)
            )
            for r in (base, result):
                if not r.ok:
                    cell.mark(*r.failure())
                    return
            cell.samples.append((result.cpu - base.cpu) / n)
            cell.extra.setdefault('wall', []).append((result.wall - base.wall) / n)
            cell.extra.setdefault('hook', []).append(result.wall)
            cell.extra['calls'] = (len(result.tool_calls) - len(base.tool_calls)) / n

        ready = [i for i in run.impls if cells[i.key].status == 'ok']
        interleave(run, cells, sample, reps, impls=ready)
        if ours_reps > reps and run.ours in ready:
            interleave(run, cells, sample, ours_reps - reps, impls=[run.ours])
        for impl in ready:  # the figure means something only if every event was re-deferred
            try:
                left = _statedb.queue_length(dirs[impl.key] / '.unit-state.db')
            except sqlite3.Error as exc:
                cells[impl.key].mark('failed', f'state file not in ops 3.9 format: {exc}')
                continue
            if cells[impl.key].ok and left != n:
                cells[impl.key].mark('failed', f'{left} of {n} deferred events still queued')

    first_n = plan[0][0]

    def fmt(c: Cell) -> str:
        return (
            f'{ms(c.median)} CPU per event ({ms(statistics.median(c.extra["wall"]))} wall), '
            f'{c.extra["calls"]:.1f} hook tools per event '
            f'(hook with {first_n:,} queued: {ms(statistics.median(c.extra["hook"]))})'
        )

    rows = [
        Row(
            title=f'each deferred event re-emitted in a hook ({first_n:,} queued)',
            target='<= 1/5 of ops 3.9 per event',
            ops39=per_n[first_n]['ops39'],
            ours=per_n[first_n]['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=lambda a, b: met(b.median <= a.median / 5) if a.ok else '',
        )
    ]
    if run.smoke:
        return rows
    big = per_n[10000]

    def fmt_big(c: Cell) -> str:
        small = per_n[1000]['ops39' if c is big['ops39'] else 'ours']
        text = (
            f'{ms(c.median)} CPU per event ({ms(statistics.median(c.extra["wall"]))} wall; '
            f'hook {statistics.median(c.extra["hook"]):.1f} s)'
        )
        if small.ok:
            text += f'; x{c.median / small.median:.2f} the per-event cost at 1,000'
        return text

    def linear(_a: Cell, b: Cell) -> str:
        small = per_n[1000]['ours']
        return met(b.median <= 1.5 * small.median) if small.ok else ''

    rows.append(
        Row(
            title='deferred events: 10,000 queued (linearity)',
            target='linear to 10,000 (per-event cost <= 1.5x that at 1,000)',
            ops39=big['ops39'],
            ours=big['ours'],
            fmt=fmt_big,
            ratio=time_ratio,
            verdict=linear,
        )
    )
    return rows


# -- in-process: Context.run and Harness -------------------------------------------------------


def _batches(
    run: Run,
    cells: dict[str, Cell],
    req: dict[str, Any],
    reps: int,
    min_seconds: float = 0.2,
    max_iterations: int = 1000,
    timeout: float = 300.0,
) -> None:
    if run.smoke:
        min_seconds, max_iterations, timeout = 0.0, 1, 20.0
    request = {**req, 'min_seconds': min_seconds, 'max_iterations': max_iterations}

    def sample(impl: Impl, cell: Cell) -> None:
        answer = run.worker(impl).request(request, timeout)
        if _apply(cell, answer) and 'connects' in answer:
            cell.extra.setdefault('connects', []).append(answer['connects'] / answer['iterations'])

    if not run.smoke:  # a warm-up batch per side, discarded
        warm = run.new_cells()
        interleave(run, warm, sample, 1)
        for key, cell in warm.items():
            if cell.status != 'ok':
                cells[key].mark(cell.status, cell.detail)
    interleave(run, cells, sample, reps)


def _state_request(relations: int, containers: int) -> dict[str, Any]:
    return {'figure': 'ctx_state', 'params': {'relations': relations, 'containers': containers}}


def figure_context(run: Run) -> list[Row]:
    trivial, loaded, rel100, rel1000, small, big = (run.new_cells() for _ in range(6))
    batches = run.reps if run.smoke else 2 * run.reps - 1  # cheap: more batches, less noise
    _batches(run, trivial, {'figure': 'ctx_trivial'}, batches)
    _batches(run, loaded, {'figure': 'ctx_loaded'}, batches)
    if not run.smoke:
        _batches(run, rel100, {'figure': 'ctx_relations', 'params': {'relations': 100}}, run.reps)
        _batches(run, small, _state_request(10, 1), batches)
    _batches(
        run,
        rel1000,
        {'figure': 'ctx_relations', 'params': {'relations': 1000}},
        run.reps,
        min_seconds=0.3,
    )
    _batches(run, big, _state_request(100, 10), batches, min_seconds=0.3)

    def third(a: Cell, b: Cell) -> str:
        return met(b.median <= a.median / 3) if a.ok and b.ok else ''

    def fmt_rel(c: Cell) -> str:
        other = rel100['ops39'] if c is rel1000['ops39'] else rel100['ours']
        if other.ok:
            return f'{ms(c.median)} ({c.median / other.median:.1f}x the time for 100)'
        return ms(c.median)

    def verdict_rel(a: Cell, b: Cell) -> str:
        if not (a.ok and b.ok):
            return ''
        text = f'1/3: {met(b.median <= a.median / 3)}'
        if rel100['ours'].ok:
            growth = b.median / rel100['ours'].median
            text += f'; linear: {met(growth <= 11)}'
        return text

    return [
        Row(
            title='`ctx.run(ctx.on.start(), State())`, trivial charm',
            target='<= 1/3',
            ops39=trivial['ops39'],
            ours=trivial['ours'],
            fmt=lambda c: ms(c.median),
            ratio=time_ratio,
            verdict=third,
        ),
        Row(
            title='`ctx.run` config-changed with 10 relations, 3 containers, 3 secrets, config',
            target='<= 1/3',
            ops39=loaded['ops39'],
            ours=loaded['ours'],
            fmt=lambda c: ms(c.median),
            ratio=time_ratio,
            verdict=third,
        ),
        Row(
            title='`ctx.run` update-status with 1,000 relations',
            target='<= 1/3, linear in relations (time(1,000) <= 11x time(100))',
            ops39=rel1000['ops39'],
            ours=rel1000['ours'],
            fmt=fmt_rel,
            ratio=time_ratio,
            verdict=verdict_rel,
        ),
        Row(
            title='`ctx.run` update-status with 100 relations and 10 containers',
            target='<= 1/3, linear in the state (time <= 11x that of 10 relations + 1 container)',
            ops39=big['ops39'],
            ours=big['ours'],
            fmt=functools.partial(
                _fmt_growth, base=small, big=big, what='10 relations + 1 container'
            ),
            ratio=time_ratio,
            verdict=functools.partial(_verdict_growth, base=small),
        ),
    ]


def _fmt_growth(c: Cell, *, base: dict[str, Cell], big: dict[str, Cell], what: str) -> str:
    """A time, and how many times the same side's time for the smaller case it is."""
    other = base['ops39'] if c is big['ops39'] else base['ours']
    if other.ok:
        return f'{ms(c.median)} ({c.median / other.median:.1f}x the time for {what})'
    return ms(c.median)


def _verdict_growth(a: Cell, b: Cell, *, base: dict[str, Cell]) -> str:
    """At most a third of ops 3.9, and at most 11x the time of a state ten times smaller."""
    if not (a.ok and b.ok):
        return ''
    text = f'1/3: {met(b.median <= a.median / 3)}'
    if base['ours'].ok:
        text += f'; linear: {met(b.median / base["ours"].median <= 11)}'
    return text


# (request 'op', row title) of the Harness operations timed on both charms (issue 8).
HARNESS_OPS = (
    ('begin', 'Harness set-up + `begin()`'),
    ('config', 'Harness `update_config` (one option; config-changed runs)'),
    ('relation', 'Harness `add_relation` + `add_relation_unit` + `update_relation_data`'),
    ('pebble_ready', 'Harness `container_pebble_ready`'),
)
HARNESS_CHARMS = (('trivial', 'trivial charm'), ('httpbin', 'examples/httpbin-k8s'))


def _half(a: Cell, b: Cell) -> str:
    return met(b.median <= a.median / 2) if a.ok and b.ok else ''


def _count_calls(run: Run, cells: dict[str, Cell], params: dict[str, Any]) -> None:
    """Add the function calls of one operation (untimed, under cProfile) to each ok cell."""
    for impl in run.impls:
        cell = cells[impl.key]
        if cell.ok:
            answer = run.worker(impl).request(
                {'figure': 'harness_calls', 'params': params, 'max_iterations': 1},
                run.timeout(60),
            )
            if answer.get('ok'):
                cell.extra['calls'] = int(answer['per_op'])


def _fmt_calls(c: Cell) -> str:
    calls = c.extra.get('calls')
    return ms(c.median) + (f' ({calls:,} function calls)' if calls is not None else '')


def figure_harness(run: Run) -> list[Row]:
    rows = []
    for op, title in HARNESS_OPS:
        for charm, charm_title in HARNESS_CHARMS:
            cells = run.new_cells()
            params = {'charm': charm, 'op': op}
            _batches(
                run,
                cells,
                {'figure': 'harness_op', 'params': params},
                # Sub-millisecond operations on shared cores: more batches, less noise.
                run.reps if run.smoke else 2 * run.reps - 1,
                min_seconds=0.2,
                max_iterations=500,
            )
            _count_calls(run, cells, params)
            rows.append(
                Row(
                    title=f'{title}, {charm_title}',
                    target='<= 1/2 of ops 3.9',
                    ops39=cells['ops39'],
                    ours=cells['ours'],
                    fmt=_fmt_calls,
                    ratio=time_ratio,
                    verdict=_half,
                )
            )
    return rows + _harness_add_relation_rows(run)


def _harness_add_relation_rows(run: Run) -> list[Row]:
    first, at400 = run.new_cells(), run.new_cells()
    _batches(
        run,
        first,
        {'figure': 'harness_add_relation', 'params': {'present': 0}},
        run.reps,
        min_seconds=0.1,
        max_iterations=200,
    )
    _batches(
        run,
        at400,
        {'figure': 'harness_add_relation', 'params': {'present': 400}},
        run.reps,
        min_seconds=0.0,
        max_iterations=3,
    )

    def fmt(c: Cell) -> str:
        base = first['ops39'] if c is at400['ops39'] else first['ours']
        if base.ok:
            return f'{ms(c.median)} ({c.median / base.median:.1f}x the first call)'
        return ms(c.median)

    def verdict(_a: Cell, b: Cell) -> str:
        if not (b.ok and first['ours'].ok):
            return ''
        return met(b.median <= 2 * first['ours'].median)

    return [
        Row(
            title='Harness `add_relation` with 400 relations already present',
            target='constant per call (<= 2x the first call)',
            ops39=at400['ops39'],
            ours=at400['ours'],
            fmt=fmt,
            ratio=time_ratio,
            verdict=verdict,
        )
    ]


# -- Pebble ------------------------------------------------------------------------------------


def _pebble_cells(run: Run) -> dict[str, Cell]:
    cells = run.new_cells()
    if run.pebble_socket is None:
        cells['ours'].mark('n/a', run.pebble_missing)
        if cells['ops39'].status == 'ok':
            cells['ops39'].mark('skipped', 'no Pebble test server yet')
    return cells


def _mbps(c: Cell, size: int) -> float:
    return size / c.median / 1e6


def _pull_row_verdict(_a: Cell, b: Cell, *, size: int, pulls: dict[int, Cell]) -> str:
    return _pull_verdict(b, size, pulls)


def _pull_verdict(b: Cell, size: int, pulls: dict[int, Cell]) -> str:
    fast = _mbps(b, size) >= 200 and max(b.extra.get('mem', [0.0])) < 32
    smaller = [(s, c) for s, c in pulls.items() if s < size and c.ok]
    if not smaller:
        return met(fast)
    s, c = max(smaller)
    growth = (b.median / size) / (c.median / s)  # time per byte, relative
    return f'{met(fast and growth <= 1.5)} (time per byte x{growth:.2f} vs {s // MIB} MiB)'


def _connects_per_call(c: Cell) -> float:
    return float(max(c.extra.get('connects', [0.0])))


def _fmt_small(c: Cell) -> str:
    return f'{ms(c.median)} ({_connects_per_call(c):.2f} new connections per call)'


def _small_verdict(a: Cell, b: Cell) -> str:
    if not a.ok:
        return ''
    reuse = _connects_per_call(b) < 0.1
    return met(b.median <= a.median / 2 and reuse) + ('' if reuse else ' (no connection reuse)')


def figure_pebble(run: Run) -> list[Row]:
    rows = []
    push_size = 64 * MIB if not run.smoke else 4 * MIB
    push = _pebble_cells(run)

    def sample_push(impl: Impl, cell: Cell) -> None:
        answer = once(
            impl,
            {
                'figure': 'pebble_push',
                'socket': run.pebble_socket,
                'source': run.push_source,
                'path': f'/bench/pushed-{impl.key}',
            },
            timeout=run.timeout(120),
        )
        if _apply(cell, answer):
            cell.extra.setdefault('mem', []).append(answer['mem_growth_mib'])

    if run.pebble_socket is not None:
        interleave(run, push, sample_push, run.reps if not run.smoke else 1)

    def fmt_transfer(size: int) -> Callable[[Cell], str]:
        def fmt(c: Cell) -> str:
            mem = max(c.extra.get('mem', [0.0]))
            return f'{_mbps(c, size):.0f} MB/s ({ms(c.median)}), +{mem:.0f} MiB peak memory'

        return fmt

    def mem_ok(c: Cell) -> bool:
        return float(max(c.extra.get('mem', [0.0]))) < 32

    rows.append(
        Row(
            title=f'Pebble `push` {push_size // MIB} MiB',
            target='>= ops 3.9 throughput, peak memory growth < 32 MiB',
            ops39=push['ops39'],
            ours=push['ours'],
            fmt=fmt_transfer(push_size),
            ratio=lambda a, b: f'{a.median / b.median:.2f}x throughput',
            verdict=lambda a, b: (
                met(b.ok and (not a.ok or b.median <= a.median) and mem_ok(b)) if b.ok else ''
            ),
        )
    )
    pulls: dict[int, Cell] = {}  # ours, by size, for the linearity check
    for size_mib in (1, 4, 64) if not run.smoke else (1,):
        size = size_mib * MIB
        cells = _pebble_cells(run)
        path = run.pebble_files.get(size)

        def sample_pull(
            impl: Impl,
            cell: Cell,
            size: int = size,
            path: str | None = path,
        ) -> None:
            limit = PULL_LIMIT if size >= 64 * MIB else 60.0
            answer = once(
                impl,
                {'figure': 'pebble_pull', 'socket': run.pebble_socket, 'path': path, 'size': size},
                timeout=run.timeout(limit),
            )
            if not answer.get('ok') and answer.get('detail', '').startswith('timed out'):
                # Not a failure: a lower bound on the time (ops 3.9's pull is super-linear).
                cell.mark('slow', f'> {limit:.0f} s, < {size / limit / 1e6:.1f} MB/s (stopped)')
                cell.extra['lower_bound'] = limit
            elif _apply(cell, answer):
                cell.extra.setdefault('mem', []).append(answer['mem_growth_mib'])

        if run.pebble_socket is not None and path is not None:
            reps = {1: run.reps, 4: 3, 64: 2}[size_mib] if not run.smoke else 1
            if size_mib == 64 and run.ops39 is not None and cells['ops39'].status == 'ok':
                # ops 3.9's pull is super-linear: one bounded attempt, ours gets the reps.
                sample_pull(run.ops39, cells['ops39'])
                interleave(run, cells, sample_pull, reps, impls=[run.ours])
            else:
                interleave(run, cells, sample_pull, reps)
        rows.append(
            Row(
                title=f'Pebble `pull` {size_mib} MiB',
                target='>= 200 MB/s, linear, peak memory growth < 32 MiB',
                ops39=cells['ops39'],
                ours=cells['ours'],
                fmt=fmt_transfer(size),
                ratio=lambda a, b: f'{a.median / b.median:.2f}x throughput',
                verdict=functools.partial(_pull_row_verdict, size=size, pulls=pulls),
            )
        )
        pulls[size] = cells['ours']
    for call in ('get_plan', 'get_services'):
        cells = _pebble_cells(run)
        if run.pebble_socket is not None:
            _batches(
                run,
                cells,
                {'figure': 'pebble_small', 'params': {'socket': run.pebble_socket, 'call': call}},
                run.reps,
                min_seconds=0.2,
                max_iterations=500,
                timeout=60,
            )
        rows.append(
            Row(
                title=f'Pebble `{call}()` over the unix socket',
                target='<= 1/2 of ops 3.9, with connection reuse',
                ops39=cells['ops39'],
                ours=cells['ours'],
                fmt=_fmt_small,
                ratio=time_ratio,
                verdict=_small_verdict,
            )
        )
    return rows
