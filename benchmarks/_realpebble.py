"""Figures measured against the real Pebble (issue 17): push, exec output, system info.

The server is the real Pebble (``shared/bin/pebble`` next to the repository or one of its
parents, or ``$OPS_TEST_PEBBLE``), started with a fresh ``$PEBBLE`` directory for each row
(its state slows down as finished changes pile up). Each client runs in its own process:
the transfers in a fresh one per sample (``_worker.py once``, for the peak memory), the
small calls in the long-lived workers.

- **push 64 MiB from bytes / from a file**: ``client.push(path, data)`` with ``data`` a
  64 MiB ``bytes`` made before the baseline memory is read, or an open 64 MiB file;
  throughput, and the peak-RSS growth during the call, also at 256 MiB (one sample a
  side), since the target is a growth that does not depend on the size.
- **exec stdout 32 MiB**: ``exec(['head', '-c', N, '/dev/zero'], encoding=None)``, its
  ``stdout`` read to the end in 1 MiB pieces, then ``wait()``; the same two figures, after
  one untimed ``exec(['true'])`` (ops 3.9 imports its websocket client with ``ops``, ours on
  the first exec: that one-time cost is not the transfer's).
- **get_system_info()**: calls per second on one client (connection reuse counts).

Each transfer row takes :data:`TRANSFER_PAIRS` alternated pairs and shows, beside the
throughput, the CPU time the server and the client spent on one transfer (medians; the
server's from ``/proc/<pid>/stat``, so in 10 ms clock ticks). When the server's CPU time is
about the wall time, neither client can go faster than the server streams, and the two
sides' medians differ by noise: the speed half of a row's verdict is therefore a one-sided
sign test over the pairs (:func:`transfer_verdict`), "NOT met" only when ours is slower
in too many of them for the two to be equally fast.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from _env import REPO, WORK, Impl
from _figures import MIB, Run, _apply, _batches, interleave
from _report import Cell, Row, met, ms
from _workers import once

GROWTH_LIMIT_MIB = 16
# Pairs of samples per transfer figure. Both clients stream at the server's pace (its CPU
# time is about the wall time), so one sample varies by +-20%; 15 pairs let a sign test
# tell "slower" from "the same".
TRANSFER_PAIRS = 15
# A transfer row is "NOT met" on speed when ours is slower in so many pairs that equal
# speeds would give that few faster ones less than 5% of the time (one-sided sign test).
SIGN_TEST_LEVEL = 0.05


def binary() -> str | None:
    """The real Pebble binary, if this machine has it."""
    named = os.environ.get('OPS_TEST_PEBBLE')
    if named:
        return named if os.access(named, os.X_OK) else None
    for parent in (REPO.parent, *REPO.parent.parents[:2]):
        candidate = parent / 'shared' / 'bin' / 'pebble'
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@contextmanager
def real_pebble(name: str) -> Iterator[tuple[str, int]]:
    """A fresh real Pebble; yields its socket path and process id."""
    path = binary()
    assert path is not None
    state = Path(WORK) / f'pebble-{name}'
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    log = open(state / 'pebble.log', 'wb')
    proc = subprocess.Popen(
        [path, 'run', '--create-dirs'],
        env={**os.environ, 'PEBBLE': str(state)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    socket_path = state / '.pebble.socket'
    try:
        deadline = time.monotonic() + 30
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        yield str(socket_path), proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(state, ignore_errors=True)


def _cells(run: Run, missing: str) -> dict[str, Cell]:
    cells = run.new_cells()
    if missing:
        for cell in cells.values():
            if cell.status == 'ok':
                cell.mark('skipped', missing)
    return cells


def _mbps(c: Cell, size: int) -> float:
    return size / c.median / 1e6


def _transfer_row(run: Run, title: str, figure: str, size: int, big: int, missing: str) -> Row:
    cells = _cells(run, missing)

    def source(n: int) -> str:
        return str(Path(WORK) / f'real-push-source-{n // MIB}.bin')

    def request(server: tuple[str, int], n: int) -> dict[str, object]:
        return {
            'figure': figure,
            'socket': server[0],
            'server_pid': server[1],
            'size': n,
            'source': source(n),
            'path': str(Path(WORK) / 'real-pushed.bin'),
        }

    def sample_with(server: tuple[str, int], n: int) -> Callable[[Impl, Cell], None]:
        def sample(impl: Impl, cell: Cell) -> None:
            answer = once(impl, request(server, n), timeout=run.timeout(180))
            key = 'mem' if n == size else 'mem_big'
            if n == size:
                if _apply(cell, answer):
                    cell.extra.setdefault(key, []).append(answer['mem_growth_mib'])
                    for cpu in ('client_cpu', 'server_cpu'):
                        cell.extra.setdefault(cpu, []).append(answer[cpu])
            elif answer.get('ok'):
                cell.extra.setdefault(key, []).append(answer['mem_growth_mib'])

        return sample

    if not missing:
        if figure == 'real_push_file':
            for n in (size, big) if not run.smoke else (size,):
                _write_random(source(n), n)
        with real_pebble(figure) as server:
            interleave(run, cells, sample_with(server, size), 1 if run.smoke else TRANSFER_PAIRS)
            if not run.smoke:
                interleave(run, cells, sample_with(server, big), 1)
        for n in (size, big):
            Path(source(n)).unlink(missing_ok=True)

    def fmt(c: Cell) -> str:
        mem = max(c.extra.get('mem', [0.0]))
        text = f'{_mbps(c, size):.0f} MB/s ({ms(c.median)}), +{mem:.1f} MiB peak memory'
        if c.extra.get('mem_big'):
            text += f' (+{max(c.extra["mem_big"]):.1f} MiB at {big // MIB} MiB)'
        if c.extra.get('server_cpu'):
            text += (
                f'; CPU: Pebble {statistics.median(c.extra["server_cpu"]) * 1e3:.0f} ms,'
                f' client {ms(statistics.median(c.extra["client_cpu"]))}'
            )
        return text

    def ratio(a: Cell, b: Cell) -> str:
        faster, pairs = _faster_pairs(a, b)
        return f'{a.median / b.median:.2f}x throughput (faster in {faster} of {pairs} pairs)'

    return Row(
        title=title,
        target=f'>= ops 3.9 throughput, peak memory growth < {GROWTH_LIMIT_MIB} MiB at any size',
        ops39=cells['ops39'],
        ours=cells['ours'],
        fmt=fmt,
        ratio=ratio,
        verdict=transfer_verdict,
    )


def transfer_verdict(ops39: Cell, ours: Cell) -> str:
    """A transfer row's verdict: met unless ours grows its memory too much or is slower in
    too many of the pairs for the two to be equally fast (see :data:`SIGN_TEST_LEVEL`)."""
    if not ours.ok:
        return ''
    mem = max(ours.extra.get('mem', [0.0]) + ours.extra.get('mem_big', [0.0]))
    slower = ops39.ok and ours.median > ops39.median and _sign_test(*_faster_pairs(ops39, ours))
    return met(not slower and mem < GROWTH_LIMIT_MIB)


def _faster_pairs(ops39: Cell, ours: Cell) -> tuple[int, int]:
    """In how many of the alternated pairs ours took less time, and how many pairs."""
    pairs = list(zip(ops39.samples, ours.samples, strict=False))  # a side may stop early
    return sum(b < a for a, b in pairs), len(pairs)


def _sign_test(faster: int, pairs: int) -> bool:
    """Whether ``faster`` of ``pairs`` is too few for two equally fast sides."""
    tail = sum(math.comb(pairs, k) for k in range(faster + 1)) / 2**pairs
    return tail < SIGN_TEST_LEVEL


def _write_random(path: str, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, 'wb') as f:
        for _ in range(size // MIB):
            f.write(block)


def figure_real_pebble(run: Run) -> list[Row]:
    """The rows measured against the real Pebble (skipped, saying why, without it)."""
    missing = '' if binary() else 'no real Pebble (../shared/bin/pebble)'
    push_size = (4 if run.smoke else 64) * MIB
    exec_size = (4 if run.smoke else 32) * MIB
    rows = [
        _transfer_row(
            run, f'real Pebble: `push` {push_size // MIB} MiB from bytes', 'real_push_bytes',
            push_size, 256 * MIB, missing,
        ),
        _transfer_row(
            run, f'real Pebble: `push` {push_size // MIB} MiB from a file', 'real_push_file',
            push_size, 256 * MIB, missing,
        ),
        _transfer_row(
            run, f'real Pebble: `exec` stdout {exec_size // MIB} MiB, streamed', 'real_exec',
            exec_size, 256 * MIB, missing,
        ),
    ]  # fmt: skip
    cells = _cells(run, missing)
    if not missing:
        with real_pebble('system-info') as (socket_path, _):
            _batches(
                run,
                cells,
                {
                    'figure': 'pebble_small',
                    'params': {'socket': socket_path, 'call': 'get_system_info'},
                },
                run.reps,
                min_seconds=0.2,
                max_iterations=2000,
                timeout=60,
            )

    def calls(c: Cell) -> str:
        return f'{1 / c.median:,.0f} calls/s ({ms(c.median)} each)'

    rows.append(
        Row(
            title='real Pebble: `get_system_info()` on one client',
            target='>= 1.5x the calls/s of ops 3.9',
            ops39=cells['ops39'],
            ours=cells['ours'],
            fmt=calls,
            ratio=lambda a, b: f'{a.median / b.median:.2f}x calls/s',
            verdict=lambda a, b: met(b.median * 1.5 <= a.median) if a.ok and b.ok else '',
        )
    )
    return rows
