"""The charm's unit tests, type-checked too: ``ops.testing`` as charms' tests use it."""

from __future__ import annotations

import ops
from charm import TypingCharm
from ops import testing
from ops.testing import Context, Harness, State


def test_db_joined_writes_the_greeting() -> None:
    ctx = Context(TypingCharm)
    relation = testing.Relation('db', remote_app_name='pg')
    state = State(leader=True, relations={relation}, config={'greeting': 'hi'})
    out: State = ctx.run(ctx.on.relation_joined(relation), state)
    assert out.get_relation(relation.id).local_app_data == {'greeting': 'hi'}


def test_action_parameters_and_results() -> None:
    ctx = Context(TypingCharm)
    ctx.run(ctx.on.action('get-status', params={'verbose': True}), State())
    assert ctx.action_results == {'verbose': True, 'joins': 0}


def test_collect_status_in_the_harness() -> None:
    harness: Harness[TypingCharm] = Harness(TypingCharm)
    harness.begin()
    harness.update_config({'greeting': 'hello'})
    harness.evaluate_status()
    assert harness.model.unit.status == ops.ActiveStatus()
    harness.cleanup()
