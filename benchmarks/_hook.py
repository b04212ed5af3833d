"""Whole-process figures: a real hook process, run the way Juju runs it.

Each run executes the charm directory's ``dispatch`` with a JUJU_* environment, the fake hook
tools first on PATH, under ``/usr/bin/time -v`` when it exists (peak RSS) and reaped with
``os.wait4`` (CPU time; also peak RSS where /usr/bin/time is missing).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from _env import HERE, WORK, Impl, clean_env

_GNU_TIME = '/usr/bin/time'
_NOT_READY_MARKERS = (
    'ImportError',
    'ModuleNotFoundError',
    'AttributeError',
    'NotImplementedError',
)


@dataclasses.dataclass
class HookRun:
    """One hook process: timings, resources and the hook tools it ran."""

    returncode: int
    wall: float
    cpu: float
    max_rss_kib: int
    tool_calls: list[tuple[str, str]]
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> tuple[str, str]:
        """Classify a failed run as ('n/a', why) or ('failed', why) from its traceback."""
        lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        last = lines[-1].strip() if lines else f'exit status {self.returncode}'
        if self.returncode < 0 or last.startswith('timed out'):
            return 'failed', last[:200]
        status = 'n/a' if any(m in last for m in _NOT_READY_MARKERS) else 'failed'
        return status, last[:200]


def make_charm_dir(impl: Impl, name: str, template: str = 'machine') -> Path:
    """Copy a charm template into <work>/charms/<impl>-<name>, with no state file yet."""
    dest = WORK / 'charms' / f'{impl.key}-{name}'
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(HERE / 'charms' / template, dest, symlinks=True)
    return dest


def run_hook(
    impl: Impl,
    charm_dir: Path,
    hook: str,
    *,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120.0,
    modules_out: Path | None = None,
) -> HookRun:
    """Run ``dispatch`` for ``hook`` in ``charm_dir`` under ``impl``'s interpreter."""
    fd, log_name = tempfile.mkstemp(prefix='tools-', suffix='.log', dir=WORK)
    os.close(fd)
    log = Path(log_name)
    env = clean_env(
        BENCH_PYTHON=impl.python,
        BENCH_TOOL_LOG=str(log),
        JUJU_DISPATCH_PATH=f'hooks/{hook}',
        JUJU_HOOK_NAME=hook,
        JUJU_UNIT_NAME='bench-machine/0',
        JUJU_MODEL_NAME='bench',
        JUJU_MODEL_UUID='5b3c8b2e-0000-4000-8000-00000000be7c',
        JUJU_VERSION='3.6.4',
        JUJU_CHARM_DIR=str(charm_dir),
        JUJU_CONTEXT_ID='bench-machine/0-update-status-1',
        JUJU_MACHINE_ID='0',
        JUJU_AVAILABILITY_ZONE='zone-a',
    )
    if extra_env:
        env.update(extra_env)
    if modules_out is not None:
        env['PYTHONPATH'] = str(HERE / 'probe')
        env['BENCH_MODULES_OUT'] = str(modules_out)
    try:
        result = _run(charm_dir, env, timeout)
        result.tool_calls = _read_tool_log(log)
        return result
    finally:
        log.unlink(missing_ok=True)


def _run(charm_dir: Path, env: dict[str, str], timeout: float) -> HookRun:
    """Run ./dispatch, under /usr/bin/time -v when it exists, and reap it with os.wait4.

    Peak RSS comes from /usr/bin/time's report (the hook's process tree); CPU time comes
    from the wait4 rusage, which covers the same tree with microsecond resolution
    (/usr/bin/time prints CPU seconds with only two decimals).
    """
    gnu_time = os.access(_GNU_TIME, os.X_OK)
    fd, out_name = tempfile.mkstemp(prefix='time-', dir=WORK)
    os.close(fd)
    argv = [_GNU_TIME, '-v', '-o', out_name, './dispatch'] if gnu_time else ['./dispatch']
    try:
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                cwd=charm_dir,
                env=env,
                stderr=err,
                stdout=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            deadline = start + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    return HookRun(-9, timeout, 0.0, 0, [], f'timed out after {timeout:.0f} s')
                time.sleep(0.0002)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode('utf-8', 'replace')
        max_rss = usage.ru_maxrss
        if gnu_time:
            report = Path(out_name).read_text(encoding='utf-8', errors='replace')
            max_rss = int(_parse_gnu_time(report).get('Maximum resident set size (kbytes)', 0))
            # /usr/bin/time reports a non-zero exit as "Command exited with non-zero status".
            stderr = stderr.replace('Command exited with non-zero status', '').rstrip()
    finally:
        os.unlink(out_name)
    return HookRun(
        returncode=proc.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_kib=max_rss,
        tool_calls=[],
        stderr=stderr,
    )


def _parse_gnu_time(text: str) -> dict[str, float]:
    stats: dict[str, float] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().rpartition(': ')
        if sep:
            try:
                stats[key] = float(value)
            except ValueError:
                continue
    return stats


def _read_tool_log(log: Path) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    try:
        text = log.read_text(encoding='utf-8', errors='replace')
    except FileNotFoundError:
        return calls
    for line in text.splitlines():
        name, sep, args = line.partition('\t')
        if sep and name and all(c.islower() or c == '-' for c in name):
            calls.append((name, args))
    return calls


def describe_calls(calls: list[tuple[str, str]]) -> str:
    """'4: is-leader, juju-log x2 (DEBUG x2), status-set' style summary of hook-tool calls."""
    counts = Counter(name for name, _ in calls)
    parts = []
    for name in sorted(counts):
        part = name if counts[name] == 1 else f'{name} x{counts[name]}'
        if name == 'juju-log':
            levels = Counter(_log_level(args) for n, args in calls if n == name)
            part += ' (' + ', '.join(f'{lv} x{c}' for lv, c in sorted(levels.items())) + ')'
        parts.append(part)
    return f'{len(calls)}: ' + ', '.join(parts) if calls else '0'


def _log_level(args: str) -> str:
    words = args.split()
    for i, word in enumerate(words[:-1]):
        if word in ('--log-level', '-l'):
            return words[i + 1]
    return 'INFO'


def debug_log_calls(calls: list[tuple[str, str]]) -> int:
    """How many juju-log calls were at DEBUG (hidden by Juju's default logging config)."""
    return sum(1 for name, args in calls if name == 'juju-log' and _log_level(args) == 'DEBUG')
