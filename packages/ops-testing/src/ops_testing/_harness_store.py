"""The framework's store for a Harness: snapshots and deferred-event notices in memory.

A Harness never commits to disk and never reopens its store, so the SQLite database a
dispatch uses buys it nothing but cost on every event (five statements per emitted event).
This store keeps the same contract (``ops_core._sqlite_storage.SQLiteStorage``'s methods,
values pickled so that what is saved is a copy and only picklable data is accepted) in dicts.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterator
from typing import Any

from ops_core._storage_errors import NoSnapshotError

__all__ = ['MemoryStore']

_Notice = tuple[str, str, str]


class MemoryStore:
    """Snapshots and notices of one Harness's framework, in memory."""

    def __init__(self) -> None:
        self._snapshots: dict[str, bytes] = {}
        self._notices: dict[int, _Notice] = {}
        self._by_event: dict[str, dict[int, None]] = {}
        self._sequence = itertools.count(1)
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError('the Harness has been cleaned up: its framework store is closed')

    def close(self) -> None:
        """Forget everything; later use is an error."""
        self._closed = True
        self._snapshots.clear()
        self._notices.clear()
        self._by_event.clear()

    def commit(self) -> None:
        """Nothing to do: changes are visible at once and never written anywhere."""
        self._check_open()

    def save_snapshot(self, handle_path: str, snapshot_data: Any) -> None:
        """Save a copy of ``snapshot_data`` under ``handle_path``."""
        self._check_open()
        self._snapshots[handle_path] = pickle.dumps(snapshot_data)

    def load_snapshot(self, handle_path: str) -> Any:
        """A copy of the data saved under ``handle_path``.

        Raises:
            NoSnapshotError: nothing is saved there.
        """
        self._check_open()
        raw = self._snapshots.get(handle_path)
        if raw is None:
            raise NoSnapshotError(handle_path)
        return pickle.loads(raw)

    def drop_snapshot(self, handle_path: str) -> None:
        """Delete the data saved under ``handle_path`` (if any)."""
        self._check_open()
        self._snapshots.pop(handle_path, None)

    def list_snapshots(self) -> Iterator[str]:
        """Every handle path with saved data."""
        self._check_open()
        yield from list(self._snapshots)

    def save_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Queue a notice (an observer still has to see the event)."""
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
        """The queued notices in order (only those of ``event_path`` if given)."""
        self._check_open()
        if event_path:
            selected = [self._notices[s] for s in self._by_event.get(event_path, ())]
        else:
            selected = list(self._notices.values())
        yield from selected
