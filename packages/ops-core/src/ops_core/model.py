"""The Juju model as a charm sees it: units, apps, relations, secrets, config, status, storage, containers (`ops.model`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
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
    from ._model._cloud import (
        CloudCredential as CloudCredential,
    )
    from ._model._cloud import (
        CloudSpec as CloudSpec,
    )
    from ._model._config import ConfigData as ConfigData
    from ._model._errors import (
        InvalidStatusError as InvalidStatusError,
    )
    from ._model._errors import (
        ModelError as ModelError,
    )
    from ._model._errors import (
        RelationDataAccessError as RelationDataAccessError,
    )
    from ._model._errors import (
        RelationDataError as RelationDataError,
    )
    from ._model._errors import (
        RelationDataTypeError as RelationDataTypeError,
    )
    from ._model._errors import (
        RelationNotFoundError as RelationNotFoundError,
    )
    from ._model._errors import (
        SecretNotFoundError as SecretNotFoundError,
    )
    from ._model._errors import (
        TooManyRelatedAppsError as TooManyRelatedAppsError,
    )
    from ._model._lazy import LazyMapping as LazyMapping
    from ._model._model import (
        Application as Application,
    )
    from ._model._model import (
        Model as Model,
    )
    from ._model._model import (
        Pod as Pod,
    )
    from ._model._model import (
        RemoteModel as RemoteModel,
    )
    from ._model._model import (
        Resources as Resources,
    )
    from ._model._model import (
        Unit as Unit,
    )
    from ._model._model import (
        UnitOrApplicationType as UnitOrApplicationType,
    )
    from ._model._network import (
        Binding as Binding,
    )
    from ._model._network import (
        BindingMapping as BindingMapping,
    )
    from ._model._network import (
        Network as Network,
    )
    from ._model._network import (
        NetworkInterface as NetworkInterface,
    )
    from ._model._ports import (
        OpenedPort as OpenedPort,
    )
    from ._model._ports import (
        Port as Port,
    )
    from ._model._relation import (
        Relation as Relation,
    )
    from ._model._relation import (
        RelationData as RelationData,
    )
    from ._model._relation import (
        RelationDataContent as RelationDataContent,
    )
    from ._model._relation import (
        RelationMapping as RelationMapping,
    )
    from ._model._secret import Secret as Secret
    from ._model._secret_types import (
        SecretInfo as SecretInfo,
    )
    from ._model._secret_types import (
        SecretRotate as SecretRotate,
    )
    from ._model._status import (
        ActiveStatus as ActiveStatus,
    )
    from ._model._status import (
        BlockedStatus as BlockedStatus,
    )
    from ._model._status import (
        ErrorStatus as ErrorStatus,
    )
    from ._model._status import (
        MaintenanceStatus as MaintenanceStatus,
    )
    from ._model._status import (
        StatusBase as StatusBase,
    )
    from ._model._status import (
        UnknownStatus as UnknownStatus,
    )
    from ._model._status import (
        WaitingStatus as WaitingStatus,
    )
    from ._model._storage import (
        Storage as Storage,
    )
    from ._model._storage import (
        StorageMapping as StorageMapping,
    )
    from .jujucontext import JujuContext as JujuContext
    from .jujuversion import JujuVersion as JujuVersion

MAX_LOG_LINE_LEN = 131071
"""The longest message ``juju-log`` takes in one call; longer ones are split."""

_exports.install(globals())
