"""The State and its components (``scenario.state``): immutable values describing what a
charm sees before and after an event."""

from ._state import State
from ._state_containers import CheckInfo, Container, Exec, Mount, Notice, layer_from_rockcraft
from ._state_misc import (
    CloudCredential,
    CloudSpec,
    DeferredEvent,
    ICMPPort,
    JujuLogLine,
    Model,
    Port,
    Resource,
    Storage,
    StoredState,
    TCPPort,
    UDPPort,
)
from ._state_network import Address, BindAddress, Network
from ._state_relations import PeerRelation, Relation, RelationBase, SubordinateRelation
from ._state_secrets import Secret
from ._state_status import (
    ActiveStatus,
    BlockedStatus,
    ErrorStatus,
    MaintenanceStatus,
    UnknownStatus,
    WaitingStatus,
    _EntityStatus,
)
from ._types import AnyJson, RawDataBagContents, RawSecretRevisionContents, UnitID

__all__ = [
    'ActiveStatus',
    'Address',
    'AnyJson',
    'BindAddress',
    'BlockedStatus',
    'CheckInfo',
    'CloudCredential',
    'CloudSpec',
    'Container',
    'DeferredEvent',
    'ErrorStatus',
    'Exec',
    'ICMPPort',
    'JujuLogLine',
    'MaintenanceStatus',
    'Model',
    'Mount',
    'Network',
    'Notice',
    'PeerRelation',
    'Port',
    'RawDataBagContents',
    'RawSecretRevisionContents',
    'Relation',
    'RelationBase',
    'Resource',
    'Secret',
    'State',
    'Storage',
    'StoredState',
    'SubordinateRelation',
    'TCPPort',
    'UDPPort',
    'UnitID',
    'UnknownStatus',
    'WaitingStatus',
    'layer_from_rockcraft',
]

_EntityStatus = _EntityStatus  # the common base of the status classes, for isinstance checks
