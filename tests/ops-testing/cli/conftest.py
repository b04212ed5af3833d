"""Fixtures for the simulator's end-to-end tests: run ``python -m ops_testing`` for real."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from collections.abc import Callable

import pytest


@pytest.fixture
def cli(tmp_path: pathlib.Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the simulator in a subprocess, in ``tmp_path``; return the finished process."""

    def run(*args: str | pathlib.Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, '-m', 'ops_testing', *map(str, args)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={'PATH': '/usr/bin:/bin', 'COLUMNS': '160', 'HOME': str(tmp_path)},
        )

    return run
