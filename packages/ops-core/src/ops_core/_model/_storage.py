"""Storage attached to this unit (`StorageMapping`, `Storage`)."""

from __future__ import annotations

import pathlib
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .._exports import publish
from ._errors import ModelError

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ['Storage', 'StorageMapping']


def _did_you_mean(names: list[str]) -> str:
    quoted = [repr(n) for n in sorted(names)]
    if not quoted:
        return 'The charm metadata declares no storage.'
    if len(quoted) == 1:
        return f'Did you mean {quoted[0]}?'
    return f'Did you mean {", ".join(quoted[:-1])}, or {quoted[-1]}?'


class StorageMapping(Mapping[str, list['Storage']]):
    """Every storage name in the charm metadata mapped to its attached instances.

    Each name's instances are listed from Juju the first time it is read.
    """

    def __init__(self, storage_names: Iterable[str], backend: Backend):
        self._backend = backend
        self._storage_map: dict[str, list[Storage] | None] = dict.fromkeys(storage_names)

    def __contains__(self, key: object) -> bool:
        return key in self._storage_map

    def __len__(self) -> int:
        return len(self._storage_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._storage_map)

    def __getitem__(self, storage_name: str) -> list[Storage]:
        if storage_name not in self._storage_map:
            raise KeyError(
                f'Storage {storage_name!r} not found. {_did_you_mean(list(self._storage_map))}'
            )
        storages = self._storage_map[storage_name]
        if storages is None:
            storages = self._storage_map[storage_name] = [
                Storage(storage_name, index, self._backend)
                for index in self._backend.storage_list(storage_name)
            ]
        return storages

    def request(self, storage_name: str, count: int = 1) -> None:
        """Ask Juju for ``count`` more instances of ``storage_name``.

        Each one arrives later with a ``<name>-storage-attached`` event.

        Raises:
            ModelError: if the charm metadata declares no such storage.
            TypeError: if ``count`` is not an int.
        """
        if storage_name not in self._storage_map:
            raise ModelError(
                f'cannot add storage {storage_name!r}: it is not present in the charm metadata'
            )
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f'storage count must be an int, not {type(count).__name__}: {count!r}')
        self._backend.storage_add(storage_name, count)

    def _invalidate(self, storage_name: str) -> None:
        """Forget the listed instances of ``storage_name`` so that they are listed again."""
        self._storage_map[storage_name] = None


class Storage:
    """One attached storage instance, e.g. ``data/0``.

    Attributes:
        name: The storage name from the metadata, e.g. ``'data'``.
    """

    def __init__(self, storage_name: str, storage_index: int, backend: Backend):
        self.name: str = storage_name
        self._index = storage_index
        self._backend = backend
        self._location: pathlib.Path | None = None

    @property
    def index(self) -> int:
        """The instance's index (``0`` for ``data/0``)."""
        return self._index

    @property
    def id(self) -> int:
        """Deprecated alias of :attr:`index`."""
        warnings.warn(
            'Storage.id is deprecated; use Storage.index', DeprecationWarning, stacklevel=2
        )
        return self._index

    @property
    def full_id(self) -> str:
        """``'<name>/<index>'``, e.g. ``'data/0'``."""
        return f'{self.name}/{self._index}'

    @property
    def location(self) -> pathlib.Path:
        """Where the storage is mounted (fetched with ``storage-get`` once)."""
        if self._location is None:
            raw = self._backend.storage_get(self.full_id, 'location')
            self._location = pathlib.Path(raw)
        return self._location

    @location.setter
    def location(self, location: str | pathlib.Path) -> None:
        self._location = pathlib.Path(location)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Storage):
            return NotImplemented
        return (self.name, self._index) == (other.name, other._index)

    def __hash__(self) -> int:
        return hash((self.name, self._index))

    def __repr__(self) -> str:
        return f'<ops.model.Storage {self.full_id}>'


publish(__name__)
