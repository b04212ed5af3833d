"""Containers on the simulated Pebble: files, exec, layers/services, checks, notices."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import ops
import pytest
from ops import pebble, testing
from ops.testing import errors

META = {'name': 'app', 'containers': {'workload': {}}}


class PebbleCharm(ops.CharmBase):
    """Runs a test-supplied function on pebble-ready."""

    action: Callable[[ops.Container], Any] = staticmethod(lambda c: None)  # type: ignore[assignment]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.workload_pebble_ready, self._ready)
        self.result: Any = None

    def _ready(self, event: ops.PebbleReadyEvent) -> None:
        self.result = type(self).action(event.workload)


def _run(
    action: Callable[[ops.Container], Any], container: testing.Container, **ctx_kwargs: Any
) -> tuple[Any, testing.State, testing.Context[Any]]:
    charm = type('PebbleCharm', (PebbleCharm,), {'action': staticmethod(action)})
    ctx = testing.Context(charm, meta=META, **ctx_kwargs)
    with ctx(ctx.on.pebble_ready(container), testing.State(containers=[container])) as mgr:
        out = mgr.run()
        return mgr.charm.result, out, ctx


def test_push_pull_and_filesystem_persists_after_run() -> None:
    container = testing.Container('workload', can_connect=True)

    def action(c: ops.Container) -> Any:
        c.push('/etc/app/config.ini', 'x=1\n', make_dirs=True)
        return c.pull('/etc/app/config.ini').read(), [f.name for f in c.list_files('/etc/app')]

    result, _, ctx = _run(action, container)
    assert result == ('x=1\n', ['config.ini'])
    root = container.get_filesystem(ctx)
    assert (root / 'etc' / 'app' / 'config.ini').read_text() == 'x=1\n'


def test_mounts(tmp_path: pathlib.Path) -> None:
    (tmp_path / 'seed.txt').write_text('seeded')
    container = testing.Container(
        'workload',
        can_connect=True,
        mounts={'data': testing.Mount(location='/data', source=tmp_path)},
    )

    def action(c: ops.Container) -> Any:
        content = c.pull('/data/seed.txt').read()
        c.push('/data/out.txt', 'written')
        return content

    result, _, _ = _run(action, container)
    assert result == 'seeded'
    assert (tmp_path / 'out.txt').read_text() == 'written'


def test_cannot_connect() -> None:
    container = testing.Container('workload', can_connect=False)

    def action(c: ops.Container) -> Any:
        with pytest.raises(
            pebble.ConnectionError, match='can_connect=True for container workload'
        ):
            c.get_services()
        return c.can_connect()

    result, _, _ = _run(action, container)
    assert result is False


def test_exec_mocks_and_history() -> None:
    container = testing.Container(
        'workload',
        can_connect=True,
        execs=[
            testing.Exec(['ls'], stdout='a\nb\n'),
            testing.Exec(['ls', '/missing'], return_code=2, stderr='no such dir'),
        ],
    )

    def action(c: ops.Container) -> Any:
        out, _ = c.exec(['ls', '-l'], environment={'A': '1'}, working_dir='/tmp').wait_output()
        with pytest.raises(pebble.ExecError) as info:
            c.exec(['ls', '/missing']).wait_output()
        proc = c.exec(['ls'], stdin='input')
        proc.wait()
        return out, info.value.exit_code, info.value.stderr

    result, _, ctx = _run(action, container)
    assert result == ('a\nb\n', 2, 'no such dir')
    history = ctx.exec_history['workload']
    assert [h.command for h in history] == [['ls', '-l'], ['ls', '/missing'], ['ls']]
    assert history[0].environment == {'A': '1'} and history[0].working_dir == '/tmp'
    assert history[1].stdin == ''
    assert history[2].stdin == 'input'
    assert isinstance(history[0], testing.ExecArgs)


def test_exec_without_a_mock() -> None:
    container = testing.Container('workload', can_connect=True)

    def action(c: ops.Container) -> Any:
        with pytest.raises(pebble.ExecError) as info:
            c.exec(['rm', '-rf', '/'])
        return info.value.exit_code, info.value.stderr

    (code, stderr), _, _ = _run(action, container)
    assert code == 127
    assert 'mock for cmd' in stderr and 'scenario.Exec' in stderr


LAYER = {
    'summary': 'base',
    'services': {'web': {'override': 'replace', 'command': '/bin/web', 'startup': 'enabled'}},
    'checks': {
        'alive': {'override': 'replace', 'level': 'alive', 'http': {'url': 'http://localhost'}}
    },
}


def test_layers_services_and_checks_in_output() -> None:
    container = testing.Container('workload', can_connect=True)

    def action(c: ops.Container) -> Any:
        c.add_layer('base', LAYER)
        c.replan()
        return c.get_service('web').is_running()

    result, out, _ = _run(action, container)
    assert result is True
    after = out.get_container('workload')
    assert set(after.layers) == {'base'}
    assert after.service_statuses['web'] == pebble.ServiceStatus.ACTIVE
    assert after.plan.services['web'].command == '/bin/web'
    check = after.get_check_info('alive')
    assert check.status == pebble.CheckStatus.UP
    assert check.level == pebble.CheckLevel.ALIVE
    # The input container is untouched.
    assert container.layers == {}


def test_service_statuses_from_state_and_stop() -> None:
    container = testing.Container(
        'workload',
        can_connect=True,
        layers={'base': pebble.Layer(LAYER)},  # type: ignore[arg-type]
        service_statuses={'web': pebble.ServiceStatus.ACTIVE},
    )

    def action(c: ops.Container) -> Any:
        running = c.get_service('web').is_running()
        c.stop('web')
        with pytest.raises(pebble.APIError):
            c.start('nope')
        return running

    result, out, _ = _run(action, container)
    assert result is True
    assert out.get_container('workload').service_statuses['web'] == pebble.ServiceStatus.INACTIVE


def test_notices_visible_to_the_charm() -> None:
    notice = testing.Notice('example.com/ready', last_data={'k': 'v'})
    container = testing.Container('workload', can_connect=True, notices=[notice])

    def action(c: ops.Container) -> Any:
        got = c.get_notices()
        return [(n.key, n.last_data) for n in got]

    result, _, _ = _run(action, container)
    assert result == [('example.com/ready', {'k': 'v'})]


def test_check_infos_visible_to_the_charm() -> None:
    info = testing.CheckInfo('alive', level='alive', status=pebble.CheckStatus.DOWN, failures=4)
    container = testing.Container(
        'workload',
        can_connect=True,
        layers={'base': pebble.Layer(LAYER)},
        check_infos=[info],  # type: ignore[arg-type]
    )

    def action(c: ops.Container) -> Any:
        check = c.get_checks()['alive']
        return check.status, check.failures

    result, _, _ = _run(action, container)
    assert result == (pebble.CheckStatus.DOWN, 4)


def test_container_missing_from_state_cannot_connect() -> None:
    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._start)
            self.connected: bool | None = None

        def _start(self, event: ops.StartEvent) -> None:
            self.connected = self.unit.get_container('workload').can_connect()

    ctx = testing.Context(Charm, meta=META)
    with ctx(ctx.on.start(), testing.State()) as mgr:
        mgr.run()
        assert mgr.charm.connected is False


def test_context_close_removes_the_temporary_directory() -> None:
    container = testing.Container('workload', can_connect=True)

    def action(c: ops.Container) -> Any:
        c.push('/x', 'y')

    _, _, ctx = _run(action, container)
    root = container.get_filesystem(ctx)
    assert root.exists()
    ctx.close()
    assert not root.exists()
    assert isinstance(errors.ContextSetupError('x'), RuntimeError)


def test_exec_history_kept_when_the_charm_fails() -> None:
    container = testing.Container('workload', can_connect=True, execs=[testing.Exec(['true'])])

    def action(c: ops.Container) -> Any:
        c.exec(['true']).wait()
        raise RuntimeError('after exec')

    charm = type('PebbleCharm', (PebbleCharm,), {'action': staticmethod(action)})
    ctx = testing.Context(charm, meta=META)
    with pytest.raises(errors.UncaughtCharmError):
        ctx.run(ctx.on.pebble_ready(container), testing.State(containers=[container]))
    assert [h.command for h in ctx.exec_history['workload']] == [['true']]


def test_removing_a_file_mount_unmounts_it_and_keeps_its_source(tmp_path: pathlib.Path) -> None:
    # grafana-agent-k8s and parca-k8s remove a CA file mounted into the container and
    # check that the directory is then empty, as it is with ops-scenario 8.9.
    source = tmp_path / 'host-ca.crt'
    source.write_text('cert')
    container = testing.Container(
        'workload',
        can_connect=True,
        mounts={'ca': testing.Mount(location='/certs/ca.crt', source=source)},
    )

    def action(c: ops.Container) -> Any:
        c.remove_path('/certs/ca.crt')
        return c.exists('/certs/ca.crt')

    result, out, ctx = _run(action, container)
    assert result is False
    fs = out.get_container('workload').get_filesystem(ctx)
    assert list((fs / 'certs').iterdir()) == []
    assert source.read_text() == 'cert'
