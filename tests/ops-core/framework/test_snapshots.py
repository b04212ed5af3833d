"""Framework.save_snapshot / load_snapshot / drop_snapshot / register_type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ops.framework import (
    EventBase,
    Framework,
    Handle,
    NoSnapshotError,
    NoTypeError,
    Object,
    Serializable,
)

MakeFramework = Callable[..., Framework]


class Counter(Object):
    def __init__(self, parent: Object | Framework, key: str):
        super().__init__(parent, key)
        self.value = 0

    def snapshot(self) -> dict[str, Any]:
        return {'value': self.value}

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.value = snapshot['value']


def test_registered_objects_round_trip_across_frameworks(make_framework: MakeFramework) -> None:
    framework = make_framework()
    framework.register_type(Counter, None)
    counter = Counter(framework, 'hits')
    counter.value = 41
    framework.save_snapshot(counter)
    framework.commit()
    framework.close()

    framework = make_framework()
    framework.register_type(Counter, None, 'Counter')
    loaded = framework.load_snapshot(Handle(None, 'Counter', 'hits'))
    assert isinstance(loaded, Counter)
    assert loaded.value == 41
    assert loaded.framework is framework
    assert loaded.handle.path == 'Counter[hits]'
    serializable: Serializable = loaded  # satisfies the protocol statically
    assert serializable.handle is loaded.handle
    framework.drop_snapshot(loaded.handle)
    with pytest.raises(
        NoSnapshotError, match=r'no snapshot data found for Counter\[hits\] object'
    ):
        framework.load_snapshot(Handle(None, 'Counter', 'hits'))


def test_saving_an_unregistered_type_is_refused(make_framework: MakeFramework) -> None:
    framework = make_framework()
    with pytest.raises(RuntimeError, match='cannot save Counter values before registering'):
        framework.save_snapshot(Counter(framework, 'x'))


def test_loading_without_a_registered_type_raises_no_type_error(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    with pytest.raises(NoTypeError) as info:
        framework.load_snapshot(Handle.from_path('Nobody[x]'))
    assert str(info.value) == 'cannot restore Nobody[x] since no class was registered for it'
    assert info.value.handle_path == 'Nobody[x]'


def test_snapshots_must_hold_simple_types_only(make_framework: MakeFramework) -> None:
    framework = make_framework()
    framework.register_type(Counter, None)
    counter = Counter(framework, 'c')
    counter.value = {'nested': [object()]}  # type: ignore[assignment]
    with pytest.raises(ValueError, match=r'unable to save the data for Counter.*builtins\.object'):
        framework.save_snapshot(counter)


def _cyclic() -> dict[str, object]:
    looped: dict[str, object] = {'fine': 1}
    looped['me'] = [looped]
    return looped


def _deep(levels: int) -> list[object]:
    deep: list[object] = []
    for _ in range(levels):
        deep = [deep]
    return deep


@pytest.mark.parametrize(
    ('value', 'problem'),
    [
        (
            _cyclic(),
            r"'value' at \['me'\]\[0\] of Counter\[c\] contains itself \(a reference cycle\)",
        ),
        (_deep(5000), r"'value' of Counter\[c\] is nested too deeply \(5001 levels\)"),
    ],
    ids=['cycle', 'deep'],
)
def test_cyclic_or_too_deep_snapshots_are_a_value_error(
    make_framework: MakeFramework, value: object, problem: str
) -> None:
    framework = make_framework()
    framework.register_type(Counter, None)
    counter = Counter(framework, 'c')
    counter.value = value  # type: ignore[assignment]
    with pytest.raises(ValueError, match=r'unable to save the data for Counter: .*' + problem):
        framework.save_snapshot(counter)


def test_events_snapshot_and_restore() -> None:
    event = EventBase(Handle(None, 'on', None).nest('x', '1'))
    assert event.snapshot() == {}
    event.deferred = True
    event.restore({})
    assert event.deferred is False
