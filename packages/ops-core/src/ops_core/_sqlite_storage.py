"""``SQLiteStorage``: the unit state file ``.unit-state.db`` (format of ops 3.9)."""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ._storage_errors import NoSnapshotError, StateFileError

logger = logging.getLogger('ops.storage')

_NOTICE_DDL = """
                CREATE TABLE notice (
                  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                  event_path TEXT,
                  observer_path TEXT,
                  method_name TEXT)
                """

_Notice = tuple[str, str, str]

if TYPE_CHECKING:
    import pickle
    import sqlite3


def _load_modules() -> None:
    # sqlite3 and pickle cost a few milliseconds to import; load them only when a storage
    # is actually opened (``import ops`` alone should not pay for them).
    global pickle, sqlite3
    import pickle
    import sqlite3


class SQLiteStorage:
    """Snapshots and deferred-event notices in a local SQLite file.

    The file is opened with an exclusive lock held until :meth:`close`, and everything
    done between opening and :meth:`commit` is one transaction: closing without committing
    discards it. The file is created with mode 0600.

    Args:
        filename: the database file (``<charm dir>/.unit-state.db``), or ``':memory:'``.

    Raises:
        StateFileError: if the file is not a usable SQLite database, is truncated, cannot be
            written (disk full, read-only directory), or is locked by another process for
            longer than :attr:`DB_LOCK_TIMEOUT`.
        RuntimeError: if the file's permissions cannot be set to 0600.
    """

    DB_LOCK_TIMEOUT = datetime.timedelta(hours=1)

    def __init__(self, filename: str | os.PathLike[str]):
        _load_modules()
        self._filename = os.fspath(filename)
        # In-memory mirror of the notice table: sequence -> notice, in sequence order.
        # Valid because this connection holds the database's exclusive lock.
        self._notices: dict[int, _Notice] | None = None
        self._by_notice: dict[_Notice, list[int]] = {}
        self._by_event: dict[str, list[int]] = {}
        existed = self._filename != ':memory:' and os.path.exists(self._filename)
        if existed:
            self._check_not_truncated()
        self._secure_file(existed)
        if not existed:
            logger.debug('Initializing SQLite local storage: %s.', self._filename)
        try:
            self._db = sqlite3.connect(
                self._filename,
                isolation_level=None,
                timeout=self.DB_LOCK_TIMEOUT.total_seconds(),
            )
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._error(exc) from exc

    def _secure_file(self, existed: bool) -> None:
        if self._filename == ':memory:':
            return
        try:
            if not existed:
                try:
                    os.close(os.open(self._filename, os.O_CREAT | os.O_EXCL, 0o600))
                except FileExistsError:
                    pass
            os.chmod(self._filename, 0o600)
        except OSError as exc:
            raise RuntimeError(
                f"Unable to adjust access permission of '{self._filename}'"
            ) from exc

    def _check_not_truncated(self) -> None:
        # SQLite keeps no checksums: it reads a cut-off last page as zeros, so a truncated
        # file can yield stored state with its tail silently zeroed. The header records the
        # page count; a file shorter than that lost data. Skipped while a journal exists: the
        # file is mid-transaction (or being recovered), which SQLite itself sorts out.
        try:
            with open(self._filename, 'rb') as f:
                header = f.read(100)
                size = os.fstat(f.fileno()).st_size
        except OSError:
            return  # unreadable: connecting reports it
        if len(header) < 100 or not header.startswith(b'SQLite format 3\x00'):
            return  # empty (a new file) or not a database: connecting reports it
        if os.path.exists(self._filename + '-journal') or os.path.exists(self._filename + '-wal'):
            return
        page_size = int.from_bytes(header[16:18], 'big')
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], 'big')
        header_valid = header[24:28] == header[92:96]
        if header_valid and pages and size < pages * page_size:
            raise StateFileError(
                f'the unit state file {self._filename} is truncated ({size} bytes, its header '
                f'says {pages * page_size}): stored state and deferred events in the lost part '
                f'are gone; restore it from a backup or move it aside (everything is then lost)',
                self._filename,
            )

    def _error(self, exc: sqlite3.Error) -> StateFileError:
        text = str(exc)
        if 'locked' in text or 'busy' in text:
            return StateFileError(
                f'the unit state file {self._filename} is locked by another process ({text}); '
                f'make sure no other hook or process of this unit is running, then retry',
                self._filename,
            )
        if 'full' in text:
            return StateFileError(
                f'the unit state file {self._filename} could not be written: the disk is full '
                f'({text}); free some space, then retry the hook (nothing of this hook was '
                f'saved, the previous state is intact)',
                self._filename,
            )
        if any(word in text for word in ('readonly', 'read-only', 'unable to open', 'I/O')):
            return StateFileError(
                f'the unit state file {self._filename} could not be written ({text}); make '
                f'sure its directory is writable and the disk healthy, then retry the hook '
                f'(nothing of this hook was saved)',
                self._filename,
            )
        return StateFileError(
            f'the unit state file {self._filename} is not a usable SQLite database ({text}); '
            f'it is corrupt or was replaced: move it aside (stored state and deferred events '
            f'are then lost) or restore it from a backup',
            self._filename,
        )

    def _setup(self) -> None:
        self._db.execute('PRAGMA locking_mode=EXCLUSIVE')
        self._db.execute('BEGIN')
        cursor = self._db.execute(
            "SELECT count(name) FROM sqlite_master WHERE type='table' AND name='snapshot'"
        )
        if cursor.fetchone()[0] == 0:
            self._db.execute('CREATE TABLE snapshot (handle TEXT PRIMARY KEY, data BLOB)')
            self._db.execute(_NOTICE_DDL)
        else:
            # Touch both tables now so that a damaged file fails here, with a clear error.
            self._db.execute('SELECT count(*) FROM notice').fetchone()

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.ProgrammingError:
            raise  # misuse such as a closed storage: not a problem with the file
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def close(self) -> None:
        """Close the database; anything not committed is rolled back."""
        self._db.close()

    def commit(self) -> None:
        """Commit everything done since the storage was opened (or last committed)."""
        try:
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        # Stay inside a transaction so that later changes are atomic too.
        if not self._db.in_transaction:
            self._run('BEGIN')

    def save_snapshot(self, handle_path: str, snapshot_data: Any) -> None:
        """Save ``snapshot_data`` (pickled) under ``handle_path``, replacing any previous value.

        Args:
            handle_path: the handle path key.
            snapshot_data: the data; the framework passes only simple builtin types.
        """
        self._run(
            'REPLACE INTO snapshot VALUES (?, ?)', (handle_path, pickle.dumps(snapshot_data))
        )

    def load_snapshot(self, handle_path: str) -> Any:
        """Return the data saved under ``handle_path``.

        Raises:
            NoSnapshotError: if nothing is saved under that path.
        """
        row = self._run('SELECT data FROM snapshot WHERE handle=?', (handle_path,)).fetchone()
        if row is None:
            raise NoSnapshotError(handle_path)
        try:
            return pickle.loads(row[0])
        except Exception as exc:
            raise StateFileError(
                f'the snapshot {handle_path!r} in the unit state file {self._filename} cannot be '
                f'decoded ({type(exc).__name__}); the file is damaged: move it aside or restore '
                f'it from a backup',
                self._filename,
            ) from exc

    def drop_snapshot(self, handle_path: str) -> None:
        """Delete the data saved under ``handle_path`` (no error if there is none)."""
        self._run('DELETE FROM snapshot WHERE handle=?', (handle_path,))

    def list_snapshots(self) -> Generator[str, None, None]:
        """Yield the handle path of every saved snapshot."""
        rows = self._run('SELECT handle FROM snapshot').fetchall()
        for (handle,) in rows:
            yield handle

    def _mirror(self) -> dict[int, _Notice]:
        if self._notices is None:
            rows = self._run(
                'SELECT sequence, event_path, observer_path, method_name FROM notice '
                'ORDER BY sequence'
            ).fetchall()
            self._notices = {}
            self._by_notice = {}
            self._by_event = {}
            for seq, event_path, observer_path, method_name in rows:
                self._remember(seq, (event_path, observer_path, method_name))
        return self._notices

    def _remember(self, seq: int, notice: _Notice) -> None:
        assert self._notices is not None
        self._notices[seq] = notice
        self._by_notice.setdefault(notice, []).append(seq)
        self._by_event.setdefault(notice[0], []).append(seq)

    def save_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Queue a notice: the observer's method still has to see the event.

        Args:
            event_path: the event's handle path.
            observer_path: the observing object's handle path.
            method_name: the observing method's name.
        """
        notices = self._mirror()
        cursor = self._run(
            'INSERT INTO notice VALUES (NULL, ?, ?, ?)', (event_path, observer_path, method_name)
        )
        seq = cursor.lastrowid
        assert seq is not None
        if notices and seq < next(reversed(notices)):  # pragma: no cover - AUTOINCREMENT
            self._notices = None
        else:
            self._remember(seq, (event_path, observer_path, method_name))

    def drop_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Remove every queued notice equal to this one.

        Args:
            event_path: the event's handle path.
            observer_path: the observing object's handle path.
            method_name: the observing method's name.
        """
        notices = self._mirror()
        notice = (event_path, observer_path, method_name)
        seqs = self._by_notice.pop(notice, [])
        for seq in seqs:
            self._run('DELETE FROM notice WHERE sequence=?', (seq,))
            del notices[seq]
        if seqs:
            remaining = [s for s in self._by_event.get(event_path, ()) if s in notices]
            if remaining:
                self._by_event[event_path] = remaining
            else:
                self._by_event.pop(event_path, None)

    def notices(self, event_path: str | None = None) -> Generator[_Notice, None, None]:
        """Yield the queued notices ``(event_path, observer_path, method_name)`` in order.

        Args:
            event_path: only the notices of this event; all notices when empty or ``None``.
        """
        notices = self._mirror()
        if event_path:
            selected = [notices[s] for s in self._by_event.get(event_path, ()) if s in notices]
        else:
            selected = list(notices.values())
        yield from selected
