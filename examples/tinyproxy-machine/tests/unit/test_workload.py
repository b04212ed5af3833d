"""Tests of tinyproxy.py, the module that manages the workload on the machine."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import tinyproxy


def test_write_config_replaces_file_atomically_and_reports_changes(tmp_path: Path) -> None:
    path = tmp_path / 'etc' / 'tinyproxy.conf'

    assert tinyproxy.write_config('Port 1\n', path) is True
    assert tinyproxy.write_config('Port 1\n', path) is False
    assert tinyproxy.write_config('Port 2\n', path) is True

    assert path.read_text() == 'Port 2\n'
    assert sorted(os.listdir(path.parent)) == ['tinyproxy.conf']  # no temporary files left


def test_render_config_lists_every_allowed_network() -> None:
    content = tinyproxy.render_config(port=3128, allowed=['10.0.0.0/8', '::1/128'], max_clients=7)

    lines = content.splitlines()
    assert 'Port 3128' in lines
    assert 'MaxClients 7' in lines
    assert lines[-2:] == ['Allow 10.0.0.0/8', 'Allow ::1/128']
    assert content.endswith('\n')


@pytest.mark.parametrize(
    ('output', 'expected'),
    [('tinyproxy 1.11.1\n', '1.11.1'), ('tinyproxy 1.10.0-git\n', '1.10.0'), ('dev\n', 'dev')],
)
def test_version_parses_tinyproxy_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, expected: str
) -> None:
    fake = tmp_path / 'tinyproxy'
    fake.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv('PATH', f'{tmp_path}{os.pathsep}{os.environ.get("PATH", "")}')

    assert tinyproxy.version() == expected


def test_failing_command_raises_with_its_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / 'systemctl'
    fake.write_text('#!/bin/sh\necho "Unit tinyproxy.service not found." >&2\nexit 5\n')
    fake.chmod(0o755)
    monkeypatch.setenv('PATH', f'{tmp_path}{os.pathsep}{os.environ.get("PATH", "")}')

    with pytest.raises(subprocess.CalledProcessError) as exc_info:
        tinyproxy.restart()

    assert exc_info.value.returncode == 5
    assert exc_info.value.stderr == 'Unit tinyproxy.service not found.\n'
    assert tinyproxy.is_running() is False
