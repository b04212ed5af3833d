"""``python -m ops_testing run``: one event, state files in and out, end to end."""

from __future__ import annotations

import json
import pathlib
import subprocess
from collections.abc import Callable

import yaml
from ops import testing

HERE = pathlib.Path(__file__).parent
KITCHEN = HERE / 'charms' / 'kitchen'
HTTPBIN = HERE.parents[2] / 'examples' / 'httpbin-k8s'
Cli = Callable[..., subprocess.CompletedProcess[str]]


def read_state(path: pathlib.Path) -> testing.State:
    text = path.read_text()
    data = json.loads(text) if path.suffix == '.json' else yaml.safe_load(text)
    return testing.State.from_dict(data)


def write_state(path: pathlib.Path, state: testing.State) -> None:
    data = state.to_dict()
    path.write_text(json.dumps(data) if path.suffix == '.json' else yaml.safe_dump(data))


def test_install_from_empty_state_writes_yaml(cli: Cli, tmp_path: pathlib.Path):
    result = cli('run', KITCHEN, 'install', '--out', 'out.yaml')
    assert result.returncode == 0, result.stderr
    assert 'unit status:           maintenance: installed' in result.stdout
    assert 'INFO     installing the kitchen' in result.stdout
    assert 'DEBUG' not in result.stdout  # framework chatter only with -v
    state = read_state(tmp_path / 'out.yaml')
    assert state.unit_status == testing.MaintenanceStatus('installed')
    assert state.model.type == 'lxd'  # no containers: a machine model


def test_verbose_shows_debug_lines(cli: Cli):
    result = cli('run', KITCHEN, 'config-changed', '-v')
    assert result.returncode == 0, result.stderr
    assert 'DEBUG    config is fine' in result.stdout


def test_deferred_event_is_kept_then_rerun(cli: Cli, tmp_path: pathlib.Path):
    first = cli('run', KITCHEN, 'start', '--out', 'deferred.json')
    assert first.returncode == 0, first.stderr
    assert 'deferred:              start' in first.stdout
    state = read_state(tmp_path / 'deferred.json')
    assert [d.handle_path for d in state.deferred] == ['KitchenCharm/on/start[1]']

    second = cli(
        'run',
        KITCHEN,
        'config-changed',
        '--state',
        'deferred.json',
        '--config',
        'ready=true',
        '--out',
        'ready.yaml',
    )
    assert second.returncode == 0, second.stderr
    assert 'deferred:              -' in second.stdout
    ready = read_state(tmp_path / 'ready.yaml')
    assert ready.deferred == []
    assert ready.unit_status == testing.ActiveStatus('cooking')
    assert ready.config == {'ready': True}


def test_relation_event_adds_the_relation_and_uses_lib_and_src_modules(
    cli: Cli, tmp_path: pathlib.Path
):
    write_state(tmp_path / 'leader.yaml', testing.State(leader=True))
    result = cli(
        'run', KITCHEN, 'relation-joined:db', '--state', 'leader.yaml', '--out', 'out.yaml'
    )
    assert result.returncode == 0, result.stderr
    assert 'note: added relation db:' in result.stdout
    assert 'app menu=today: soup' in result.stdout
    out = read_state(tmp_path / 'out.yaml')
    (relation,) = out.get_relations('db')
    assert relation.local_app_data == {'menu': 'today: soup'}
    assert relation.local_unit_data['seen'] == 'remote/0'


def test_relation_by_id_from_the_state(cli: Cli, tmp_path: pathlib.Path):
    relation = testing.Relation('db', id=7, remote_units_data={3: {}})
    write_state(tmp_path / 'in.yaml', testing.State(relations=[relation]))
    result = cli('run', KITCHEN, 'db-relation-changed:7', '--state', 'in.yaml', '--out', 'o.yaml')
    assert result.returncode == 0, result.stderr
    out = read_state(tmp_path / 'o.yaml')
    assert out.get_relation(7).local_unit_data['seen'] == 'remote/3'

    wrong = cli('run', KITCHEN, 'relation-changed:cooks:7', '--state', 'in.yaml')
    assert wrong.returncode == 2
    assert "relation 7 in the state is on endpoint 'db', not 'cooks'" in wrong.stderr


def test_action_params_are_typed_from_actions_yaml(cli: Cli):
    result = cli(
        'run',
        KITCHEN,
        'action:backup',
        '--param',
        'target=/srv',
        '--param',
        'count=3',
        '--param',
        'compress=yes',
    )
    assert result.returncode == 0, result.stderr
    assert 'backing up to /srv' in result.stdout
    results = yaml.safe_load(result.stdout.split('action results:\n', 1)[1].split('\n\n')[0])
    assert results['count-type'] == 'int'
    assert results['compress-type'] == 'bool'


def test_action_defaults_are_filled_as_juju_does(cli: Cli):
    result = cli('run', KITCHEN, 'action:backup', '--param', 'target=/srv')
    assert result.returncode == 0, result.stderr
    results = yaml.safe_load(result.stdout.split('action results:\n', 1)[1].split('\n\n')[0])
    assert results['params'] == 'compress=False, count=1, target=/srv'


def test_missing_required_action_parameter_is_a_usage_error(cli: Cli):
    result = cli('run', KITCHEN, 'action:backup', '--param', 'count=2')
    assert result.returncode == 2
    assert result.stdout == ''
    assert result.stderr.splitlines() == [
        "python -m ops_testing: error: action 'backup' needs the required parameter 'target' "
        '(--param target=VALUE)'
    ]


def test_failed_action_exits_1_and_still_writes_the_state(cli: Cli, tmp_path: pathlib.Path):
    result = cli('run', KITCHEN, 'action:backup', '--param', 'target=fail', '--out', 'out.yaml')
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "python -m ops_testing: error: action 'backup' failed: no space left on the target"
    )
    assert 'backing up to fail' in result.stdout
    assert isinstance(read_state(tmp_path / 'out.yaml'), testing.State)


def test_charm_exception_exits_1_with_a_traceback_summary(cli: Cli, tmp_path: pathlib.Path):
    result = cli('run', KITCHEN, 'config-changed', '--config', 'explode=on', '--out', 'out.yaml')
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        'python -m ops_testing: error: the charm raised RuntimeError while handling config-changed'
    )
    assert lines[1].startswith('  src/charm.py:')
    assert 'in _on_config_changed' in lines[1]
    assert lines[2].startswith('  src/kitchen_helpers.py:')
    assert lines[-1] == '  RuntimeError: boom: cannot cook soup'
    assert 'Traceback' not in result.stderr
    assert not (tmp_path / 'out.yaml').exists()


def test_secret_event_by_label_never_shows_the_content(cli: Cli, tmp_path: pathlib.Path):
    secret = testing.Secret({'password': 'hunter2-top-secret'}, label='db-pass')
    write_state(tmp_path / 'in.json', testing.State(secrets=[secret]))
    result = cli('run', KITCHEN, 'secret-changed:db-pass', '--state', 'in.json', '-v')
    assert result.returncode == 0, result.stderr
    assert 'secret db-pass changed; it has 1 keys' in result.stdout
    assert 'hunter2' not in result.stdout + result.stderr

    by_id = cli('run', KITCHEN, f'secret-changed:{secret.id}', '--state', 'in.json')
    assert by_id.returncode == 0, by_id.stderr
    assert 'active: secret refreshed' in by_id.stdout


def test_storage_event(cli: Cli):
    result = cli('run', KITCHEN, 'storage-attached:pantry')
    assert result.returncode == 0, result.stderr
    assert 'pantry attached at ' in result.stdout


def test_kubernetes_pebble_ready_and_a_check_failing(cli: Cli, tmp_path: pathlib.Path):
    ready = cli('run', HTTPBIN, 'pebble-ready:httpbin', '--out', 'ready.yaml')
    assert ready.returncode == 0, ready.stderr
    assert 'services:              httpbin' in ready.stdout
    state = read_state(tmp_path / 'ready.yaml')
    container = state.get_container('httpbin')
    assert container.can_connect
    assert 'httpbin' in container.layers
    assert {c.name for c in container.check_infos} == {'httpbin-ready'}

    failed = cli(
        'run',
        HTTPBIN,
        'pebble-check-failed:httpbin:httpbin-ready',
        '--state',
        'ready.yaml',
        '--out',
        'failed.yaml',
    )
    assert failed.returncode == 0, failed.stderr
    assert "check 'httpbin-ready' failing" in failed.stdout
    out = read_state(tmp_path / 'failed.yaml')
    assert out.unit_status.name == 'waiting'
