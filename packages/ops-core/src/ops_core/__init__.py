"""The charm framework of the ``ops`` family: events, stored state, the model, dispatch.

``ops_core`` is what a machine charm needs at run time; it never imports the Pebble
client, which is loaded only when a workload container's client is first used. Charm
authors normally reach these names through ``ops`` (``ops.CharmBase is
ops_core.CharmBase``).
"""

from typing import TYPE_CHECKING

from ._exports import lazy_exports

if TYPE_CHECKING:
    from ops_hookcmds import StatusName

    from .charm import *  # noqa: F403
    from .framework import *  # noqa: F403
    from .jujucontext import *  # noqa: F403
    from .jujuversion import *  # noqa: F403
    from .model import *  # noqa: F403

# A literal list (not built from the submodules' lists) so that type checkers follow
# ``from ops_core import *`` in ``ops``; tests/meta checks it matches the submodules.
__all__ = [
    'BoundEvent',
    'BoundStoredState',
    'CommitEvent',
    'EventBase',
    'EventSource',
    'Framework',
    'FrameworkEvents',
    'Handle',
    'HandleKind',
    'JujuStorage',
    'LifecycleEvent',
    'Model',
    'NoSnapshotError',
    'NoTypeError',
    'Object',
    'ObjectEvents',
    'PreCommitEvent',
    'PrefixedEvents',
    'SQLiteStorage',
    'Serializable',
    'StoredDict',
    'StoredList',
    'StoredObject',
    'StoredSet',
    'StoredState',
    'StoredStateData',
    'ActionEvent',
    'ActionMeta',
    'CharmBase',
    'CharmEvents',
    'CharmMeta',
    'CollectMetricsEvent',
    'CollectStatusEvent',
    'ConfigChangedEvent',
    'ConfigMeta',
    'ContainerBase',
    'ContainerMeta',
    'ContainerStorageMeta',
    'HookEvent',
    'InstallEvent',
    'JujuAssumes',
    'JujuAssumesCondition',
    'JujuVersion',
    'LeaderElectedEvent',
    'LeaderSettingsChangedEvent',
    'MetadataError',
    'MetadataLinks',
    'PayloadMeta',
    'PebbleCheckEvent',
    'PebbleCheckFailedEvent',
    'PebbleCheckRecoveredEvent',
    'PebbleCustomNoticeEvent',
    'PebbleNoticeEvent',
    'PebbleReadyEvent',
    'PostSeriesUpgradeEvent',
    'PreSeriesUpgradeEvent',
    'RelationBrokenEvent',
    'RelationChangedEvent',
    'RelationCreatedEvent',
    'RelationDepartedEvent',
    'RelationEvent',
    'RelationJoinedEvent',
    'RelationMeta',
    'RelationRole',
    'RemoveEvent',
    'ResourceMeta',
    'SecretChangedEvent',
    'SecretEvent',
    'SecretExpiredEvent',
    'SecretRemoveEvent',
    'SecretRotateEvent',
    'StartEvent',
    'StopEvent',
    'StorageAttachedEvent',
    'StorageDetachingEvent',
    'StorageEvent',
    'StorageMeta',
    'UpdateStatusEvent',
    'UpgradeCharmEvent',
    'WorkloadEvent',
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
    'LazyCheckInfo',
    'LazyMapping',
    'LazyNotice',
    'MaintenanceStatus',
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
    'StatusName',
]


def _where_each_name_lives() -> dict[str, str]:
    """Public name -> the public module listing it, read from their ``__all__`` on first use."""
    import importlib

    table = {'StatusName': 'ops_hookcmds'}
    for module in ('.framework', '.charm', '.model', '.jujuversion', '.jujucontext'):
        for name in importlib.import_module(module, __name__).__all__:
            table.setdefault(name, module)
    return table


if not TYPE_CHECKING:
    # ``import ops_core`` loads none of the public modules: the first use of a name imports
    # the public modules and takes the name from the one that lists it (see ``_exports``);
    # ``ops_core.charm`` & co. are imported as submodules as usual.
    __getattr__, __dir__ = lazy_exports(
        __name__,
        _where_each_name_lives,
        submodules=(
            'charm',
            'framework',
            'jujucontext',
            'jujuversion',
            'lib',
            'log',
            'main',
            'model',
            'storage',
        ),
    )
