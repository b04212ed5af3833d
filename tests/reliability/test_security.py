"""Secrets stay secret, files stay private, relation data access rules hold everywhere.

* A charm run by its real ``dispatch`` adds, updates, reads and consumes secrets, logs
  every object it can at every level (with ``JUJU_DEBUG`` and ``OPS_JUJU_LOG_LEVEL=DEBUG``),
  provokes refused secret content and a failing ``secret-set``; the secret values are then
  searched for in ``juju-log`` lines, stdout/stderr, hook tool argv and stdin, the reprs it
  recorded and the ``.unit-state.db`` bytes. The same charm under ``Context``: logs, reprs
  and ``ctx.juju_log``.
* The temporary files that hand secret content to ``secret-add``/``secret-set`` are mode
  0600 in a 0700 directory while the tool runs, and gone afterwards.
* ``ExecError`` names only ``argv[0]``; exec arguments and environment values reach no log.
* ``.unit-state.db`` is mode 0600, and made so again if someone loosened it.
* Relation data access rules (leader-only app data, read-only remote data) hold the same in
  production (``dispatch``), ``Context`` and ``Harness``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ops_pebble
import pytest
import yaml
from ops import testing

from tests.reliability.conftest import CHARMS, METADATA, Charm
from tests.reliability.test_pebble_faults import ServerProcess, pebble, workdir  # noqa: F401

SECRETS = {
    'REL_SECRET_1': 'alpha-Zq81-topsecret',
    'REL_SECRET_2': 'bravo-Xk22-topsecret',
    'REL_SECRET_3': 'charlie-Pw93-topsecret',
    'REL_SECRET_4': 'delta-Lm44-topsecret',
}
DEBUG_ENV = {'JUJU_DEBUG': '1', 'OPS_JUJU_LOG_LEVEL': 'DEBUG'}

WRAPPER = """#!/bin/sh
for arg in "$@"; do
    case "$arg" in
        *'#file='*)
            f="${{arg#*#file=}}"
            echo "$(stat -c %a "$f") $(stat -c %a "$(dirname "$f")") $f" >> '{log}'
            ;;
    esac
done
exec '{bin}'/"$(basename "$0")" "$@"
"""


def _leaks(haystacks: dict[str, str]) -> list[str]:
    return [
        f'{value!r} found in {where}'
        for where, text in haystacks.items()
        for value in SECRETS.values()
        if value in text
    ]


@pytest.fixture
def secrets_run(
    charm_factory: Any, tmp_path: Path
) -> Iterator[tuple[Charm, dict[str, str], Path]]:
    charm: Charm = charm_factory('secrets_charm.py')
    charm.juju.state.set_leader(True)
    # Wrap the secret tools: record the mode of every content file while the tool runs.
    wrap_dir, modes = tmp_path / 'wrap', tmp_path / 'modes.txt'
    wrap_dir.mkdir()
    for tool in ('secret-add', 'secret-set'):
        script = wrap_dir / tool
        script.write_text(WRAPPER.format(log=modes, bin=charm.juju.bin_dir))
        script.chmod(0o755)
    env = {**SECRETS, **DEBUG_ENV, 'PATH': f'{wrap_dir}:{charm.juju.env()["PATH"]}'}
    outputs: dict[str, str] = {}
    for hook, extra in [('install', {}), ('update-status', {})]:
        result = charm.run(hook, **env, **extra)
        assert result.returncode == 0, result.stderr
        outputs[f'{hook} stdout'], outputs[f'{hook} stderr'] = result.stdout, result.stderr
    # A failing secret-set (uncaught ModelError, traceback logged).
    charm.juju.state.fail('secret-set', code=1, stderr='ERROR permission denied')
    result = charm.run('update-status', **env, REL_FAIL_SET='1')
    assert result.returncode != 0
    outputs['failed stdout'], outputs['failed stderr'] = result.stdout, result.stderr
    # The consumer side: a secret from another application changes.
    uri = charm.juju.state.add_secret(
        {'token': SECRETS['REL_SECRET_1']},
        owner='remote',
        revisions=[{'token': SECRETS['REL_SECRET_4']}],
    )
    result = charm.run(
        'secret-changed', **env, JUJU_SECRET_ID=uri, JUJU_SECRET_LABEL='', JUJU_SECRET_REVISION='2'
    )
    assert result.returncode == 0, result.stderr
    outputs['consumer stdout'], outputs['consumer stderr'] = result.stdout, result.stderr
    yield charm, outputs, modes


def test_secret_values_reach_no_log_repr_error_argv_or_state_file(
    secrets_run: tuple[Charm, dict[str, str], Path],
) -> None:
    charm, outputs, _ = secrets_run
    calls = charm.juju.calls()
    assert {'secret-add', 'secret-set', 'secret-get', 'secret-info-get'} <= {c.tool for c in calls}
    assert any('Uncaught exception' in m for _, m in charm.juju.juju_logs())
    assert any(r.get('label') == 'error' for r in charm.records())
    assert any(r.get('label') == 'consumer-keys' for r in charm.records())
    haystacks = dict(outputs)
    haystacks['juju-log'] = charm.juju_log_text()
    haystacks['hook tool argv'] = '\n'.join(' '.join(c.argv) for c in calls)
    haystacks['hook tool stdin'] = '\n'.join(c.stdin or '' for c in calls)
    haystacks['reprs and errors'] = charm.record_path.read_text()
    haystacks['.unit-state.db'] = charm.state_db.read_bytes().decode('latin-1')
    assert len(haystacks['juju-log']) > 2000  # the search really had something to search
    assert _leaks(haystacks) == []


def test_secret_content_files_are_private_and_removed(
    secrets_run: tuple[Charm, dict[str, str], Path],
) -> None:
    _, _, modes = secrets_run
    lines = modes.read_text().splitlines()
    assert len(lines) >= 4  # two keys each for secret-add and secret-set (and the failed one)
    for line in lines:
        file_mode, dir_mode, path = line.split(' ', 2)
        assert (file_mode, dir_mode) == ('600', '700'), line
        assert not os.path.exists(path), f'{path} was left behind'
        assert not os.path.exists(os.path.dirname(path))


def _every_repr(value: Any) -> Iterator[str]:
    """``repr`` and ``str`` of every State component in ``value``, nested ones too."""
    if dataclasses.is_dataclass(value):
        yield repr(value)
        yield str(value)
        for field in dataclasses.fields(value):
            yield from _every_repr(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _every_repr(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _every_repr(item)


def test_secret_values_reach_no_log_or_repr_under_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in SECRETS.items():
        os.environ[name] = value
    try:
        spec = importlib.util.spec_from_file_location('secrets_charm', CHARMS / 'secrets_charm.py')
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        os.environ['TEST_RECORD'] = os.devnull
        spec.loader.exec_module(module)
        ctx = testing.Context(module.SecretsCharm, meta=yaml.safe_load(METADATA))
        with caplog.at_level(logging.DEBUG):
            credential = testing.CloudCredential(
                auth_type='userpass', attributes={'password': SECRETS['REL_SECRET_4']}
            )
            model = testing.Model(cloud_spec=testing.CloudSpec('lxd', credential=credential))
            out = ctx.run(ctx.on.install(), testing.State(leader=True, model=model))
            out = ctx.run(ctx.on.update_status(), out)
    finally:
        for name in [*SECRETS, 'TEST_RECORD']:
            os.environ.pop(name, None)
    assert len(out.secrets) == 1
    haystacks = {
        'log records': '\n'.join(r.getMessage() for r in caplog.records),
        'ctx.juju_log': '\n'.join(line.message for line in ctx.juju_log),
        'state reprs': '\n'.join(_every_repr(out)),
    }
    assert 'Secret(tracked_content=' in haystacks['state reprs']
    assert 'CloudCredential(' in haystacks['state reprs']
    assert 'refused secret content' in haystacks['log records']
    assert _leaks(haystacks) == []


def test_exec_error_names_only_argv0_and_nothing_secret_is_logged(
    pebble: ServerProcess,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = ops_pebble.Client(pebble.socket_path, timeout=3)
    with caplog.at_level(logging.DEBUG):
        process = client.exec(
            ['sh', '-c', 'test -n "$PASSWORD" && exit 3', SECRETS['REL_SECRET_1']],
            environment={'PASSWORD': SECRETS['REL_SECRET_2']},
        )
        with pytest.raises(ops_pebble.ExecError) as info:
            process.wait_output()
    client.close()
    error = info.value
    assert error.exit_code == 3
    assert "executing 'sh'" in str(error)
    haystacks = {
        'str(ExecError)': str(error),
        'repr(ExecError)': repr(error),
        'log records': '\n'.join(r.getMessage() for r in caplog.records),
    }
    assert _leaks(haystacks) == []


def test_state_file_is_private(charm_factory: Any) -> None:
    charm: Charm = charm_factory('tools_charm.py')
    assert charm.run().returncode == 0
    assert stat.S_IMODE(charm.state_db.stat().st_mode) == 0o600
    charm.state_db.chmod(0o644)
    assert charm.run().returncode == 0
    assert stat.S_IMODE(charm.state_db.stat().st_mode) == 0o600


# -- relation data access rules, the same in all three ------------------------------------------

EXPECTED = {
    False: {'write-remote-app': 'denied', 'write-remote-unit': 'denied', 'write-own-app': 'denied',
            'write-own-unit': 'ok', 'read-own-app': 'denied', 'read-remote-app': 'ok'},
    True: {'write-remote-app': 'denied', 'write-remote-unit': 'denied', 'write-own-app': 'ok',
           'write-own-unit': 'ok', 'read-own-app': 'ok', 'read-remote-app': 'ok'},
}  # fmt: skip


def _access_module() -> Any:
    spec = importlib.util.spec_from_file_location('access_charm', CHARMS / 'access_charm.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('leader', [False, True], ids=['follower', 'leader'])
def test_relation_access_rules_in_production(charm_factory: Any, leader: bool) -> None:
    charm: Charm = charm_factory('access_charm.py')
    charm.juju.state.set_leader(leader)
    charm.juju.state.add_relation('db', 'pg', units=['pg/0'], remote_app_data={'host': 'h'})
    result = charm.run()
    assert result.returncode == 0, result.stderr
    assert dict(charm.records()[-1]) == EXPECTED[leader]
    rel = charm.juju.state.relation(0)
    assert rel['remote_app_data'] == {'host': 'h'}  # nothing reached the remote side
    assert rel['remote_units_data']['pg/0'] == {}
    assert rel['local_app_data'] == ({'k': 'v'} if leader else {})


@pytest.mark.parametrize('leader', [False, True], ids=['follower', 'leader'])
def test_relation_access_rules_in_context(leader: bool) -> None:
    module = _access_module()
    ctx = testing.Context(module.AccessCharm, meta=yaml.safe_load(METADATA))
    relation = testing.Relation('db', remote_app_data={'host': 'h'}, remote_units_data={0: {}})
    out = ctx.run(ctx.on.update_status(), testing.State(leader=leader, relations=[relation]))
    assert dict(module.RESULTS) == EXPECTED[leader]
    rel_out = out.get_relation(relation.id)
    assert rel_out.remote_app_data == {'host': 'h'}
    assert rel_out.local_app_data == ({'k': 'v'} if leader else {})


@pytest.mark.filterwarnings('ignore::PendingDeprecationWarning')
@pytest.mark.parametrize('leader', [False, True], ids=['follower', 'leader'])
def test_relation_access_rules_in_harness(leader: bool) -> None:
    module = _access_module()
    harness = testing.Harness(module.AccessCharm, meta=METADATA)
    try:
        harness.set_leader(leader)
        rel_id = harness.add_relation('db', 'pg', app_data={'host': 'h'})
        harness.add_relation_unit(rel_id, 'pg/0')
        harness.begin()
        harness.charm.on.update_status.emit()
        assert dict(module.RESULTS) == EXPECTED[leader]
        assert harness.get_relation_data(rel_id, 'pg') == {'host': 'h'}
        assert harness.get_relation_data(rel_id, 'pg/0') == {}
    finally:
        harness.cleanup()


def test_the_charm_module_does_not_leak_into_sys_modules() -> None:
    assert 'access_charm' not in sys.modules and 'secrets_charm' not in sys.modules
