"""The simulator does not let the charm change the host unless --allow-side-effects.

The charm in charms/side-effects starts processes (subprocess.run, check_output, call with
a shell, Popen, os.system, os.popen, os.spawnlp), each of which would leave a mark file,
and writes, appends, chmods, renames, removes and copies files under a "host" directory.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

CHARM = pathlib.Path(__file__).parent / 'charms' / 'side-effects'


def _simulate(
    tmp_path: pathlib.Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], pathlib.Path]:
    host = tmp_path / 'host'
    host.mkdir()
    (host / 'existing.conf').write_text('original')
    (host / 'victim').write_text('still here')
    argv = [args[0], str(CHARM), *args[1:]]
    result = subprocess.run(
        [sys.executable, '-m', 'ops_testing', *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            'PATH': '/usr/bin:/bin',
            'HOME': str(tmp_path),
            'SIDEFX_HOST': str(host),
            'COLUMNS': '200',
        },
    )
    return result, host


def test_run_records_processes_and_writes_and_performs_none(tmp_path: pathlib.Path) -> None:
    result, host = _simulate(tmp_path, 'run', 'install')
    assert result.returncode == 0, result.stderr
    # Nothing happened on the "host": no marks, files untouched, nothing new.
    assert sorted(p.name for p in host.iterdir()) == ['existing.conf', 'victim']
    assert (host / 'existing.conf').read_text() == 'original'
    assert (host / 'existing.conf').stat().st_mode & 0o777 != 0o600
    assert (host / 'victim').read_text() == 'still here'
    # The charm saw its processes succeed with no output, and read back what it wrote.
    out = result.stdout
    assert "active: output='' read='written'" in out
    assert 'not performed while running install (--allow-side-effects to perform):' in out
    for line in (
        f'run: touch {host}/marks/run',
        f"run: sh -c 'touch {host}/marks/check_output; echo hi'",
        f'run: touch {host}/marks/call-shell',
        f'run: touch {host}/marks/popen',
        f'run: touch {host}/marks/system',
        f'run: touch {host}/marks/os-popen',
        f'run: touch {host}/marks/spawn',
        f'mkdir: {host}/marks',
        f'write: {host}/etc/app/app.conf',
        f'write: {host}/existing.conf',
        f'chmod: {host}/existing.conf',
        f'remove: {host}/victim',
        f'write: {host}/copy.conf',
    ):
        assert f'  {line}\n' in out, line
    assert f'-> {host}/etc/app/atomic.conf\n' in out
    assert 'temporary' not in out  # tempfile's files live in the scratch directory


def test_lifecycle_shows_what_each_event_tried(tmp_path: pathlib.Path) -> None:
    result, host = _simulate(tmp_path, 'lifecycle')
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in host.iterdir()) == ['existing.conf', 'victim']
    assert 'not performed (--allow-side-effects to perform):' in result.stdout
    assert f'  [install] run: touch {host}/marks/run\n' in result.stdout


def test_allow_side_effects_performs_them(tmp_path: pathlib.Path) -> None:
    result, host = _simulate(tmp_path, 'run', 'install', '--allow-side-effects')
    assert result.returncode == 0, result.stderr
    marks = sorted(p.name for p in (host / 'marks').iterdir())
    assert marks == ['call-shell', 'check_output', 'os-popen', 'popen', 'run', 'spawn', 'system']
    assert (host / 'etc' / 'app' / 'atomic.conf').read_text() == 'atomic'
    assert (host / 'existing.conf').read_text() == 'original appended'
    assert not (host / 'victim').exists()
    assert "output='hi\\n'" in result.stdout
    assert 'not performed' not in result.stdout
