"""Read-only mappings whose content is fetched from Juju on first use (`LazyMapping`)."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from .._exports import publish

__all__ = ['LazyMapping']

_T = TypeVar('_T')


class _GenericLazyMapping(Mapping[str, _T], Generic[_T], abc.ABC):
    """A ``str``-keyed mapping loaded by :meth:`_load` the first time it is read."""

    _lazy_data: dict[str, _T] | None = None

    @abc.abstractmethod
    def _load(self) -> dict[str, _T]:
        """Fetch the content (called at most once until :meth:`_invalidate`)."""

    @property
    def _data(self) -> dict[str, _T]:
        data = self._lazy_data
        if data is None:
            data = self._lazy_data = self._load()
        return data

    def _invalidate(self) -> None:
        """Forget the loaded content so that the next read fetches it again."""
        self._lazy_data = None

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __getitem__(self, key: str) -> _T:
        return self._data[key]

    def __repr__(self) -> str:
        return repr(self._data)


class LazyMapping(_GenericLazyMapping[str], abc.ABC):
    """A ``str`` to ``str`` mapping that is only fetched from Juju when first read.

    The base of :class:`RelationDataContent`; charms rarely need it directly.
    """


publish(__name__)
