"""The Juju model as a charm sees it: units, apps, relations, secrets, config, status, storage, containers (`ops.model`)."""

from typing import TYPE_CHECKING

from ._exports import lazy_exports

if TYPE_CHECKING:
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
    from ._model import (
        Application,
        Model,
        Pod,
        RemoteModel,
        Resources,
        Unit,
        UnitOrApplicationType,
    )
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

if not TYPE_CHECKING:
    # Each name is imported from its private module on first use (see ``_exports``).
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            'CloudCredential': '._cloud',
            'CloudSpec': '._cloud',
            'ConfigData': '._config',
            'CheckInfoMapping': '._container',
            'Container': '._container',
            'ContainerMapping': '._container',
            'LazyCheckInfo': '._container',
            'LazyNotice': '._container',
            'MultiPushPullError': '._container',
            'ServiceInfoMapping': '._container',
            'InvalidStatusError': '._errors',
            'ModelError': '._errors',
            'RelationDataAccessError': '._errors',
            'RelationDataError': '._errors',
            'RelationDataTypeError': '._errors',
            'RelationNotFoundError': '._errors',
            'SecretNotFoundError': '._errors',
            'TooManyRelatedAppsError': '._errors',
            'JujuContext': '._jujucontext',
            'JujuVersion': '._jujuversion',
            'LazyMapping': '._lazy',
            'Application': '._model',
            'Model': '._model',
            'Pod': '._model',
            'RemoteModel': '._model',
            'Resources': '._model',
            'Unit': '._model',
            'UnitOrApplicationType': '._model',
            'Binding': '._network',
            'BindingMapping': '._network',
            'Network': '._network',
            'NetworkInterface': '._network',
            'OpenedPort': '._ports',
            'Port': '._ports',
            'Relation': '._relation',
            'RelationData': '._relation',
            'RelationDataContent': '._relation',
            'RelationMapping': '._relation',
            'Secret': '._secret',
            'SecretInfo': '._secret_types',
            'SecretRotate': '._secret_types',
            'ActiveStatus': '._status',
            'BlockedStatus': '._status',
            'ErrorStatus': '._status',
            'MaintenanceStatus': '._status',
            'StatusBase': '._status',
            'UnknownStatus': '._status',
            'WaitingStatus': '._status',
            'Storage': '._storage_model',
            'StorageMapping': '._storage_model',
        },
    )
