"""Decoding snapshots of the unit state file without running code from it.

Snapshots are pickles (the format ops 3.9 reads and writes), and a plain ``pickle.loads``
calls whatever the pickle names: anything that can write ``.unit-state.db`` could make the
next hook run arbitrary code. Stored state and event snapshots only ever hold simple builtin
values (the framework refuses anything else when saving), so :func:`loads` resolves only
the few names that pickling those values produces and refuses every other one.
"""

from __future__ import annotations

import codecs
import io
from typing import Any

try:
    # The C accelerator's classes are pickle's own (``pickle.Unpickler is
    # _pickle.Unpickler``); importing them from it spares a hook the pure-Python half.
    from _pickle import Unpickler, UnpicklingError
except ImportError:  # pragma: no cover - an interpreter without the accelerator
    from pickle import Unpickler, UnpicklingError

__all__ = ['ForbiddenPickleError', 'loads']


class ForbiddenPickleError(UnpicklingError):
    """A snapshot names something stored state never holds (a class, a function).

    Attributes:
        name: the ``module.name`` the pickle asked for.
    """

    def __init__(self, name: str):
        super().__init__(f'the snapshot refers to {name}, which stored state never holds')
        self.name = name


def _latin1_encode(text: str, encoding: str = 'latin1') -> bytes:
    # Pickle protocols 0-2 write ``bytes`` as ``_codecs.encode(text, 'latin1')``.
    if encoding not in ('latin1', 'latin-1'):
        raise ForbiddenPickleError(f'_codecs.encode with encoding {encoding!r}')
    return codecs.encode(text, 'latin1')


# Every global that pickling None, bool, int, float, complex, str, bytes, bytearray, list,
# tuple, set, frozenset and dict (the types snapshots may hold) produces, in any protocol.
_ALLOWED: dict[tuple[str, str], Any] = {
    ('builtins', 'complex'): complex,
    ('builtins', 'bytearray'): bytearray,
    ('builtins', 'set'): set,
    ('builtins', 'frozenset'): frozenset,
    ('builtins', 'Ellipsis'): Ellipsis,
    ('_codecs', 'encode'): _latin1_encode,
}
_ALLOWED.update(
    {
        ('__builtin__', name): value
        for (mod, name), value in list(_ALLOWED.items())
        if mod == 'builtins'
    }
)


class _SnapshotUnpickler(Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[module, name]
        except KeyError:
            raise ForbiddenPickleError(f'{module}.{name}') from None

    def persistent_load(self, pid: Any) -> Any:
        raise ForbiddenPickleError('a persistent id')


def loads(data: bytes) -> Any:
    """Decode a snapshot pickle, resolving only the builtins that simple values need.

    Raises:
        ForbiddenPickleError: the pickle names anything else (it was not written by ops).
        pickle.UnpicklingError: the data is not a valid pickle (and other decoding errors).
    """
    return _SnapshotUnpickler(io.BytesIO(data)).load()
