"""Observing and emitting events: registration checks, order, nesting, emitters."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from ops.framework import (
    BoundEvent,
    CommitEvent,
    EventBase,
    EventSource,
    Framework,
    FrameworkEvents,
    LifecycleEvent,
    Object,
    ObjectEvents,
    PreCommitEvent,
    PrefixedEvents,
)
from ops.storage import NoSnapshotError
from ops_core.charm import CharmMeta
from ops_core.model import Model
from ops_core.sister import running_event

from tests.helpers.fakejuju.world import World

MakeFramework = Callable[..., Framework]


class Ping(EventBase):
    def __init__(self, handle: Any, n: int = 0):
        super().__init__(handle)
        self.n = n

    def snapshot(self) -> dict[str, Any]:
        return {'n': self.n}

    def restore(self, snapshot: dict[str, Any]) -> None:
        super().restore(snapshot)
        self.n = snapshot['n']


class Pong(EventBase):
    pass


class Events(ObjectEvents):
    ping = EventSource(Ping)
    pong = EventSource(Pong)


class Charm(Object):
    on = Events()

    def __init__(self, framework: Framework, key: str | None = None):
        super().__init__(framework, key)
        self.log: list[tuple[str, Any]] = []

    def first(self, event: Ping) -> None:
        self.log.append(('first', event.n))

    def second(self, event: Ping) -> None:
        self.log.append(('second', event.n))

    def nested(self, event: Ping) -> None:
        self.log.append(('nested-start', event.n))
        self.on.pong.emit()
        self.log.append(('nested-end', event.n))

    def on_pong(self, event: Pong) -> None:
        self.log.append(('pong', event.handle.path))


class NotAnObject:
    def handler(self, event: EventBase) -> None:
        pass


def test_observers_run_in_registration_order_with_the_event_data(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.ping, charm.second)
    framework.observe(charm.on.ping, charm.first)
    charm.on.ping.emit(5)
    charm.on.ping.emit(n=6)
    assert charm.log == [('second', 5), ('first', 5), ('second', 6), ('first', 6)]


def test_custom_events_emitted_in_a_handler_are_delivered_synchronously(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.ping, charm.nested)
    framework.observe(charm.on.pong, charm.on_pong)
    charm.on.ping.emit(1)
    assert charm.log == [('nested-start', 1), ('pong', 'Charm/on/pong[2]'), ('nested-end', 1)]


def test_event_keys_count_up_across_dispatches(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.pong, charm.on_pong)
    charm.on.pong.emit()
    charm.on.pong.emit()
    framework.commit()  # pre_commit [3] and commit [4] consume keys too
    framework.close()
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.pong, charm.on_pong)
    charm.on.pong.emit()
    assert charm.log == [('pong', 'Charm/on/pong[5]')]


def test_delivered_events_leave_nothing_in_storage(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.ping, charm.first)
    charm.on.ping.emit(1)
    charm.on.pong.emit()  # no observer at all
    storage: Any = framework._storage
    assert list(storage.notices()) == []
    assert [h for h in storage.list_snapshots() if '/on/' in h] == []
    with pytest.raises(NoSnapshotError):
        storage.load_snapshot('Charm/on/pong[2]')


def test_observe_rejects_a_plain_function_naming_it(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)

    def my_handler(event: EventBase) -> None:
        pass

    with pytest.raises(TypeError, match='my_handler'):
        framework.observe(charm.on.ping, my_handler)
    with pytest.raises(TypeError, match='bound method'):
        framework.observe(charm.on.ping, lambda event: None)


def test_observe_rejects_methods_of_non_objects_naming_the_class(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    with pytest.raises(TypeError, match=r'NotAnObject\.handler.*not an ops\.Object'):
        framework.observe(charm.on.ping, NotAnObject().handler)


def test_observe_rejects_a_non_bound_event(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    with pytest.raises(TypeError, match='BoundEvent'):
        framework.observe(Events.ping, charm.first)  # type: ignore[arg-type]


def test_observe_rejects_methods_with_the_wrong_signature(make_framework: MakeFramework) -> None:
    framework = make_framework()

    class Picky(Object):
        def no_event(self) -> None:
            pass

        def two_args(self, event: EventBase, other: int) -> None:
            pass

        def optional_extra(self, event: EventBase, other: int = 0) -> None:
            pass

        def star(self, *args: Any) -> None:
            pass

    picky = Picky(framework, None)
    charm = Charm(framework)
    for bad in (picky.no_event, picky.two_args):
        with pytest.raises(TypeError, match=r"Picky\.\w+ must be callable with only 'self'"):
            framework.observe(charm.on.ping, bad)
    framework.observe(charm.on.ping, picky.optional_extra)
    framework.observe(charm.on.ping, picky.star)


def test_bound_events_and_emitters(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    bound = charm.on.ping
    assert isinstance(bound, BoundEvent)
    assert (bound.emitter, bound.event_type, bound.event_kind) == (charm.on, Ping, 'ping')
    assert 'BoundEvent Ping bound to Events.ping' in repr(bound)
    assert charm.on is charm.on  # one emitter per object
    assert charm.on.handle.path == 'Charm/on'
    assert framework.on.handle.path == 'on'
    assert isinstance(framework.on, FrameworkEvents)
    assert list(charm.on.events()) == ['ping', 'pong']
    assert repr(charm.on).endswith('Events: ping, pong>')
    assert Charm.on is Charm.__dict__['on']  # class access gives the descriptor itself


def test_define_event_and_prefixed_access(make_framework: MakeFramework) -> None:
    class DynEvents(ObjectEvents):
        pass

    class Dyn(Object):
        on = DynEvents()

    framework = make_framework()
    dyn = Dyn(framework, None)
    dyn.on.define_event('db_relation_changed', Pong)
    assert isinstance(dyn.on['db'], PrefixedEvents)
    assert dyn.on['db'].relation_changed.event_kind == 'db_relation_changed'
    assert dyn.on['my-db'] is not None
    assert 'db_relation_changed' in dyn.on.events()
    prefix = 'unable to define an event with event_kind that '
    with pytest.raises(RuntimeError, match=prefix + 'is not a valid python identifier'):
        DynEvents.define_event('not-an-identifier', Pong)
    with pytest.raises(RuntimeError, match=prefix + 'is a python keyword'):
        DynEvents.define_event('class', Pong)
    with pytest.raises(RuntimeError, match=prefix + 'overlaps with an existing type'):
        DynEvents.define_event('db_relation_changed', Pong)
    with pytest.raises(RuntimeError, match=prefix + 'overlaps with an existing type'):
        DynEvents.define_event('events', Pong)


def test_event_source_misuse() -> None:
    with pytest.raises(RuntimeError, match='subclass of EventBase'):
        EventSource(int)  # type: ignore[type-var]
    source = EventSource(Pong)
    with pytest.raises(RuntimeError) as info:

        class Twice(ObjectEvents):
            a = source
            b = source

    # Python < 3.12 wraps errors from __set_name__ in a RuntimeError of its own.
    assert (
        'EventSource(Pong) reused as Twice.a and Twice.b' in f'{info.value} {info.value.__cause__}'
    )

    del source


def test_lifecycle_events_cannot_be_deferred(make_framework: MakeFramework) -> None:
    framework = make_framework()
    seen: list[str] = []

    class Watcher(Object):
        def on_pre(self, event: PreCommitEvent) -> None:
            seen.append('pre_commit')
            with pytest.raises(RuntimeError, match='cannot defer lifecycle events'):
                event.defer()

        def on_commit(self, event: CommitEvent) -> None:
            seen.append('commit')
            assert isinstance(event, LifecycleEvent)

    watcher = Watcher(framework, None)
    framework.observe(framework.on.commit, watcher.on_commit)
    framework.observe(framework.on.pre_commit, watcher.on_pre)
    framework.commit()
    assert seen == ['pre_commit', 'commit']


def test_event_repr_and_defer_logging(
    make_framework: MakeFramework, caplog: pytest.LogCaptureFixture
) -> None:
    framework = make_framework()

    class Deferrer(Object):
        def handler(self, event: Pong) -> None:
            assert repr(event) == '<Pong via Deferrer2/on/pong[1]>'
            event.defer()

    class Deferrer2(Deferrer):
        on = Events()

    obj = Deferrer2(framework, None)
    framework.observe(obj.on.pong, obj.handler)
    with caplog.at_level(logging.DEBUG, logger='ops.framework'):
        obj.on.pong.emit()
    assert 'Deferring <Pong via Deferrer2/on/pong[1]>.' in caplog.messages


def test_handlers_run_inside_the_event_context(make_framework: MakeFramework) -> None:
    juju = World({'name': 'myapp'})
    model = Model(CharmMeta.from_yaml('name: myapp'), juju.backend)
    framework = make_framework()
    framework.model = model
    charm = Charm(framework)
    seen: list[str] = []

    class Watcher(Object):
        def handler(self, event: Ping) -> None:
            seen.append(running_event(model))

    watcher = Watcher(framework, None)
    framework.observe(charm.on.ping, watcher.handler)
    charm.on.ping.emit(1)
    assert seen == ['ping']
    assert running_event(model) == ''


def test_observing_the_same_method_twice_delivers_once(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    framework.observe(charm.on.ping, charm.first)
    framework.observe(charm.on.ping, charm.first)
    charm.on.ping.emit(1)
    assert charm.log == [('first', 1)]


def test_a_decorated_handler_is_checked_by_the_wrapper_it_is(
    make_framework: MakeFramework,
) -> None:
    import functools

    def supplying(func: Callable[..., None]) -> Callable[[Any, EventBase], None]:
        @functools.wraps(func)
        def wrapper(self: Any, event: EventBase) -> None:
            func(self, event, 'supplied')

        return wrapper

    def demanding(func: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(func)
        def wrapper(self: Any, event: EventBase, extra: str) -> None:
            func(self, event)

        return wrapper

    class Decorated(Object):
        def __init__(self, framework: Framework) -> None:
            super().__init__(framework, 'decorated')
            self.got: list[str] = []

        @supplying
        def takes_extra(self, event: EventBase, extra: str) -> None:
            self.got.append(extra)

        @demanding
        def needs_extra(self, event: EventBase) -> None:
            pass

    framework = make_framework()
    charm = Charm(framework)
    decorated = Decorated(framework)
    # The wrapper is what the framework calls: it takes the event alone, so it is fine
    # even though the function it wraps wants more.
    framework.observe(charm.on.pong, decorated.takes_extra)
    charm.on.pong.emit()
    assert decorated.got == ['supplied']
    with pytest.raises(TypeError, match="Decorated.needs_extra must be callable with only 'self'"):
        framework.observe(charm.on.pong, decorated.needs_extra)


class Unsorted(ObjectEvents):
    zeta = EventSource(Pong)
    alpha = EventSource(Pong)


def test_emitter_repr_lists_its_events_sorted() -> None:
    assert repr(Unsorted()) == f'<{__name__}.Unsorted: alpha, zeta>'


def test_a_path_instead_of_a_storage_still_works_with_a_warning(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger='ops.framework'):
        framework = Framework(str(tmp_path / 'state.db'), tmp_path, None, None)  # type: ignore[arg-type]
    try:
        assert 'deprecated: Framework now takes a Storage not a path' in caplog.messages
        charm = Charm(framework)
        framework.observe(charm.on.pong, charm.on_pong)
        charm.on.pong.emit()
        assert charm.log == [('pong', 'Charm/on/pong[1]')]
    finally:
        framework.close()
