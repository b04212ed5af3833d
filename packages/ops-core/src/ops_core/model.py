"""The Juju model as a charm sees it: units, apps, relations, secrets, config, status, storage, containers (`ops.model`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._cloud import (
        CloudCredential as CloudCredential,
    )
    from ._cloud import (
        CloudSpec as CloudSpec,
    )
    from ._config import ConfigData as ConfigData
    from ._container import (
        CheckInfoMapping as CheckInfoMapping,
    )
    from ._container import (
        Container as Container,
    )
    from ._container import (
        ContainerMapping as ContainerMapping,
    )
    from ._container import (
        LazyCheckInfo as LazyCheckInfo,
    )
    from ._container import (
        LazyNotice as LazyNotice,
    )
    from ._container import (
        MultiPushPullError as MultiPushPullError,
    )
    from ._container import (
        ServiceInfoMapping as ServiceInfoMapping,
    )
    from ._errors import (
        InvalidStatusError as InvalidStatusError,
    )
    from ._errors import (
        ModelError as ModelError,
    )
    from ._errors import (
        RelationDataAccessError as RelationDataAccessError,
    )
    from ._errors import (
        RelationDataError as RelationDataError,
    )
    from ._errors import (
        RelationDataTypeError as RelationDataTypeError,
    )
    from ._errors import (
        RelationNotFoundError as RelationNotFoundError,
    )
    from ._errors import (
        SecretNotFoundError as SecretNotFoundError,
    )
    from ._errors import (
        TooManyRelatedAppsError as TooManyRelatedAppsError,
    )
    from ._lazy import LazyMapping as LazyMapping
    from ._model import (
        Application as Application,
    )
    from ._model import (
        Model as Model,
    )
    from ._model import (
        Pod as Pod,
    )
    from ._model import (
        RemoteModel as RemoteModel,
    )
    from ._model import (
        Resources as Resources,
    )
    from ._model import (
        Unit as Unit,
    )
    from ._model import (
        UnitOrApplicationType as UnitOrApplicationType,
    )
    from ._network import (
        Binding as Binding,
    )
    from ._network import (
        BindingMapping as BindingMapping,
    )
    from ._network import (
        Network as Network,
    )
    from ._network import (
        NetworkInterface as NetworkInterface,
    )
    from ._ports import (
        OpenedPort as OpenedPort,
    )
    from ._ports import (
        Port as Port,
    )
    from ._relation import (
        Relation as Relation,
    )
    from ._relation import (
        RelationData as RelationData,
    )
    from ._relation import (
        RelationDataContent as RelationDataContent,
    )
    from ._relation import (
        RelationMapping as RelationMapping,
    )
    from ._secret import Secret as Secret
    from ._secret_types import (
        SecretInfo as SecretInfo,
    )
    from ._secret_types import (
        SecretRotate as SecretRotate,
    )
    from ._status import (
        ActiveStatus as ActiveStatus,
    )
    from ._status import (
        BlockedStatus as BlockedStatus,
    )
    from ._status import (
        ErrorStatus as ErrorStatus,
    )
    from ._status import (
        MaintenanceStatus as MaintenanceStatus,
    )
    from ._status import (
        StatusBase as StatusBase,
    )
    from ._status import (
        UnknownStatus as UnknownStatus,
    )
    from ._status import (
        WaitingStatus as WaitingStatus,
    )
    from ._storage_model import (
        Storage as Storage,
    )
    from ._storage_model import (
        StorageMapping as StorageMapping,
    )
    from .jujucontext import JujuContext as JujuContext
    from .jujuversion import JujuVersion as JujuVersion

MAX_LOG_LINE_LEN = 131071
"""The longest message ``juju-log`` takes in one call; longer ones are split."""

_exports.install(globals())
