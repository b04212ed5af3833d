"""Driving the long-lived in-process workers (_worker.py serve) and one-shot measurements."""

from __future__ import annotations

import json
import select
import subprocess
from typing import IO, Any

from _env import HERE, WORK, Impl, clean_env

WORKER = HERE / '_worker.py'


class Worker:
    """A ``_worker.py serve`` process under one implementation's interpreter."""

    def __init__(self, impl: Impl):
        self.impl = impl
        self._proc: subprocess.Popen[str] | None = None
        self._log: IO[bytes] | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self._log is None:
            self._log = open(WORK / f'worker-{self.impl.key}.log', 'ab')
        self._proc = subprocess.Popen(
            [self.impl.python, str(WORKER), 'serve'],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=WORK,
            env=clean_env(),
            text=True,
            bufsize=1,
        )
        return self._proc

    def request(self, req: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait (at most ``timeout`` s) for its answer."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(req) + '\n')
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            return {'ok': False, 'status': 'failed', 'detail': 'worker died'}
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            return {'ok': False, 'status': 'failed', 'detail': f'timed out after {timeout:.0f} s'}
        line = proc.stdout.readline()
        if not line:
            self.close()
            return {
                'ok': False,
                'status': 'failed',
                'detail': 'worker exited (see its log in the work directory)',
            }
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None


def once(impl: Impl, req: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One measurement in a fresh ``_worker.py once`` process (for peak-memory figures)."""
    with open(WORK / f'once-{impl.key}.log', 'ab') as log:
        try:
            proc = subprocess.run(
                [impl.python, str(WORKER), 'once', json.dumps(req)],
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=WORK,
                env=clean_env(),
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {'ok': False, 'status': 'failed', 'detail': f'timed out after {timeout:.0f} s'}
    lines = proc.stdout.strip().splitlines()
    if not lines:
        return {'ok': False, 'status': 'failed', 'detail': f'exit status {proc.returncode}'}
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer
