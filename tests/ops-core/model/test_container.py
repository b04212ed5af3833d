"""Container over a real ops_pebble.Client talking to the project's Pebble test server."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import tempfile
from collections.abc import Iterator

import ops_pebble
import pytest
from ops_core.model import Container, LazyCheckInfo, LazyNotice, ModelError, MultiPushPullError
from ops_testing._pebble import PebbleModel, PebbleServer

from .conftest import ModelJuju

LAYER = """
summary: test
services:
  web:
    override: replace
    command: sleep 1000
    startup: enabled
checks:
  alive:
    override: replace
    level: alive
    exec: {command: 'true'}
"""


@pytest.fixture
def pebble(request: pytest.FixtureRequest) -> Iterator[tuple[PebbleModel, PebbleServer]]:
    workdir = tempfile.mkdtemp(prefix='pbc-', dir='/tmp')  # short: unix socket path limit
    in_memory = getattr(request, 'param', 'disk') == 'memory'  # the Harness's files
    model = PebbleModel(os.path.join(workdir, 'root'), name='work', in_memory_files=in_memory)
    try:
        with PebbleServer(model, os.path.join(workdir, 'pebble.socket'), change_delay=0.01) as srv:
            yield model, srv
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def container(pebble: tuple[PebbleModel, PebbleServer], juju: ModelJuju) -> Iterator[Container]:
    client = ops_pebble.Client(pebble[1].socket_path, timeout=5.0)
    yield Container('work', juju.recorder, client)
    client.close()


def test_can_connect(
    container: Container, juju: ModelJuju, caplog: pytest.LogCaptureFixture
) -> None:
    assert container.can_connect() is True
    missing = Container('gone', juju.recorder, ops_pebble.Client('/tmp/no-such-dir/pebble.socket'))
    with caplog.at_level('DEBUG', logger='ops'):
        assert missing.can_connect() is False
    # Logged from ops.model, as ops 3.9 does: tests that capture the 'ops' logger see it.
    assert [(r.name, r.levelname) for r in caplog.records] == [('ops.model', 'DEBUG')]
    assert 'Pebble API is not ready' in caplog.text


def test_default_client_is_created_lazily_on_the_juju_socket(juju: ModelJuju) -> None:
    container = Container('work', juju.recorder)
    assert container._client is None
    client = container.pebble
    assert isinstance(client, ops_pebble.Client)
    assert client.socket_path == '/charm/containers/work/pebble.socket'


@pytest.mark.parametrize('pebble', ['disk', 'memory'], indirect=True)
def test_files(container: Container, pebble: tuple[PebbleModel, PebbleServer]) -> None:
    container.push('/etc/app/conf.json', json.dumps({'a': 1}), make_dirs=True, permissions=0o600)
    assert json.loads(container.pull('/etc/app/conf.json').read()) == {'a': 1}
    assert container.pull('/etc/app/conf.json', encoding=None).read() == b'{"a": 1}'
    assert container.exists('/etc/app/conf.json') and not container.isdir('/etc/app/conf.json')
    assert container.isdir('/etc/app') and not container.exists('/nope')
    assert [f.name for f in container.list_files('/etc/app')] == ['conf.json']
    container.make_dir('/var/x/y', make_parents=True)
    container.remove_path('/var/x', recursive=True)
    assert not container.exists('/var/x')
    with pytest.raises(ops_pebble.PathError):
        container.pull('/missing')


@pytest.mark.parametrize('pebble', ['disk', 'memory'], indirect=True)
def test_push_path_and_pull_path_round_trip(container: Container, tmp_path: pathlib.Path) -> None:
    src = tmp_path / 'src'
    (src / 'foo' / 'bar').mkdir(parents=True)
    (src / 'foo' / 'bar' / 'baz.txt').write_text('baz')
    (src / 'foo' / 'foobar.txt').write_text('foobar')
    (src / 'quux.txt').write_text('quux')
    (src / 'foo' / 'link').symlink_to(src / 'quux.txt')

    container.push_path(src / 'foo', '/dst')
    container.push_path([str(src / 'foo') + '/*', src / 'quux.txt'], '/flat')
    assert container.pull('/dst/foo/bar/baz.txt').read() == 'baz'
    assert not container.exists('/dst/foo/link')  # symlinks are skipped
    assert container.pull('/flat/bar/baz.txt').read() == 'baz'
    assert container.pull('/flat/quux.txt').read() == 'quux'

    out = tmp_path / 'out'
    container.pull_path('/dst/foo', out)
    container.pull_path('/flat/*', out / 'flat')
    assert (out / 'foo' / 'bar' / 'baz.txt').read_text() == 'baz'
    assert (out / 'foo' / 'foobar.txt').read_text() == 'foobar'
    assert (out / 'flat' / 'quux.txt').read_text() == 'quux'


@pytest.mark.parametrize('pebble', ['disk', 'memory'], indirect=True)
def test_push_path_reports_every_failure_at_the_end(
    container: Container, tmp_path: pathlib.Path
) -> None:
    (tmp_path / 'ok.txt').write_text('ok')
    with pytest.raises(MultiPushPullError) as exc:
        container.push_path([tmp_path / 'missing.txt', tmp_path / 'ok.txt'], '/dst')
    assert [path for path, _ in exc.value.errors] == [str(tmp_path / 'missing.txt')]
    assert container.pull('/dst/ok.txt').read() == 'ok'  # the good file was still pushed
    with pytest.raises(MultiPushPullError):
        container.pull_path('/nope', tmp_path / 'out')


def test_services_and_plan(container: Container) -> None:
    container.add_layer('base', LAYER)
    assert list(container.get_plan().services) == ['web']
    container.replan()
    assert container.get_service('web').is_running()
    container.stop('web')
    assert not container.get_service('web').is_running()
    container.start('web')
    container.restart('web')
    assert set(container.get_services()) == {'web'}
    with pytest.raises(ModelError, match="service 'nope' not found"):
        container.get_service('nope')
    with pytest.raises(TypeError, match='expected at least 1 argument'):
        container.start()
    container.stop('web')


def test_checks_and_security_event(container: Container, juju: ModelJuju) -> None:
    container.add_layer('base', LAYER)
    container.replan()
    assert container.get_check('alive').name == 'alive'
    assert set(container.get_checks()) == {'alive'}
    assert container.stop_checks('alive') == ['alive']
    assert container.stop_checks('alive') == []  # already stopped: nothing logged again
    events = [json.loads(m) for level, m in juju.juju_logs() if level == 'TRACE']
    assert [e['event'] for e in events] == ['sys_monitor_disabled:myapp/0,alive']
    assert container.start_checks('alive') == ['alive']
    lazy = LazyCheckInfo(container, 'alive')
    assert lazy.name == 'alive' and lazy.level == ops_pebble.CheckLevel.ALIVE
    with pytest.raises(ModelError, match="check 'nope' not found"):
        container.get_check('nope')
    container.stop('web')


def test_notices(container: Container, pebble: tuple[PebbleModel, PebbleServer]) -> None:
    notice_id, _ = pebble[0].add_notice('custom', 'example.com/a', data={'k': 'v'})
    lazy = LazyNotice(container, notice_id, 'custom', 'example.com/a')
    assert lazy.type is ops_pebble.NoticeType.CUSTOM
    assert (
        repr(lazy) == f"LazyNotice(id='{notice_id}', type=NoticeType.CUSTOM, key='example.com/a')"
    )
    assert repr(LazyNotice(container, '9', 'x.y/other', 'k')) == (
        "LazyNotice(id='9', type='x.y/other', key='k')"
    )
    assert lazy.last_data == {'k': 'v'}
    assert [n.key for n in container.get_notices()] == ['example.com/a']
    with pytest.raises(ModelError, match='not found'):
        container.get_notice('12345')


def test_exec_runs_a_real_process(container: Container) -> None:
    process = container.exec(['echo', 'hello'])
    stdout, _ = process.wait_output()
    assert stdout == 'hello\n'


def test_exec_service_context_needs_a_recent_juju(container: Container, juju: ModelJuju) -> None:
    juju.set_juju_version('3.1.5')
    with pytest.raises(RuntimeError, match='service_context needs Juju 3.1.6'):
        container.exec(['true'], service_context='web')


class _OldPebbleClient(ops_pebble.Client):
    """A real client whose server predates the "restart" action (Pebble answers 400)."""

    def restart_services(
        self, services: object, timeout: float = 30.0, delay: float = 0.1
    ) -> ops_pebble.ChangeID:
        raise ops_pebble.APIError({}, 400, 'Bad Request', 'unknown action "restart"')


def test_restart_falls_back_to_stop_and_start_on_old_pebble(
    pebble: tuple[PebbleModel, PebbleServer], juju: ModelJuju
) -> None:
    client = _OldPebbleClient(pebble[1].socket_path, timeout=5.0)
    container = Container('work', juju.recorder, client)
    container.add_layer('base', LAYER)
    container.replan()
    container.restart('web')
    assert container.get_service('web').is_running()
    kinds = [c['kind'] for c in pebble[0].list_changes('all')]
    assert kinds[-2:] == ['stop', 'start']
    container.stop('web')
    client.close()
