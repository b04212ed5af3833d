"""Juju before 3.6 replaces a secret's content and metadata on every ``secret-set``.

The production backend reads back what the charm did not give and sends it again; the
model itself asks nothing extra (so in-memory backends see one ``secret_set`` call).
"""

from __future__ import annotations

import datetime

import pytest
from ops_core._dispatch._hookcmds_backend import HookCommandsBackend
from ops_core.charm import CharmMeta
from ops_core.model import Model

from tests.helpers.fakejuju import FakeJuju

from .conftest import ModelJuju


def _model(fake_juju: FakeJuju, meta: CharmMeta, monkeypatch: pytest.MonkeyPatch, version: str):
    monkeypatch.setenv('JUJU_VERSION', version)
    fake_juju.state.set_leader(True)
    return Model(meta, HookCommandsBackend())


def _flag(argv: list[str], flag: str) -> str | None:
    return argv[argv.index(flag) + 1] if flag in argv else None


def test_old_juju_set_content_resends_the_metadata(
    fake_juju: FakeJuju, meta: CharmMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(fake_juju, meta, monkeypatch, '3.5.4')
    secret = model.app.add_secret(
        {'token': 'first-value'}, label='api-token', description='for the api'
    )
    secret.set_content({'token': 'second-value'})
    [argv] = fake_juju.argvs('secret-set')
    assert _flag(argv, '--label') == 'api-token'
    assert _flag(argv, '--description') == 'for the api'
    assert any(a.startswith('token#file=') for a in argv)
    assert len(fake_juju.argvs('secret-info-get')) == 1


def test_old_juju_set_info_resends_the_content(
    fake_juju: FakeJuju, meta: CharmMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(fake_juju, meta, monkeypatch, '3.5.4')
    secret = model.app.add_secret({'token': 'first-value'}, label='api-token')
    secret.set_info(description='rotated monthly')
    [argv] = fake_juju.argvs('secret-set')
    assert _flag(argv, '--description') == 'rotated monthly'
    assert _flag(argv, '--label') == 'api-token'
    assert any(a.startswith('token#file=') for a in argv)
    assert not any('first-value' in a for a in argv)
    assert model.get_secret(label='api-token').peek_content() == {'token': 'first-value'}


def test_juju_3_6_sends_only_what_changed(
    fake_juju: FakeJuju, meta: CharmMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(fake_juju, meta, monkeypatch, '3.6.1')
    secret = model.app.add_secret({'token': 'first-value'}, label='api-token')
    secret.set_content({'token': 'second-value'})
    secret.set_info(description='rotated monthly')
    first, second = fake_juju.argvs('secret-set')
    assert '--label' not in first and '--description' not in first
    assert '--label' not in second and not any('#file=' in a for a in second)
    assert fake_juju.argvs('secret-info-get') == []
    assert fake_juju.argvs('secret-get') == []


def test_the_model_leaves_the_read_back_to_the_backend(juju: ModelJuju) -> None:
    from ops_core._model._secret import Secret

    juju.set_juju_version('3.1.0')  # old: the model must still not read anything back itself
    juju.set_leader(True)
    uri = juju.add_secret({'token': 'old-value'}, owner='application')
    secret = Secret(juju.recorder, id=uri, label=None, content=None)
    secret.set_content({'token': 'value'})
    secret.set_info(expire=datetime.timedelta(days=1))
    assert [name for name, _ in juju.calls] == ['secret_set', 'secret_set']
