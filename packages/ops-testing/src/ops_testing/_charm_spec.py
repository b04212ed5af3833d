"""The charm's metadata, actions and config as a Context sees them, parsed once per Context."""

from __future__ import annotations

import copy
import functools
import pathlib
import re
import sys
from collections.abc import Mapping
from typing import Any

from ops_core.charm import MetadataError

from ._extensions import apply_extensions
from .errors import MetadataNotFoundError

__all__ = ['CharmSpec', 'autoload_spec', 'spec_from_arguments', 'yaml_problem']

_RELATION_ROLES = ('requires', 'provides', 'peers')
_UNKNOWN_CONFIG_TYPE = re.compile(r'config\.options\.[^:]+\.type: expected one of ')


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
        # The files the metadata was read from (for error messages), when autoloaded.
        self._sources: dict[str, str] = {}

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
                # ``db: pgsql`` is short for ``db: {interface: pgsql}``.
                out[name] = (
                    role,
                    {'interface': spec} if isinstance(spec, str) else dict(spec or {}),
                )
        return out

    @functools.cached_property
    def duplicate_endpoints(self) -> set[str]:
        """Endpoint names declared under more than one of requires/provides/peers."""
        seen: set[str] = set()
        dupes: set[str] = set()
        for role in _RELATION_ROLES:
            section = self.meta.get(role)
            # A section that is not a mapping is validate()'s to report.
            for name in section if isinstance(section, Mapping) else ():
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

    def validate(self, *, strict: bool = False) -> None:
        """Check the metadata as the charm will see it (``ops.CharmMeta``), once.

        Unless ``strict``, endpoints declared twice and config option types Juju does not
        know are left to the consistency check when an event runs (ops-scenario reports
        them there), so that the error is the same as there.

        Raises:
            MetadataError: a field is malformed; the message names the field (and the file
                the metadata was read from, if any), and says what was expected.
        """
        if self.duplicate_endpoints and not strict:
            return
        try:
            self._charm_meta  # noqa: B018 -- parsed once, kept for the runs
        except MetadataError as exc:
            text = str(exc)
            if _UNKNOWN_CONFIG_TYPE.match(text) and not strict:
                return
            section = next((k for k in ('actions', 'config') if text.startswith(k)), 'meta')
            where = self._sources.get(section)
            if where is None:
                raise
            raise type(exc)(f'{where}: {text}') from None

    def charm_meta(self) -> Any:
        """A fresh ``ops.CharmMeta`` for this spec (the framework may keep a reference)."""
        return self._charm_meta

    @functools.cached_property
    def _charm_meta(self) -> Any:
        from ops_core.charm import CharmMeta

        return CharmMeta(self.meta, self.actions or {}, self.config or {})


class _MetadataTypeError(MetadataError, TypeError):
    """Metadata of the wrong type (also a TypeError, as ops-scenario raised one)."""


@functools.cache
def _metadata_yaml_error() -> type[MetadataError]:
    """``_MetadataYAMLError``, made when first needed: ``import ops.testing`` loads no PyYAML."""
    import yaml

    class _MetadataYAMLError(MetadataError, yaml.YAMLError):
        """A metadata file that is not valid YAML (also a ``yaml.YAMLError``, as before)."""

    _MetadataYAMLError.__qualname__ = '_MetadataYAMLError'
    return _MetadataYAMLError


def _require_mapping(value: object, name: str) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise _MetadataTypeError(f'{name}: expected a mapping, got {type(value).__name__}')


def _read_yaml(path: pathlib.Path) -> Any:
    """The YAML content of ``path`` (None if there is no such file).

    Raises:
        MetadataError: the file is not valid YAML (also a ``yaml.YAMLError``, as before).
    """
    if not path.is_file():
        return None
    import yaml  # only a charm whose metadata comes from files needs it

    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        error = _metadata_yaml_error()
        raise error(f'{path}: not valid YAML: {yaml_problem(exc)}') from None


def yaml_problem(error: Exception) -> str:
    """What is wrong in a YAML (or JSON) text, on one line, with the line and column."""
    yaml = sys.modules.get('yaml')  # a YAML error means PyYAML is loaded
    if (
        yaml is not None
        and isinstance(error, yaml.MarkedYAMLError)
        and error.problem_mark is not None
    ):
        mark = error.problem_mark
        return f'line {mark.line + 1}, column {mark.column + 1}: {error.problem}'
    return ' '.join(str(error).split())


def spec_from_arguments(
    charm_type: type[Any],
    meta: Mapping[str, Any] | None,
    actions: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
) -> CharmSpec:
    """The spec from metadata passed explicitly to a Context (extensions are not expanded).

    Raises:
        ValueError: ``actions`` or ``config`` is given both separately and inside ``meta``.
        MetadataError: ``meta``, ``actions`` or ``config`` is not a mapping.
    """
    for name, value in (('metadata', meta), ('actions', actions), ('config', config)):
        _require_mapping(value, name)
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
        MetadataError: a metadata file is not valid YAML or does not hold a mapping.
    """
    import inspect  # on first use only: a costly import

    charm_root = pathlib.Path(inspect.getfile(charm_type)).resolve().parent.parent
    charmcraft_path = charm_root / 'charmcraft.yaml'
    charmcraft = _read_yaml(charmcraft_path)
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
        sources = dict.fromkeys(('meta', 'actions', 'config'), str(charmcraft_path))
    else:
        paths = {name: charm_root / f'{name}.yaml' for name in ('metadata', 'actions', 'config')}
        loaded = {name: _read_yaml(path) for name, path in paths.items()}
        for name, value in loaded.items():
            _require_mapping(value, str(paths[name]))
        meta = dict(loaded['metadata'] or {})
        config, actions = loaded['config'], loaded['actions']
        sources = {
            'meta': str(paths['metadata']),
            'actions': str(paths['actions']),
            'config': str(paths['config']),
        }
    if not meta:
        raise MetadataNotFoundError(
            f'invalid charm root {charm_root!r}; expected to contain at least a '
            "`charmcraft.yaml` file (or a `metadata.yaml` file if it's an old charm)."
        )
    spec = CharmSpec(charm_type, meta, actions, config, is_autoloaded=True)
    spec._sources = sources
    return spec
