"""Info types from the API's JSON, errors' messages, time and duration formats."""

from __future__ import annotations

import datetime
import pickle

import ops_pebble
import pytest
from ops_pebble._timeconv import (
    format_duration,
    format_go_duration,
    parse_duration,
    parse_timestamp,
)

CHANGE = {
    'id': '70',
    'kind': 'exec',
    'summary': 'Execute command "ls"',
    'status': 'Error',
    'ready': True,
    'err': 'boom',
    'spawn-time': '2024-12-27T10:08:14.399194229+08:00',
    'ready-time': '2024-12-27T10:08:15Z',
    'tasks': [
        {
            'id': '71', 'kind': 'exec', 'summary': 's', 'status': 'Error',
            'log': ['line one', 'line two'],
            'progress': {'label': '', 'done': 1, 'total': 1},
            'spawn-time': '2024-12-27T10:08:14Z', 'data': {'exit-code': 3},
        }
    ],
}  # fmt: skip


def test_timestamps_parse_with_zones_and_nanoseconds() -> None:
    t = parse_timestamp('2024-12-27T10:08:14.399194229+08:00')
    assert t.microsecond == 399194
    assert t.utcoffset() == datetime.timedelta(hours=8)
    assert parse_timestamp('2024-01-02T03:04:05Z').tzinfo == datetime.timezone.utc
    assert parse_timestamp('2024-01-02T03:04:05.9999999Z').microsecond == 999999
    with pytest.raises(ValueError, match='invalid timestamp'):
        parse_timestamp('yesterday')


@pytest.mark.parametrize(
    ('text', 'seconds'),
    [
        ('300ms', 0.3),
        ('1.5h', 5400),
        ('72h3m0.5s', 259380.5),
        ('0', 0),
        ('168h0m0s', 604800),
        ('2µs', 2e-6),
    ],
)
def test_durations_parse(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_bad_durations_are_rejected() -> None:
    for bad in ('5', '5x', 'ms', '1h2'):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_duration_formats() -> None:
    assert format_duration(30) == '30.000s'
    assert format_go_duration(604800) == '168h0m0s'
    assert parse_duration(format_go_duration(3725.5)) == pytest.approx(3725.5)


def test_change_and_task_from_dict() -> None:
    change = ops_pebble.Change.from_dict(CHANGE)
    assert isinstance(change.id, ops_pebble.ChangeID)
    assert change.ready and change.err == 'boom'
    task = change.tasks[0]
    assert isinstance(task.id, ops_pebble.TaskID)
    assert task.data == {'exit-code': 3}
    assert task.progress == ops_pebble.TaskProgress('', 1, 1)
    assert change.spawn_time.microsecond == 399194
    assert change == ops_pebble.Change.from_dict(CHANGE)


def test_change_error_message_appends_task_logs() -> None:
    change = ops_pebble.Change.from_dict(CHANGE)
    err = ops_pebble.ChangeError('boom', change)
    assert str(err) == 'boom\n----- Logs from task 0 -----\nline one\nline two\n-----'
    assert err.change is change


def test_error_types_and_messages() -> None:
    assert issubclass(ops_pebble.TimeoutError, TimeoutError)
    assert issubclass(ops_pebble.TimeoutError, ops_pebble.Error)
    e = ops_pebble.APIError({'result': {}}, 404, 'Not Found', 'no such thing')
    assert (str(e), e.code, e.status) == ('no such thing', 404, 'Not Found')
    assert str(ops_pebble.PathError('not-found', 'x missing')) == 'not-found - x missing'


def test_exec_error_names_only_argv0_and_truncates_output() -> None:
    err = ops_pebble.ExecError(['mysql', '--password=s3cret'], 2, 'o' * 2000, None)
    text = str(err)
    assert text.startswith("non-zero exit code 2 executing 'mysql', stdout='")
    assert 's3cret' not in text and 's3cret' not in repr(err)
    assert text.endswith(' [truncated]')
    assert len(text) < 1100


def test_service_check_file_notice_identity_infos() -> None:
    svc = ops_pebble.ServiceInfo.from_dict(
        {'name': 's', 'startup': 'enabled', 'current': 'backoff'}
    )
    assert svc.startup is ops_pebble.ServiceStartup.ENABLED
    assert svc.current == 'backoff' and not svc.is_running()
    chk = ops_pebble.CheckInfo.from_dict(
        {
            'name': 'c',
            'level': '',
            'status': 'up',
            'startup': 'enabled',
            'failures': 1,
            'threshold': 3,
        }
    )
    assert chk.level is ops_pebble.CheckLevel.UNSET
    assert chk.status is ops_pebble.CheckStatus.INACTIVE  # no change id: not running
    assert chk.successes is None
    with pytest.raises(NotImplementedError, match='1.23'):
        chk.has_run  # noqa: B018
    info = ops_pebble.FileInfo.from_dict(
        {'path': '/a', 'name': 'a', 'type': 'file', 'size': 3, 'permissions': '644',
         'last-modified': '2024-01-01T00:00:00Z', 'user-id': 0, 'user': 'root',
         'group-id': 0, 'group': 'root'}
    )  # fmt: skip
    assert info.permissions == 0o644 and info.type is ops_pebble.FileType.FILE
    notice = ops_pebble.Notice.from_dict(
        {'id': '1', 'user-id': None, 'type': 'custom', 'key': 'a.com/b',
         'first-occurred': '2024-01-01T00:00:00Z', 'last-occurred': '2024-01-01T00:00:00Z',
         'last-repeated': '2024-01-01T00:00:00Z', 'occurrences': 2, 'repeat-after': '1h'}
    )  # fmt: skip
    assert notice.repeat_after == datetime.timedelta(hours=1)
    assert notice.type is ops_pebble.NoticeType.CUSTOM
    ident = ops_pebble.Identity.from_dict({'access': 'read', 'local': {'user-id': 42}})
    assert ident.access is ops_pebble.IdentityAccess.READ
    assert ident.to_dict() == {'access': 'read', 'local': {'user-id': 42}}
    with pytest.raises(ValueError, match='local or basic'):
        ops_pebble.Identity(access='admin')
    assert 'secret' not in repr(ops_pebble.BasicIdentity('secret'))


def test_errors_pickle() -> None:
    err = pickle.loads(pickle.dumps(ops_pebble.PathError('not-found', 'gone')))
    assert (err.kind, err.message) == ('not-found', 'gone')


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = 'import sys, ops_pebble; print(sorted(m for m in ("websocket", "http.client", "ssl", "yaml") if m in sys.modules))'
    out = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == '[]'
