"""Reading and extending the deferred-event queue in a charm's ``.unit-state.db``.

The format is ops 3.9's (shared/spec/state-db.md), which ours reads and writes too: a
``notice`` table of (sequence, event_path, observer_path, method_name) and a ``snapshot``
table of pickled dicts keyed by handle path, with the framework's event counter in
``StoredStateData[_stored]``.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

_COUNTER = 'StoredStateData[_stored]'


def queue_length(db_path: Path) -> int:
    """The number of deferred notices in the state file."""
    with sqlite3.connect(db_path, timeout=30) as db:
        return int(db.execute('SELECT count(*) FROM notice').fetchone()[0])


def extend_queue(db_path: Path, total: int) -> None:
    """Append copies of the queue's last notice (each with its own index) up to ``total``.

    Used to build a 10,000-event queue from a 1,000-event one made by a real hook: ops 3.9's
    ``defer()`` scans the queue for a duplicate, so queueing 10,000 through it takes minutes.
    Each new event gets a fresh event key and the snapshot ``{'index': i}``, exactly what
    the benchmark charm's own deferral writes.
    """
    db = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    try:
        db.execute('BEGIN')
        have = int(db.execute('SELECT count(*) FROM notice').fetchone()[0])
        event_path, observer, method = db.execute(
            'SELECT event_path, observer_path, method_name FROM notice ORDER BY sequence DESC'
        ).fetchone()
        prefix = event_path.rpartition('[')[0]
        counter = pickle.loads(
            db.execute('SELECT data FROM snapshot WHERE handle=?', (_COUNTER,)).fetchone()[0]
        )
        key = int(counter['event_count'])
        for index in range(have, total):
            key += 1
            path = f'{prefix}[{key}]'
            db.execute(
                'REPLACE INTO snapshot VALUES (?, ?)', (path, pickle.dumps({'index': index}))
            )
            db.execute('INSERT INTO notice VALUES (NULL, ?, ?, ?)', (path, observer, method))
        counter['event_count'] = key
        db.execute('REPLACE INTO snapshot VALUES (?, ?)', (_COUNTER, pickle.dumps(counter)))
        db.execute('COMMIT')
    finally:
        db.close()
