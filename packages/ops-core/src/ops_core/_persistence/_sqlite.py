"""``SQLiteStorage``: the unit state file ``.unit-state.db`` (format of ops 3.9)."""

from __future__ import annotations

import datetime
import errno
import logging
import os
import stat
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .._exports import publish
from ._errors import NoSnapshotError, StateFileError

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
    import sqlite3
    from pickle import dumps as _dumps

    from . import _snapshot_pickle

# The files SQLite itself opens next to the database (a FIFO there hangs it too).
_COMPANIONS = ('', '-journal', '-wal', '-shm')


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, 'a FIFO (named pipe)'),
        (stat.S_ISDIR, 'a directory'),
        (stat.S_ISSOCK, 'a socket'),
        (stat.S_ISCHR, 'a character device'),
        (stat.S_ISBLK, 'a block device'),
    ):
        if test(mode):
            return kind
    return 'a special file'


def _load_modules() -> None:
    # sqlite3 and pickle cost a few milliseconds to import; load them only when a storage
    # is actually opened (``import ops`` alone should not pay for them). ``dumps`` is that
    # of the C accelerator ``_pickle``, taken from it directly: the pure-Python half of
    # ``pickle`` (a hook never needs it) is not loaded.
    global _dumps, sqlite3, _snapshot_pickle
    import sqlite3

    from . import _snapshot_pickle

    try:
        from _pickle import dumps as _dumps
    except ImportError:  # pragma: no cover - an interpreter without the accelerator
        from pickle import dumps as _dumps


class SQLiteStorage:
    """Snapshots and deferred-event notices in a local SQLite file.

    The file is opened with an exclusive lock held until :meth:`close`, and everything
    done between opening and :meth:`commit` is one transaction: closing without committing
    discards it. While another process (another hook of the unit) holds the lock, opening
    waits for it, up to :attr:`DB_LOCK_TIMEOUT`. The file is created with mode 0600, and
    made 0600 again if it was loosened (a symbolic link is left alone, not followed).
    Snapshots are decoded without running code from the file: only the builtin types stored
    state can hold are accepted.

    Args:
        filename: the database file (``<charm dir>/.unit-state.db``), or ``':memory:'``.

    Raises:
        StateFileError: if the file is not a usable SQLite database, is not a regular file
            (a FIFO, a device, a directory), is truncated, cannot be written (disk full,
            read-only directory), or is locked by another process for longer than
            :attr:`DB_LOCK_TIMEOUT`.
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
        if self._filename != ':memory:':
            self._check_regular_files()
        if existed:
            self._check_not_truncated()
        self._secure_file(existed)
        if not existed:
            logger.debug('Initializing SQLite local storage: %s.', self._filename)
        try:
            # No busy wait while connecting: _setup() waits for the lock itself, saying so.
            self._db = sqlite3.connect(self._filename, isolation_level=None, timeout=0)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._error(exc) from exc

    def _check_regular_files(self) -> None:
        # SQLite blocks for ever opening a FIFO (the database or its journal), and reading
        # a device or directory as a database helps nobody: refuse them before SQLite opens.
        for suffix in _COMPANIONS:
            path = self._filename + suffix
            try:
                mode = os.stat(path).st_mode
            except FileNotFoundError:
                continue
            except OSError as exc:
                if exc.errno == errno.ENOENT or exc.errno == errno.ENOTDIR:
                    continue
                raise StateFileError(
                    f'the unit state file {path} cannot be examined ({exc.strerror}); make '
                    f'sure it is a readable file, then retry the hook',
                    self._filename,
                ) from exc
            if not stat.S_ISREG(mode):
                kind = _file_kind(mode)
                raise StateFileError(
                    f'the unit state file {path} is {kind}, not a regular file; SQLite '
                    f'cannot use it (a FIFO would hang the hook): remove it (if it is the '
                    f'database, restore the real file from a backup), then retry the hook',
                    self._filename,
                )

    def _secure_file(self, existed: bool) -> None:
        if self._filename == ':memory:':
            return
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            if not existed:
                flags |= os.O_CREAT | os.O_EXCL
            try:
                fd = os.open(self._filename, flags, 0o600)
            except FileExistsError:
                fd = os.open(self._filename, flags & ~(os.O_CREAT | os.O_EXCL))
        except PermissionError:
            # Not readable by us: chmod by name, unless it is a link (checked just before).
            try:
                if not os.path.islink(self._filename):
                    os.chmod(self._filename, 0o600)
                return
            except OSError as exc:
                raise RuntimeError(
                    f"Unable to adjust access permission of '{self._filename}'"
                ) from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                # A symbolic link: chmod would change its target, wherever it points.
                logger.warning(
                    'The unit state file %s is a symbolic link; its permissions are left '
                    'as they are (make sure only this unit can read its target).',
                    self._filename,
                )
                return
            raise RuntimeError(
                f"Unable to adjust access permission of '{self._filename}'"
            ) from exc
        try:
            os.fchmod(fd, 0o600)  # also when already 0600: a read-only mount fails here, early
        except OSError as exc:
            raise RuntimeError(
                f"Unable to adjust access permission of '{self._filename}'"
            ) from exc
        finally:
            os.close(fd)

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
        # Take the write lock now, not at the first write: two hooks that both held a read
        # lock and then wanted to write would deadlock, and SQLite fails one of them at once
        # with "database is locked" instead of letting it wait.
        try:
            self._db.execute('BEGIN EXCLUSIVE')
        except sqlite3.OperationalError as exc:
            if 'locked' not in str(exc) and 'busy' not in str(exc):
                raise
            wait = self.DB_LOCK_TIMEOUT.total_seconds()
            logger.info(
                'The unit state file %s is locked by another process (another hook of this '
                'unit?); waiting up to %g seconds for it.',
                self._filename,
                wait,
            )
            self._db.execute(f'PRAGMA busy_timeout = {max(1, int(wait * 1000))}')
            self._db.execute('BEGIN EXCLUSIVE')
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
        self._run('REPLACE INTO snapshot VALUES (?, ?)', (handle_path, _dumps(snapshot_data)))

    def load_snapshot(self, handle_path: str) -> Any:
        """Return the data saved under ``handle_path``.

        Raises:
            NoSnapshotError: if nothing is saved under that path.
        """
        row = self._run('SELECT data FROM snapshot WHERE handle=?', (handle_path,)).fetchone()
        if row is None:
            raise NoSnapshotError(handle_path)
        if row[0] is None:
            logger.warning(
                'The snapshot %r in the unit state file %s holds no data (NULL); it is '
                'treated as missing.',
                handle_path,
                self._filename,
            )
            raise NoSnapshotError(handle_path)
        try:
            return _snapshot_pickle.loads(row[0])
        except _snapshot_pickle.ForbiddenPickleError as exc:
            raise StateFileError(
                f'the snapshot {handle_path!r} in the unit state file {self._filename} was '
                f'refused: it refers to {exc.name}, which stored state and events never hold, '
                f'so the file was tampered with or damaged (nothing from it was run); move it '
                f'aside or restore it from a backup',
                self._filename,
            ) from None
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
                notice = (event_path, observer_path, method_name)
                if not all(isinstance(part, str) and part for part in notice):
                    self._drop_broken_notice(seq, notice)
                    continue
                self._remember(seq, notice)
        return self._notices

    def _drop_broken_notice(self, seq: Any, notice: tuple[Any, ...]) -> None:
        # A row no ops version writes (NULLs, empty or non-text fields): it can never be
        # delivered, and keeping it would fail every later hook.
        logger.warning(
            'Dropping a broken deferred-event notice (sequence %r: %r) from the unit state '
            'file %s.',
            seq,
            notice,
            self._filename,
        )
        self._run('DELETE FROM notice WHERE sequence IS ?', (seq,))

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


publish(__name__)
