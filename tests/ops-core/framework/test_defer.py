"""Deferral across dispatches: order, targeting, exactly-once queueing, rollback, cost."""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ops.framework import EventBase, EventSource, Framework, Object, ObjectEvents, StoredState
from ops.storage import SQLiteStorage

MakeFramework = Callable[..., Framework]


class Job(EventBase):
    def __init__(self, handle: Any, name: str = ''):
        super().__init__(handle)
        self.name = name

    def snapshot(self) -> dict[str, Any]:
        return {'name': self.name}

    def restore(self, snapshot: dict[str, Any]) -> None:
        super().restore(snapshot)
        self.name = snapshot['name']


class Tick(EventBase):
    pass


class Events(ObjectEvents):
    job = EventSource(Job)
    tick = EventSource(Tick)


class Charm(Object):
    """Records every delivery; defers the jobs named in ``defer``."""

    on = Events()
    _stored = StoredState()

    def __init__(self, framework: Framework, defer: set[str] | None = None):
        super().__init__(framework, None)
        self._stored.set_default(dispatches=0)
        self.defer = defer or set()
        self.log: list[tuple[str, str]] = []
        self.watcher = Watcher(self, 'w', self.log, self.defer)
        framework.observe(self.on.job, self._on_job)
        framework.observe(self.on.job, self.watcher._on_job)
        framework.observe(self.on.tick, self._on_tick)

    def _on_job(self, event: Job) -> None:
        self.log.append(('charm', event.name))
        if event.name in self.defer:
            event.defer()

    def _on_tick(self, event: Tick) -> None:
        self.log.append(('charm', 'tick'))


class Watcher(Object):
    def __init__(self, parent: Object, key: str, log: list[tuple[str, str]], defer: set[str]):
        super().__init__(parent, key)
        self.log = log
        self.defer = defer

    def _on_job(self, event: Job) -> None:
        self.log.append(('watcher', event.name))
        if 'watcher:' + event.name in self.defer:
            event.defer()


def _dispatch(
    make_framework: MakeFramework,
    defer: set[str] | None = None,
    emit: tuple[str, ...] = (),
    **kwargs: Any,
) -> Charm:
    framework = make_framework(**kwargs)
    charm = Charm(framework, defer)
    framework.reemit()
    for name in emit:
        if name == 'tick':
            charm.on.tick.emit()
        else:
            charm.on.job.emit(name)
    framework.commit()
    framework.close()
    return charm


def _notices(state_file: Path) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(state_file)
    try:
        return db.execute(
            'SELECT event_path, observer_path, method_name FROM notice ORDER BY sequence'
        ).fetchall()
    finally:
        db.close()


def test_deferred_events_come_back_first_in_order_to_the_deferring_observer(
    make_framework: MakeFramework, state_file: Path
) -> None:
    first = _dispatch(make_framework, defer={'a', 'b'}, emit=('a', 'b', 'c'))
    assert first.log == [
        ('charm', 'a'),
        ('watcher', 'a'),
        ('charm', 'b'),
        ('watcher', 'b'),
        ('charm', 'c'),
        ('watcher', 'c'),
    ]
    second = _dispatch(make_framework, emit=('tick',))
    # Only the charm deferred, so only the charm sees a and b again, before the new event.
    assert second.log == [('charm', 'a'), ('charm', 'b'), ('charm', 'tick')]
    third = _dispatch(make_framework, emit=('tick',))
    assert third.log == [('charm', 'tick')]
    assert _notices(state_file) == []


def test_an_event_deferred_again_stays_queued_exactly_once(
    make_framework: MakeFramework, state_file: Path
) -> None:
    _dispatch(make_framework, defer={'a', 'watcher:a'}, emit=('a',))
    assert _notices(state_file) == [
        ('Charm/on/job[1]', 'Charm', '_on_job'),
        ('Charm/on/job[1]', 'Charm/Watcher[w]', '_on_job'),
    ]
    charm = _dispatch(make_framework, defer={'a', 'watcher:a'})
    assert charm.log == [('charm', 'a'), ('watcher', 'a')]
    assert len(_notices(state_file)) == 2
    # The watcher is done with it; the charm keeps deferring.
    charm = _dispatch(make_framework, defer={'a'})
    assert charm.log == [('charm', 'a'), ('watcher', 'a')]
    for _ in range(3):
        assert _notices(state_file) == [('Charm/on/job[1]', 'Charm', '_on_job')]
        charm = _dispatch(make_framework, defer={'a'})
        assert charm.log == [('charm', 'a')]
    charm = _dispatch(make_framework)
    assert charm.log == [('charm', 'a')]
    assert _notices(state_file) == []
    db = sqlite3.connect(state_file)
    events = db.execute("SELECT handle FROM snapshot WHERE handle LIKE '%/on/%'").fetchall()
    db.close()
    assert events == []  # the snapshot went with the last notice


def test_a_failed_dispatch_changes_nothing(
    make_framework: MakeFramework, state_file: Path
) -> None:
    _dispatch(make_framework, defer={'a'}, emit=('a',))
    framework = make_framework()
    charm = Charm(framework, {'b'})
    framework.reemit()  # a is handled (not deferred again)
    charm.on.job.emit('b')  # b deferred
    charm._stored.changed = True
    framework.close()  # the hook failed: no commit
    assert _notices(state_file) == [('Charm/on/job[1]', 'Charm', '_on_job')]
    charm = _dispatch(make_framework, emit=('tick',))
    assert charm.log == [('charm', 'a'), ('charm', 'tick')]
    assert 'changed' not in charm._stored.__dict__['_data']


def test_duplicate_deferrals_are_skipped(
    make_framework: MakeFramework, state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _dispatch(make_framework, defer={'same', 'other'}, emit=('same',))
    with caplog.at_level(logging.INFO, logger='ops.framework'):
        charm = _dispatch(make_framework, defer={'same', 'other'}, emit=('same', 'other'))
    # The old "same" is re-delivered; the new identical one is not queued again.
    assert charm.log == [
        ('charm', 'same'),
        ('watcher', 'same'),
        ('charm', 'other'),
        ('watcher', 'other'),
    ]
    assert [n[0] for n in _notices(state_file)] == ['Charm/on/job[1]', 'Charm/on/job[5]']
    assert any(
        m.startswith('Skipping notice (Charm/on/job[4]/Charm/_on_job) - already in the queue')
        for m in caplog.messages
    )


def test_duplicates_are_kept_when_skipping_is_off(
    make_framework: MakeFramework, state_file: Path
) -> None:
    _dispatch(make_framework, defer={'same'}, emit=('same',), skip_duplicate_events=False)
    _dispatch(make_framework, defer={'same'}, emit=('same',), skip_duplicate_events=False)
    assert [n[0] for n in _notices(state_file)] == ['Charm/on/job[1]', 'Charm/on/job[4]']


def test_events_of_a_type_no_longer_known_are_dropped(
    make_framework: MakeFramework, state_file: Path
) -> None:
    _dispatch(make_framework, defer={'a'}, emit=('a',))
    framework = make_framework()

    class Charm(Object):  # the new charm code no longer observes job
        pass

    Charm(framework, None)
    framework.reemit()
    framework.commit()
    framework.close()
    assert _notices(state_file) == []


def test_a_garbage_collected_observer_is_warned_about(
    make_framework: MakeFramework, state_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _dispatch(make_framework, defer={'watcher:a'}, emit=('a',))
    framework = make_framework()
    charm = Charm(framework)
    del charm.watcher
    gc.collect()
    with caplog.at_level(logging.WARNING, logger='ops.framework'):
        framework.reemit()
    assert any('Charm/Watcher[w]' in m and 'garbage collected' in m for m in caplog.messages)
    framework.commit()
    framework.close()
    assert _notices(state_file) == []


def test_remove_unreferenced_events(make_framework: MakeFramework, state_file: Path) -> None:
    _dispatch(make_framework, defer={'a'}, emit=('a',))
    framework = make_framework()
    storage: Any = framework._storage
    storage.save_snapshot('Charm/on/job[99]', {'name': 'orphan'})
    storage.save_snapshot('Charm/StoredStateData[x]', {})
    framework.remove_unreferenced_events()
    assert sorted(storage.list_snapshots()) == [
        'Charm/StoredStateData[_stored]',
        'Charm/StoredStateData[x]',
        'Charm/on/job[1]',
        'StoredStateData[_stored]',
    ]


class _WorkMeter:
    """Counts SQLite virtual-machine work and storage calls for one framework."""

    def __init__(self, framework: Framework):
        self.vm_work = 0
        self.notice_queries = 0
        storage: Any = framework._storage

        def tick() -> int:
            self.vm_work += 1
            return 0

        storage._db.set_progress_handler(tick, 50)
        original = storage.notices

        def counting_notices(event_path: str | None = None) -> Any:
            self.notice_queries += 1
            return original(event_path)

        storage.notices = counting_notices


def _reemit_cost(make_framework: MakeFramework, n: int) -> _WorkMeter:
    framework = make_framework(skip_duplicate_events=False)
    charm = Charm(framework, {f'j{i}' for i in range(n)})
    for i in range(n):
        charm.on.job.emit(f'j{i}')
    framework.commit()
    framework.close()
    framework = make_framework()
    charm = Charm(framework)
    meter = _WorkMeter(framework)
    framework.reemit()
    charm.on.tick.emit()
    assert len(charm.log) == n + 1
    framework.commit()
    framework.close()
    return meter


def test_reemitting_n_deferred_events_costs_linear_work(tmp_path: Path) -> None:
    costs = {}
    for n in (100, 400):
        state_file = tmp_path / f'{n}.db'

        def make(state_file: Path = state_file, **kwargs: Any) -> Framework:
            storage = SQLiteStorage(state_file)
            return Framework(storage, tmp_path, None, None, **kwargs)  # type: ignore[arg-type]

        costs[n] = _reemit_cost(make, n)
    # The queue is read a fixed number of times, not once per event.
    assert costs[100].notice_queries == costs[400].notice_queries
    ratio = costs[400].vm_work / costs[100].vm_work
    # Linear work gives about 4 (plus B-tree depth); per-event rescans of the queue give ~16.
    assert ratio < 6, ratio


class Nesting(Charm):
    """Emits job 'inner' while handling job 'outer' (in the dispatch that defers them)."""

    def _on_job(self, event: Job) -> None:
        super()._on_job(event)
        if event.name == 'outer' and self.defer:
            self.on.job.emit('inner')


def test_an_event_deferred_inside_another_handler_queues_after_it(
    make_framework: MakeFramework, state_file: Path
) -> None:
    framework = make_framework()
    charm = Nesting(framework, {'outer', 'inner'})
    charm.on.job.emit('outer')
    framework.commit()
    framework.close()
    # The outer event was queued when it was emitted, before its handler emitted the inner one.
    assert [(path.split('/')[-1], method) for path, _, method in _notices(state_file)] == [
        ('job[1]', '_on_job'),
        ('job[2]', '_on_job'),
    ]
    framework = make_framework()
    again = Nesting(framework)
    framework.reemit()
    assert again.log == [('charm', 'outer'), ('charm', 'inner')]


def test_each_observer_gets_its_own_copy_of_a_new_event(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework, {'a'})
    seen: list[Job] = []
    original = charm.watcher._on_job

    def watch(event: Job) -> None:
        seen.append(event)
        original(event)

    charm.watcher._on_job = watch  # type: ignore[method-assign]
    charm.on.job.emit('a')
    # The charm deferred its copy; the watcher's copy is a different object, not deferred.
    assert len(seen) == 1
    assert seen[0].deferred is False
    assert charm.log == [('charm', 'a'), ('watcher', 'a')]


class Ready(EventBase):
    pass


class Gone(EventBase):
    pass


class Feed(Object):
    """An emitter made once per key (one per relation, say)."""

    ready = EventSource(Ready)
    gone = EventSource(Gone)


class FirstDeferrer(Object):
    def __init__(self, parent: Object, key: str):
        super().__init__(parent, key)
        self.seen: list[str] = []

    def _on_any(self, event: EventBase) -> None:
        self.seen.append(event.handle.path)
        if len(self.seen) == 1:
            event.defer()


def test_events_of_other_keyed_emitters_are_not_taken_for_a_queued_duplicate(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    first, second = Feed(framework, 'db1'), Feed(framework, 'db2')
    watcher = FirstDeferrer(framework, 'watcher')
    framework.observe(first.ready, watcher._on_any)
    framework.observe(second.ready, watcher._on_any)
    framework.observe(first.gone, watcher._on_any)
    first.ready.emit()  # deferred: its notice stays queued, with an empty snapshot
    second.ready.emit()  # same kind and snapshot, another emitter: not a duplicate
    first.gone.emit()  # same emitter and snapshot, another kind: not a duplicate
    assert watcher.seen == ['Feed[db1]/ready[1]', 'Feed[db2]/ready[2]', 'Feed[db1]/gone[3]']


class _CountingStorage(SQLiteStorage):
    """A real SQLite storage that counts the snapshots it decodes."""

    loads: list[str]

    def load_snapshot(self, handle_path: str) -> Any:
        self.loads.append(handle_path)
        return super().load_snapshot(handle_path)


def test_deferring_many_events_in_one_dispatch_decodes_each_stored_snapshot_once(
    state_file: Path, tmp_path: Path
) -> None:
    # Duplicate detection compares each new deferral with the queued ones; the queue is
    # read once per dispatch, not once per deferral (which made queueing N events O(N^2)).
    def dispatch(names: list[str]) -> tuple[Charm, list[str]]:
        storage = _CountingStorage(state_file)
        storage.loads = []
        framework = Framework(storage, tmp_path, None, None)  # type: ignore[arg-type]
        charm = Charm(framework, defer=set(names))
        storage.loads.clear()
        for name in names:
            charm.on.job.emit(name)
        framework.commit()
        framework.close()
        return charm, [path for path in storage.loads if '/on/job[' in path]

    names = [f'job-{i}' for i in range(200)]
    _, loads = dispatch(names)
    # Each emitted event is read back once per observer to deliver it, nothing more.
    assert len(loads) == 2 * len(names)
    charm, loads = dispatch([*names[:100], 'new', *names[100:]])
    queued = [n for n in _notices(state_file) if n[1] == 'Charm']
    assert len(queued) == len(names) + 1  # only 'new' was queued again
    # Delivering each new event to its two observers, plus reading each queued snapshot
    # once (only the charm's observer deferred them).
    assert len(loads) == 2 * 201 + len(names)
    # The charm already has job-7 queued, so only the watcher (which never deferred) sees it.
    assert ('charm', 'job-7') not in charm.log and ('watcher', 'job-7') in charm.log
    assert ('charm', 'new') in charm.log


def test_a_duplicate_is_found_whatever_order_its_data_was_built_in(
    make_framework: MakeFramework, state_file: Path
) -> None:
    class Pair(EventBase):
        def __init__(self, handle: Any, data: Any = None):
            super().__init__(handle)
            self.data = data

        def snapshot(self) -> dict[str, Any]:
            return {'data': self.data}

        def restore(self, snapshot: dict[str, Any]) -> None:
            super().restore(snapshot)
            self.data = snapshot['data']

    class PairEvents(ObjectEvents):
        pair = EventSource(Pair)

    class Deferrer(Object):
        on = PairEvents()

        def __init__(self, framework: Framework):
            super().__init__(framework, 'd')
            self.seen: list[Any] = []
            framework.observe(self.on.pair, self._on_pair)

        def _on_pair(self, event: Pair) -> None:
            self.seen.append(event.data)
            event.defer()

    framework = make_framework()
    deferrer = Deferrer(framework)
    deferrer.on.pair.emit({'a': [1, {2}], 'b': b'x'})
    deferrer.on.pair.emit({'b': bytearray(b'x'), 'a': [1.0, frozenset({2})]})  # equal: skipped
    deferrer.on.pair.emit({'a': (1, {2}), 'b': b'x'})  # a tuple is not a list: queued
    deferrer.on.pair.emit({'a': [1, {2}], 'b': b'y'})  # queued
    assert len(deferrer.seen) == 3
    framework.commit()
    framework.close()
    assert [n[0] for n in _notices(state_file)] == [
        'Deferrer[d]/on/pair[1]',
        'Deferrer[d]/on/pair[3]',
        'Deferrer[d]/on/pair[4]',
    ]
