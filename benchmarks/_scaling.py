"""Scaling rows: is each figure linear in the size of the state? (issue 19)

For ``ctx.run``, for Harness and for a real dispatch, one operation over N things of one
kind is measured at N and at 10N; linear means the time at 10N is at most 11x the time at N
(``_linearity.growth``, the same check for every row and both sides). In-process operations
(``_scale.py`` in the workers) are timed in CPU time with the cyclic collector off; a real
hook is a whole process with a fixed start-up cost, so its rows compare the CPU time the N
things add to that of the same hook with none (``(t(10N) - t(0)) / (t(N) - t(0))``), with
three times as many samples of the cheap sizes (``_linearity.dispatch_order``). The
benchmarks README ("Scaling figures") says why each choice keeps the verdicts reproducible.

Only ours is held to the verdict. ops 3.9 is measured at N for reference, and at 10N
unless its time at N says that a quadratic 10N would take more than half a minute; its
cell shows what the check makes of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import _hook
from _env import Impl
from _figures import Run, interleave
from _linearity import LIMIT, Growth, dispatch_order, growth
from _report import Cell, Row, met, ms

# (dimension, what the row says, N for the in-process rows)
_IN_PROCESS = (
    ('units', 'N remote units of one relation, each databag read', 100),
    ('relations', 'N relations, each remote app databag read', 100),
    ('secrets', 'N secrets, each looked up by id and by label', 100),
    ('containers', 'N containers, each can_connect() and get_services()', 100),
    ('defer-queue', 'N events emitted and deferred in one dispatch', 100),
    ('defer-reemit', 'N deferred events re-emitted (and deferred again)', 100),
    ('stored', 'N stored-state entries read, one changed', 1000),
)
_HARNESS_WHAT = {
    'units': 'add_relation_unit N times',
    'relations': 'add_relation N times (with app data)',
    'secrets': 'add N secrets, get each by id and by label',
    'containers': 'container_pebble_ready for each of N containers',
    'defer-queue': 'N events emitted and deferred in one handler',
    'defer-reemit': 'framework.reemit() of N deferred events',
    'stored': 'one event and commit with N stored-state entries',
}
# (dimension, N) for the real dispatch (a machine charm has no containers); hook tools
# answer from canned files, so N relations cost about 3N tool processes on both sides.
# N is chosen so that what N things add to the hook stands well clear of the hook's own
# run-to-run noise (several ms of CPU on a loaded machine): 20 units added about 35 ms,
# and the row read x10.3 to x11.0 in four runs; 10,000 stored-state entries add 4.5 ms.
_DISPATCH = (
    ('relations', 50),
    ('units', 50),
    ('secrets', 50),
    ('stored', 50000),
    ('defer-queue', 1000),
)
_IN_PROCESS_REPS = 11  # samples of ours at each size (ops 3.9: --reps, default 5)
_DISPATCH_REPS = 9  # samples of each hook at 10N (and three times as many at 0 and at N)
_QUADRATIC_LIMIT = 30.0  # seconds a quadratic 10N may take before ops 3.9's 10N is skipped
_SLOW_REFERENCE = 1.0  # seconds: an ops 3.9 10N slower than this if quadratic gets 3 samples


def _growth(cells: dict[str, dict[str, Cell]], key: str) -> Growth:
    base: list[float] = []
    if 'base' in cells:
        if not cells['base'][key].ok:
            raise ValueError('the hook with none did not run')
        base = cells['base'][key].samples
    return growth(cells['small'][key].samples, cells['big'][key].samples, base)


def _fmt(cells: dict[str, dict[str, Cell]], n: int, unit: str = '') -> object:
    """A cell's text: the quantity at N and at 10N and their multiple.

    ops 3.9's cell also says what the check makes of it (it is not held to it, but a
    quadratic operation of ops 3.9 is how the check shows it can say "not linear").
    """

    def fmt(c: Cell) -> str:
        key = 'ops39' if c is cells['big']['ops39'] else 'ours'
        try:
            g = _growth(cells, key)
        except ValueError as exc:
            return f'n/a ({exc})'
        text = f'{ms(g.small)}{unit} at N={n:,}, {ms(g.big)}{unit} at {10 * n:,}: x{g.ratio:.1f}'
        if key == 'ops39':
            text += ' (linear)' if g.linear else ' (NOT linear)'
        return text

    return fmt


def _verdict(cells: dict[str, dict[str, Cell]], smoke: bool) -> object:
    def verdict(_a: Cell, _b: Cell) -> str:
        if not cells['small']['ours'].ok:
            return ''
        return met(_growth(cells, 'ours').linear) + (
            ' (indicative: smoke sizes, 1 sample)' if smoke else ''
        )

    return verdict


def _row(title: str, cells: dict[str, dict[str, Cell]], n: int, smoke: bool, unit: str) -> Row:
    return Row(
        title=title,
        target=f'linear: time at 10N <= {LIMIT:.0f}x time at N',
        ops39=cells['big']['ops39'],
        ours=cells['big']['ours'],
        fmt=_fmt(cells, n, unit),  # type: ignore[arg-type]
        verdict=_verdict(cells, smoke),  # type: ignore[arg-type]
    )


def _ask(run: Run, impl: Impl, cell: Cell, req: dict[str, object]) -> None:
    """One sample (one operation's CPU seconds) from ``impl``'s worker into ``cell``."""
    answer = run.worker(impl).request(req, run.timeout(600))
    if answer.get('ok'):
        cell.samples.append(float(answer['per_op']))  # type: ignore[arg-type]
    else:
        cell.mark(str(answer.get('status', 'failed')), str(answer.get('detail', '')))


def _in_process_cells(run: Run, figure: str, dim: str, n: int) -> dict[str, dict[str, Cell]]:
    """Samples at N and at 10N, the two sizes alternating within every repetition.

    Each side first runs the operation once at each size, discarded (imports, caches,
    the worker's set-up of that size); in smoke mode that first run is the one sample.
    ops 3.9 is held to nothing, so it gets ``--reps`` samples (fewer at 10N when a
    quadratic 10N would be slow, none when it would take minutes) and ours gets
    ``_IN_PROCESS_REPS``.
    """
    reqs = {
        size: {'figure': figure, 'params': {'dim': dim, 'n': count}}
        for size, count in (('small', n), ('big', 10 * n))
    }
    cells = {'small': run.new_cells(), 'big': run.new_cells()}
    reps = {'small': {'ours': 1, 'ops39': 1}, 'big': {'ours': 1, 'ops39': 1}}
    if not run.smoke:
        reps['small'] = {'ours': max(_IN_PROCESS_REPS, run.reps), 'ops39': run.reps}
        reps['big'] = dict(reps['small'])
    probe = run.new_cells()
    for impl in run.impls:
        _ask(run, impl, probe[impl.key], reqs['small'])
        if not probe[impl.key].ok:
            for size in ('small', 'big'):
                cells[size][impl.key].mark(probe[impl.key].status, probe[impl.key].detail)
        elif run.smoke:
            cells['small'][impl.key].samples.extend(probe[impl.key].samples)
            reps['small'][impl.key] = 0
    old = probe['ops39']
    if run.ops39 is not None and old.ok:
        if old.median * 100 > _QUADRATIC_LIMIT:
            cells['big']['ops39'].mark(
                'skipped',
                f'{ms(old.median)} at N={n:,}; {10 * n:,} not run '
                f'(would take minutes if quadratic)',
            )
        elif old.median * 100 > _SLOW_REFERENCE and not run.smoke:
            reps['big']['ops39'] = min(3, run.reps)
    for impl in run.impls:
        big = cells['big'][impl.key]
        if big.status == 'ok' and cells['small'][impl.key].status == 'ok':
            warm = reps['big'][impl.key] > 3 or impl is run.ours
            if run.smoke or warm:
                target = big if run.smoke else Cell()
                _ask(run, impl, target, reqs['big'])
                if not target.ok:
                    big.mark(target.status, target.detail)
                if run.smoke:
                    reps['big'][impl.key] = 0
    for rep in range(max(max(r.values()) for r in reps.values())):
        sizes = ('small', 'big') if rep % 2 == 0 else ('big', 'small')
        for size in sizes:
            impls = run.impls if rep % 2 == 0 else run.impls[::-1]
            for impl in impls:
                cell = cells[size][impl.key]
                if rep < reps[size][impl.key] and cell.status == 'ok':
                    _ask(run, impl, cell, reqs[size])
    return cells


def _in_process_rows(run: Run, front: str) -> list[Row]:
    rows: list[Row] = []
    for dim, what, n in _IN_PROCESS:
        n = max(1, n // 10) if run.smoke else n
        cells = _in_process_cells(run, f'scale_{front}', dim, n)
        title = (
            f'`ctx.run` scaling: {what}'
            if front == 'ctx'
            else f'Harness scaling: {_HARNESS_WHAT[dim]}'
        )
        rows.append(_row(title, cells, n, run.smoke, ' CPU'))
    return rows


def _canned(directory: Path, dim: str, n: int) -> Path:
    """Hook-tool answers for N relations, N units or N secrets (see hooktool.sh)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    answers: dict[str, object] = {'relation-get': {'k': 'v'}, 'relation-list--app': 'remote'}
    if dim == 'relations':
        answers['relation-ids'] = [f'db:{i}' for i in range(n)]
        answers['relation-list'] = ['remote/0']
    elif dim == 'units':
        answers['relation-ids'] = ['db:0']
        answers['relation-list'] = [f'remote/{i}' for i in range(n)]
    elif dim == 'secrets':
        answers['secret-get'] = {'key': 'value'}
    for tool, answer in answers.items():
        (directory / tool).write_text(json.dumps(answer) + '\n', encoding='utf-8')
    return directory


def _dispatch_rows(run: Run) -> list[Row]:
    rows: list[Row] = []
    reps = 1 if run.smoke else max(_DISPATCH_REPS, run.reps)
    for dim, n in _DISPATCH:
        n = max(1, n // 10) if run.smoke else n
        sizes = {'small': n, 'big': 10 * n}
        cells = {size: run.new_cells() for size in sizes}
        base = run.new_cells()
        dirs: dict[tuple[str, str], Path] = {}
        envs: dict[tuple[str, str], dict[str, str]] = {}
        for impl in run.impls:
            for size, count in [('base', 0), *sizes.items()]:
                cell = base[impl.key] if size == 'base' else cells[size][impl.key]
                if impl is run.ops39 and size == 'big' and dim == 'defer-queue':
                    cell.mark('skipped', 'ops 3.9 queues 10,000 in minutes')
                    continue
                charm = _hook.make_charm_dir(impl, f'scale-{dim}-{size}', 'scale')
                canned = _canned(charm.parent / f'{charm.name}-canned', dim, count)
                env = {'BENCH_SCALE': dim, 'BENCH_N': str(count), 'BENCH_CANNED': str(canned)}
                for hook in ('install', 'config-changed'):
                    result = _hook.run_hook(
                        impl, charm, hook, extra_env=env, timeout=run.timeout(600)
                    )
                    if not result.ok:
                        cell.mark(*result.failure())
                        break
                dirs[impl.key, size] = charm
                envs[impl.key, size] = env

        def sample(
            impl: Impl,
            cell: Cell,
            size: str,
            dim: str = dim,
            dirs: dict[tuple[str, str], Path] = dirs,
            envs: dict[tuple[str, str], dict[str, str]] = envs,
        ) -> None:
            result = _hook.run_hook(
                impl,
                dirs[impl.key, size],
                'update-status',
                extra_env=envs[impl.key, size],
                timeout=run.timeout(600),
            )
            if not result.ok:
                cell.mark(*result.failure())
                return
            cell.samples.append(result.cpu)
            if dim == 'defer-queue':  # every hook queues N more: start each from the same file
                (dirs[impl.key, size] / '.unit-state.db').unlink(missing_ok=True)
                _hook.run_hook(impl, dirs[impl.key, size], 'install', timeout=run.timeout(600))

        # The hook with none, with N and with 10N are sampled in the same minutes (each
        # repetition takes all three, in an order that reverses), so that a change in the
        # machine's load falls on all three and not on the difference between them.
        groups = {'base': base, **cells}
        for rep in range(reps):
            for size in dispatch_order(rep) if not run.smoke else ('base', 'small', 'big'):
                group = groups[size]
                interleave(
                    run,
                    group,
                    lambda impl, cell, size=size: sample(impl, cell, size),
                    1,
                    impls=[i for i in run.impls if group[i.key].status == 'ok']
                    if rep % 2 == 0
                    else [i for i in reversed(run.impls) if group[i.key].status == 'ok'],
                )
        title = (
            f'real dispatch scaling: update-status with N {dim} '
            '(CPU time over the same hook with none)'
        )
        rows.append(_row(title, groups, n, run.smoke, ' CPU'))
    return rows


def figure_scaling(run: Run) -> list[Row]:
    """Every scaling row: ``ctx.run``, Harness, then a real dispatch."""
    return [*_in_process_rows(run, 'ctx'), *_in_process_rows(run, 'harness'), *_dispatch_rows(run)]


__all__ = ['figure_scaling']
