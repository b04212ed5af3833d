"""Charm metadata: what a charm declares in its metadata, actions and config files.

The files are metadata.yaml, actions.yaml and config.yaml, or one unified charmcraft.yaml.

Every ``*Meta`` class validates the part of the metadata it is built from and raises
:class:`MetadataError` naming the offending field (``requires.db.scope: ...``) so that a
charm author sees at once what to fix.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, ClassVar, Literal

from ops_hookcmds.sister import record

from .._exports import publish
from .._model._errors import ModelError
from .._model._jujuversion import JujuVersion

if TYPE_CHECKING:
    from pathlib import Path


class MetadataError(ValueError):
    """The charm's metadata (metadata/actions/config.yaml or charmcraft.yaml) is invalid.

    The message names the file when known, the field (for example
    ``requires.db.interface``) and what was expected.
    """


class _MetadataTypeError(MetadataError, TypeError):
    """A metadata field has the wrong type (also a TypeError, as ops 3.9 raised for some)."""


class _ContainerSourceError(MetadataError, ModelError):
    """A container names both a resource and bases (a ModelError too, as in ops 3.9)."""


def _mapping(value: object, field: str, *, allow_none: bool = True) -> Mapping[str, Any]:
    if value is None and allow_none:
        return {}
    if not isinstance(value, Mapping):
        raise _MetadataTypeError(f'{field}: expected a mapping, got {type(value).__name__}')
    for key in value:
        if not isinstance(key, str):
            raise _MetadataTypeError(f'{field}: keys must be strings, got {key!r}')
    return value


def _str(value: object, field: str, default: str | None = '') -> Any:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _MetadataTypeError(f'{field}: expected a string, got {type(value).__name__}')
    return str(value)


def _str_list(value: object, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _MetadataTypeError(
            f'{field}: expected a list of strings, got {type(value).__name__}'
        )
    return [_str(item, f'{field}[{i}]') for i, item in enumerate(value)]


def _bool(value: object, field: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _MetadataTypeError(f'{field}: expected true or false, got {value!r}')
    return value


class RelationRole(enum.Enum):
    """The part this charm plays on a relation endpoint."""

    peer = 'peer'
    requires = 'requires'
    provides = 'provides'

    def is_peer(self) -> bool:
        """Whether this is the peer role."""
        return self is RelationRole.peer


class RelationMeta:
    """A relation endpoint declared under ``requires``, ``provides`` or ``peers``.

    Attributes:
        role: the endpoint's :class:`RelationRole`.
        relation_name: the endpoint name, e.g. ``db``.
        interface_name: the interface the endpoint speaks.
        limit: the maximum number of relations on this endpoint, or None.
        scope: ``global`` (default) or ``container``.
        optional: whether the charm works without this relation.

    Args:
        role: the section the endpoint is declared in.
        relation_name: the endpoint name.
        raw: the endpoint's mapping (or just its interface name as a string).

    Raises:
        MetadataError: if the declaration is malformed.
    """

    VALID_SCOPES: ClassVar[list[str]] = ['global', 'container']

    def __init__(self, role: RelationRole, relation_name: str, raw: Mapping[str, Any] | str):
        # Name the field as it is spelled in the YAML: the peer role lives under 'peers'.
        field = f'{"peers" if role.value == "peer" else role.value}.{relation_name}'
        if isinstance(raw, str):
            raw = {'interface': raw}
        raw = _mapping(raw, field, allow_none=False)
        self.role = role
        self.relation_name = relation_name
        if 'interface' not in raw:
            raise MetadataError(
                f"{field}: missing 'interface' (the interface this endpoint speaks)"
            )
        self.interface_name: str | None = _str(raw['interface'], f'{field}.interface', None)
        limit = raw.get('limit')
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise _MetadataTypeError(f'{field}.limit: expected an integer, got {limit!r}')
        self.limit: int | None = limit
        scope = raw.get('scope') or 'global'  # as ops 3.9: null/empty/false mean the default
        if scope not in self.VALID_SCOPES:
            raise _MetadataTypeError(
                f"{field}.scope: scope should be one of 'global', 'container'; not {scope!r}"
            )
        self.scope: str = scope
        self.optional: bool = _bool(raw.get('optional'), f'{field}.optional')

    def __repr__(self) -> str:
        return (
            f'RelationMeta(role={self.role.value!r}, relation_name={self.relation_name!r}, '
            f'interface_name={self.interface_name!r})'
        )


def _parse_range(text: object, field: str) -> tuple[int, int | None]:
    """Parse a storage ``multiple.range``: ``3``, ``1-3``, ``2-`` or ``2+``."""
    raw = str(text).strip()
    try:
        if raw.endswith(('+', '-')):
            return int(raw[:-1]), None
        if '-' in raw:
            low, high = raw.split('-', 1)
            return int(low), int(high)
        return int(raw), int(raw)
    except ValueError:
        raise MetadataError(
            f"{field}: invalid range {raw!r}; use 'N', 'N-M', 'N-' or 'N+'"
        ) from None


class StorageMeta:
    """A storage declared under ``storage``.

    Attributes:
        storage_name: the storage name.
        type: ``filesystem`` or ``block``.
        description: free text.
        shared: whether the storage is shared between units.
        read_only: whether it is mounted read-only.
        minimum_size: the minimum size (e.g. ``1G``), or None.
        location: the mount point, or None.
        multiple_range: ``(min, max)`` (``max`` None for unbounded) when several instances
            may be attached, else None.
        properties: extra properties such as ``transient``.

    Raises:
        MetadataError: if the declaration is malformed.
    """

    def __init__(self, name: str, raw: Mapping[str, Any]):
        field = f'storage.{name}'
        raw = _mapping(raw, field, allow_none=False)
        self.storage_name = name
        self.type: str = _str(raw.get('type'), f'{field}.type')
        self.description: str = _str(raw.get('description'), f'{field}.description')
        self.shared: bool = _bool(raw.get('shared'), f'{field}.shared')
        self.read_only: bool = _bool(raw.get('read-only'), f'{field}.read-only')
        self.minimum_size: str | None = _str(
            raw.get('minimum-size'), f'{field}.minimum-size', None
        )
        self.location: str | None = _str(raw.get('location'), f'{field}.location', None)
        self.multiple_range: tuple[int, int | None] | None = None
        if 'multiple' in raw:
            multiple = _mapping(raw['multiple'], f'{field}.multiple')
            if 'range' in multiple:
                self.multiple_range = _parse_range(multiple['range'], f'{field}.multiple.range')
        self.properties: list[str] = _str_list(raw.get('properties'), f'{field}.properties')

    def __repr__(self) -> str:
        return f'StorageMeta(name={self.storage_name!r}, type={self.type!r})'


class ResourceMeta:
    """A resource declared under ``resources``.

    Attributes:
        resource_name: the resource name.
        type: ``file`` or ``oci-image``.
        filename: the file name for file resources, or None.
        description: free text.
    """

    def __init__(self, name: str, raw: Mapping[str, Any]):
        field = f'resources.{name}'
        raw = _mapping(raw, field, allow_none=False)
        self.resource_name = name
        self.type: str | None = _str(raw.get('type'), f'{field}.type', None)
        self.filename: str | None = _str(raw.get('filename'), f'{field}.filename', None)
        self.description: str = _str(raw.get('description'), f'{field}.description')

    def __repr__(self) -> str:
        return f'ResourceMeta(name={self.resource_name!r}, type={self.type!r})'


class PayloadMeta:
    """A payload declared under ``payloads``.

    Attributes:
        payload_name: the payload name.
        type: the payload type, e.g. ``docker``.
    """

    def __init__(self, name: str, raw: Mapping[str, Any]):
        field = f'payloads.{name}'
        raw = _mapping(raw, field, allow_none=False)
        self.payload_name = name
        self.type: str = _str(raw.get('type'), f'{field}.type')

    def __repr__(self) -> str:
        return f'PayloadMeta(name={self.payload_name!r}, type={self.type!r})'


class ActionMeta:
    """An action declared in actions.yaml (or under ``actions`` in charmcraft.yaml).

    Attributes:
        name: the action name.
        title: a short title.
        description: free text.
        parameters: the JSON-schema ``params`` mapping.
        required: the names of required parameters.
        additional_properties: whether parameters not in ``parameters`` are accepted
            (default true before Juju 4.0, false from 4.0).
    """

    def __init__(self, name: str, raw: Mapping[str, Any] | None = None):
        field = f'actions.{name}'
        raw = _mapping(raw, field)
        self.name = name
        self.title: str = _str(raw.get('title'), f'{field}.title')
        self.description: str = _str(raw.get('description'), f'{field}.description')
        self.parameters: dict[str, Any] = dict(_mapping(raw.get('params'), f'{field}.params'))
        self.required: list[str] = _str_list(raw.get('required'), f'{field}.required')
        default_additional = JujuVersion(os.environ.get('JUJU_VERSION') or '0.0.0') < '4.0.0'
        self.additional_properties: bool = _bool(
            raw.get('additionalProperties'), f'{field}.additionalProperties', default_additional
        )

    def __repr__(self) -> str:
        return f'ActionMeta(name={self.name!r})'


@record(frozen=True)
class ContainerBase:
    """An OS base a container image may be built on.

    Attributes:
        os_name: the OS name, e.g. ``ubuntu``.
        channel: the OS channel, e.g. ``22.04``.
        architectures: the supported architectures.
    """

    os_name: str
    channel: str
    architectures: list[str]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ContainerBase:
        """Build a base from its metadata mapping (keys ``name``, ``channel``, ``architectures``).

        Raises:
            MetadataError: if a key is missing or has the wrong type.
        """
        d = _mapping(d, 'base', allow_none=False)
        for key in ('name', 'channel', 'architectures'):
            if key not in d:
                raise MetadataError(f'container base: missing {key!r}')
        return cls(
            os_name=_str(d['name'], 'base.name'),
            channel=_str(d['channel'], 'base.channel'),
            architectures=_str_list(d['architectures'], 'base.architectures'),
        )


class ContainerStorageMeta:
    """Where a storage is mounted inside a container.

    Attributes:
        storage: the storage name (a key of :attr:`CharmMeta.storages`).
        locations: every mount point of that storage in the container.
    """

    def __init__(self, storage: str, location: str):
        self.storage = storage
        self._locations: list[str] = [location]

    def add_location(self, location: str) -> None:
        """Record another mount point of the same storage."""
        self._locations.append(location)

    @property
    def locations(self) -> list[str]:
        """Every mount point of this storage in the container."""
        return list(self._locations)

    @property
    def location(self) -> str:
        """The mount point, when there is exactly one.

        Raises:
            RuntimeError: if the storage is mounted more than once; use :attr:`locations`.
        """
        if len(self._locations) != 1:
            raise RuntimeError(
                f'container has more than one mount point for storage {self.storage!r}; '
                'use .locations to see them all'
            )
        return self._locations[0]

    def __repr__(self) -> str:
        return f'ContainerStorageMeta(storage={self.storage!r}, locations={self._locations!r})'


class ContainerMeta:
    """A workload container declared under ``containers`` (Kubernetes charms).

    Attributes:
        name: the container name.
        resource: the OCI image resource the container runs, or None.
        bases: the OS bases the image may be built on.
    """

    def __init__(self, name: str, raw: Mapping[str, Any]):
        field = f'containers.{name}'
        raw = _mapping(raw, field)
        self.name = name
        self._mounts: dict[str, ContainerStorageMeta] = {}
        mounts = raw.get('mounts') or []
        if not isinstance(mounts, list):
            raise _MetadataTypeError(
                f'{field}.mounts: expected a list, got {type(mounts).__name__}'
            )
        for i, mount in enumerate(mounts):
            mount = _mapping(mount, f'{field}.mounts[{i}]', allow_none=False)
            if 'storage' not in mount:
                raise MetadataError(f"{field}.mounts[{i}]: missing 'storage'")
            storage = _str(mount['storage'], f'{field}.mounts[{i}].storage')
            location = _str(mount.get('location'), f'{field}.mounts[{i}].location')
            if storage in self._mounts:
                self._mounts[storage].add_location(location)
            else:
                self._mounts[storage] = ContainerStorageMeta(storage, location)
        bases = raw.get('bases') or []
        if not isinstance(bases, list):
            raise _MetadataTypeError(f'{field}.bases: expected a list, got {type(bases).__name__}')
        self.bases: list[ContainerBase] = [ContainerBase.from_dict(b) for b in bases]
        self.resource: str | None = _str(raw.get('resource'), f'{field}.resource', None)
        if self.resource and self.bases:
            raise _ContainerSourceError(
                f'{field}: a container may specify a resource or bases, not both'
            )

    @property
    def mounts(self) -> dict[str, ContainerStorageMeta]:
        """The container's mounts, keyed by storage name."""
        return self._mounts

    def __repr__(self) -> str:
        return f'ContainerMeta(name={self.name!r})'


@record(frozen=True)
class ConfigMeta:
    """A configuration option declared in config.yaml.

    Attributes:
        name: the option name.
        type: ``string``, ``int``, ``float``, ``boolean`` or ``secret``.
        default: the default value, or None.
        description: free text, or None.
    """

    name: str
    type: Literal['string', 'int', 'float', 'boolean', 'secret']
    default: bool | int | float | str | None
    description: str | None


_CONFIG_TYPES = ('string', 'int', 'float', 'boolean', 'secret')


@record(frozen=True)
class MetadataLinks:
    """Links to a charm's documentation, sources, websites and issue tracker.

    Attributes:
        websites: project websites.
        sources: source repositories.
        issues: issue trackers.
        documentation: the documentation URL, or None.
    """

    websites: list[str]
    sources: list[str]
    issues: list[str]
    documentation: str | None


class JujuAssumesCondition(enum.Enum):
    """How the features in a :class:`JujuAssumes` combine."""

    ALL = 'all-of'
    ANY = 'any-of'


@record(frozen=True)
class JujuAssumes:
    """The ``assumes`` section: features the charm needs from Juju.

    Attributes:
        features: feature strings (``juju >= 3.1``, ``k8s-api``) or nested groups.
        condition: whether all (default) or any of the features must hold.
    """

    features: list[str | JujuAssumes]
    condition: JujuAssumesCondition = JujuAssumesCondition.ALL

    @classmethod
    def from_list(
        cls, raw: list[Any], condition: JujuAssumesCondition = JujuAssumesCondition.ALL
    ) -> JujuAssumes:
        """Build from the ``assumes`` list, where groups are ``{'any-of': [...]}`` mappings.

        Raises:
            MetadataError: if an entry is neither a string nor a one-key
                ``all-of``/``any-of`` mapping.
        """
        if not isinstance(raw, list):
            raise _MetadataTypeError(f'assumes: expected a list, got {type(raw).__name__}')
        features: list[str | JujuAssumes] = []
        for item in raw:
            if isinstance(item, str):
                features.append(item)
                continue
            if isinstance(item, Mapping) and len(item) == 1:
                ((key, value),) = item.items()
                try:
                    sub_condition = JujuAssumesCondition(key)
                except ValueError:
                    raise MetadataError(
                        f"assumes: unknown condition {key!r}; use 'all-of' or 'any-of'"
                    ) from None
                features.append(cls.from_list(value, sub_condition))
                continue
            raise MetadataError(
                f"assumes: entries must be strings or a single 'all-of'/'any-of' mapping, "
                f'got {item!r}'
            )
        return cls(features=features, condition=condition)


_CHARM_USERS = ('root', 'sudoer', 'non-root')


class CharmMeta:
    """Everything a charm declares about itself, from its metadata files.

    Normally built by the framework with :meth:`from_charm_root`; in tests use
    :meth:`from_yaml`.

    Attributes:
        name: the charm's name.
        summary: a one-line summary.
        description: the long description.
        maintainers: maintainer addresses (``maintainer`` and ``maintainers`` combined).
        links: :class:`MetadataLinks`.
        tags: store categories.
        terms: terms to accept before deploying.
        series: supported OS series (legacy).
        subordinate: whether the charm is a subordinate.
        min_juju_version: the minimum Juju version, or None.
        charm_user: ``root`` (default), ``sudoer`` or ``non-root``.
        assumes: the :class:`JujuAssumes` requirements.
        requires: ``requires`` endpoints by name.
        provides: ``provides`` endpoints by name.
        peers: ``peers`` endpoints by name.
        relations: every endpoint (requires, provides, peers) by name.
        storages: :class:`StorageMeta` by name.
        resources: :class:`ResourceMeta` by name.
        payloads: :class:`PayloadMeta` by name.
        extra_bindings: extra network bindings by name.
        containers: :class:`ContainerMeta` by name.
        actions: :class:`ActionMeta` by name.
        config: :class:`ConfigMeta` by option name.

    Args:
        raw: the content of metadata.yaml (or the metadata part of charmcraft.yaml).
        actions_raw: the content of actions.yaml.
        config_raw: the content of config.yaml (with its top-level ``options`` key).

    Raises:
        MetadataError: if anything is malformed, naming the field.
    """

    def __init__(
        self,
        raw: Mapping[str, Any] | None = None,
        actions_raw: Mapping[str, Any] | None = None,
        config_raw: Mapping[str, Any] | None = None,
    ):
        raw = _mapping(raw, 'metadata')
        self.name: str = _str(raw.get('name'), 'name')
        self.summary: str = _str(raw.get('summary'), 'summary')
        self.description: str = _str(raw.get('description'), 'description')
        self.maintainers: list[str] = []
        if raw.get('maintainer'):
            self.maintainers.append(_str(raw['maintainer'], 'maintainer'))
        self.maintainers.extend(_str_list(raw.get('maintainers'), 'maintainers'))
        links = raw.get('links')
        if isinstance(links, Mapping) and links.get('contact'):
            # charmcraft.yaml has no maintainers; its links.contact (a string or a list of
            # them) plays that part.
            self.maintainers.extend(_str_list(links['contact'], 'links.contact'))
        self.links: MetadataLinks = self._parse_links(raw)
        self.tags: list[str] = _str_list(raw.get('tags'), 'tags')
        self.terms: list[str] = _str_list(raw.get('terms'), 'terms')
        self.series: list[str] = _str_list(raw.get('series'), 'series')
        self.subordinate: bool = _bool(raw.get('subordinate'), 'subordinate')
        self.assumes: JujuAssumes = JujuAssumes.from_list(raw.get('assumes') or [])
        self.min_juju_version: str | None = _str(
            raw.get('min-juju-version'), 'min-juju-version', None
        )
        charm_user = raw.get('charm-user', 'root')
        if charm_user not in _CHARM_USERS:
            raise MetadataError(
                f'charm-user: expected one of {", ".join(_CHARM_USERS)}, got {charm_user!r}'
            )
        self.charm_user: str = charm_user

        self.requires: dict[str, RelationMeta] = self._endpoints(raw, RelationRole.requires)
        self.provides: dict[str, RelationMeta] = self._endpoints(raw, RelationRole.provides)
        self.peers: dict[str, RelationMeta] = self._endpoints(raw, RelationRole.peer)
        self.relations: dict[str, RelationMeta] = {}
        for group in (self.requires, self.provides, self.peers):
            for name, rel in group.items():
                if name in self.relations:
                    other = self.relations[name].role.value
                    raise MetadataError(
                        f'relation endpoint {name!r} is declared twice (under {other} and '
                        f'under {rel.role.value}); endpoint names must be unique'
                    )
                self.relations[name] = rel

        self.storages: dict[str, StorageMeta] = {
            name: StorageMeta(name, s)
            for name, s in _mapping(raw.get('storage'), 'storage').items()
        }
        self.resources: dict[str, ResourceMeta] = {
            name: ResourceMeta(name, r)
            for name, r in _mapping(raw.get('resources'), 'resources').items()
        }
        self.payloads: dict[str, PayloadMeta] = {
            name: PayloadMeta(name, p)
            for name, p in _mapping(raw.get('payloads'), 'payloads').items()
        }
        self.extra_bindings: dict[str, Any] = dict(
            _mapping(raw.get('extra-bindings'), 'extra-bindings')
        )
        self.containers: dict[str, ContainerMeta] = {
            name: ContainerMeta(name, c)
            for name, c in _mapping(raw.get('containers'), 'containers').items()
        }
        self.actions: dict[str, ActionMeta] = {
            name: ActionMeta(name, a) for name, a in _mapping(actions_raw, 'actions').items()
        }
        self.config: dict[str, ConfigMeta] = self._parse_config(config_raw)

    @staticmethod
    def _endpoints(raw: Mapping[str, Any], role: RelationRole) -> dict[str, RelationMeta]:
        section = 'peers' if role is RelationRole.peer else role.value
        return {
            name: RelationMeta(role, name, r)
            for name, r in _mapping(raw.get(section), section).items()
        }

    @staticmethod
    def _parse_links(raw: Mapping[str, Any]) -> MetadataLinks:
        links = _mapping(raw.get('links'), 'links')

        def pick(*keys: str) -> object:
            for key in keys:
                if links.get(key) is not None:
                    return links[key]
            for key in keys:
                if raw.get(key) is not None:
                    return raw[key]
            return None

        documentation = pick('documentation', 'docs')
        return MetadataLinks(
            websites=_str_list(pick('website', 'websites'), 'links.website'),
            sources=_str_list(pick('source', 'sources'), 'links.source'),
            issues=_str_list(pick('issues'), 'links.issues'),
            documentation=_str(documentation, 'links.documentation', None),
        )

    @staticmethod
    def _parse_config(config_raw: Mapping[str, Any] | None) -> dict[str, ConfigMeta]:
        options = _mapping(_mapping(config_raw, 'config').get('options'), 'config.options')
        config: dict[str, ConfigMeta] = {}
        for name, option in options.items():
            option = _mapping(option, f'config.options.{name}')
            opt_type = option.get('type', 'string')
            if opt_type not in _CONFIG_TYPES:
                raise MetadataError(
                    f'config.options.{name}.type: expected one of {", ".join(_CONFIG_TYPES)}, '
                    f'got {opt_type!r}'
                )
            config[name] = ConfigMeta(
                name=name,
                type=opt_type,
                default=option.get('default'),
                description=_str(
                    option.get('description'), f'config.options.{name}.description', None
                ),
            )
        return config

    @classmethod
    def from_yaml(
        cls,
        metadata: str | IO[str],
        actions: str | IO[str] | None = None,
        config: str | IO[str] | None = None,
    ) -> CharmMeta:
        """Build metadata from YAML text (or open files) of metadata, actions and config.

        Args:
            metadata: metadata.yaml content.
            actions: actions.yaml content, if any.
            config: config.yaml content, if any.

        Raises:
            MetadataError: if the YAML is malformed or describes invalid metadata.
        """
        raw = _load_yaml(metadata, 'metadata.yaml')
        actions_raw = _load_yaml(actions, 'actions.yaml') if actions is not None else None
        config_raw = _load_yaml(config, 'config.yaml') if config is not None else None
        return cls(raw, actions_raw, config_raw)

    @staticmethod
    def from_charm_root(charm_root: str | Path) -> CharmMeta:
        """Load the metadata of the charm in directory ``charm_root``.

        Reads ``metadata.yaml`` with the optional ``actions.yaml`` and ``config.yaml``; if
        there is no ``metadata.yaml``, reads the unified ``charmcraft.yaml`` instead. Each file
        is read once.

        Raises:
            FileNotFoundError: if neither metadata.yaml nor charmcraft.yaml exists.
            MetadataError: if a file is malformed; the message names the file and field.
        """
        sources = _metadata_sources(charm_root)
        return _meta_from_documents(sources, _parse_documents(sources))


def _metadata_sources(root: str | os.PathLike[str]) -> tuple[tuple[str, str | None], ...]:
    """The metadata files of the charm in ``root``: ``(path, text or None)``, each read once.

    ``metadata.yaml`` with ``actions.yaml`` and ``config.yaml`` (``None`` where missing), or
    the unified ``charmcraft.yaml`` alone when there is no ``metadata.yaml``.

    Raises:
        FileNotFoundError: if neither metadata.yaml nor charmcraft.yaml exists.
    """
    metadata_path = os.path.join(root, 'metadata.yaml')
    text = _read_optional(metadata_path)
    if text is not None:
        actions_path = os.path.join(root, 'actions.yaml')
        config_path = os.path.join(root, 'config.yaml')
        return (
            (metadata_path, text),
            (actions_path, _read_optional(actions_path)),
            (config_path, _read_optional(config_path)),
        )
    charmcraft_path = os.path.join(root, 'charmcraft.yaml')
    text = _read_optional(charmcraft_path)
    if text is None:
        raise FileNotFoundError(
            f'no charm metadata in {root}: expected metadata.yaml (or a unified '
            'charmcraft.yaml); is this the charm directory?'
        )
    return ((charmcraft_path, text),)


def _parse_documents(sources: tuple[tuple[str, str | None], ...]) -> list[Any]:
    """The YAML document of each of :func:`_metadata_sources`' files (``None`` if absent or empty).

    Raises:
        MetadataError: if a file is not valid YAML (or repeats a key); names the file.
    """
    return [_load_yaml(text, path) if text else None for path, text in sources]


def _meta_from_documents(
    sources: tuple[tuple[str, str | None], ...], documents: list[Any]
) -> CharmMeta:
    """Build the metadata from the parsed files of :func:`_metadata_sources`.

    Raises:
        MetadataError: if the metadata is invalid; the message names the file and field.
    """
    if len(sources) == 3:
        return _build(
            documents[0],
            documents[1],
            documents[2],
            sources[0][0],
            actions_source=sources[1][0],
            config_source=sources[2][0],
        )
    charmcraft_path = sources[0][0]
    unified = _mapping(documents[0], charmcraft_path)
    actions_raw = _mapping(unified.get('actions'), f'{charmcraft_path}: actions')
    config_raw = _mapping(unified.get('config'), f'{charmcraft_path}: config')
    return _build(unified, actions_raw, config_raw, charmcraft_path)


def _build(
    raw: Any,
    actions_raw: Any,
    config_raw: Any,
    source: str,
    *,
    actions_source: str | None = None,
    config_source: str | None = None,
) -> CharmMeta:
    try:
        return CharmMeta(raw, actions_raw, config_raw)
    except MetadataError as exc:
        text = str(exc)
        where = source
        if text.startswith('config') and config_source:
            where = config_source
        elif text.startswith('actions') and actions_source:
            where = actions_source
        error_type = _MetadataTypeError if isinstance(exc, TypeError) else MetadataError
        raise error_type(f'{where}: {text}') from None


def _read_optional(path: str) -> str | None:
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except FileNotFoundError:
        return None


_strict_loader: Any = None


def _loader() -> Any:
    """A safe YAML loader (the C one when available) that rejects duplicate mapping keys.

    YAML itself keeps the last of duplicate keys silently, which would hide, for example,
    an endpoint declared twice under ``requires``.
    """
    global _strict_loader
    if _strict_loader is not None:
        return _strict_loader
    import yaml

    base: Any = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[str] = set()
            for key_node, _ in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.tag != 'tag:yaml.org,2002:merge'
                ):
                    if key_node.value in seen:
                        raise MetadataError(
                            f'duplicate key {key_node.value!r} at line '
                            f'{key_node.start_mark.line + 1}; each key may appear only once'
                        )
                    seen.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    _strict_loader = StrictLoader
    return StrictLoader


def _load_yaml(source: str | IO[str], name: str) -> Any:
    import yaml

    try:
        return yaml.load(source, Loader=_loader())
    except MetadataError as exc:
        raise MetadataError(f'{name}: {exc}') from None
    except yaml.YAMLError as exc:
        raise MetadataError(f'{name}: not valid YAML: {exc}') from None


publish(__name__)
