"""Secrets: observer and owner views, tracked/latest revisions, adding, granting, removing."""

from __future__ import annotations

from typing import Any

import ops
import pytest
from ops import testing
from ops.testing import errors


class SecretCharm(ops.CharmBase):
    """Runs the secret operation named by the ``op`` config option on the update-status hook."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._run)
        framework.observe(self.on.secret_changed, self._run)
        self.result: Any = None

    def _run(self, event: ops.EventBase) -> None:
        op = self.config['op']
        sid = str(self.config.get('sid', ''))
        if op == 'get':
            self.result = self.model.get_secret(id=sid).get_content()
        elif op == 'get-refresh':
            self.result = self.model.get_secret(id=sid).get_content(refresh=True)
        elif op == 'peek':
            self.result = self.model.get_secret(id=sid).peek_content()
        elif op == 'by-label':
            self.result = self.model.get_secret(label='lbl').get_content()
        elif op == 'relabel':
            self.model.get_secret(id=sid, label='new-label')
        elif op == 'info':
            info = self.model.get_secret(id=sid).get_info()
            self.result = (info.revision, info.label, info.description)
        elif op == 'set':
            secret = self.model.get_secret(id=sid)
            secret.set_content({'key': 'new'})
        elif op == 'set-info':
            self.model.get_secret(id=sid).set_info(description='described')
        elif op == 'add':
            secret = self.app.add_secret({'key': 'fresh'}, label='added')
            self.result = secret.id
        elif op == 'add-unit':
            self.result = self.unit.add_secret({'key': 'fresh'}).id
        elif op == 'grant':
            relation = self.model.get_relation('db')
            assert relation is not None
            self.model.get_secret(id=sid).grant(relation)
        elif op == 'grant-unit':
            relation = self.model.get_relation('db')
            assert relation is not None
            self.model.get_secret(id=sid).grant(relation, unit=self.model.get_unit('remote/0'))
        elif op == 'revoke':
            relation = self.model.get_relation('db')
            assert relation is not None
            self.model.get_secret(id=sid).revoke(relation)
        elif op == 'remove-all':
            self.model.get_secret(id=sid).remove_all_revisions()
        elif op == 'remove-old':
            self.model.get_secret(id=sid).remove_revision(1)
        elif op == 'remove-latest':
            self.model.get_secret(id=sid).remove_revision(2)


META = {'name': 'app', 'requires': {'db': {'interface': 'x'}}}
CONFIG = {'options': {'op': {'type': 'string'}, 'sid': {'type': 'string'}}}


def _run(
    op: str, state: testing.State, secret: testing.Secret | None = None, **kwargs: Any
) -> tuple[Any, testing.State, testing.Context[SecretCharm]]:
    ctx = testing.Context(SecretCharm, meta=META, config=CONFIG, **kwargs)
    config = {'op': op}
    if secret is not None:
        config['sid'] = secret.id
    state = testing.State(
        config=config,
        secrets=state.secrets,
        relations=state.relations,
        leader=state.leader,
    )
    with ctx(ctx.on.update_status(), state) as mgr:
        out = mgr.run()
        return mgr.charm.result, out, ctx


def test_observer_sees_tracked_content_and_can_refresh() -> None:
    secret = testing.Secret({'key': 'old'}, latest_content={'key': 'new'})
    state = testing.State(secrets=[secret])
    assert _run('get', state, secret)[0] == {'key': 'old'}
    assert _run('peek', state, secret)[0] == {'key': 'new'}
    result, out, _ = _run('get-refresh', state, secret)
    assert result == {'key': 'new'}
    assert out.get_secret(id=secret.id).tracked_content == {'key': 'new'}


def test_lookup_by_label_and_relabel() -> None:
    secret = testing.Secret({'key': 'v'}, label='lbl')
    assert _run('by-label', testing.State(secrets=[secret]))[0] == {'key': 'v'}
    _, out, _ = _run('relabel', testing.State(secrets=[secret]), secret)
    assert out.get_secret(id=secret.id).label == 'new-label'


def test_lookup_by_unknown_id_fails() -> None:
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run(
            'get', testing.State(secrets=[testing.Secret({'a': 'b'})]), testing.Secret({'a': 'b'})
        )
    assert isinstance(info.value.__cause__, ops.SecretNotFoundError)


def test_owner_info_and_permissions() -> None:
    owned = testing.Secret({'key': 'v'}, owner='app', label='lbl', description='d')
    result, _, _ = _run('info', testing.State(secrets=[owned], leader=True), owned)
    assert result == (1, 'lbl', 'd')
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run('info', testing.State(secrets=[owned], leader=False), owned)
    assert 'permission denied' in str(info.value.__cause__)
    observed = testing.Secret({'key': 'v'})
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run('info', testing.State(secrets=[observed]), observed)
    assert isinstance(info.value.__cause__, ops.SecretNotFoundError)


def test_owner_sets_content_new_latest_revision() -> None:
    owned = testing.Secret({'key': 'v'}, owner='unit')
    _, out, _ = _run('set', testing.State(secrets=[owned]), owned)
    after = out.get_secret(id=owned.id)
    assert after.latest_content == {'key': 'new'}
    assert after.tracked_content == {'key': 'v'}
    _, out, _ = _run('set-info', testing.State(secrets=[owned]), owned)
    assert out.get_secret(id=owned.id).description == 'described'


def test_add_secrets() -> None:
    secret_id, out, _ = _run('add', testing.State(leader=True))
    added = out.get_secret(id=secret_id)
    assert added.owner == 'app' and added.label == 'added'
    assert added.tracked_content == {'key': 'fresh'}
    secret_id, out, _ = _run('add-unit', testing.State())
    assert out.get_secret(id=secret_id).owner == 'unit'


def test_grant_and_revoke() -> None:
    relation = testing.Relation('db', remote_app_name='remote')
    owned = testing.Secret({'key': 'v'}, owner='unit')
    state = testing.State(secrets=[owned], relations=[relation])
    _, out, _ = _run('grant', state, owned)
    assert out.get_secret(id=owned.id).remote_grants == {relation.id: frozenset({'remote'})}
    _, out, _ = _run('grant-unit', state, owned)
    assert out.get_secret(id=owned.id).remote_grants == {relation.id: frozenset({'remote/0'})}
    granted = testing.Secret({'key': 'v'}, owner='unit', remote_grants={relation.id: ['remote']})
    _, out, _ = _run('revoke', testing.State(secrets=[granted], relations=[relation]), granted)
    assert out.get_secret(id=granted.id).remote_grants == {}


def test_remove_revisions() -> None:
    owned = testing.Secret({'key': 'v'}, owner='unit')
    _, out, _ = _run('remove-all', testing.State(secrets=[owned]), owned)
    assert out.secrets == frozenset()
    # Revision 1 is the tracked one: removing it is refused.
    with pytest.raises(errors.UncaughtCharmError, match='latest revision'):
        _run('remove-old', testing.State(secrets=[owned]), owned)
    two = testing.Secret({'key': 'v'}, owner='unit', _tracked_revision=3, _latest_revision=3)
    _, _, ctx = _run('remove-latest', testing.State(secrets=[two]), two)
    assert ctx.removed_secret_revisions == [2]


def test_secrets_need_juju_3_0_2() -> None:
    secret = testing.Secret({'key': 'v'})
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run('get', testing.State(secrets=[secret]), secret, juju_version='3.0.1')
    assert 'secrets are only available in juju >= 3.0.2' in str(info.value.__cause__)


def test_owner_on_old_juju_always_sees_latest() -> None:
    owned = testing.Secret({'key': 'old'}, latest_content={'key': 'new'}, owner='unit')
    assert _run('get', testing.State(secrets=[owned]), owned, juju_version='3.3.0')[0] == {
        'key': 'new'
    }
    assert _run('get', testing.State(secrets=[owned]), owned, juju_version='3.1.7')[0] == {
        'key': 'old'
    }
    assert _run('get', testing.State(secrets=[owned]), owned)[0] == {'key': 'old'}


def test_secret_changed_for_observed_secret() -> None:
    secret = testing.Secret({'key': 'old'}, latest_content={'key': 'new'})
    ctx = testing.Context(SecretCharm, meta=META, config=CONFIG)
    state = testing.State(secrets=[secret], config={'op': 'get-refresh', 'sid': secret.id})
    with ctx(ctx.on.secret_changed(secret), state) as mgr:
        mgr.run()
        assert mgr.charm.result == {'key': 'new'}


class _LookupCharm(ops.CharmBase):
    """Looks every secret up by id (in both id forms) and by label; relabels; removes one."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._run)
        self.seen: list[Any] = []

    def _run(self, event: ops.EventBase) -> None:
        model = self.model
        for n in range(50):
            sid = f'secret:{n:020d}'
            by_id = model.get_secret(id=sid).get_content()
            uri = model.get_secret(id=f'secret://model-uuid/{n:020d}').get_content()
            by_label = model.get_secret(label=f'label-{n}').get_content()
            self.seen.append(by_id == uri == by_label == {'num': str(n)})
        model.get_secret(id=f'secret:{7:020d}', label='seven')  # relabel
        self.seen.append(model.get_secret(label='seven').get_content())
        with pytest.raises(ops.SecretNotFoundError):
            model.get_secret(label='label-7')
        model.get_secret(id=f'secret:{3:020d}').remove_all_revisions()
        with pytest.raises(ops.SecretNotFoundError):
            model.get_secret(id=f'secret:{3:020d}')
        added = self.app.add_secret({'num': 'new'}, label='fresh')
        self.seen.append(model.get_secret(label='fresh').get_content())
        self.seen.append(model.get_secret(id=added.id).get_content())


def test_secrets_are_found_by_either_id_form_and_by_label_after_changes() -> None:
    secrets = [
        testing.Secret({'num': str(n)}, id=f'secret:{n:020d}', label=f'label-{n}', owner='app')
        for n in range(50)
    ]
    ctx = testing.Context(_LookupCharm, meta={'name': 'lookup'})
    state = testing.State(secrets=secrets, leader=True)
    with ctx(ctx.on.update_status(), state) as mgr:
        out = mgr.run()
        seen = mgr.charm.seen
    assert seen[:50] == [True] * 50
    assert seen[50:] == [{'num': '7'}, {'num': 'new'}, {'num': 'new'}]
    assert len(out.secrets) == 50  # 50 - the removed one + the added one
