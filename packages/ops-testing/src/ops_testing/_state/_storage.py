"""Juju storage attached to the unit."""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import (
    check_name,
    storage_indices,
)
from ._serialise import DictMixin

if TYPE_CHECKING:
    from .._context import Context

__all__ = [
    'Storage',
]


@record(frozen=True, eq=False)
class Storage(DictMixin):
    """An attached storage instance.

    Attributes:
        name: the storage name, as declared in the charm metadata.
        index: the instance number (``data/3`` has index 3); by default a new
            process-wide unique number.
    """

    name: str
    index: int = field(default_factory=storage_indices.next, kw_only=True)

    def __post_init__(self) -> None:
        check_name('storage', self.name)
        # The index names the storage's directory on the test machine: only a number.
        if not isinstance(self.index, int) or isinstance(self.index, bool) or self.index < 0:
            raise StateValidationError(
                f'Storage.index must be a non-negative int, got {self.index!r}'
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Storage):
            return (self.name, self.index) == (other.name, other.index)
        other_name = getattr(other, 'name', None)
        other_index = getattr(other, 'index', None)
        if type(other).__name__ == 'Storage' and other_name is not None:
            return (self.name, self.index) == (other_name, other_index)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.name, self.index))

    def get_filesystem(self, ctx: Context[Any]) -> pathlib.Path:
        """The directory holding this storage's simulated filesystem for ``ctx``."""
        return ctx._storage_root(self.name, self.index)


def storage_from_ops(storage: Any) -> Storage:
    """A State storage equal to an ``ops.Storage``."""
    if isinstance(storage, Storage):
        return storage
    return Storage(storage.name, index=storage.index)


publish(__name__)
