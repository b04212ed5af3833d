"""Scaling rows: is each figure linear in the size of the state? (issue 19)

For ``ctx.run``, for Harness and for a real dispatch, one operation over N things of one
kind is timed at N and at 10N; linear means the time at 10N is at most 11x the time at N.
In-process operations (``_scale.py`` in the workers) are timed as they are; a real hook is
a whole process with a fixed start-up cost, so its rows compare the CPU time the N things
add to that of the same hook with none (``(t(10N) - t(0)) / (t(N) - t(0))``).

Only ours is held to the verdict. ops 3.9 is measured at N for reference, and at 10N
unless its time at N says that a quadratic 10N would take more than half a minute.
"""

from __future__ import annotations

import json
from pathlib import Path

import _hook
from _env import Impl
from _figures import Run, interleave
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
# run-to-run noise (a few ms of CPU): 1,000 stored-state entries add less than that.
_DISPATCH = (
    ('relations', 20),
    ('units', 20),
    ('secrets', 20),
    ('stored', 10000),
    ('defer-queue', 1000),
)
_DISPATCH_REPS = 9
_QUADRATIC_LIMIT = 30.0  # seconds a quadratic 10N may take before ops 3.9's 10N is skipped


def _ratio_cells(run: Run) -> tuple[dict[str, Cell], dict[str, Cell]]:
    return run.new_cells(), run.new_cells()


def _fmt(small: dict[str, Cell], big: dict[str, Cell], n: int, unit: str = '') -> object:
    def fmt(c: Cell) -> str:
        key = 'ops39' if c is big['ops39'] else 'ours'
        s = small[key]
        if not s.ok:
            return ''
        text = f'{ms(s.median)}{unit} at N={n:,}'
        if c.ok:
            text += f', {ms(c.median)}{unit} at {10 * n:,}: x{c.median / s.median:.1f}'
        elif c.status == 'skipped':
            text += f'; {10 * n:,}: {c.detail}'
        return text

    return fmt


def _verdict(small: dict[str, Cell], smoke: bool) -> object:
    def verdict(_a: Cell, b: Cell) -> str:
        s = small['ours']
        if not (b.ok and s.ok):
            return ''
        return met(b.median <= 11 * s.median) + (
            ' (indicative: smoke sizes, 1 sample)' if smoke else ''
        )

    return verdict


def _worker_samples(
    run: Run, cells: dict[str, Cell], req: dict[str, object], reps: int, impls: list[Impl]
) -> None:
    def sample(impl: Impl, cell: Cell) -> None:
        answer = run.worker(impl).request(req, run.timeout(600))
        if answer.get('ok'):
            cell.samples.append(float(answer['per_op']))  # type: ignore[arg-type]
        else:
            cell.mark(str(answer.get('status', 'failed')), str(answer.get('detail', '')))

    if not run.smoke:  # one discarded warm-up per side
        warm = {i.key: Cell() for i in impls}
        interleave(run, warm, sample, 1, impls=impls)
        for key, cell in warm.items():
            if cell.status != 'ok':
                cells[key].mark(cell.status, cell.detail)
    interleave(run, cells, sample, reps, impls=[i for i in impls if cells[i.key].status == 'ok'])


def _in_process_rows(run: Run, front: str) -> list[Row]:
    rows: list[Row] = []
    reps = 1 if run.smoke else max(5, run.reps)
    for dim, what, n in _IN_PROCESS:
        n = max(1, n // 10) if run.smoke else n
        small, big = _ratio_cells(run)
        figure = f'scale_{front}'
        _worker_samples(
            run, small, {'figure': figure, 'params': {'dim': dim, 'n': n}}, reps, run.impls
        )
        wanted = [run.ours]
        if run.ops39 is not None and small['ops39'].ok:
            if small['ops39'].median * 100 <= _QUADRATIC_LIMIT:
                wanted.insert(0, run.ops39)
            else:
                big['ops39'].mark(
                    'skipped',
                    f'{ms(small["ops39"].median)} at N={n:,}; {10 * n:,} not run '
                    f'(would take minutes if quadratic)',
                )
        elif run.ops39 is not None:
            big['ops39'].mark(small['ops39'].status, small['ops39'].detail)
        _worker_samples(
            run, big, {'figure': figure, 'params': {'dim': dim, 'n': 10 * n}}, reps, wanted
        )
        title = (
            f'`ctx.run` scaling: {what}'
            if front == 'ctx'
            else f'Harness scaling: {_HARNESS_WHAT[dim]}'
        )
        rows.append(
            Row(
                title=title,
                target='linear: time at 10N <= 11x time at N',
                ops39=big['ops39'],
                ours=big['ours'],
                fmt=_fmt(small, big, n),  # type: ignore[arg-type]
                verdict=_verdict(small, run.smoke),  # type: ignore[arg-type]
            )
        )
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
        # repetition takes all three, in an order that alternates), so that a change in the
        # machine's load falls on all three and not on the difference between them.
        groups = [('base', base), *cells.items()]
        for rep in range(reps):
            ordered = groups if rep % 2 == 0 else list(reversed(groups))
            for size, group in ordered:
                interleave(
                    run,
                    group,
                    lambda impl, cell, size=size: sample(impl, cell, size),
                    1,
                    impls=[i for i in run.impls if group[i.key].status == 'ok']
                    if rep % 2 == 0
                    else [i for i in reversed(run.impls) if group[i.key].status == 'ok'],
                )
        increments = {size: run.new_cells() for size in sizes}
        for size in sizes:
            for key in ('ops39', 'ours'):
                cell, zero, out = cells[size][key], base[key], increments[size][key]
                if cell.ok and zero.ok:
                    out.samples.append(max(1e-6, cell.median - zero.median))
                elif cell.status != 'ok':
                    out.mark(cell.status, cell.detail)
                elif zero.status != 'ok':
                    out.mark(zero.status, zero.detail)
        rows.append(
            Row(
                title=f'real dispatch scaling: update-status with N {dim} (CPU time over the same hook with none)',
                target='linear: time at 10N <= 11x time at N',
                ops39=increments['big']['ops39'],
                ours=increments['big']['ours'],
                fmt=_fmt(increments['small'], increments['big'], n, ' CPU'),  # type: ignore[arg-type]
                verdict=_verdict(increments['small'], run.smoke),  # type: ignore[arg-type]
            )
        )
    return rows


def figure_scaling(run: Run) -> list[Row]:
    """Every scaling row: ``ctx.run``, Harness, then a real dispatch."""
    return [*_in_process_rows(run, 'ctx'), *_in_process_rows(run, 'harness'), *_dispatch_rows(run)]


__all__ = ['figure_scaling']
