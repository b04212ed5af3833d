"""Relations as State values: ``Relation``, ``PeerRelation``, ``SubordinateRelation``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from ._common import (
    DEFAULT_JUJU_DATABAG,
    check_databag,
    check_name,
    relation_ids,
    set_field,
)
from ._serialise import DictMixin

__all__ = ['PeerRelation', 'Relation', 'RelationBase', 'SubordinateRelation', 'UnitID']

#: A unit's number within its application (``0`` in ``remote/0``).
UnitID = int


def _default_unit_bag() -> dict[str, str]:
    return dict(DEFAULT_JUJU_DATABAG)


@record(frozen=True)
class RelationBase(DictMixin):
    """What every kind of relation has: the local endpoint, id and the local databags.

    Not meant to be instantiated directly: use :class:`Relation`, :class:`PeerRelation` or
    :class:`SubordinateRelation`.

    Attributes:
        endpoint: the relation endpoint name, as declared in the charm metadata.
        interface: the interface name (optional; taken from metadata by ``State.from_context``).
        id: the Juju relation id; by default a new process-wide unique integer.
        local_app_data: this application's databag.
        local_unit_data: this unit's databag (Juju's default address keys by default).
    """

    endpoint: str
    interface: str | None = None
    id: int = field(default_factory=relation_ids.next, kw_only=True)
    local_app_data: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    local_unit_data: Mapping[str, str] = field(default_factory=_default_unit_bag, kw_only=True)

    def __post_init__(self) -> None:
        if type(self) is RelationBase:
            raise RuntimeError(
                'RelationBase cannot be instantiated directly; '
                'use Relation, PeerRelation or SubordinateRelation'
            )
        check_name('relation endpoint', self.endpoint)
        for bag_field in self._databag_fields():
            bag = getattr(self, bag_field)
            check_databag(bag)
            # A checked databag holds only str keys and values: a plain copy is a full copy.
            set_field(self, bag_field, dict(bag))

    def _databag_fields(self) -> tuple[str, ...]:
        return ('local_app_data', 'local_unit_data')

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def relation_id(self) -> int:
        """Removed: use ``id``."""
        raise AttributeError('use .id instead of .relation_id')

    # The remote side as the charm sees it; each concrete relation class overrides these.
    @property
    def _remote_unit_ids(self) -> tuple[int, ...]:
        return ()

    def _has_remote_unit(self, unit_id: int) -> bool:
        return False

    def _remote_app_name_for(self, local_app: str) -> str:
        return local_app

    def _remote_unit_databag(self, unit_id: int) -> dict[str, str]:
        raise KeyError(unit_id)


@record(frozen=True)
class Relation(RelationBase):
    """A regular (non-peer, non-subordinate) relation to a remote application.

    Attributes:
        remote_app_name: the remote application's name.
        limit: the maximum number of relations on this endpoint.
        remote_app_data: the remote application's databag.
        remote_units_data: the remote units' databags, keyed by unit number.
        remote_model_uuid: for a cross-model relation, the remote model's UUID.
    """

    remote_app_name: str = field(default='remote', kw_only=True)
    limit: int = field(default=1, kw_only=True)
    remote_app_data: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    remote_units_data: Mapping[UnitID, Mapping[str, str]] = field(
        default_factory=lambda: {0: _default_unit_bag()}, kw_only=True
    )
    remote_model_uuid: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_databag(self.remote_app_data)
        set_field(self, 'remote_app_data', dict(self.remote_app_data))
        units = {}
        for unit_id, bag in dict(self.remote_units_data).items():
            check_databag(bag)
            units[unit_id] = dict(bag)
        set_field(self, 'remote_units_data', units)

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def _remote_unit_ids(self) -> tuple[int, ...]:
        return tuple(self.remote_units_data)

    def _has_remote_unit(self, unit_id: int) -> bool:
        return unit_id in self.remote_units_data

    def _remote_app_name_for(self, local_app: str) -> str:
        return self.remote_app_name

    def _remote_unit_databag(self, unit_id: int) -> dict[str, str]:
        return dict(self.remote_units_data[unit_id])


@record(frozen=True)
class SubordinateRelation(RelationBase):
    """A relation between a subordinate charm and its principal (``scope: container``).

    Attributes:
        remote_app_data: the remote application's databag.
        remote_unit_data: the one remote unit's databag.
        remote_app_name: the remote application's name.
        remote_unit_id: the remote unit's number.
    """

    remote_app_data: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    remote_unit_data: Mapping[str, str] = field(default_factory=_default_unit_bag, kw_only=True)
    remote_app_name: str = field(default='remote', kw_only=True)
    remote_unit_id: int = field(default=0, kw_only=True)

    def _databag_fields(self) -> tuple[str, ...]:
        return ('local_app_data', 'local_unit_data', 'remote_app_data', 'remote_unit_data')

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def remote_unit_name(self) -> str:
        """The remote unit's name, for example ``'remote/0'``."""
        return f'{self.remote_app_name}/{self.remote_unit_id}'

    @property
    def _remote_unit_ids(self) -> tuple[int, ...]:
        return (self.remote_unit_id,)

    def _has_remote_unit(self, unit_id: int) -> bool:
        return unit_id == self.remote_unit_id

    def _remote_app_name_for(self, local_app: str) -> str:
        return self.remote_app_name

    def _remote_unit_databag(self, unit_id: int) -> dict[str, str]:
        return dict(self.remote_unit_data)


@record(frozen=True)
class PeerRelation(RelationBase):
    """A relation between the units of this application.

    Attributes:
        peers_data: the databags of the *other* units, keyed by unit number. This unit's
            own databag is ``local_unit_data``.
    """

    peers_data: Mapping[UnitID, Mapping[str, str]] = field(default_factory=dict, kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        units: dict[int, dict[str, Any]] = {}
        for unit_id, bag in dict(self.peers_data).items():
            check_databag(bag)
            units[unit_id] = dict(bag)
        set_field(self, 'peers_data', units)

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def _remote_unit_ids(self) -> tuple[int, ...]:
        return tuple(self.peers_data)

    def _has_remote_unit(self, unit_id: int) -> bool:
        return unit_id in self.peers_data

    def _remote_app_name_for(self, local_app: str) -> str:
        return local_app

    def _remote_unit_databag(self, unit_id: int) -> dict[str, str]:
        return dict(self.peers_data[unit_id])


publish(__name__)
