"""``python -m ops_testing lifecycle``: a first deployment as a table, end to end."""

from __future__ import annotations

import pathlib
import subprocess
from collections.abc import Callable

import yaml
from ops import testing

HERE = pathlib.Path(__file__).parent
KITCHEN = HERE / 'charms' / 'kitchen'
HTTPBIN = HERE.parents[2] / 'examples' / 'httpbin-k8s'
Cli = Callable[..., subprocess.CompletedProcess[str]]


def table_rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by event (the first line of each row; cells stripped)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('-----'))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        cells = [cell.strip() for cell in line.split(' | ')]
        if cells[0]:
            rows[cells[0]] = cells
    return rows


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


def test_narrow_table_wraps_cells(cli: Cli):
    result = cli('lifecycle', HTTPBIN, '--width', '100')
    assert result.returncode == 0, result.stderr
    table = result.stdout.split('\n\n')[1]
    assert max(len(line) for line in table.splitlines()) <= 100
    assert 'relation-created:httpbin-peers' in table  # the event column never wraps


def test_verbose_lists_the_whole_log(cli: Cli):
    result = cli('lifecycle', KITCHEN, '-v')
    assert result.returncode == 0, result.stderr
    assert '[install] INFO     installing the kitchen' in result.stdout
    assert '[config-changed] DEBUG    config is fine' in result.stdout
