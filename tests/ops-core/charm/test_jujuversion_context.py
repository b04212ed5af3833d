"""JujuVersion parsing/ordering/feature checks and JujuContext from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import ops
import pytest
from hypothesis import given
from hypothesis import strategies as st

BASE = {
    'JUJU_DISPATCH_PATH': 'hooks/install',
    'JUJU_HOOK_NAME': 'install',
    'JUJU_MODEL_NAME': 'm',
    'JUJU_MODEL_UUID': 'u',
    'JUJU_UNIT_NAME': 'app/0',
    'JUJU_VERSION': '3.6.4',
}


@pytest.mark.parametrize(
    ('text', 'parts', 'shown'),
    [
        ('2.8', (2, 8, '', 0, 0), '2.8.0'),
        ('3.6.14', (3, 6, '', 14, 0), '3.6.14'),
        ('2.7-beta1', (2, 7, 'beta', 1, 0), '2.7-beta1'),
        ('2.8.0.1', (2, 8, '', 0, 1), '2.8.0.1'),
    ],
)
def test_version_parsing(text: str, parts: tuple[object, ...], shown: str) -> None:
    v = ops.JujuVersion(text)
    assert (v.major, v.minor, v.tag, v.patch, v.build) == parts
    assert str(v) == repr(v) == shown


def test_version_ordering() -> None:
    v = ops.JujuVersion
    assert v('2.7-beta1') < v('2.7-rc1') < v('2.7.0') < v('2.7.1') < v('2.7.1.1') < v('2.8')
    assert v('2.8') == '2.8.0' and v('3.1') >= '3.0.9' and v('3.1') != '3.1.1'
    assert len({v('3.1'), v('3.1.0')}) == 1
    with pytest.raises(RuntimeError, match='cannot compare'):
        _ = v('3.1') < 3  # type: ignore[operator]


@pytest.mark.parametrize('bad', ['', 'x', '3', '3.1.x', '3.1-1', 'v3.1'])
def test_invalid_version(bad: str) -> None:
    with pytest.raises(RuntimeError, match='not a valid Juju version string'):
        ops.JujuVersion(bad)


def test_feature_checks() -> None:
    v = ops.JujuVersion
    assert not v('2.6.9').has_app_data() and v('2.7.0').has_app_data()
    assert not v('2.7.9').is_dispatch_aware() and v('2.8.0').is_dispatch_aware()
    assert v('2.8.0').has_controller_storage()
    assert not v('3.0.2').has_secrets and v('3.0.3').has_secrets
    assert v('3.0.3').supports_open_port_on_k8s
    assert v('3.1.6').supports_exec_service_context
    assert (
        not v('3.2.0').supports_exec_service_context and v('3.2.1').supports_exec_service_context
    )
    assert (
        not v('3.3.9').supports_pebble_log_forwarding and v('3.4.0').supports_pebble_log_forwarding
    )
    assert v('3.6.4').supports_pebble_identities and not v('3.6.3').supports_pebble_metrics


def test_from_environ_is_deprecated_and_reads_juju_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv('JUJU_VERSION', '3.5.1')
    with pytest.warns(DeprecationWarning):
        assert ops.JujuVersion.from_environ() == '3.5.1'
    monkeypatch.delenv('JUJU_VERSION')
    with pytest.warns(DeprecationWarning):
        assert ops.JujuVersion.from_environ() == '0.0.0'


def test_context_from_environ_parses_every_field(tmp_path: Path) -> None:
    env = {
        **BASE,
        'JUJU_DISPATCH_PATH': 'hooks/db-relation-departed',
        'JUJU_HOOK_NAME': 'db-relation-departed',
        'JUJU_RELATION': 'db',
        'JUJU_RELATION_ID': 'db:3',
        'JUJU_REMOTE_APP': 'pg',
        'JUJU_REMOTE_UNIT': 'pg/1',
        'JUJU_DEPARTING_UNIT': 'pg/1',
        'JUJU_STORAGE_ID': 'data/2',
        'JUJU_SECRET_REVISION': '5',
        'JUJU_DEBUG': '',
        'JUJU_DEBUG_AT': 'hook, db-ready ,',
        'JUJU_CHARM_DIR': str(tmp_path),
        'JUJU_AVAILABILITY_ZONE': '',
    }
    ctx = ops.JujuContext.from_environ(env)
    assert ctx.relation_id == 3 and ctx.relation_name == 'db'
    assert ctx.remote_app_name == 'pg' and ctx.relation_departing_unit_name == 'pg/1'
    assert (ctx.storage_name, ctx.storage_index, ctx.secret_revision) == ('data', 2, 5)
    assert ctx.debug is True and ctx.debug_at == {'hook', 'db-ready'}
    assert ctx.charm_dir == tmp_path.resolve()
    assert ctx.availability_zone is None  # empty means unset
    assert ctx.version == '3.6.4'


def test_charm_dir_is_a_resolved_path_when_read(tmp_path: Path) -> None:
    real = tmp_path / 'real'
    real.mkdir()
    (tmp_path / 'link').symlink_to(real)
    env = {**BASE, 'JUJU_CHARM_DIR': str(tmp_path / 'link')}
    ctx = ops.JujuContext.from_environ(env)
    assert type(ctx.charm_dir) is type(Path()) and ctx.charm_dir == real.resolve()
    assert ctx == ops.JujuContext.from_environ(env)
    assert f'charm_dir={real.resolve()!r}' in repr(ctx)
    with pytest.raises(AttributeError):
        ctx.charm_dir = Path('/elsewhere')  # type: ignore[misc]
    assert ctx.charm_dir == real.resolve()


def test_charm_dir_given_to_the_constructor_is_kept_as_given() -> None:
    ctx = ops.JujuContext(
        dispatch_path='hooks/start',
        hook_name='start',
        model_name='m',
        model_uuid='u',
        unit_name='a/0',
        version=ops.JujuVersion('3.6.4'),
        charm_dir='/charm',  # type: ignore[arg-type]
    )
    assert ctx.charm_dir == '/charm'
    again = ops.JujuContext(**{**vars(ctx), 'charm_dir': Path('/charm')})
    assert again.charm_dir == Path('/charm')


@pytest.mark.parametrize(
    ('extra', 'missing'),
    [
        (
            {
                'JUJU_HOOK_NAME': 'db-relation-changed',
                'JUJU_DISPATCH_PATH': 'hooks/db-relation-changed',
            },
            'JUJU_RELATION',
        ),
        (
            {'JUJU_HOOK_NAME': 'secret-remove', 'JUJU_SECRET_ID': 'secret:x'},
            'JUJU_SECRET_REVISION',
        ),
        ({'JUJU_HOOK_NAME': '', 'JUJU_DISPATCH_PATH': 'actions/go'}, 'JUJU_ACTION_NAME'),
        ({'JUJU_HOOK_NAME': 'wl-pebble-ready'}, 'JUJU_WORKLOAD_NAME'),
        ({'JUJU_HOOK_NAME': 'data-storage-attached'}, 'JUJU_STORAGE_ID'),
    ],
)
def test_from_environ_requires_what_juju_always_sets(extra: dict[str, str], missing: str) -> None:
    with pytest.raises(ValueError, match=f'Missing required environment variable: {missing}'):
        ops.JujuContext.from_environ({**BASE, **extra})
    env = dict(BASE)
    del env['JUJU_MODEL_UUID']
    with pytest.raises(ValueError, match='JUJU_MODEL_UUID'):
        ops.JujuContext.from_environ(env)


def test_malformed_numbers_name_the_variable() -> None:
    with pytest.raises(ValueError, match='JUJU_RELATION_ID'):
        ops.JujuContext.from_environ({**BASE, 'JUJU_RELATION_ID': 'db:x'})


def test_lenient_context_defaults() -> None:
    ctx = ops.JujuContext._from_dict({})
    assert ctx.dispatch_path == '' and ctx.version == '0.0.0' and ctx.debug_at == set()
    assert ctx.relation_id is None and ctx.debug is False


@given(st.text(alphabet='0123456789.-abrc٣\n ', max_size=16))
def test_every_string_parses_as_the_version_pattern_says(text: str) -> None:
    # Plain dotted versions skip the regular expression; the result must be the pattern's.
    from ops_core._model._jujuversion import _VERSION_RE

    match = re.match(_VERSION_RE, text)
    if match is None:
        with pytest.raises(RuntimeError, match='not a valid Juju version string'):
            ops.JujuVersion(text)
        return
    version = ops.JujuVersion(text)
    expected = (
        int(match['major']),
        int(match['minor']),
        match['tag'] or '',
        int(match['patch'] or 0),
        int(match['build'] or 0),
    )
    assert (version.major, version.minor, version.tag, version.patch, version.build) == expected
