"""Charm base class, charm events and charm metadata (`ops.charm`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._charm import (
        CharmBase as CharmBase,
    )
    from ._charm import (
        CharmEvents as CharmEvents,
    )
    from ._charm_events import (
        ActionEvent as ActionEvent,
    )
    from ._charm_events import (
        CollectMetricsEvent as CollectMetricsEvent,
    )
    from ._charm_events import (
        CollectStatusEvent as CollectStatusEvent,
    )
    from ._charm_events import (
        ConfigChangedEvent as ConfigChangedEvent,
    )
    from ._charm_events import (
        HookEvent as HookEvent,
    )
    from ._charm_events import (
        InstallEvent as InstallEvent,
    )
    from ._charm_events import (
        LeaderElectedEvent as LeaderElectedEvent,
    )
    from ._charm_events import (
        LeaderSettingsChangedEvent as LeaderSettingsChangedEvent,
    )
    from ._charm_events import (
        PebbleCheckEvent as PebbleCheckEvent,
    )
    from ._charm_events import (
        PebbleCheckFailedEvent as PebbleCheckFailedEvent,
    )
    from ._charm_events import (
        PebbleCheckRecoveredEvent as PebbleCheckRecoveredEvent,
    )
    from ._charm_events import (
        PebbleCustomNoticeEvent as PebbleCustomNoticeEvent,
    )
    from ._charm_events import (
        PebbleNoticeEvent as PebbleNoticeEvent,
    )
    from ._charm_events import (
        PebbleReadyEvent as PebbleReadyEvent,
    )
    from ._charm_events import (
        PostSeriesUpgradeEvent as PostSeriesUpgradeEvent,
    )
    from ._charm_events import (
        PreSeriesUpgradeEvent as PreSeriesUpgradeEvent,
    )
    from ._charm_events import (
        RelationBrokenEvent as RelationBrokenEvent,
    )
    from ._charm_events import (
        RelationChangedEvent as RelationChangedEvent,
    )
    from ._charm_events import (
        RelationCreatedEvent as RelationCreatedEvent,
    )
    from ._charm_events import (
        RelationDepartedEvent as RelationDepartedEvent,
    )
    from ._charm_events import (
        RelationEvent as RelationEvent,
    )
    from ._charm_events import (
        RelationJoinedEvent as RelationJoinedEvent,
    )
    from ._charm_events import (
        RemoveEvent as RemoveEvent,
    )
    from ._charm_events import (
        SecretChangedEvent as SecretChangedEvent,
    )
    from ._charm_events import (
        SecretEvent as SecretEvent,
    )
    from ._charm_events import (
        SecretExpiredEvent as SecretExpiredEvent,
    )
    from ._charm_events import (
        SecretRemoveEvent as SecretRemoveEvent,
    )
    from ._charm_events import (
        SecretRotateEvent as SecretRotateEvent,
    )
    from ._charm_events import (
        StartEvent as StartEvent,
    )
    from ._charm_events import (
        StopEvent as StopEvent,
    )
    from ._charm_events import (
        StorageAttachedEvent as StorageAttachedEvent,
    )
    from ._charm_events import (
        StorageDetachingEvent as StorageDetachingEvent,
    )
    from ._charm_events import (
        StorageEvent as StorageEvent,
    )
    from ._charm_events import (
        UpdateStatusEvent as UpdateStatusEvent,
    )
    from ._charm_events import (
        UpgradeCharmEvent as UpgradeCharmEvent,
    )
    from ._charm_events import (
        WorkloadEvent as WorkloadEvent,
    )
    from ._charm_meta import (
        ActionMeta as ActionMeta,
    )
    from ._charm_meta import (
        CharmMeta as CharmMeta,
    )
    from ._charm_meta import (
        ConfigMeta as ConfigMeta,
    )
    from ._charm_meta import (
        ContainerBase as ContainerBase,
    )
    from ._charm_meta import (
        ContainerMeta as ContainerMeta,
    )
    from ._charm_meta import (
        ContainerStorageMeta as ContainerStorageMeta,
    )
    from ._charm_meta import (
        JujuAssumes as JujuAssumes,
    )
    from ._charm_meta import (
        JujuAssumesCondition as JujuAssumesCondition,
    )
    from ._charm_meta import (
        MetadataError as MetadataError,
    )
    from ._charm_meta import (
        MetadataLinks as MetadataLinks,
    )
    from ._charm_meta import (
        PayloadMeta as PayloadMeta,
    )
    from ._charm_meta import (
        RelationMeta as RelationMeta,
    )
    from ._charm_meta import (
        RelationRole as RelationRole,
    )
    from ._charm_meta import (
        ResourceMeta as ResourceMeta,
    )
    from ._charm_meta import (
        StorageMeta as StorageMeta,
    )
    from .framework import (
        EventBase as EventBase,
    )
    from .framework import (
        EventSource as EventSource,
    )
    from .framework import (
        Framework as Framework,
    )
    from .framework import (
        Handle as Handle,
    )
    from .framework import (
        LifecycleEvent as LifecycleEvent,
    )
    from .framework import (
        Object as Object,
    )
    from .framework import (
        ObjectEvents as ObjectEvents,
    )
    from .jujuversion import JujuVersion as JujuVersion

_exports.install(globals())
