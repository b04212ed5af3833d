"""The Juju model as a charm sees it: units, apps, relations, secrets, config, status, storage, containers (`ops.model`)."""

from ._cloud import CloudCredential, CloudSpec
from ._config import ConfigData
from ._container import (
    CheckInfoMapping,
    Container,
    ContainerMapping,
    LazyCheckInfo,
    LazyNotice,
    MultiPushPullError,
    ServiceInfoMapping,
)
from ._errors import (
    InvalidStatusError,
    ModelError,
    RelationDataAccessError,
    RelationDataError,
    RelationDataTypeError,
    RelationNotFoundError,
    SecretNotFoundError,
    TooManyRelatedAppsError,
)
from ._jujucontext import JujuContext
from ._jujuversion import JujuVersion
from ._lazy import LazyMapping
from ._model import Application, Model, Pod, RemoteModel, Resources, Unit, UnitOrApplicationType
from ._network import Binding, BindingMapping, Network, NetworkInterface
from ._ports import OpenedPort, Port
from ._relation import Relation, RelationData, RelationDataContent, RelationMapping
from ._secret import Secret
from ._secret_types import SecretInfo, SecretRotate
from ._status import (
    ActiveStatus,
    BlockedStatus,
    ErrorStatus,
    MaintenanceStatus,
    StatusBase,
    UnknownStatus,
    WaitingStatus,
)
from ._storage_model import Storage, StorageMapping

MAX_LOG_LINE_LEN = 131071
"""The longest message ``juju-log`` takes in one call; longer ones are split."""

__all__ = [
    'MAX_LOG_LINE_LEN',
    'ActiveStatus',
    'Application',
    'Binding',
    'BindingMapping',
    'BlockedStatus',
    'CheckInfoMapping',
    'CloudCredential',
    'CloudSpec',
    'ConfigData',
    'Container',
    'ContainerMapping',
    'ErrorStatus',
    'InvalidStatusError',
    'JujuContext',
    'JujuVersion',
    'LazyCheckInfo',
    'LazyMapping',
    'LazyNotice',
    'MaintenanceStatus',
    'Model',
    'ModelError',
    'MultiPushPullError',
    'Network',
    'NetworkInterface',
    'OpenedPort',
    'Pod',
    'Port',
    'Relation',
    'RelationData',
    'RelationDataAccessError',
    'RelationDataContent',
    'RelationDataError',
    'RelationDataTypeError',
    'RelationMapping',
    'RelationNotFoundError',
    'RemoteModel',
    'Resources',
    'Secret',
    'SecretInfo',
    'SecretNotFoundError',
    'SecretRotate',
    'ServiceInfoMapping',
    'StatusBase',
    'Storage',
    'StorageMapping',
    'TooManyRelatedAppsError',
    'Unit',
    'UnitOrApplicationType',
    'UnknownStatus',
    'WaitingStatus',
]
