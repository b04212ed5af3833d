"""Unit testing for Juju charms (``ops.testing``).

The state-transition API: describe what Juju and the workloads look like in a
:class:`State`, run one event on the charm with :meth:`Context.run`, and assert on the
State that comes out::

    ctx = Context(MyCharm)
    state_out = ctx.run(ctx.on.start(), State(leader=True))
    assert state_out.unit_status == ActiveStatus()

Every State component is an immutable value with ``to_dict()``/``from_dict()`` for
writing states to JSON or YAML files. The legacy :class:`Harness` lives here too.
The same objects are importable as ``scenario`` (``scenario.State is ops.testing.State``).
"""

from ops_core.charm import CharmBase, CharmMeta, RelationRole
from ops_core.model import RelationNotFoundError
from ops_pebble import ExecProcess

from . import errors
from ._context import Context, Manager
from ._events import CharmEvents
from ._harness import Harness
from ._types import (
    ActionFailed,
    ActionOutput,
    AnyJson,
    AppUnitOrName,
    CharmType,
    ExecArgs,
    ExecHandler,
    ExecResult,
    RawDataBagContents,
    RawSecretRevisionContents,
    ReadableBuffer,
    UnitID,
    YAMLStringOrFile,
)
from .state import (
    ActiveStatus,
    Address,
    BindAddress,
    BlockedStatus,
    CheckInfo,
    CloudCredential,
    CloudSpec,
    Container,
    DeferredEvent,
    ErrorStatus,
    Exec,
    ICMPPort,
    JujuLogLine,
    MaintenanceStatus,
    Model,
    Mount,
    Network,
    Notice,
    PeerRelation,
    Port,
    Relation,
    RelationBase,
    Resource,
    Secret,
    State,
    Storage,
    StoredState,
    SubordinateRelation,
    TCPPort,
    UDPPort,
    UnknownStatus,
    WaitingStatus,
    layer_from_rockcraft,
)

__all__ = [
    'ActionFailed',
    'ActionOutput',
    'ActiveStatus',
    'Address',
    'AnyJson',
    'AppUnitOrName',
    'BindAddress',
    'BlockedStatus',
    'CharmBase',
    'CharmEvents',
    'CharmMeta',
    'CharmType',
    'CheckInfo',
    'CloudCredential',
    'CloudSpec',
    'Container',
    'Context',
    'DeferredEvent',
    'ErrorStatus',
    'Exec',
    'ExecArgs',
    'ExecHandler',
    'ExecProcess',
    'ExecResult',
    'Harness',
    'ICMPPort',
    'JujuLogLine',
    'MaintenanceStatus',
    'Manager',
    'Model',
    'Mount',
    'Network',
    'Notice',
    'PeerRelation',
    'Port',
    'RawDataBagContents',
    'RawSecretRevisionContents',
    'ReadableBuffer',
    'Relation',
    'RelationBase',
    'RelationNotFoundError',
    'RelationRole',
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
    'YAMLStringOrFile',
    'errors',
    'layer_from_rockcraft',
]
