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

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ops_core.charm import (
        CharmBase as CharmBase,
    )
    from ops_core.charm import (
        CharmMeta as CharmMeta,
    )
    from ops_core.charm import (
        RelationRole as RelationRole,
    )
    from ops_core.model import RelationNotFoundError as RelationNotFoundError
    from ops_pebble import ExecProcess as ExecProcess

    from . import errors as errors
    from ._context import (
        Context as Context,
    )
    from ._context import (
        Manager as Manager,
    )
    from ._events import CharmEvents as CharmEvents
    from ._harness._harness import Harness as Harness
    from ._state._containers import (
        CheckInfo as CheckInfo,
    )
    from ._state._containers import (
        Container as Container,
    )
    from ._state._containers import (
        Exec as Exec,
    )
    from ._state._containers import (
        Mount as Mount,
    )
    from ._state._containers import (
        Notice as Notice,
    )
    from ._state._containers import (
        layer_from_rockcraft as layer_from_rockcraft,
    )
    from ._state._framework import DeferredEvent as DeferredEvent
    from ._state._framework import StoredState as StoredState
    from ._state._log import JujuLogLine as JujuLogLine
    from ._state._model import CloudCredential as CloudCredential
    from ._state._model import CloudSpec as CloudSpec
    from ._state._model import Model as Model
    from ._state._network import (
        Address as Address,
    )
    from ._state._network import (
        BindAddress as BindAddress,
    )
    from ._state._network import (
        Network as Network,
    )
    from ._state._ports import ICMPPort as ICMPPort
    from ._state._ports import Port as Port
    from ._state._ports import TCPPort as TCPPort
    from ._state._ports import UDPPort as UDPPort
    from ._state._relations import (
        PeerRelation as PeerRelation,
    )
    from ._state._relations import (
        Relation as Relation,
    )
    from ._state._relations import (
        RelationBase as RelationBase,
    )
    from ._state._relations import (
        SubordinateRelation as SubordinateRelation,
    )
    from ._state._resources import Resource as Resource
    from ._state._secrets import Secret as Secret
    from ._state._state import State as State
    from ._state._status import (
        ActiveStatus as ActiveStatus,
    )
    from ._state._status import (
        BlockedStatus as BlockedStatus,
    )
    from ._state._status import (
        ErrorStatus as ErrorStatus,
    )
    from ._state._status import (
        MaintenanceStatus as MaintenanceStatus,
    )
    from ._state._status import (
        UnknownStatus as UnknownStatus,
    )
    from ._state._status import (
        WaitingStatus as WaitingStatus,
    )
    from ._state._storage import Storage as Storage
    from ._types import (
        ActionFailed as ActionFailed,
    )
    from ._types import (
        ActionOutput as ActionOutput,
    )
    from ._types import (
        AnyJson as AnyJson,
    )
    from ._types import (
        AppUnitOrName as AppUnitOrName,
    )
    from ._types import (
        CharmType as CharmType,
    )
    from ._types import (
        ExecArgs as ExecArgs,
    )
    from ._types import (
        ExecHandler as ExecHandler,
    )
    from ._types import (
        ExecResult as ExecResult,
    )
    from ._types import (
        RawDataBagContents as RawDataBagContents,
    )
    from ._types import (
        RawSecretRevisionContents as RawSecretRevisionContents,
    )
    from ._types import (
        ReadableBuffer as ReadableBuffer,
    )
    from ._types import (
        UnitID as UnitID,
    )
    from ._types import (
        YAMLStringOrFile as YAMLStringOrFile,
    )

_exports.install(globals())
