"""The shared fake Juju's own conveniences that other test suites rely on."""

from __future__ import annotations

import os
import subprocess

from tests.helpers.fakejuju import TOOL_NAMES, FakeJuju


def test_every_tool_is_installed(fake_juju: FakeJuju) -> None:
    for name in TOOL_NAMES:
        assert os.access(fake_juju.bin_dir / name, os.X_OK), name


def test_hook_env_for_relation_and_action(fake_juju: FakeJuju) -> None:
    rel = fake_juju.state.add_relation('db', 'pg', units=['pg/0'])
    env = fake_juju.hook_env(
        'db-relation-departed', relation_id=rel, remote_unit='pg/0', departing_unit='pg/0'
    )
    assert env['JUJU_DISPATCH_PATH'] == 'hooks/db-relation-departed'
    assert env['JUJU_HOOK_NAME'] == 'db-relation-departed'
    assert (env['JUJU_RELATION'], env['JUJU_RELATION_ID'], env['JUJU_REMOTE_APP']) == (
        'db',
        f'db:{rel}',
        'pg',
    )
    assert env['JUJU_DEPARTING_UNIT'] == 'pg/0'
    fake_juju.state.set_action('backup', {'n': 1})
    env = fake_juju.hook_env('actions/backup')
    assert (env['JUJU_DISPATCH_PATH'], env['JUJU_ACTION_NAME'], env['JUJU_HOOK_NAME']) == (
        'actions/backup',
        'backup',
        '',
    )
    assert fake_juju.state.get('action')['params'] == {'n': 1}


def test_relation_list_in_departed_hook_via_subprocess(fake_juju: FakeJuju) -> None:
    rel = fake_juju.state.add_relation('db', 'pg', units=['pg/0', 'pg/1'])
    env = {
        **os.environ,
        **fake_juju.hook_env('db-relation-departed', relation_id=rel, departing_unit='pg/1'),
    }
    out = subprocess.run(
        ['relation-list', '--format=json'],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert out.stdout.strip() == '["pg/0"]'


def test_state_get_smart_format_returns_raw_stored_text(fake_juju: FakeJuju) -> None:
    env = {**os.environ, **fake_juju.env()}
    subprocess.run(
        ['state-set', '--file', '-'],
        input='"key": |\n  {foo: 2}\n',
        env=env,
        text=True,
        timeout=30,
        check=True,
    )
    out = subprocess.run(
        ['state-get', 'key'], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    assert out.stdout.strip() == '{foo: 2}'
    missing = subprocess.run(
        ['state-get', 'nope'], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    assert missing.stdout == ''


def test_unknown_flag_is_a_usage_error(fake_juju: FakeJuju) -> None:
    env = {**os.environ, **fake_juju.env()}
    out = subprocess.run(
        ['is-leader', '--bogus'], env=env, capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 2
    assert out.stderr == 'ERROR flag provided but not defined: --bogus\n'
    assert fake_juju.calls()[0].argv == ['is-leader', '--bogus']


def test_fail_times_limits_injected_failures(fake_juju: FakeJuju) -> None:
    env = {**os.environ, **fake_juju.env()}
    fake_juju.state.fail('is-leader', code=1, stderr='ERROR flaky', times=1)
    first = subprocess.run(
        ['is-leader', '--format=json'], env=env, capture_output=True, text=True, timeout=30
    )
    second = subprocess.run(
        ['is-leader', '--format=json'], env=env, capture_output=True, text=True, timeout=30
    )
    assert (first.returncode, first.stderr) == (1, 'ERROR flaky\n')
    assert (second.returncode, second.stdout) == (0, 'false\n')
