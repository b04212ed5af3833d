"""Private names of ops 3.9 that charm libraries and charms' tests use, used as they use them.

Each is listed in docs/migrating.md ("Private names that keep working"). The uses are
taken from real code: tempo's charm_tracing library wraps ``framework._event_context``;
charms' tests read ``framework._observers`` as 4-tuples, call ``harness._emit_relation_changed``,
assign ``harness._backend.model_name``, ``unit._status`` and ``model._storages``, and build
``Unit(name, None, backend, {})``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import ops
import pytest
from ops import testing
from ops.model import Unit

pytestmark = pytest.mark.filterwarnings('ignore:Harness is deprecated:PendingDeprecationWarning')

META = """
name: pg
peers:
  peer: {interface: pg_peers}
requires:
  db: {interface: pgsql}
storage:
  data: {type: filesystem}
"""


class PgCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.changed: list[tuple[str, str | None]] = []
        framework.observe(self.on.db_relation_changed, self._on_db_changed)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.db_relation_changed, self._on_start)

    def _on_db_changed(self, event: ops.RelationChangedEvent) -> None:
        self.changed.append((event.app.name, event.unit.name if event.unit else None))

    def _on_start(self, event: ops.EventBase) -> None:
        pass


@pytest.fixture
def harness() -> Iterator[testing.Harness[PgCharm]]:
    harness = testing.Harness(PgCharm, meta=META)
    yield harness
    harness.cleanup()


def test_framework_observers_are_ops39_4_tuples_in_registration_order(
    harness: testing.Harness[PgCharm],
) -> None:
    harness.begin()
    observers = harness.charm.framework._observers
    assert observers == [
        ('PgCharm', '_on_db_changed', 'PgCharm/on', 'db_relation_changed'),
        ('PgCharm', '_on_start', 'PgCharm/on', 'start'),
        ('PgCharm', '_on_start', 'PgCharm/on', 'db_relation_changed'),
    ]
    # The filter charms write to list the handlers of one event, in order.
    bound = harness.charm.on.db_relation_changed
    assert [
        method
        for _, method, emitter, kind in observers
        if emitter == bound.emitter.handle.path and kind == bound.event_kind
    ] == ['_on_db_changed', '_on_start']


def test_harness_emit_relation_changed_emits_for_a_unit_or_an_app(
    harness: testing.Harness[PgCharm],
) -> None:
    rel_id = harness.add_relation('db', 'postgresql')
    harness.add_relation_unit(rel_id, 'postgresql/0')
    harness._emit_relation_changed(rel_id, 'postgresql/0')  # before begin(): nothing
    harness.begin()
    harness._emit_relation_changed(rel_id, 'postgresql/0')
    harness._emit_relation_changed(rel_id, 'postgresql')
    with harness.hooks_disabled():
        harness._emit_relation_changed(rel_id, 'postgresql/0')
    assert harness.charm.changed == [('postgresql', 'postgresql/0'), ('postgresql', None)]


def test_harness_backend_model_name_and_uuid_can_be_assigned(
    harness: testing.Harness[PgCharm],
) -> None:
    harness._backend.model_name = 'test-model'
    harness._backend.model_uuid = '00000000-0000-4000-8000-000000000001'
    harness.begin()
    assert harness.charm.model.name == 'test-model'
    assert harness.charm.model.uuid == '00000000-0000-4000-8000-000000000001'


def test_a_unit_built_as_ops39_allowed_names_a_peer(harness: testing.Harness[PgCharm]) -> None:
    rel_id = harness.add_relation('peer', 'pg')
    harness.begin()
    new_unit = Unit('pg/1', None, harness.charm.app._backend, {})  # type: ignore[arg-type]
    harness.add_relation_unit(rel_id, 'pg/1')
    harness.update_relation_data(rel_id, 'pg/1', {'stanza': 'ready'})
    assert new_unit.name == 'pg/1'
    assert harness.get_relation_data(rel_id, new_unit) == {'stanza': 'ready'}


def test_assigning_unit_status_cache_is_what_status_reads(
    harness: testing.Harness[PgCharm],
) -> None:
    harness.begin()
    harness.charm.unit._status = ops.BlockedStatus('set by the test')
    assert harness.charm.unit.status == ops.BlockedStatus('set by the test')


def test_assigning_model_storages_is_what_storages_reads(
    harness: testing.Harness[PgCharm],
) -> None:
    harness.begin()
    harness.charm.model._storages = {'data': 'valid'}  # type: ignore[assignment]
    assert harness.charm.model.storages['data'] == 'valid'  # type: ignore[comparison-overlap]


def test_wrapping_framework_event_context_sees_every_observer_call(
    harness: testing.Harness[PgCharm],
) -> None:
    # What charm_tracing does to open a span per handler.
    harness.begin()
    framework = harness.charm.framework
    original = framework._event_context
    seen: list[str] = []

    @contextlib.contextmanager
    def wrapped(event_name: str) -> Iterator[Any]:
        seen.append(event_name)
        with original(event_name):
            yield

    framework._event_context = wrapped  # type: ignore[method-assign]
    harness.charm.on.start.emit()
    assert seen == ['start']
