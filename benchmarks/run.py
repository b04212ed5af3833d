"""Benchmarks: ops 3.9 and ours side by side, in one interleaved run (issue 9).

Usage (from the repository root)::

    hatch run python benchmarks/run.py            # full run (< 10 min), rewrites README table
    hatch run python benchmarks/run.py --smoke    # one repetition each, < 60 s, no network

The original ``ops[testing]==3.9.0`` is installed once into benchmarks/.venv-ops39 (cached);
ours is this interpreter's ``ops`` (the project's .venv) unless --ours-python says otherwise.
A figure that ours cannot run yet shows "n/a (not implemented yet)"; only a crash of the
harness itself makes the exit status non-zero.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _env
import _figures
import _pebble
import _realpebble
import _report
import _scaling

FIGURES = {
    'import': _figures.figure_import,
    'hook': _figures.figure_hook,
    'deferred': _figures.figure_deferred,
    'context': _figures.figure_context,
    'harness': _figures.figure_harness,
    'pebble': _figures.figure_pebble,
    'scaling': _scaling.figure_scaling,
    'realpebble': _realpebble.figure_real_pebble,
}


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--smoke',
        action='store_true',
        help='one repetition each, fast; never creates the ops 3.9 venv',
    )
    parser.add_argument(
        '--ours-python',
        default=sys.executable,
        help='interpreter whose `ops` is ours (default: this one)',
    )
    parser.add_argument(
        '--ops39-python',
        default=None,
        help='use this interpreter for ops 3.9 instead of benchmarks/.venv-ops39',
    )
    parser.add_argument('--no-ops39', action='store_true', help='measure ours only')
    parser.add_argument(
        '--reps', type=int, default=None, help='repetitions per figure (default 5; 1 with --smoke)'
    )
    parser.add_argument(
        '--only',
        action='append',
        choices=sorted(FIGURES),
        help='run only these figures (repeatable)',
    )
    parser.add_argument(
        '--no-readme', action='store_true', help='do not rewrite the table in benchmarks/README.md'
    )
    parser.add_argument(
        '--runs',
        type=int,
        default=1,
        help='whole runs in a row (2: the table is the first run, and says whether the '
        'second gave every verdict again)',
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _parse(argv)
    started = time.monotonic()
    _env.prepare_work_dir()
    ours = _env.Impl('ours', 'ours', args.ours_python)
    ops39: _env.Impl | None = None
    missing = ''
    if args.no_ops39:
        missing = '--no-ops39'
    elif args.ops39_python:
        ops39 = _env.Impl('ops39', 'ops 3.9', args.ops39_python)
    else:
        python = _env.ops39_python(create=not args.smoke)
        if python:
            ops39 = _env.Impl('ops39', 'ops 3.9', python)
        else:
            missing = 'smoke mode does not create the ops 3.9 venv'
    for impl in (ops39, ours):
        if impl is not None:
            _env.warm_bytecode(impl.python)
    names = [name for name in FIGURES if not args.only or name in args.only]
    runs = [
        _run_figures(names, ours, ops39, args, missing, attempt, args.runs)
        for attempt in range(1, args.runs + 1)
    ]
    run, rows = runs[0]
    elapsed = time.monotonic() - started
    table = _report.render_markdown(rows)
    if len(runs) > 1:
        table += '\n\n' + _reproduction(rows, runs[1][1])
    if run.notes:
        table += '\n\nDiagnostics from this run:\n\n' + '\n'.join(f'- {n}' for n in run.notes)
    print('\n' + table)
    print(f'\ntotal {elapsed:.0f} s')
    if not args.smoke and not args.no_readme and not args.only:
        _write_readme(run, argv, table, elapsed)
    return 0


def _run_figures(
    names: list[str],
    ours: _env.Impl,
    ops39: _env.Impl | None,
    args: argparse.Namespace,
    missing: str,
    attempt: int,
    attempts: int,
) -> tuple[_figures.Run, list[_report.Row]]:
    """One pass over the figures (a whole run); the workers are fresh for each pass."""
    run = _figures.Run(
        ours=ours,
        ops39=ops39,
        smoke=args.smoke,
        reps=args.reps or (1 if args.smoke else 5),
        ops39_missing=missing,
    )
    server = None
    rows: list[_report.Row] = []
    try:
        if 'pebble' in names:
            server = _pebble.start(run)
        for name in names:
            t = time.monotonic()
            label = f' (run {attempt} of {attempts})' if attempts > 1 else ''
            print(f'--- {name}{label} ...', flush=True)
            new = FIGURES[name](run)
            rows.extend(new)
            print(_report.render_text(new), flush=True)
            print(f'    ({time.monotonic() - t:.1f} s)', flush=True)
    finally:
        run.close()
        if server is not None:
            server.stop()
    return run, rows


_PARENTHESES = re.compile(r'\s*\([^)]*\)')


def _reproduction(first: list[_report.Row], second: list[_report.Row]) -> str:
    """Whether a second run gave every verdict of the first (the table is the first run's)."""
    differ = []
    for a, b in zip(first, second, strict=True):
        va, vb = a.cells()[-1], b.cells()[-1]
        # A verdict is its met / NOT met words; a figure shown beside it in parentheses
        # ("met (time per byte x0.63 vs 1 MiB)") is not part of it.
        if _PARENTHESES.sub('', va) != _PARENTHESES.sub('', vb):
            differ.append(f'{a.title}: "{va}", then "{vb}"')
    if not differ:
        return (
            f'A second run right after this one (same command, same machine) gave the same '
            f'verdict for all {len(first)} rows.'
        )
    return (
        f'A second run right after this one gave a different verdict in {len(differ)} of '
        f'{len(first)} rows:\n\n' + '\n'.join(f'- {d}' for d in differ)
    )


def _write_readme(run: _figures.Run, argv: list[str], table: str, elapsed: float) -> None:
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    command = 'hatch run python benchmarks/run.py' + (' ' + shlex.join(argv) if argv else '')
    pythons = {'ops 3.9': run.ops39.python if run.ops39 else None, 'ours': run.ours.python}
    info = _report.machine_info(pythons)
    info.append(
        f'work directory and TMPDIR of both sides: {_env.WORK_ROOT} ('
        + ('a RAM file system' if _env.RAM_DIR else 'NOT a RAM file system: none was found')
        + ')'
    )
    lines = [
        f'Measured {now} at commit `{_report.git_revision(_env.REPO)}` by `{command}` '
        f'({elapsed:.0f} s, {run.reps} repetitions, medians; sides interleaved).',
        '',
        *[f'- {line}' for line in info],
        '',
        table,
    ]
    _report.write_readme(_env.HERE / 'README.md', '\n'.join(lines))
    print(f'wrote the table into {_env.HERE / "README.md"}')


if __name__ == '__main__':
    os.environ.pop('PYTHONDONTWRITEBYTECODE', None)
    sys.exit(main(sys.argv[1:]))
