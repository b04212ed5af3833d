"""``python -m ops_testing lifecycle``: a first deployment as a table, end to end."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap
from collections.abc import Callable

import yaml
from ops import testing

HERE = pathlib.Path(__file__).parent
KITCHEN = HERE / 'charms' / 'kitchen'
HTTPBIN = HERE.parents[2] / 'examples' / 'httpbin-k8s'
Cli = Callable[..., subprocess.CompletedProcess[str]]


def table_rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by event: each cell's lines joined with spaces.

    Log lines printed between the rows (``-v``) are skipped.
    """
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('-----'))
    rows: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if ' | ' not in line:
            continue
        cells = [cell.strip() for cell in line.split(' | ')]
        if cells[0]:
            current = rows[cells[0]] = [[] for _ in cells]
        for parts, cell in zip(current, cells, strict=False):  # trailing blanks are cut
            if cell:
                parts.append(cell)
    return {name: [' '.join(parts) for parts in row] for name, row in rows.items()}


def test_httpbin_deployment(cli: Cli, tmp_path: pathlib.Path):
    result = cli('lifecycle', HTTPBIN, '--out', 'final.yaml')
    assert result.returncode == 0, result.stderr
    assert result.stderr == ''
    rows = table_rows(result.stdout)
    assert list(rows) == [
        'install',
        'relation-created:httpbin-peers',
        'leader-elected',
        'config-changed',
        'start',
        'pebble-ready:httpbin',
        'relation-created:ingress',
        'relation-joined:ingress',
        'relation-changed:ingress',
        'update-status',
    ]
    assert rows['install'][1].startswith('waiting: waiting for Pebble')
    assert rows['start'][3] == '-'  # no services before Pebble is up
    assert rows['pebble-ready:httpbin'][1] == 'active'
    assert rows['pebble-ready:httpbin'][3] == 'httpbin'
    assert 'httpbin-peers:1 app password_secret_id=' in rows['leader-elected'][4]
    assert rows['relation-joined:ingress'][4].startswith('ingress:2 app model="simulated"')
    assert 'opened ports: 8080/tcp' in result.stdout

    final = testing.State.from_dict(yaml.safe_load((tmp_path / 'final.yaml').read_text()))
    assert final.leader
    assert final.unit_status == testing.ActiveStatus()
    (ingress,) = final.get_relations('ingress')
    assert ingress.local_app_data['port'] == '8080'
    assert final.get_secret(label='httpbin-admin-password').owner == 'app'
    assert final.get_container('httpbin').can_connect


def test_deferred_events_and_relation_data(cli: Cli):
    result = cli('lifecycle', KITCHEN)
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert list(rows)[:3] == ['storage-attached:pantry', 'install', 'relation-created:cooks']
    assert rows['leader-elected'][2] == 'active: head chef'
    assert rows['config-changed'][5] == '-'
    assert rows['start'][1] == 'waiting: not ready'
    assert rows['start'][5] == 'start'
    assert rows['update-status'][5] == 'start'  # still deferred: config never says ready
    assert rows['relation-joined:db'][4].startswith('db:2 app menu=today: soup;')
    # The charm's warnings are listed under the table, with the event they came from.
    assert '[start] WARNING  not ready to start; deferring' in result.stdout


def test_config_option_changes_the_run(cli: Cli):
    result = cli('lifecycle', KITCHEN, '--config', 'ready=true', '--config', 'dish=stew')
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    assert rows['start'][1] == 'active: cooking'
    assert rows['start'][5] == '-'
    assert 'menu=today: stew' in rows['relation-joined:db'][4]


def test_charm_error_stops_the_table_and_exits_1(cli: Cli, tmp_path: pathlib.Path):
    result = cli('lifecycle', KITCHEN, '--config', 'explode=true', '--out', 'final.yaml')
    assert result.returncode == 1
    rows = table_rows(result.stdout)
    assert list(rows)[-1] == 'config-changed'
    assert rows['config-changed'][1].startswith('error: the charm raised RuntimeError')
    assert result.stderr.splitlines()[0] == (
        'python -m ops_testing: error: the charm raised RuntimeError while handling config-changed'
    )
    assert not (tmp_path / 'final.yaml').exists()


def test_narrow_table_wraps_cells_at_word_boundaries(cli: Cli):
    result = cli('lifecycle', HTTPBIN, '--width', '90')
    assert result.returncode == 0, result.stderr
    table = result.stdout.split('\n\n')[1]
    assert max(len(line) for line in table.splitlines()) <= 90
    assert 'relation-created:httpbin-peers' in table  # the event column never wraps
    install = table_rows(result.stdout)['install']
    # Joining the cell's lines with spaces gives the status back: no word was cut.
    assert install[1] == 'waiting: waiting for Pebble in the httpbin container'
    assert len([line for line in table.splitlines() if 'waiting' in line]) > 5


def test_rows_appear_as_each_event_finishes(tmp_path: pathlib.Path):
    # The charm's start handler waits until the test has seen the install row.
    charm = tmp_path / 'slow'
    (charm / 'src').mkdir(parents=True)
    (charm / 'metadata.yaml').write_text('name: slow\n')
    go = tmp_path / 'go'
    (charm / 'src' / 'charm.py').write_text(
        textwrap.dedent(
            f"""
            import os, time
            import ops

            class Slow(ops.CharmBase):
                def __init__(self, framework):
                    super().__init__(framework)
                    framework.observe(self.on.install, self._install)
                    framework.observe(self.on.start, self._start)

                def _install(self, event):
                    self.unit.status = ops.MaintenanceStatus('installed')

                def _start(self, event):
                    deadline = time.monotonic() + 30
                    while not os.path.exists({str(go)!r}):
                        if time.monotonic() > deadline:
                            raise RuntimeError('the install row was never shown')
                        time.sleep(0.05)
                    self.unit.status = ops.ActiveStatus()
            """
        )
    )
    proc = subprocess.Popen(
        [sys.executable, '-m', 'ops_testing', 'lifecycle', str(charm)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={'PATH': '/usr/bin:/bin', 'HOME': str(tmp_path), 'COLUMNS': '120'},
    )
    try:
        assert proc.stdout is not None
        seen: list[str] = []
        for line in proc.stdout:
            seen.append(line)
            if line.startswith('install '):
                break
        assert 'maintenance: installed' in seen[-1]
        go.write_text('')
        rest, errors = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, errors
    assert 'start ' in rest and 'active' in rest


def test_closed_pipe_ends_quietly(tmp_path: pathlib.Path):
    proc = subprocess.Popen(
        [sys.executable, '-m', 'ops_testing', 'lifecycle', str(HTTPBIN), '-v'],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={'PATH': '/usr/bin:/bin', 'HOME': str(tmp_path), 'COLUMNS': '120'},
    )
    assert proc.stdout is not None and proc.stderr is not None
    head = [proc.stdout.readline() for _ in range(3)]  # as `| head -3` reads
    proc.stdout.close()
    errors = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert head[0].startswith(b'Deploying httpbin-k8s')
    assert errors == b''


def test_closed_pipe_before_any_output_ends_quietly(tmp_path: pathlib.Path):
    proc = subprocess.Popen(
        [sys.executable, '-m', 'ops_testing', 'run', str(KITCHEN), 'install'],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={'PATH': '/usr/bin:/bin', 'HOME': str(tmp_path)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    errors = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert errors == b''


def test_verbose_shows_the_whole_log_as_each_event_runs(cli: Cli):
    result = cli('lifecycle', KITCHEN, '-v')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    logged = lines.index('  [install] INFO     installing the kitchen')
    row = next(i for i, line in enumerate(lines) if line.startswith('install '))
    rule = next(i for i, line in enumerate(lines) if line.startswith('-----'))
    # Between the table's header and the event's row: printed while the event ran.
    assert rule < logged < row
    assert '  [config-changed] DEBUG    config is fine' in lines
    assert 'charm log' not in result.stdout  # no second copy after the table
