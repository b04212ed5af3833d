"""A small framework-level "charm" run by both ops 3.9 and this project (state-file compatibility).

Run as ``python compat_charm.py <state file> <phase>`` with either implementation of ``ops`` on
the path. Phases:

``write``
    Two dispatches: the first emits custom events (some deferred), sets stored state of every
    storable type on the charm and on a library object, and commits; the second re-emits the
    queue (deferred again) and defers one more event, then commits.
``read``
    One dispatch that re-emits every deferred event without deferring again and commits.
    Prints JSON: the deliveries in order and the stored state as loaded.

The output is deterministic when run with ``PYTHONHASHSEED=0``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import ops
from ops.framework import EventBase, EventSource, Framework, Object, ObjectEvents, StoredState
from ops.storage import SQLiteStorage

DELIVERIES: list[dict[str, Any]] = []
DEFER = True


class DataEvent(EventBase):
    """An event carrying data in its snapshot."""

    def __init__(self, handle: ops.Handle, n: int = 0, payload: Any = None):
        super().__init__(handle)
        self.n = n
        self.payload = payload

    def snapshot(self) -> dict[str, Any]:
        return {'n': self.n, 'payload': self.payload}

    def restore(self, snapshot: dict[str, Any]) -> None:
        super().restore(snapshot)
        self.n = snapshot['n']
        self.payload = snapshot['payload']


class PlainEvent(EventBase):
    """An event without data."""


class CompatEvents(ObjectEvents):
    data = EventSource(DataEvent)
    plain = EventSource(PlainEvent)


def _record(observer: str, event: EventBase) -> None:
    DELIVERIES.append(
        {
            'path': event.handle.path,
            'observer': observer,
            'n': getattr(event, 'n', None),
            'payload': repr(getattr(event, 'payload', None)),
        }
    )


class MyLib(Object):
    on = CompatEvents()
    state = StoredState()

    def __init__(self, parent: Object, key: str):
        super().__init__(parent, key)
        self.framework.observe(self.on.data, self._on_data)

    def _on_data(self, event: DataEvent) -> None:
        _record('MyLib._on_data', event)
        if DEFER and event.n % 2 == 0:
            event.defer()


class MyCharm(Object):
    on = CompatEvents()
    _stored = StoredState()

    def __init__(self, framework: Framework):
        super().__init__(framework, None)
        self.lib = MyLib(self, 'db')
        framework.observe(self.on.data, self._on_data)
        framework.observe(self.on.plain, self._on_plain)
        framework.observe(self.lib.on.data, self._on_lib_data)

    def _on_data(self, event: DataEvent) -> None:
        _record('MyCharm._on_data', event)
        if DEFER and event.n != 1:
            event.defer()

    def _on_plain(self, event: PlainEvent) -> None:
        _record('MyCharm._on_plain', event)
        if DEFER:
            event.defer()

    def _on_lib_data(self, event: DataEvent) -> None:
        _record('MyCharm._on_lib_data', event)


def _dispatch(path: str, body: Any) -> MyCharm:
    framework = Framework(SQLiteStorage(path), '.', None, None)  # type: ignore[arg-type]
    charm = MyCharm(framework)
    framework.reemit()
    body(charm)
    framework.commit()
    framework.close()
    return charm


def _first(charm: MyCharm) -> None:
    charm.on.data.emit(1, {'skip': True})
    charm.on.data.emit(2, {'nested': [1, (2, 3)], 'b': b'\x00\xff'})
    charm.on.plain.emit()
    charm.lib.on.data.emit(4, 'lib')
    s = charm._stored
    s.none = None
    s.flag = True
    s.count = 7
    s.big = 2**70
    s.ratio = -0.25
    s.text = 'héllo ✓'
    s.raw = b'\x00\x01binary'
    s.items = ['a', 1, [2, 3], {'k': 'v'}]
    s.mapping = {'a': 1, 'b': {'c': [1, 2]}, 3: 'int key'}
    s.members = {1, 2, 3}
    s.empty_list = []
    s.empty_dict = {}
    s.empty_set = set()
    s.set_default(pair=(1, 'two'), frozen=frozenset({'x'}), cplx=1 + 2j, arr=bytearray(b'ab'))
    charm.lib.state.calls = 1


def _second(charm: MyCharm) -> None:
    charm.on.data.emit(6, None)
    charm._stored.count += 1
    charm._stored.items.append('more')
    charm.lib.state.calls += 1


def main() -> None:
    global DEFER
    path, phase = sys.argv[1], sys.argv[2]
    if phase == 'write':
        _dispatch(path, _first)
        _dispatch(path, _second)
        return
    if phase != 'read':
        raise SystemExit(f'unknown phase {phase!r}')
    DEFER = False
    views: dict[str, Any] = {}

    def look(charm: MyCharm) -> None:
        views['count'] = charm._stored.count
        views['items'] = repr(list(charm._stored.items))
        views['members'] = sorted(charm._stored.members)
        views['lib_calls'] = charm.lib.state.calls

    _dispatch(path, look)
    storage = SQLiteStorage(path)
    stored = {
        'charm': repr(storage.load_snapshot('MyCharm/StoredStateData[_stored]')),
        'lib': repr(storage.load_snapshot('MyCharm/MyLib[db]/StoredStateData[state]')),
        'framework': storage.load_snapshot('StoredStateData[_stored]'),
        'notices': list(storage.notices()),
        'snapshots': sorted(storage.list_snapshots()),
    }
    storage.close()
    print(json.dumps({'deliveries': DELIVERIES, 'stored': stored, 'views': views}))


if __name__ == '__main__':
    main()
