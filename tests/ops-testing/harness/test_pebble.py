"""Containers: connectivity, pebble-ready, the plan, files, exec handlers and notices."""

from __future__ import annotations

import datetime
import os
from typing import Any

import ops
import pytest
from ops import pebble, testing

LAYER = {
    'summary': 'web',
    'services': {'web': {'override': 'replace', 'command': '/bin/web', 'startup': 'enabled'}},
}


class Web(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.workload_pebble_ready, self._ready)
        framework.observe(self.on.workload_pebble_custom_notice, self._notice)
        self.notices: list[tuple[str, str]] = []

    def _ready(self, event: ops.PebbleReadyEvent) -> None:
        event.workload.add_layer('web', LAYER, combine=True)
        event.workload.replan()
        event.workload.push('/etc/web.conf', 'port=80\n', make_dirs=True)

    def _notice(self, event: ops.PebbleCustomNoticeEvent) -> None:
        self.notices.append((event.notice.key, event.notice.id))


META = 'name: web\ncontainers:\n  workload: {}\n'


@pytest.fixture
def web(make: Any) -> Any:
    harness = make(Web, meta=META)
    harness.begin()
    return harness


def test_containers_start_unreachable(web: Any) -> None:
    container = web.model.unit.get_container('workload')
    assert not container.can_connect()
    with pytest.raises(pebble.ConnectionError, match='set_can_connect'):
        container.get_plan()
    web.set_can_connect(container, True)
    assert container.can_connect()
    web.set_can_connect('workload', False)
    assert not container.can_connect()


def test_pebble_ready_runs_the_handler(web: Any) -> None:
    web.container_pebble_ready('workload')
    plan = web.get_container_pebble_plan('workload')
    assert plan.services['web'].command == '/bin/web'
    container = web.model.unit.get_container('workload')
    assert container.get_service('web').is_running()
    root = web.get_filesystem_root('workload')
    assert (root / 'etc/web.conf').read_text() == 'port=80\n'
    assert web.get_filesystem_root(container) == root


def test_container_files_stay_in_memory_until_the_root_is_asked_for(
    make: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unlike ops 3.9, a container's files are kept in memory until the test asks for the
    # directory: the charm's push (with make_dirs) makes nothing on disk.
    import tempfile

    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    harness = make(Web, meta=META)
    harness.begin()
    made: list[str] = []
    real_mkdir = os.mkdir

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        made.append(os.fspath(path))
        real_mkdir(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, 'mkdir', mkdir)
        harness.container_pebble_ready('workload')
    assert made == []
    container = harness.model.unit.get_container('workload')
    assert container.pull('/etc/web.conf').read() == 'port=80\n'
    assert not [p for p in tmp_path.rglob('*') if p.name.startswith('container-')]
    root = harness.get_filesystem_root('workload')
    assert root.is_dir() and root.is_relative_to(tmp_path)
    assert (root / 'etc/web.conf').read_text() == 'port=80\n'
    assert (root / 'etc/web.conf').stat().st_mode & 0o777 == 0o644
    assert (root / 'etc').stat().st_mode & 0o777 == 0o755
    harness.cleanup()
    assert not any(tmp_path.iterdir())


def test_pebble_ready_before_begin_does_nothing(make: Any) -> None:
    harness = make(Web, meta=META)
    harness.container_pebble_ready('workload')
    assert not harness.model.unit.get_container('workload').can_connect()


def test_files_written_by_the_test_are_seen_by_the_charm(web: Any) -> None:
    web.set_can_connect('workload', True)
    root = web.get_filesystem_root('workload')
    (root / 'srv').mkdir()
    (root / 'srv/data.txt').write_text('hello')
    assert web.model.unit.get_container('workload').pull('/srv/data.txt').read() == 'hello'


def test_unknown_container(web: Any) -> None:
    with pytest.raises(KeyError):
        web.get_container_pebble_plan('nope')
    with pytest.raises(ops.ModelError):
        web.set_can_connect('nope', True)


def test_handle_exec_with_results(web: Any) -> None:
    web.set_can_connect('workload', True)
    container = web.model.unit.get_container('workload')
    web.handle_exec('workload', ['ls'], result='a\nb\n')
    web.handle_exec('workload', ['ls', '-l'], result=testing.ExecResult(stdout='long\n'))
    web.handle_exec(container, ['false'], result=1)
    web.handle_exec('workload', ['cat'], result=b'bytes')
    assert container.exec(['ls', '/']).wait_output() == ('a\nb\n', '')
    assert container.exec(['ls', '-l', '/']).wait_output()[0] == 'long\n'  # longest prefix
    assert container.exec(['cat', 'x']).wait_output()[0] == 'bytes'
    with pytest.raises(pebble.ExecError) as exc_info:
        container.exec(['false']).wait()
    assert exc_info.value.exit_code == 1
    web.handle_exec('workload', ['ls'], result='replaced')
    assert container.exec(['ls']).wait_output()[0] == 'replaced'


def test_handle_exec_with_a_handler(web: Any) -> None:
    web.set_can_connect('workload', True)
    calls: list[testing.ExecArgs] = []

    def handler(args: testing.ExecArgs) -> testing.ExecResult | None:
        calls.append(args)
        if args.command[1:] == ['quiet']:
            return None
        return testing.ExecResult(exit_code=0, stdout=f'env={args.environment["A"]}', stderr='w')

    web.handle_exec('workload', ['tool'], handler=handler)
    container = web.model.unit.get_container('workload')
    out, err = container.exec(
        ['tool', 'run'], environment={'A': '1'}, working_dir='/tmp', user='bob', stdin='in'
    ).wait_output()
    assert (out, err) == ('env=1', 'w')
    assert container.exec(['tool', 'quiet']).wait_output() == ('', '')
    first = calls[0]
    assert first.command == ['tool', 'run']
    assert first.working_dir == '/tmp' and first.user == 'bob'
    assert first.stdin == 'in' and first.encoding == 'utf-8'


def test_handle_exec_timeout(web: Any) -> None:
    web.set_can_connect('workload', True)

    def slow(args: testing.ExecArgs) -> None:
        raise TimeoutError

    web.handle_exec('workload', ['sleep'], handler=slow)
    process = web.model.unit.get_container('workload').exec(['sleep', '10'], timeout=1)
    with pytest.raises(pebble.TimeoutError):
        process.wait()


def test_handle_exec_argument_errors(web: Any) -> None:
    with pytest.raises(TypeError, match='not both'):
        web.handle_exec('workload', ['ls'])
    with pytest.raises(TypeError, match='not both'):
        web.handle_exec('workload', ['ls'], handler=lambda a: None, result=0)


def test_unhandled_exec(web: Any) -> None:
    web.set_can_connect('workload', True)
    with pytest.raises(pebble.APIError, match='handle_exec'):
        web.model.unit.get_container('workload').exec(['nothing'])


def test_pebble_notify_emits_custom_notice(web: Any) -> None:
    web.set_can_connect('workload', True)
    first = web.pebble_notify('workload', 'example.com/a', data={'k': 'v'})
    again = web.pebble_notify('workload', 'example.com/a')
    assert first == again
    web.pebble_notify('workload', 'example.com/b', repeat_after=datetime.timedelta(hours=1))
    web.pebble_notify('workload', 'example.com/b', repeat_after=datetime.timedelta(hours=1))
    assert [key for key, _ in web.charm.notices] == [
        'example.com/a',
        'example.com/a',
        'example.com/b',
    ]
    notice = web.model.unit.get_container('workload').get_notice(first)
    assert notice.last_data == {}  # the latest occurrence carried no data
    assert notice.occurrences == 2
    web.pebble_notify('workload', 'example.com/a', data={'k': 'v'})
    assert web.model.unit.get_container('workload').get_notice(first).last_data == {'k': 'v'}


class Checked(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.workload_pebble_ready, self._ready)
        framework.observe(self.on.workload_pebble_check_failed, self._failed)
        framework.observe(self.on.workload_pebble_check_recovered, self._recovered)
        self.checks: list[tuple[str, str]] = []

    def _ready(self, event: ops.PebbleReadyEvent) -> None:
        event.workload.add_layer(
            'checks',
            {'checks': {'alive': {'override': 'replace', 'exec': {'command': 'true'}}}},
        )

    def _failed(self, event: ops.PebbleCheckFailedEvent) -> None:
        self.checks.append(('failed', event.info.name))

    def _recovered(self, event: ops.PebbleCheckRecoveredEvent) -> None:
        self.checks.append(('recovered', event.info.name))


def test_change_update_notice_of_a_check_emits_check_failed(make: Any) -> None:
    harness = make(Checked, meta=META)
    harness.begin()
    harness.container_pebble_ready('workload')
    container = harness.model.unit.get_container('workload')
    running = container.get_check('alive').change_id
    harness.pebble_notify('workload', running, type=pebble.NoticeType.CHANGE_UPDATE)
    assert harness.charm.checks == []  # the check has not failed
    simulated = harness._pebble_model('workload')  # the simulated Pebble behind the container
    for _ in range(3):
        simulated.record_check_result('alive', ok=False)
    harness.pebble_notify('workload', running, type=pebble.NoticeType.CHANGE_UPDATE)
    assert harness.charm.checks == [('failed', 'alive')]
    recovering = container.get_check('alive').change_id
    simulated.record_check_result('alive', ok=True)
    harness.pebble_notify('workload', recovering, type=pebble.NoticeType.CHANGE_UPDATE)
    assert harness.charm.checks == [('failed', 'alive'), ('recovered', 'alive')]
