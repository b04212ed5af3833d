"""Charm base class, charm events and charm metadata (`ops.charm`)."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._charm._charm import (
        CharmBase as CharmBase,
    )
    from ._charm._charm import (
        CharmEvents as CharmEvents,
    )
    from ._charm._events import (
        ActionEvent as ActionEvent,
    )
    from ._charm._events import (
        CollectMetricsEvent as CollectMetricsEvent,
    )
    from ._charm._events import (
        CollectStatusEvent as CollectStatusEvent,
    )
    from ._charm._events import (
        ConfigChangedEvent as ConfigChangedEvent,
    )
    from ._charm._events import (
        HookEvent as HookEvent,
    )
    from ._charm._events import (
        InstallEvent as InstallEvent,
    )
    from ._charm._events import (
        LeaderElectedEvent as LeaderElectedEvent,
    )
    from ._charm._events import (
        LeaderSettingsChangedEvent as LeaderSettingsChangedEvent,
    )
    from ._charm._events import (
        PebbleCheckEvent as PebbleCheckEvent,
    )
    from ._charm._events import (
        PebbleCheckFailedEvent as PebbleCheckFailedEvent,
    )
    from ._charm._events import (
        PebbleCheckRecoveredEvent as PebbleCheckRecoveredEvent,
    )
    from ._charm._events import (
        PebbleCustomNoticeEvent as PebbleCustomNoticeEvent,
    )
    from ._charm._events import (
        PebbleNoticeEvent as PebbleNoticeEvent,
    )
    from ._charm._events import (
        PebbleReadyEvent as PebbleReadyEvent,
    )
    from ._charm._events import (
        PostSeriesUpgradeEvent as PostSeriesUpgradeEvent,
    )
    from ._charm._events import (
        PreSeriesUpgradeEvent as PreSeriesUpgradeEvent,
    )
    from ._charm._events import (
        RelationBrokenEvent as RelationBrokenEvent,
    )
    from ._charm._events import (
        RelationChangedEvent as RelationChangedEvent,
    )
    from ._charm._events import (
        RelationCreatedEvent as RelationCreatedEvent,
    )
    from ._charm._events import (
        RelationDepartedEvent as RelationDepartedEvent,
    )
    from ._charm._events import (
        RelationEvent as RelationEvent,
    )
    from ._charm._events import (
        RelationJoinedEvent as RelationJoinedEvent,
    )
    from ._charm._events import (
        RemoveEvent as RemoveEvent,
    )
    from ._charm._events import (
        SecretChangedEvent as SecretChangedEvent,
    )
    from ._charm._events import (
        SecretEvent as SecretEvent,
    )
    from ._charm._events import (
        SecretExpiredEvent as SecretExpiredEvent,
    )
    from ._charm._events import (
        SecretRemoveEvent as SecretRemoveEvent,
    )
    from ._charm._events import (
        SecretRotateEvent as SecretRotateEvent,
    )
    from ._charm._events import (
        StartEvent as StartEvent,
    )
    from ._charm._events import (
        StopEvent as StopEvent,
    )
    from ._charm._events import (
        StorageAttachedEvent as StorageAttachedEvent,
    )
    from ._charm._events import (
        StorageDetachingEvent as StorageDetachingEvent,
    )
    from ._charm._events import (
        StorageEvent as StorageEvent,
    )
    from ._charm._events import (
        UpdateStatusEvent as UpdateStatusEvent,
    )
    from ._charm._events import (
        UpgradeCharmEvent as UpgradeCharmEvent,
    )
    from ._charm._events import (
        WorkloadEvent as WorkloadEvent,
    )
    from ._charm._meta import (
        ActionMeta as ActionMeta,
    )
    from ._charm._meta import (
        CharmMeta as CharmMeta,
    )
    from ._charm._meta import (
        ConfigMeta as ConfigMeta,
    )
    from ._charm._meta import (
        ContainerBase as ContainerBase,
    )
    from ._charm._meta import (
        ContainerMeta as ContainerMeta,
    )
    from ._charm._meta import (
        ContainerStorageMeta as ContainerStorageMeta,
    )
    from ._charm._meta import (
        JujuAssumes as JujuAssumes,
    )
    from ._charm._meta import (
        JujuAssumesCondition as JujuAssumesCondition,
    )
    from ._charm._meta import (
        MetadataError as MetadataError,
    )
    from ._charm._meta import (
        MetadataLinks as MetadataLinks,
    )
    from ._charm._meta import (
        PayloadMeta as PayloadMeta,
    )
    from ._charm._meta import (
        RelationMeta as RelationMeta,
    )
    from ._charm._meta import (
        RelationRole as RelationRole,
    )
    from ._charm._meta import (
        ResourceMeta as ResourceMeta,
    )
    from ._charm._meta import (
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
