"""The on-disk buffer of trace data: an SQLite file in the charm directory.

Every dispatch adds its spans here (as encoded OTLP chunks) before anything is sent, so
trace data outlives a hook that dies and waits out a tracing backend that is away. The
buffer is bounded: when a new chunk would make it larger than its limit, the least
important, oldest chunks are dropped first. Data of dispatches where the charm observed
an event is more important than data of dispatches where nothing listened, so the trace
of a charm's first hooks survives until a tracing relation appears.

The tracing destination (URL and CA) set by :func:`ops_tracing.set_destination` is kept
here too, so that every dispatch knows where to send, whatever the charm observes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

__all__ = [
    'DEFAULT_MAX_BYTES',
    'FILE_NAME',
    'OBSERVED_PRIORITY',
    'UNOBSERVED_PRIORITY',
    'Buffer',
    'Chunk',
    'Destination',
]

logger = logging.getLogger(__name__)

FILE_NAME = '.tracing-data.db'
"""The buffer's file name in the charm directory (beside ``.unit-state.db``)."""

DEFAULT_MAX_BYTES = 40 * 1024 * 1024
"""The largest the buffered trace data may grow to (the sum of the chunks' sizes)."""

UNOBSERVED_PRIORITY = 10
"""Priority of data from a dispatch in which no observer was called."""

OBSERVED_PRIORITY = 50
"""Priority of data from a dispatch in which the charm observed an event."""

_LOCK_TIMEOUT = 5.0  # seconds to wait for another process holding the file

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS chunk (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        priority INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL
    )""",
    'CREATE INDEX IF NOT EXISTS chunk_by_importance ON chunk (priority DESC, id ASC)',
    'CREATE TABLE IF NOT EXISTS setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
)


class Destination(NamedTuple):
    """Where trace data goes: an ``http(s)://`` URL, and the CA list for HTTPS.

    Attributes:
        url: the OTLP/HTTP traces URL, or ``None`` to keep the data buffered.
        ca: the CA certificates (PEM) to verify an HTTPS destination with, or ``None`` for
            the system's CA list.
    """

    url: str | None
    ca: str | None


class Chunk(NamedTuple):
    """One buffered piece of trace data, ready to send.

    Attributes:
        id: its key in the buffer.
        content_type: the HTTP content type of ``data``.
        data: the encoded request body.
    """

    id: int
    content_type: str
    data: bytes


class Buffer:
    """The trace-data buffer file ``path`` (created, readable by its owner only).

    Args:
        path: the SQLite file.
        max_bytes: the limit on the total size of the buffered chunks.
    """

    def __init__(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.path = path
        self.max_bytes = max_bytes
        self._create()

    def _create(self) -> None:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if stat.S_IMODE(self.path.stat().st_mode) != 0o600:
                self.path.chmod(0o600)
        else:
            os.close(fd)
        try:
            with self._transaction() as db:
                for statement in _SCHEMA:
                    db.execute(statement)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise  # locked, read-only, disk full: nothing wrong with the file itself
            # Not an SQLite file (or a damaged one): trace data is not worth failing a
            # hook for. Keep the damaged file for inspection and start afresh.
            aside = self.path.with_name(self.path.name + '.damaged')
            logger.warning(
                'The trace buffer %s is damaged (%s); moved to %s.', self.path, exc, aside
            )
            os.replace(self.path, aside)
            self._create()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=_LOCK_TIMEOUT, isolation_level=None)
        try:
            db.execute('BEGIN IMMEDIATE')
            try:
                yield db
            except BaseException:
                db.execute('ROLLBACK')
                raise
            db.execute('COMMIT')
        finally:
            db.close()

    # -- the destination ----------------------------------------------------------------

    def destination(self) -> Destination:
        """The stored destination (``Destination(None, None)`` if none was ever set)."""
        with self._transaction() as db:
            rows = dict(db.execute("SELECT key, value FROM setting WHERE key IN ('url', 'ca')"))
        return Destination(rows.get('url') or None, rows.get('ca') or None)

    def set_destination(self, destination: Destination) -> bool:
        """Store ``destination``; returns whether it differs from the one stored before."""
        with self._transaction() as db:
            before = dict(db.execute("SELECT key, value FROM setting WHERE key IN ('url', 'ca')"))
            after = {'url': destination.url or '', 'ca': destination.ca or ''}
            if {k: before.get(k, '') for k in after} == after:
                return False
            db.executemany(
                'INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)', after.items()
            )
        return True

    # -- chunks -------------------------------------------------------------------------

    def push(self, data: bytes, content_type: str, priority: int) -> int | None:
        """Add a chunk, first dropping the least important, oldest ones it does not fit beside.

        Args:
            data: the encoded trace data.
            content_type: its HTTP content type.
            priority: :data:`OBSERVED_PRIORITY` or :data:`UNOBSERVED_PRIORITY`.

        Returns:
            the new chunk's id, or ``None`` if the chunk alone is larger than the limit
            (it is dropped, and logged).
        """
        if len(data) > self.max_bytes:
            logger.warning(
                'Dropped %d bytes of trace data: more than the whole buffer (%d bytes).',
                len(data),
                self.max_bytes,
            )
            return None
        with self._transaction() as db:
            (stored,) = db.execute('SELECT COALESCE(SUM(LENGTH(data)), 0) FROM chunk').fetchone()
            excess = stored + len(data) - self.max_bytes
            if excess > 0:
                victims: list[int] = []
                cursor = db.execute(
                    'SELECT id, LENGTH(data) FROM chunk ORDER BY priority ASC, id ASC'
                )
                for chunk_id, size in cursor:
                    victims.append(chunk_id)
                    excess -= size
                    if excess <= 0:
                        break
                cursor.close()
                db.executemany('DELETE FROM chunk WHERE id = ?', ((v,) for v in victims))
                logger.debug('Trace buffer full: dropped %d older chunks.', len(victims))
            cursor = db.execute(
                'INSERT INTO chunk (priority, content_type, data) VALUES (?, ?, ?)',
                (priority, content_type, data),
            )
            return cursor.lastrowid

    def raise_priority(self, ids: Iterable[int], priority: int) -> None:
        """Make chunks ``ids`` (those still buffered) at least ``priority`` important."""
        ids = list(ids)
        if not ids:
            return
        with self._transaction() as db:
            db.executemany(
                'UPDATE chunk SET priority = MAX(priority, ?) WHERE id = ?',
                ((priority, chunk_id) for chunk_id in ids),
            )

    def next_chunk(self) -> Chunk | None:
        """The chunk to send next (most important first, then oldest), or ``None``."""
        with self._transaction() as db:
            row = db.execute(
                'SELECT id, content_type, data FROM chunk ORDER BY priority DESC, id ASC LIMIT 1'
            ).fetchone()
        return Chunk(row[0], row[1], bytes(row[2])) if row else None

    def remove(self, chunk_id: int) -> None:
        """Forget a chunk (it was sent)."""
        with self._transaction() as db:
            db.execute('DELETE FROM chunk WHERE id = ?', (chunk_id,))

    def stored_bytes(self) -> int:
        """The total size of the buffered chunks."""
        with self._transaction() as db:
            (stored,) = db.execute('SELECT COALESCE(SUM(LENGTH(data)), 0) FROM chunk').fetchone()
        return int(stored)

    def chunk_count(self) -> int:
        """How many chunks are buffered."""
        with self._transaction() as db:
            (count,) = db.execute('SELECT COUNT(*) FROM chunk').fetchone()
        return int(count)
