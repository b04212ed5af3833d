"""``MemoryStorage``: the framework's store kept in the process, for simulated units.

A testing front-end runs the charm's framework over a store that is never written to disk
and lives as long as the simulated unit: one dispatch of ``Context.run``, or the whole life
of a ``Harness``. It keeps :class:`~ops_core.storage.SQLiteStorage`'s contract (snapshots by
handle path, deferred-event notices in order, a value read back is a copy of what was
saved) in dictionaries: opening it costs nothing and an emitted event costs a pickle, not
five SQL statements.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ._errors import NoSnapshotError

try:
    from _pickle import dumps as _dumps
    from _pickle import loads as _loads
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from pickle import dumps as _dumps
    from pickle import loads as _loads

__all__ = ['MemoryStorage']

_Notice = tuple[str, str, str]


class MemoryStorage:
    """Snapshots and deferred-event notices of one simulated unit, in memory.

    Values are pickled when saved and unpickled when loaded, so that what is loaded is a
    copy and only picklable data is accepted (the framework itself refuses anything but
    simple builtin values). Everything here was saved by this process, so values are
    decoded without :class:`~ops_core.storage.SQLiteStorage`'s guard against a tampered
    file. :meth:`commit` makes nothing more durable: changes are visible at once.

    Args:
        closed_message: the text of the ``RuntimeError`` raised when the storage is used
            after :meth:`close` (say who closed it and why).
    """

    def __init__(self, closed_message: str = 'the framework storage is closed') -> None:
        self._snapshots: dict[str, bytes] = {}
        self._notices: dict[int, _Notice] = {}
        self._by_event: dict[str, dict[int, None]] = {}
        self._sequence = itertools.count(1)
        self._closed_message = closed_message
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(self._closed_message)

    def close(self) -> None:
        """Forget everything; any later use raises ``RuntimeError``."""
        self._closed = True
        self._snapshots.clear()
        self._notices.clear()
        self._by_event.clear()

    def commit(self) -> None:
        """Nothing to write: every change is already visible."""
        self._check_open()

    def save_snapshot(self, handle_path: str, snapshot_data: Any) -> None:
        """Save a copy of ``snapshot_data`` under ``handle_path``, replacing any previous one."""
        self._check_open()
        self._snapshots[handle_path] = _dumps(snapshot_data)

    def load_snapshot(self, handle_path: str) -> Any:
        """A copy of the data saved under ``handle_path``.

        Raises:
            NoSnapshotError: nothing is saved there.
        """
        self._check_open()
        raw = self._snapshots.get(handle_path)
        if raw is None:
            raise NoSnapshotError(handle_path)
        return _loads(raw)

    def drop_snapshot(self, handle_path: str) -> None:
        """Delete the data saved under ``handle_path`` (no error if there is none)."""
        self._check_open()
        self._snapshots.pop(handle_path, None)

    def list_snapshots(self) -> Iterator[str]:
        """Every handle path with saved data, in the order first saved."""
        self._check_open()
        yield from list(self._snapshots)

    def save_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Queue a notice: the observer's method still has to see the event."""
        self._check_open()
        sequence = next(self._sequence)
        self._notices[sequence] = (event_path, observer_path, method_name)
        self._by_event.setdefault(event_path, {})[sequence] = None

    def drop_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Remove every queued notice equal to this one."""
        self._check_open()
        sequences = self._by_event.get(event_path)
        if not sequences:
            return
        notice = (event_path, observer_path, method_name)
        for sequence in [s for s in sequences if self._notices[s] == notice]:
            del self._notices[sequence]
            del sequences[sequence]
        if not sequences:
            del self._by_event[event_path]

    def notices(self, event_path: str | None = None) -> Iterator[_Notice]:
        """The queued notices in order (only those of ``event_path``, if given)."""
        self._check_open()
        if event_path:
            selected = [self._notices[s] for s in self._by_event.get(event_path, ())]
        else:
            selected = list(self._notices.values())
        yield from selected
