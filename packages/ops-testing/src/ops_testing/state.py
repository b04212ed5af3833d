"""The State and its components (``scenario.state``): immutable values describing what a
charm sees before and after an event."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from . import (
        ActiveStatus as ActiveStatus,
    )
    from . import (
        Address as Address,
    )
    from . import (
        AnyJson as AnyJson,
    )
    from . import (
        BindAddress as BindAddress,
    )
    from . import (
        BlockedStatus as BlockedStatus,
    )
    from . import (
        CheckInfo as CheckInfo,
    )
    from . import (
        CloudCredential as CloudCredential,
    )
    from . import (
        CloudSpec as CloudSpec,
    )
    from . import (
        Container as Container,
    )
    from . import (
        DeferredEvent as DeferredEvent,
    )
    from . import (
        ErrorStatus as ErrorStatus,
    )
    from . import (
        Exec as Exec,
    )
    from . import (
        ICMPPort as ICMPPort,
    )
    from . import (
        JujuLogLine as JujuLogLine,
    )
    from . import (
        MaintenanceStatus as MaintenanceStatus,
    )
    from . import (
        Model as Model,
    )
    from . import (
        Mount as Mount,
    )
    from . import (
        Network as Network,
    )
    from . import (
        Notice as Notice,
    )
    from . import (
        PeerRelation as PeerRelation,
    )
    from . import (
        Port as Port,
    )
    from . import (
        RawDataBagContents as RawDataBagContents,
    )
    from . import (
        RawSecretRevisionContents as RawSecretRevisionContents,
    )
    from . import (
        Relation as Relation,
    )
    from . import (
        RelationBase as RelationBase,
    )
    from . import (
        Resource as Resource,
    )
    from . import (
        Secret as Secret,
    )
    from . import (
        State as State,
    )
    from . import (
        Storage as Storage,
    )
    from . import (
        StoredState as StoredState,
    )
    from . import (
        SubordinateRelation as SubordinateRelation,
    )
    from . import (
        TCPPort as TCPPort,
    )
    from . import (
        UDPPort as UDPPort,
    )
    from . import (
        UnitID as UnitID,
    )
    from . import (
        UnknownStatus as UnknownStatus,
    )
    from . import (
        WaitingStatus as WaitingStatus,
    )
    from . import (
        layer_from_rockcraft as layer_from_rockcraft,
    )

    # The common base of the status classes, for isinstance checks (a private name).
    from ._state._status import _EntityStatus as _EntityStatus

_exports.install(globals())
