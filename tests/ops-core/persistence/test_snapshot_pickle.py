"""Snapshots are decoded without running code, in every pickle protocol ops may have used."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from ops.storage import SQLiteStorage, StateFileError

SIMPLE: dict[Any, Any] = {
    'none': None,
    'flag': True,
    'big': 2**80,
    'ratio': -0.25,
    'cplx': 1 + 2j,
    'text': 'héllo',
    'raw': b'\x00\xff',
    'arr': bytearray(b'ab'),
    'items': [1, [2, (3, 4)]],
    'members': {1, 2},
    'frozen': frozenset({'x'}),
    'dots': Ellipsis,
    3: {'nested': {'deeper': ()}},
}


@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_simple_value_decodes_in_every_protocol(tmp_path: Path, protocol: int) -> None:
    storage = SQLiteStorage(tmp_path / 'state.db')
    try:
        storage._run(  # what another ops version might have written
            'REPLACE INTO snapshot VALUES (?, ?)', ('h', pickle.dumps(SIMPLE, protocol=protocol))
        )
        assert storage.load_snapshot('h') == SIMPLE
    finally:
        storage.close()


class _Runs:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.getpid, ())


@pytest.mark.parametrize(
    'payload',
    [
        pickle.dumps(_Runs()),
        pickle.dumps({'ok': [_Runs()]}, protocol=0),
        b'cbuiltins\neval\n(S"1"\ntR.',
        b'c_codecs\nencode\n(S"x"\nS"rot13"\ntR.',
        pickle.dumps(Path('/x')),
    ],
    ids=['reduce', 'protocol-0', 'eval', 'codec', 'class'],
)
def test_anything_else_is_refused_naming_it(tmp_path: Path, payload: bytes) -> None:
    storage = SQLiteStorage(tmp_path / 'state.db')
    try:
        storage._run('REPLACE INTO snapshot VALUES (?, ?)', ('h', payload))
        with pytest.raises(StateFileError, match='was refused: it refers to ') as caught:
            storage.load_snapshot('h')
        assert 'nothing from it was run' in str(caught.value)
    finally:
        storage.close()
