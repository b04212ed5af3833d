"""What the charm's framework keeps between events: stored state and deferred events."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import (
    copy_dict,
    set_field,
)
from ._serialise import DictMixin

if TYPE_CHECKING:
    pass

__all__ = [
    'DeferredEvent',
    'StoredState',
]


@record(frozen=True)
class StoredState(DictMixin):
    """The content of one ``ops.StoredState`` attribute.

    Attributes:
        name: the attribute name on its owner (``'_stored'`` by default).
        owner_path: the owner's handle path: the charm class name (its handle kind) for a
            charm attribute, ``None`` for the framework's own stored state.
        content: the stored values.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = ('name', 'owner_path', 'content', '_data_type_name')

    name: str = '_stored'
    owner_path: str | None = field(default=None, kw_only=True)
    content: Mapping[str, Any] = field(default_factory=dict, kw_only=True)
    _data_type_name: str = field(default='StoredStateData', kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.content, Mapping):
            raise StateValidationError(
                f'StoredState.content must be a mapping of attribute names to values, not a '
                f'{type(self.content).__name__}'
            )
        set_field(self, 'content', copy_dict(self.content))

    def __hash__(self) -> int:
        return hash((self.owner_path, self.name))

    @property
    def _handle_path(self) -> str:
        return f'{self.owner_path or ""}/{self._data_type_name}[{self.name}]'


_STORED_PATH = re.compile(r'((?P<owner_path>.*)/)?(?P<data_type>\D+)\[(?P<name>.*)\]')


def stored_state_from_path(path: str, content: Mapping[str, Any]) -> StoredState | None:
    """The StoredState for a snapshot path such as ``MyCharm/StoredStateData[_stored]``."""
    match = _STORED_PATH.fullmatch(path)
    if match is None:
        return None
    return StoredState(
        match.group('name'),
        owner_path=match.group('owner_path'),
        content=content,
        _data_type_name=match.group('data_type'),
    )


@record(frozen=True)
class DeferredEvent(DictMixin):
    """An event the charm deferred in an earlier run, to be re-emitted before the next event.

    Build one with ``ctx.on.<event>(...).deferred(handler)`` rather than by hand.

    Attributes:
        handle_path: the event's handle path, for example ``'MyCharm/on/start[1]'``.
        owner: the path of the object that owns the observer (``'MyCharm'``).
        observer: the observer method's name.
        snapshot_data: the event's saved data.
    """

    handle_path: str
    owner: str
    observer: str
    snapshot_data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ('handle_path', 'owner', 'observer'):
            if not isinstance(getattr(self, name), str):
                raise StateValidationError(
                    f'DeferredEvent.{name} must be a str, not a '
                    f'{type(getattr(self, name)).__name__}; build deferred events with '
                    f'ctx.on.<event>(...).deferred(handler)'
                )
        if not isinstance(self.snapshot_data, Mapping):
            raise StateValidationError(
                f'DeferredEvent.snapshot_data must be a mapping, not a '
                f'{type(self.snapshot_data).__name__}'
            )
        set_field(self, 'snapshot_data', copy_dict(self.snapshot_data))

    def __hash__(self) -> int:
        return hash((self.handle_path, self.owner, self.observer))

    @property
    def name(self) -> str:
        """The event name: the last segment of the handle path, without ``[n]``."""
        return self.handle_path.split('/')[-1].split('[')[0]


publish(__name__)
