"""secret-* commands through the fake Juju tools, including the temporary content files."""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import ops_hookcmds as hookcmds
import pytest

from tests.helpers.fakejuju import FakeJuju


def _content_paths(argv: list[str]) -> list[Path]:
    return [Path(a.split('#file=', 1)[1]) for a in argv if '#file=' in a]


def test_secret_add_argv_and_content_files(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    uri = hookcmds.secret_add(
        {'username': 'admin', 'password': 's3cret-ü'},
        label='db-pass',
        description='database password',
        expire='24h',
        rotate='monthly',
    )
    assert uri.startswith('secret:')
    (call,) = fake_juju.calls()
    paths = _content_paths(call.argv)
    assert call.argv[:-2] == [
        'secret-add',
        '--label',
        'db-pass',
        '--description',
        'database password',
        '--expire',
        '24h',
        '--rotate',
        'monthly',
        '--owner',
        'application',
    ]
    assert call.argv[-2:] == [f'username#file={paths[0]}', f'password#file={paths[1]}']
    assert [p.name for p in paths] == ['username', 'password']
    # Content never goes on the command line, and the files are gone afterwards.
    assert not any('admin' in a or 's3cret' in a for a in call.argv)
    assert not paths[0].parent.exists()
    stored = fake_juju.state.secret(uri)
    assert stored['revisions'][0]['content'] == {'username': 'admin', 'password': 's3cret-ü'}
    assert stored['owner'] == 'application'


def test_secret_add_files_are_private_while_the_tool_runs(
    fake_juju: FakeJuju, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy_dir = tmp_path / 'spy'
    spy_dir.mkdir()
    report = tmp_path / 'modes.json'
    spy = spy_dir / 'secret-add'
    spy.write_text(
        f'#!{sys.executable}\n'
        'import json, os, stat, sys\n'
        "path = [a for a in sys.argv if '#file=' in a][0].split('#file=', 1)[1]\n"
        'mode = lambda p: oct(stat.S_IMODE(os.stat(p).st_mode))\n'
        f'json.dump({{"file": mode(path), "dir": mode(os.path.dirname(path))}}, open({str(report)!r}, "w"))\n'
        "print('secret:spied')\n"
    )
    spy.chmod(0o755)
    monkeypatch.setenv('PATH', f'{spy_dir}{os.pathsep}{os.environ["PATH"]}')
    assert hookcmds.secret_add({'token': 'x' * 10}, owner='unit') == 'secret:spied'
    assert json.loads(report.read_text()) == {'file': '0o600', 'dir': '0o700'}


def test_secret_add_failure_removes_files_and_hides_content(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_add({'password': 'hunter2'})
    assert 'this unit is not the leader' in exc.value.stderr
    assert 'hunter2' not in str(exc.value)
    assert 'hunter2' not in ' '.join(exc.value.cmd)
    (call,) = fake_juju.calls()
    paths = _content_paths(call.argv)
    assert paths and not paths[0].parent.exists()


def test_secret_add_timeout_still_removes_files(
    fake_juju: FakeJuju, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ops_hookcmds import _runner

    monkeypatch.setattr(_runner, 'timeout', 0.5)
    fake_juju.state.hang('secret-add', 30)
    with pytest.raises(hookcmds.Error, match='timed out'):
        hookcmds.secret_add({'password': 'hunter2'}, owner='unit')
    paths = _content_paths(fake_juju.calls()[0].argv)
    assert paths and not paths[0].parent.exists()


def test_secret_add_validates_content_before_running(fake_juju: FakeJuju) -> None:
    with pytest.raises(ValueError, match="invalid secret content key '../evil'"):
        hookcmds.secret_add({'../evil': 'x'})
    with pytest.raises(ValueError, match="key 'ab'"):
        hookcmds.secret_add({'ab': 'x'})
    with pytest.raises(TypeError, match="values must be str, got int for key 'port'"):
        hookcmds.secret_add({'port': 5432})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match='owner'):
        hookcmds.secret_add({'abc': 'x'}, owner='model')  # type: ignore[arg-type]
    assert fake_juju.calls() == []


def test_secret_add_expire_datetime_formats(fake_juju: FakeJuju) -> None:
    utc = datetime.datetime(2026, 1, 5, 23, 28, 38, tzinfo=datetime.timezone.utc)
    hookcmds.secret_add({'abc': 'x'}, expire=utc, owner='unit')
    naive = datetime.datetime(2026, 1, 5, 12, 0, 0, 5)
    hookcmds.secret_add({'abc': 'x'}, expire=naive, owner='unit')
    plus2 = datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    hookcmds.secret_add({'abc': 'x'}, expire=plus2, owner='unit')
    expires = [argv[argv.index('--expire') + 1] for argv in fake_juju.argvs()]
    assert expires == [
        '2026-01-05T23:28:38Z',
        '2026-01-05T12:00:00.000005',
        '2026-01-05T00:00:00+02:00',
    ]


def test_secret_get_by_id_label_peek_refresh(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret(
        {'password': 'one'}, owner='remote', revisions=[{'password': 'two'}]
    )
    assert hookcmds.secret_get(id=uri) == {'password': 'two'}  # first get pins the latest
    assert hookcmds.secret_get(id=uri, label='consumer-label') == {'password': 'two'}
    assert hookcmds.secret_get(label='consumer-label', peek=True) == {'password': 'two'}
    assert hookcmds.secret_get(id=uri, refresh=True) == {'password': 'two'}
    assert fake_juju.argvs() == [
        ['secret-get', '--format=json', uri],
        ['secret-get', '--format=json', uri, '--label', 'consumer-label'],
        ['secret-get', '--format=json', '--label', 'consumer-label', '--peek'],
        ['secret-get', '--format=json', uri, '--refresh'],
    ]


def test_secret_get_tracks_revision_until_refresh(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret({'password': 'one'}, owner='remote')
    assert hookcmds.secret_get(id=uri) == {'password': 'one'}
    fake_juju.state.add_secret_revision(uri, {'password': 'two'})
    assert hookcmds.secret_get(id=uri) == {'password': 'one'}
    assert hookcmds.secret_get(id=uri, peek=True) == {'password': 'two'}
    assert hookcmds.secret_get(id=uri) == {'password': 'one'}
    assert hookcmds.secret_get(id=uri, refresh=True) == {'password': 'two'}
    assert hookcmds.secret_get(id=uri) == {'password': 'two'}


def test_secret_get_not_found_and_permission_denied(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_get(id='secret:nope')
    assert 'ERROR secret "secret:nope" not found' in exc.value.stderr
    uri = fake_juju.state.add_secret({'password': 'x'}, owner='remote', granted=False)
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_get(id=uri)
    assert 'permission denied' in exc.value.stderr


def test_secret_get_argument_checks(fake_juju: FakeJuju) -> None:
    with pytest.raises(TypeError, match='id or label'):
        hookcmds.secret_get()
    with pytest.raises(TypeError, match='not both'):
        hookcmds.secret_get(id='secret:x', refresh=True, peek=True)
    assert fake_juju.calls() == []


def test_secret_get_bad_output_does_not_leak_content(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('secret-get', '{"password": "hunter2"')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_get(id='secret:x')
    assert 'hunter2' not in str(exc.value)
    assert 'hunter2' not in exc.value.stdout
    fake_juju.state.garbage('secret-get', '{"password": 3}')
    with pytest.raises(hookcmds.Error, match="'password'"):
        hookcmds.secret_get(id='secret:x')


def test_secret_get_non_ascii(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    uri = hookcmds.secret_add({'motto': 'Grüße ☃ 秘密'})
    assert hookcmds.secret_get(id=uri) == {'motto': 'Grüße ☃ 秘密'}


def test_secret_set_content_and_metadata(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    uri = fake_juju.state.add_secret({'password': 'one'}, label='old')
    hookcmds.secret_set(uri, content={'password': 'two'}, label='new', rotate='daily')
    argv = fake_juju.argvs()[-1]
    paths = _content_paths(argv)
    assert argv == [
        'secret-set',
        '--label',
        'new',
        '--rotate',
        'daily',
        '--owner',
        'application',
        uri,
        f'password#file={paths[0]}',
    ]
    assert not paths[0].parent.exists()
    stored = fake_juju.state.secret(uri)
    assert stored['label'] == 'new'
    assert [r['content'] for r in stored['revisions']] == [
        {'password': 'one'},
        {'password': 'two'},
    ]


def test_secret_set_metadata_only_and_unit_owner(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret({'password': 'one'}, owner='unit')
    hookcmds.secret_set(uri, description='d', expire='2026-01-01T00:00:00Z', owner='unit')
    assert fake_juju.argvs()[-1] == [
        'secret-set',
        '--description',
        'd',
        '--expire',
        '2026-01-01T00:00:00Z',
        '--owner',
        'unit',
        uri,
    ]


def test_secret_set_failure_removes_files(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret({'password': 'one'})  # app-owned, we are not leader
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_set(uri, content={'password': 'hunter2'})
    assert 'not the leader' in exc.value.stderr
    paths = _content_paths(fake_juju.argvs()[-1])
    assert paths and not paths[0].parent.exists()


def test_secret_info_get(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret(
        {'a': 'b'},
        secret_id='cjv9bnbp8lhs7cfv1p3g',
        label='db-pass',
        description='db password',
        expire='2026-01-05T23:28:38Z',
        rotate='monthly',
        rotates='2026-02-01T00:00:00Z',
        revisions=[{'a': 'c'}],
    )
    info = hookcmds.secret_info_get(id=uri)
    assert info == hookcmds.SecretInfo(
        id='cjv9bnbp8lhs7cfv1p3g',
        revision=2,
        label='db-pass',
        description='db password',
        expiry=datetime.datetime(2026, 1, 5, 23, 28, 38, tzinfo=datetime.timezone.utc),
        rotation='monthly',
        rotates=datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc),
    )
    assert hookcmds.secret_info_get(label='db-pass') == info
    assert fake_juju.argvs() == [
        ['secret-info-get', '--format=json', uri],
        ['secret-info-get', '--format=json', '--label', 'db-pass'],
    ]


def test_secret_info_get_juju4_nanoseconds_and_omitted_keys(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_juju_version('4.0.0')
    uri = fake_juju.state.add_secret({'a': 'b'}, expire='2026-01-05T23:28:38Z')
    info = hookcmds.secret_info_get(id=uri)
    # The fake prints `.123456789Z` on Juju 4: rounded to microseconds.
    assert info.expiry == datetime.datetime(
        2026, 1, 5, 23, 28, 38, 123457, tzinfo=datetime.timezone.utc
    )
    assert (info.description, info.rotation, info.rotates, info.label) == ('', None, None, '')
    fake_juju.state.garbage(
        'secret-info-get',
        '{"x": {"revision": 1, "label": "", "owner": "unit", '
        '"expiry": "2026-01-05T23:28:38.9999999+02:00", "access": [{"target": "a"}]}}',
    )
    info = hookcmds.secret_info_get(id='secret:x')
    assert info.expiry == datetime.datetime(
        2026, 1, 5, 23, 28, 38, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )


def test_secret_info_get_errors(fake_juju: FakeJuju) -> None:
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_info_get(label='nope')
    assert exc.value.stderr.startswith('ERROR secret "nope" not found')
    with pytest.raises(TypeError, match='exactly one'):
        hookcmds.secret_info_get(id='secret:x', label='y')
    fake_juju.state.garbage('secret-info-get', '{"a": {"revision": 1}, "b": {"revision": 2}}')
    with pytest.raises(hookcmds.Error, match='expected one secret, got 2'):
        hookcmds.secret_info_get(id='secret:a')
    fake_juju.state.garbage('secret-info-get', '{"a": {"label": ""}}')
    with pytest.raises(hookcmds.Error, match="no 'revision' key"):
        hookcmds.secret_info_get(id='secret:a')
    fake_juju.state.garbage('secret-info-get', '{"a": {"revision": 1, "expiry": "soon"}}')
    with pytest.raises(hookcmds.Error, match="'expiry' is not an RFC 3339 timestamp"):
        hookcmds.secret_info_get(id='secret:a')


def test_secret_ids(fake_juju: FakeJuju) -> None:
    mine = fake_juju.state.add_secret({'a': 'b'}, owner='unit')
    fake_juju.state.add_secret({'a': 'b'}, owner='remote')
    assert hookcmds.secret_ids() == [mine]
    assert fake_juju.argvs() == [['secret-ids', '--format=json']]
    fake_juju.state.fail('secret-ids', stderr='ERROR not supported')
    with pytest.raises(hookcmds.Error):
        hookcmds.secret_ids()


def test_secret_grant_and_revoke(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_leader(True)
    rel = fake_juju.state.add_relation('db', 'pg', relation_id=4, units=['pg/0'])
    uri = fake_juju.state.add_secret({'a': 'b'})
    hookcmds.secret_grant(uri, rel)
    hookcmds.secret_grant(uri, rel, unit='pg/0')
    assert len(fake_juju.state.secret(uri)['grants']) == 2
    hookcmds.secret_revoke(uri, relation_id=rel, unit='pg/0')
    hookcmds.secret_revoke(uri, relation_id=None, app='pg')
    assert fake_juju.argvs() == [
        ['secret-grant', '--relation', '4', uri],
        ['secret-grant', '--relation', '4', '--unit', 'pg/0', uri],
        ['secret-revoke', '--relation', '4', '--unit', 'pg/0', uri],
        ['secret-revoke', '--app', 'pg', uri],
    ]


def test_secret_grant_errors(fake_juju: FakeJuju) -> None:
    rel = fake_juju.state.add_relation('db', 'pg')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_grant('secret:nope', rel)
    assert 'not found' in exc.value.stderr
    uri = fake_juju.state.add_secret({'a': 'b'})
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_grant(uri, rel)
    assert 'not the leader' in exc.value.stderr
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_revoke(uri, relation_id=None)
    assert exc.value.returncode == 2


def test_secret_remove(fake_juju: FakeJuju) -> None:
    uri = fake_juju.state.add_secret({'a': 'b'}, owner='unit', revisions=[{'a': 'c'}])
    hookcmds.secret_remove(uri, revision=1)
    assert [r['revision'] for r in fake_juju.state.secret(uri)['revisions']] == [2]
    hookcmds.secret_remove(uri)
    assert fake_juju.state.get('secrets') == []
    assert fake_juju.argvs() == [
        ['secret-remove', uri, '--revision', '1'],
        ['secret-remove', uri],
    ]
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.secret_remove(uri)
    assert 'not found' in exc.value.stderr
