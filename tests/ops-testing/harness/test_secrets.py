"""Secrets: owned by other apps, by the user, and by the charm; grants and secret events."""

from __future__ import annotations

from typing import Any

import ops
import pytest


def test_model_secret_needs_a_relation_and_a_grant(begun: Any) -> None:
    secret_id = begun.add_model_secret('postgresql', {'password': 'hunter2'})
    assert secret_id.startswith('secret:')
    with pytest.raises(ops.SecretNotFoundError, match='relation'):
        begun.model.get_secret(id=secret_id)
    with pytest.raises(RuntimeError, match='No relation'):
        begun.grant_secret(secret_id, 'app')
    begun.add_relation('db', 'postgresql')
    with pytest.raises(ops.SecretNotFoundError, match='not granted'):
        begun.model.get_secret(id=secret_id)
    begun.grant_secret(secret_id, 'app')
    assert begun.model.get_secret(id=secret_id).get_content() == {'password': 'hunter2'}
    begun.revoke_secret(secret_id, 'app')
    with pytest.raises(ops.SecretNotFoundError):
        begun.model.get_secret(id=secret_id)


def test_grant_to_the_unit_is_enough(begun: Any) -> None:
    secret_id = begun.add_model_secret(begun.model.get_app('postgresql'), {'key': 'v1'})
    begun.add_relation('db', 'postgresql')
    begun.grant_secret(secret_id, begun.model.unit)
    assert begun.model.get_secret(id=secret_id).get_content() == {'key': 'v1'}


def test_set_secret_content_adds_a_revision_and_emits_changed(begun: Any) -> None:
    secret_id = begun.add_model_secret('postgresql', {'key': 'v1'})
    begun.add_relation('db', 'postgresql')
    begun.grant_secret(secret_id, 'app')
    secret = begun.model.get_secret(id=secret_id, label='db-pass')
    assert secret.get_content() == {'key': 'v1'}
    begun.charm.seen.clear()
    begun.set_secret_content(secret_id, {'key': 'v2'})
    assert begun.charm.kinds == ['secret_changed']
    event = begun.charm.seen[0]
    assert event.secret.label == 'db-pass'
    assert event.secret.get_content() == {'key': 'v1'}  # still tracking the old revision
    assert event.secret.peek_content() == {'key': 'v2'}
    assert event.secret.get_content(refresh=True) == {'key': 'v2'}
    assert begun.model.get_secret(id=secret_id).get_content() == {'key': 'v2'}
    assert begun.get_secret_revisions(secret_id) == [1, 2]


def test_user_secret(begun: Any) -> None:
    secret_id = begun.add_user_secret({'token': 'abc'})
    with pytest.raises(ops.SecretNotFoundError):
        begun.model.get_secret(id=secret_id)
    begun.grant_secret(secret_id, 'app')
    assert begun.model.get_secret(id=secret_id).get_content() == {'token': 'abc'}
    with pytest.raises(RuntimeError, match='user secret'):
        begun.trigger_secret_rotation(secret_id)
    with pytest.raises(RuntimeError, match='user secret'):
        begun.trigger_secret_expiration(secret_id, 1)


def test_secrets_added_by_the_test_after_a_lookup_are_found(begun: Any) -> None:
    # A lookup builds the backend's id index; secrets the Harness adds later must join it.
    own = begun.model.app.add_secret({'password': '1234'})
    assert begun.model.get_secret(id=own.id).get_content() == {'password': '1234'}
    user_id = begun.add_user_secret({'password': 'efgh'})
    begun.grant_secret(user_id, 'app')
    assert begun.model.get_secret(id=user_id).get_content() == {'password': 'efgh'}
    model_id = begun.add_model_secret('postgresql', {'password': 'abcd'})
    begun.add_relation('db', 'postgresql')
    begun.grant_secret(model_id, 'app')
    assert begun.model.get_secret(id=model_id).get_content() == {'password': 'abcd'}


def test_invalid_secret_content(harness: Any) -> None:
    with pytest.raises(ValueError):
        harness.add_model_secret('pg', {'a': 'x'})  # keys need at least 3 characters
    with pytest.raises(ValueError):
        harness.add_user_secret({})


def test_charm_owned_secret_revisions_and_grants(begun: Any) -> None:
    begun.set_leader(True)
    rel = begun.add_relation('db', 'postgresql')
    begun.add_relation_unit(rel, 'postgresql/0')
    secret = begun.charm.app.add_secret({'password': 'one'}, label='admin')
    assert begun.get_secret_revisions(secret.id) == [1]
    secret.set_content({'password': 'two'})
    assert begun.get_secret_revisions(secret.id) == [1, 2]
    relation = begun.model.get_relation('db', rel)
    secret.grant(relation)
    assert begun.get_secret_grants(secret.id, rel) == {'postgresql'}
    secret.grant(relation, unit=begun.model.get_unit('postgresql/0'))
    assert begun.get_secret_grants(secret.id, rel) == {'postgresql', 'postgresql/0'}
    secret.revoke(relation)
    assert begun.get_secret_grants(secret.id, rel) == {'postgresql/0'}
    with pytest.raises(RuntimeError, match='owned by the charm'):
        begun.set_secret_content(secret.id, {'password': 'three'})
    with pytest.raises(RuntimeError, match='owned by the charm'):
        begun.grant_secret(secret.id, 'app')
    begun.remove_relation(rel)
    assert begun.get_secret_grants(secret.id, rel) == set()


def test_trigger_secret_events(begun: Any) -> None:
    begun.set_leader(True)
    secret = begun.charm.app.add_secret({'password': 'one'}, label='admin')
    secret.set_content({'password': 'two'})
    begun.charm.seen.clear()
    begun.trigger_secret_rotation(secret.id)
    begun.trigger_secret_rotation(secret.id, label='other')
    begun.trigger_secret_removal(secret.id, 1)
    begun.trigger_secret_expiration(secret.id, 2)
    assert begun.charm.kinds == [
        'secret_rotate',
        'secret_rotate',
        'secret_remove',
        'secret_expired',
    ]
    rotate, relabelled, remove, expired = begun.charm.seen
    assert rotate.secret.id == secret.id and rotate.secret.label == 'admin'
    assert relabelled.secret.label == 'other'
    assert remove.revision == 1 and expired.revision == 2
    remove.secret.remove_revision(1)
    assert begun.get_secret_revisions(secret.id) == [2]


def test_trigger_before_begin_is_an_error(harness: Any) -> None:
    secret_id = harness.add_model_secret('pg', {'key': 'v'})
    with pytest.raises(RuntimeError):
        harness.trigger_secret_rotation(secret_id)


def test_unknown_secret(begun: Any) -> None:
    with pytest.raises(RuntimeError, match='not found'):
        begun.get_secret_revisions('secret:doesnotexist0000000')


def test_secret_values_stay_out_of_errors(begun: Any) -> None:
    secret_id = begun.add_model_secret('postgresql', {'password': 'swordfish'})
    with pytest.raises(ops.SecretNotFoundError) as exc_info:
        begun.model.get_secret(id=secret_id)
    assert 'swordfish' not in str(exc_info.value)
