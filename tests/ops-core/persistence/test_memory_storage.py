"""MemoryStorage (``ops_core.sister``): the simulated unit's store keeps SQLiteStorage's contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ops.framework import Framework
from ops.storage import NoSnapshotError, SQLiteStorage
from ops_core.sister import MemoryStorage

from tests.helpers.fakejuju.world import World

STORAGES: dict[str, Callable[[], Any]] = {
    'sqlite': lambda: SQLiteStorage(':memory:'),
    'memory': MemoryStorage,
}


@pytest.fixture(params=sorted(STORAGES))
def storage(request: pytest.FixtureRequest) -> Any:
    made = STORAGES[request.param]()
    yield made
    try:
        made.close()
    except Exception:  # already closed by the test
        pass


def test_a_loaded_snapshot_is_a_copy_of_what_was_saved(storage: Any) -> None:
    data = {'a': [1, 2], 's': {3}}
    storage.save_snapshot('Charm/StoredStateData[_stored]', data)
    data['a'].append(99)
    loaded = storage.load_snapshot('Charm/StoredStateData[_stored]')
    assert loaded == {'a': [1, 2], 's': {3}}
    loaded['a'].append(7)
    assert storage.load_snapshot('Charm/StoredStateData[_stored]') == {'a': [1, 2], 's': {3}}


def test_saving_again_replaces_and_dropping_removes(storage: Any) -> None:
    storage.save_snapshot('p', {'v': 1})
    storage.save_snapshot('p', {'v': 2})
    assert storage.load_snapshot('p') == {'v': 2}
    assert list(storage.list_snapshots()) == ['p']
    storage.drop_snapshot('p')
    storage.drop_snapshot('p')  # no error the second time
    with pytest.raises(NoSnapshotError):
        storage.load_snapshot('p')
    assert list(storage.list_snapshots()) == []


def test_notices_keep_their_order_and_filter_by_event(storage: Any) -> None:
    storage.save_notice('on/a[1]', 'obs', 'm1')
    storage.save_notice('on/b[2]', 'obs', 'm1')
    storage.save_notice('on/a[1]', 'obs', 'm2')
    storage.save_notice('on/a[1]', 'obs', 'm1')  # a duplicate: both copies are queued
    assert list(storage.notices()) == [
        ('on/a[1]', 'obs', 'm1'),
        ('on/b[2]', 'obs', 'm1'),
        ('on/a[1]', 'obs', 'm2'),
        ('on/a[1]', 'obs', 'm1'),
    ]
    assert list(storage.notices('on/b[2]')) == [('on/b[2]', 'obs', 'm1')]
    storage.drop_notice('on/a[1]', 'obs', 'm1')  # every equal notice goes
    assert list(storage.notices()) == [('on/b[2]', 'obs', 'm1'), ('on/a[1]', 'obs', 'm2')]
    assert list(storage.notices('on/a[1]')) == [('on/a[1]', 'obs', 'm2')]
    storage.drop_notice('on/zzz[9]', 'obs', 'm1')  # unknown: nothing happens
    assert len(list(storage.notices())) == 2


def test_unpicklable_data_is_refused_when_saved(storage: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017 - pickle's own error types differ by value
        storage.save_snapshot('p', {'f': lambda: None})
    with pytest.raises(NoSnapshotError):
        storage.load_snapshot('p')


def test_a_closed_memory_storage_says_who_closed_it() -> None:
    storage = MemoryStorage('the Harness has been cleaned up')
    storage.save_snapshot('p', {})
    storage.close()
    with pytest.raises(RuntimeError, match='the Harness has been cleaned up'):
        storage.load_snapshot('p')
    with pytest.raises(RuntimeError, match='cleaned up'):
        list(storage.notices())


def test_the_framework_runs_on_it(tmp_path: Any) -> None:
    """Stored state and deferral work through the framework with the storage behind it."""
    from ops import CharmBase, CharmMeta, EventBase, EventSource, Model, ObjectEvents, StoredState

    class Ping(EventBase):
        pass

    class Events(ObjectEvents):
        ping = EventSource(Ping)

    class Charm(CharmBase):
        on = Events()  # type: ignore[assignment]
        state = StoredState()

        def __init__(self, framework: Framework) -> None:
            super().__init__(framework)
            self.state.set_default(seen=0)
            framework.observe(self.on.ping, self._on_ping)

        def _on_ping(self, event: Ping) -> None:
            self.state.seen += 1
            event.defer()

    storage = MemoryStorage()
    meta = CharmMeta.from_yaml('name: app')
    model = Model(meta, World({'name': 'app'}, unit='app/0').backend)
    framework = Framework(storage, tmp_path, meta, model)  # type: ignore[arg-type]
    charm = Charm(framework)
    charm.on.ping.emit()
    framework.reemit()
    framework.commit()
    assert charm.state.seen == 2
    assert [n[2] for n in storage.notices()] == ['_on_ping']
