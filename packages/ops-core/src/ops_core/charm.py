"""Charm base class, charm events and charm metadata (`ops.charm`)."""

from ._charm_meta import (
    ActionMeta,
    CharmMeta,
    ConfigMeta,
    ContainerBase,
    ContainerMeta,
    ContainerStorageMeta,
    JujuAssumes,
    JujuAssumesCondition,
    MetadataError,
    MetadataLinks,
    PayloadMeta,
    RelationMeta,
    RelationRole,
    ResourceMeta,
    StorageMeta,
)
from ._jujuversion import JujuVersion

__all__: list[str] = [
    'ActionMeta',
    'CharmMeta',
    'ConfigMeta',
    'ContainerBase',
    'ContainerMeta',
    'ContainerStorageMeta',
    'JujuAssumes',
    'JujuAssumesCondition',
    'JujuVersion',
    'MetadataError',
    'MetadataLinks',
    'PayloadMeta',
    'RelationMeta',
    'RelationRole',
    'ResourceMeta',
    'StorageMeta',
]
