"""SQLiteStorage: the ``.unit-state.db`` file format, transactions, permissions and errors."""

from __future__ import annotations

import datetime
import pickle
import random
import sqlite3
import stat
from pathlib import Path

import pytest
from ops.storage import NoSnapshotError, SQLiteStorage, StateFileError


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_a_new_file_has_the_ops39_schema_and_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / '.unit-state.db'
    storage = SQLiteStorage(path)
    storage.commit()
    storage.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tables = dict(_sql(path, "SELECT name, sql FROM sqlite_master WHERE type='table'"))
    assert tables['snapshot'] == 'CREATE TABLE snapshot (handle TEXT PRIMARY KEY, data BLOB)'
    assert ' '.join(tables['notice'].split()) == (  # type: ignore[union-attr]
        'CREATE TABLE notice ( sequence INTEGER PRIMARY KEY AUTOINCREMENT, event_path TEXT, '
        'observer_path TEXT, method_name TEXT)'
    )
    assert 'sqlite_sequence' in tables


def test_an_existing_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / '.unit-state.db'
    SQLiteStorage(path).close()
    path.chmod(0o644)
    SQLiteStorage(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_lock_timeout_is_one_hour() -> None:
    assert SQLiteStorage.DB_LOCK_TIMEOUT == datetime.timedelta(hours=1)


def test_snapshots_are_pickled_dicts_under_their_handle_path(tmp_path: Path) -> None:
    path = tmp_path / 'state.db'
    storage = SQLiteStorage(path)
    storage.save_snapshot('MyCharm/StoredStateData[_stored]', {'a': 1, 's': {1, 2}})
    storage.save_snapshot('MyCharm/StoredStateData[_stored]', {'a': 2})
    assert storage.load_snapshot('MyCharm/StoredStateData[_stored]') == {'a': 2}
    assert list(storage.list_snapshots()) == ['MyCharm/StoredStateData[_stored]']
    storage.commit()
    storage.close()
    rows = _sql(path, 'SELECT handle, data FROM snapshot')
    assert [(h, pickle.loads(d)) for h, d in rows] == [  # type: ignore[arg-type]
        ('MyCharm/StoredStateData[_stored]', {'a': 2})
    ]


def test_missing_snapshot_raises_no_snapshot_error(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / 'state.db')
    with pytest.raises(NoSnapshotError) as info:
        storage.load_snapshot('X[y]')
    assert str(info.value) == 'no snapshot data found for X[y] object'
    storage.drop_snapshot('X[y]')  # dropping what is absent is fine
    storage.close()


def test_uncommitted_changes_are_discarded_on_close(tmp_path: Path) -> None:
    path = tmp_path / 'state.db'
    storage = SQLiteStorage(path)
    storage.save_snapshot('kept', {'v': 1})
    storage.commit()
    storage.save_snapshot('lost', {'v': 2})
    storage.save_notice('a/on/x[1]', 'a', 'm')
    storage.drop_snapshot('kept')
    storage.close()
    storage = SQLiteStorage(path)
    assert storage.load_snapshot('kept') == {'v': 1}
    with pytest.raises(NoSnapshotError):
        storage.load_snapshot('lost')
    assert list(storage.notices()) == []
    storage.close()


def test_notices_keep_sequence_order_filter_and_drop_all_identical(tmp_path: Path) -> None:
    path = tmp_path / 'state.db'
    storage = SQLiteStorage(path)
    storage.save_notice('C/on/a[1]', 'C', '_one')
    storage.save_notice('C/on/b[2]', 'C', '_two')
    storage.save_notice('C/on/a[1]', 'C', '_one')
    storage.save_notice('C/on/a[1]', 'C/L[x]', '_three')
    assert list(storage.notices('C/on/a[1]')) == [
        ('C/on/a[1]', 'C', '_one'),
        ('C/on/a[1]', 'C', '_one'),
        ('C/on/a[1]', 'C/L[x]', '_three'),
    ]
    storage.drop_notice('C/on/a[1]', 'C', '_one')
    assert list(storage.notices()) == [
        ('C/on/b[2]', 'C', '_two'),
        ('C/on/a[1]', 'C/L[x]', '_three'),
    ]
    assert list(storage.notices('')) == list(storage.notices(None))
    storage.commit()
    storage.close()
    rows = _sql(path, 'SELECT * FROM notice ORDER BY sequence')
    assert rows == [(2, 'C/on/b[2]', 'C', '_two'), (4, 'C/on/a[1]', 'C/L[x]', '_three')]
    # AUTOINCREMENT: sequence numbers are never reused, even after deletes.
    storage = SQLiteStorage(path)
    storage.drop_notice('C/on/a[1]', 'C/L[x]', '_three')
    storage.save_notice('C/on/c[9]', 'C', '_c')
    storage.commit()
    storage.close()
    assert _sql(path, 'SELECT sequence FROM notice ORDER BY sequence') == [(2,), (5,)]


def test_notice_queries_agree_with_the_table_after_random_operations(tmp_path: Path) -> None:
    path = tmp_path / 'state.db'
    rng = random.Random(7)
    model: list[tuple[str, str, str]] = []
    storage = SQLiteStorage(path)
    for step in range(400):
        if model and rng.random() < 0.4:
            notice = rng.choice(model)
            storage.drop_notice(*notice)
            model = [n for n in model if n != notice]
        else:
            notice = (f'C/on/e[{rng.randrange(8)}]', rng.choice(['C', 'C/L[a]']), 'm')
            storage.save_notice(*notice)
            model.append(notice)
        if step % 50 == 0:
            storage.commit()
            storage.close()
            storage = SQLiteStorage(path)
        assert list(storage.notices()) == model
        probe = f'C/on/e[{rng.randrange(8)}]'
        assert list(storage.notices(probe)) == [n for n in model if n[0] == probe]
    storage.commit()
    storage.close()
    on_disk = _sql(
        path, 'SELECT event_path, observer_path, method_name FROM notice ORDER BY sequence'
    )
    assert on_disk == model


@pytest.mark.parametrize(
    'content',
    [
        b'this is not a database at all, just some text\n' * 100,
        b'SQLite format 3\x00' + b'\xff' * 200,
    ],
    ids=['text', 'bad-header'],
)
def test_a_file_that_is_not_sqlite_raises_state_file_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / '.unit-state.db'
    path.write_bytes(content)
    with pytest.raises(StateFileError) as info:
        SQLiteStorage(path)
    message = str(info.value)
    assert str(path) in message
    assert 'move it aside' in message
    assert isinstance(info.value, RuntimeError)
    assert not isinstance(info.value, sqlite3.Error)


def test_a_corrupted_database_raises_state_file_error_not_sqlite_error(tmp_path: Path) -> None:
    path = tmp_path / '.unit-state.db'
    storage = SQLiteStorage(path)
    for i in range(200):
        storage.save_snapshot(f'Charm/on/e[{i}]', {'payload': 'x' * 500})
        storage.save_notice(f'Charm/on/e[{i}]', 'Charm', '_on_e')
    storage.commit()
    storage.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], 'big')
    for page in range(1, len(data) // page_size):
        start = page * page_size
        data[start : start + 64] = b'\xa5' * 64  # clobber every b-tree page header
    path.write_bytes(bytes(data))
    with pytest.raises(StateFileError) as info:
        storage = SQLiteStorage(path)
        storage.load_snapshot('Charm/on/e[150]')
        list(storage.notices())
    assert str(path) in str(info.value)


def test_a_locked_file_raises_state_file_error_naming_it(tmp_path: Path) -> None:
    class Impatient(SQLiteStorage):
        DB_LOCK_TIMEOUT = datetime.timedelta(seconds=0.2)

    path = tmp_path / '.unit-state.db'
    holder = SQLiteStorage(path)
    holder.save_snapshot('held', {})  # takes the exclusive write lock until close
    try:
        with pytest.raises(StateFileError) as info:
            Impatient(path)
        assert str(path) in str(info.value)
        assert 'locked' in str(info.value)
    finally:
        holder.close()
    Impatient(path).close()  # free again once the holder is gone


def test_in_memory_storage_works(tmp_path: Path) -> None:
    storage = SQLiteStorage(':memory:')
    storage.save_snapshot('a', {'b': 1})
    assert storage.load_snapshot('a') == {'b': 1}
    storage.commit()
    storage.close()


def test_opening_the_state_file_loads_no_public_module() -> None:
    # A hook opens its state file before anything else; ``from . import _private`` inside
    # ops_core used to go through the package's lazy public names and import every public
    # module (the model, the charm, the hook-tool backend) on the way.
    import subprocess
    import sys

    code = (
        'import sys, ops_core._persistence._sqlite as s\n'
        's._load_modules()\n'
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('ops_core.') "
        "and not m.split('.')[1].startswith('_'))))\n"
    )
    out = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ['ops_core.tracing_hook'] or out == [], out
