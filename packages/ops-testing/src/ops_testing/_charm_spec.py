"""The charm's metadata, actions and config as a Context sees them, parsed once per Context."""

from __future__ import annotations

import copy
import functools
import inspect
import pathlib
from collections.abc import Mapping
from typing import Any

import yaml

from ._extensions import apply_extensions
from .errors import MetadataNotFoundError

__all__ = ['CharmSpec', 'autoload_spec', 'spec_from_arguments']

_RELATION_ROLES = ('requires', 'provides', 'peers')


class CharmSpec:
    """The parsed metadata of the charm under test (read-only once built).

    Built by :class:`Context` from its arguments or from the charm's files. It also serves
    as ``scenario.state._CharmSpec`` (the keyword arguments, :meth:`autoload` and
    :meth:`get_all_relations` of ops-scenario 8.9), which tools such as
    pytest-interface-tester use to read a charm's metadata.

    Attributes:
        meta: the metadata.yaml content (or charmcraft.yaml without ``config``/``actions``).
        actions: the actions.yaml content (``None`` if the charm has none).
        config: the config.yaml content, ``{'options': {...}}`` (``None`` if none).
        charm_type: the charm class.
        is_autoloaded: whether the spec was read from the charm's files.
    """

    def __init__(
        self,
        charm_type: type[Any],
        meta: Mapping[str, Any],
        actions: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        is_autoloaded: bool = False,
    ) -> None:
        self.meta: dict[str, Any] = dict(meta)
        self.actions: dict[str, Any] | None = dict(actions) if actions is not None else None
        self.config: dict[str, Any] | None = dict(config) if config is not None else None
        self.charm_type = charm_type
        self.is_autoloaded = is_autoloaded

    def __class_getitem__(cls, item: Any) -> type[CharmSpec]:
        # ops-scenario's spec is generic in the charm type (``_CharmSpec[MyCharm]``).
        return cls

    def __repr__(self) -> str:
        return f'CharmSpec({self.charm_type.__name__}, meta={self.meta!r})'

    @staticmethod
    def autoload(charm_type: type[Any]) -> CharmSpec:
        """The spec read from the charm's files (see :func:`autoload_spec`).

        Raises:
            MetadataNotFoundError: no metadata was found next to the charm's source.
        """
        return autoload_spec(charm_type)

    def get_all_relations(self) -> list[tuple[str, dict[str, Any]]]:
        """Every relation endpoint as ``(name, spec)``: requires, then provides, then peers."""
        return [
            (name, spec)
            for role in _RELATION_ROLES
            for name, spec in (self.meta.get(role) or {}).items()
        ]

    @property
    def name(self) -> str:
        """The charm's name, ``''`` if the metadata has none."""
        return str(self.meta.get('name') or '')

    @functools.cached_property
    def endpoints(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every relation endpoint: name -> (``requires``/``provides``/``peers``, its spec)."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for role in _RELATION_ROLES:
            for name, spec in (self.meta.get(role) or {}).items():
                out[name] = (role, dict(spec or {}))
        return out

    @functools.cached_property
    def duplicate_endpoints(self) -> set[str]:
        """Endpoint names declared under more than one of requires/provides/peers."""
        seen: set[str] = set()
        dupes: set[str] = set()
        for role in _RELATION_ROLES:
            for name in self.meta.get(role) or {}:
                if name in seen:
                    dupes.add(name)
                seen.add(name)
        return dupes

    @functools.cached_property
    def containers(self) -> dict[str, dict[str, Any]]:
        """The containers declared in the metadata, by name."""
        return {
            name: dict(spec or {}) for name, spec in (self.meta.get('containers') or {}).items()
        }

    @functools.cached_property
    def storages(self) -> dict[str, dict[str, Any]]:
        """The storages declared in the metadata, by name."""
        return {name: dict(spec or {}) for name, spec in (self.meta.get('storage') or {}).items()}

    @functools.cached_property
    def resources(self) -> dict[str, dict[str, Any]]:
        """The resources declared in the metadata, by name."""
        return {
            name: dict(spec or {}) for name, spec in (self.meta.get('resources') or {}).items()
        }

    @functools.cached_property
    def extra_bindings(self) -> dict[str, Any]:
        """The extra-bindings declared in the metadata."""
        return dict(self.meta.get('extra-bindings') or {})

    @functools.cached_property
    def action_specs(self) -> dict[str, dict[str, Any]]:
        """The actions, by name."""
        return {name: dict(spec or {}) for name, spec in (self.actions or {}).items()}

    @functools.cached_property
    def config_options(self) -> dict[str, Any]:
        """The config options, by name."""
        return dict((self.config or {}).get('options') or {})

    def charm_meta(self) -> Any:
        """A fresh ``ops.CharmMeta`` for this spec (the framework may keep a reference)."""
        return self._charm_meta

    @functools.cached_property
    def _charm_meta(self) -> Any:
        from ops_core.charm import CharmMeta

        return CharmMeta(self.meta, self.actions or {}, self.config or {})


def _read_yaml(path: pathlib.Path) -> Any:
    if not path.is_file():
        return None
    return yaml.safe_load(path.read_text())


def spec_from_arguments(
    charm_type: type[Any],
    meta: Mapping[str, Any] | None,
    actions: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
) -> CharmSpec:
    """The spec from metadata passed explicitly to a Context (extensions are not expanded).

    Raises:
        ValueError: ``actions`` or ``config`` is given both separately and inside ``meta``.
    """
    meta_dict: dict[str, Any] = (
        copy.deepcopy(dict(meta)) if meta else {'name': charm_type.__name__}
    )
    for key, value in (('actions', actions), ('config', config)):
        if value is not None and key in meta_dict:
            raise ValueError(f'Cannot specify {key} in both charmcraft.yaml and separately')
    if actions is None:
        actions = meta_dict.pop('actions', None)
    if config is None:
        config = meta_dict.pop('config', None)
    return CharmSpec(
        charm_type,
        meta_dict,
        copy.deepcopy(dict(actions)) if actions is not None else None,
        copy.deepcopy(dict(config)) if config is not None else None,
    )


def autoload_spec(charm_type: type[Any]) -> CharmSpec:
    """Read the charm's metadata from the files next to its source.

    The charm root is the parent of the directory holding the charm's module (so
    ``src/charm.py`` gives the repository root). A ``charmcraft.yaml`` counts only if it has
    ``type: charm``, ``name``, ``summary`` and ``description``; otherwise the legacy
    metadata.yaml/config.yaml/actions.yaml are read.

    Raises:
        MetadataNotFoundError: no metadata was found.
    """
    charm_root = pathlib.Path(inspect.getfile(charm_type)).resolve().parent.parent
    charmcraft = _read_yaml(charm_root / 'charmcraft.yaml')
    if (
        isinstance(charmcraft, dict)
        and charmcraft.get('type') == 'charm'
        and all(charmcraft.get(key) for key in ('name', 'summary', 'description'))
    ):
        meta: dict[str, Any] = dict(charmcraft)
        extensions = meta.pop('extensions', None) or []
        if extensions:
            apply_extensions(meta, list(extensions))
        config = meta.pop('config', None)
        actions = meta.pop('actions', None)
    else:
        meta = _read_yaml(charm_root / 'metadata.yaml') or {}
        config = _read_yaml(charm_root / 'config.yaml')
        actions = _read_yaml(charm_root / 'actions.yaml')
    if not meta:
        raise MetadataNotFoundError(
            f'invalid charm root {charm_root!r}; expected to contain at least a '
            "`charmcraft.yaml` file (or a `metadata.yaml` file if it's an old charm)."
        )
    return CharmSpec(charm_type, meta, actions, config, is_autoloaded=True)
