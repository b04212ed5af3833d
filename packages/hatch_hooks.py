"""Hatchling hooks shared by every distribution under packages/.

Each distribution's ``pyproject.toml`` names this file twice:

``[tool.hatch.metadata.hooks.custom]`` (:class:`ReleaseMetadataHook`)
    fills the dynamic fields from ``packages/release.toml``: the version (the upstream version
    the distribution stands in for, plus our release's local label) and the metadata every
    distribution shares (authors, keywords, classifiers, URLs).

``[tool.hatch.build.hooks.custom]`` (:class:`ReleaseBuildHook`)
    pins the *sister* distributions (those listed in ``release.toml``), which a pyproject.toml
    names bare (``"ops-core[pebble]"``), to exactly their version in this release: a wheel gets
    one more ``Requires-Dist`` line per sister (``ops-core==3.9.0+rebuilt.1``), and an sdist a
    ``pyproject.toml`` in which every field is static and pinned and no hook is named, so that
    it builds on its own, away from this repository.

The dependencies themselves stay static in each pyproject.toml, so that hatch's workspace can
read them without building anything (with dynamic dependencies it runs a build backend for
every member on every ``hatch run``).

``packages/wheelhouse.py`` and the packaging tests use :func:`load_release` as well.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - hatchling depends on tomli there
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

RELEASE_FILE = Path(__file__).resolve().with_name('release.toml')

#: The ``[project]`` fields the metadata hook fills; each distribution lists exactly these.
DYNAMIC_FIELDS = ('version', 'authors', 'keywords', 'classifiers', 'urls')

_SHARED_FIELDS = ('authors', 'keywords', 'classifiers', 'urls')


class ReleaseError(ValueError):
    """``release.toml`` or a distribution's configuration is wrong; the message says how."""


class Release(NamedTuple):
    """The contents of ``packages/release.toml``."""

    label: str
    """Our release, the PEP 440 local version label of every distribution (``rebuilt.1``)."""
    upstream: dict[str, str]
    """Upstream release name (``ops``, ``scenario``) to its version (``3.9.0``)."""
    distributions: dict[str, str]
    """Canonical distribution name to the upstream release whose version it carries."""
    metadata: dict[str, Any]
    """The metadata fields every distribution shares (authors, keywords, classifiers, urls)."""

    def version(self, distribution: str) -> str:
        """The full version of a distribution in this release (``3.9.0+rebuilt.1``)."""
        name = canonicalize_name(distribution)
        if name not in self.distributions:
            raise ReleaseError(
                f'{distribution!r} is not listed under [distributions] in {RELEASE_FILE.name}; '
                f'add it there (with the upstream release it stands in for)'
            )
        return f'{self.upstream[self.distributions[name]]}+{self.label}'

    def pin(self, requirements: list[str], *, owner: str) -> list[str]:
        """``requirements`` with each sister distribution pinned to its version in this release.

        Args:
            requirements: requirement strings; sister distributions are written bare
                (``ops-core[pebble]``), others with whatever range they need.
            owner: the distribution whose requirements these are (for error messages).

        Raises:
            ReleaseError: a sister distribution carries a version specifier of its own.
        """
        return [self._pinned(text, owner) or text for text in requirements]

    def sister_pins(self, requirements: list[str], *, owner: str, extra: str = '') -> list[str]:
        """Only the pins of the sister distributions among ``requirements``, as Requires-Dist.

        Args:
            requirements: as for :meth:`pin`.
            owner: the distribution whose requirements these are (for error messages).
            extra: the optional feature these requirements belong to, if any.
        """
        pins = []
        for text in requirements:
            pinned = self._pinned(text, owner)
            if pinned is None:
                continue
            if extra:
                req = Requirement(pinned)
                marker = f'({req.marker}) and ' if req.marker else ''
                req.marker = None
                pinned = f'{req}; {marker}extra == "{extra}"'
            pins.append(pinned)
        return pins

    def _pinned(self, text: str, owner: str) -> str | None:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if name not in self.distributions:
            return None
        if req.specifier or req.url:
            raise ReleaseError(
                f'{owner}: write the sister distribution {req.name!r} without a version '
                f'({text!r}); packages/hatch_hooks.py pins it to this release'
            )
        extras = f'[{",".join(sorted(req.extras))}]' if req.extras else ''
        marker = f'; {req.marker}' if req.marker else ''
        return f'{req.name}{extras}=={self.version(name)}{marker}'

    def constraints(self) -> list[str]:
        """One ``name==version`` line per distribution: pip's constraints for this release."""
        return [f'{name}=={self.version(name)}' for name in self.distributions]


def load_release(path: Path = RELEASE_FILE) -> Release:
    """Read and check ``release.toml``.

    Raises:
        ReleaseError: a field is missing or not a valid version or label.
    """
    with path.open('rb') as f:
        data = tomllib.load(f)
    try:
        release = data['release']
        label = release['label']
        upstream = dict(release['upstream'])
        distributions = {
            str(canonicalize_name(k)): str(v) for k, v in data['distributions'].items()
        }
        metadata = dict(data['metadata'])
    except (KeyError, TypeError) as e:
        raise ReleaseError(f'{path}: missing or malformed entry {e}') from None
    for name, which in distributions.items():
        if which not in upstream:
            raise ReleaseError(
                f'{path}: distribution {name!r} carries the version of {which!r}, which is not '
                f'one of [release.upstream] ({", ".join(upstream)})'
            )
    for which, base in upstream.items():
        version = Version(f'{base}+{label}')
        if version.local != label or version.public != base:
            raise ReleaseError(
                f'{path}: {which} = {base!r} with label {label!r} is not a plain public version '
                f'plus a normalized PEP 440 local label (such as 3.9.0 and rebuilt.1)'
            )
    missing = set(_SHARED_FIELDS) - set(metadata)
    if missing:
        raise ReleaseError(f'{path}: [metadata] lacks {", ".join(sorted(missing))}')
    return Release(label, upstream, distributions, metadata)


class ReleaseMetadataHook(MetadataHookInterface):
    """Fills a distribution's version and shared metadata from ``release.toml``."""

    PLUGIN_NAME = 'custom'

    def update(self, metadata: dict[str, Any]) -> None:
        """Set the version and the shared metadata fields."""
        name = metadata['name']
        dynamic = metadata.get('dynamic', [])
        if sorted(dynamic) != sorted(DYNAMIC_FIELDS):
            raise ReleaseError(
                f'{name}: [project] dynamic must be exactly {list(DYNAMIC_FIELDS)} (the fields '
                f'packages/hatch_hooks.py fills), not {dynamic}'
            )
        release = load_release()
        metadata['version'] = release.version(name)
        for field in _SHARED_FIELDS:
            metadata[field] = release.metadata[field]


class ReleaseBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Pins sister distributions in wheels; gives sdists a static, pinned pyproject.toml."""

    PLUGIN_NAME = 'custom'

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Add the sister pins; for an sdist, also swap in the static pyproject.toml."""
        release = load_release()
        core = self.metadata.core
        name = core.name
        build_data['dependencies'].extend(release.sister_pins(core.dependencies, owner=name))
        for extra, reqs in core.optional_dependencies.items():
            build_data['dependencies'].extend(release.sister_pins(reqs, owner=name, extra=extra))
        if self.target_name != 'sdist':
            return
        static = {
            'version': self.metadata.version,
            'dependencies': release.pin(core.dependencies, owner=name),
            'optional-dependencies': {
                extra: release.pin(reqs, owner=name)
                for extra, reqs in core.optional_dependencies.items()
            },
            **{field: getattr(core, field) for field in _SHARED_FIELDS},
        }
        source = Path(self.root, 'pyproject.toml').read_text(encoding='utf-8')
        self._scratch = tempfile.mkdtemp(prefix='ops-sdist-')
        path = Path(self._scratch, 'pyproject.toml')
        path.write_text(static_pyproject(source, static), encoding='utf-8')
        included = build_data['force_include']
        for source_path in [s for s, target in included.items() if target == 'pyproject.toml']:
            del included[source_path]  # the repository's own, which names this file
        included[str(path)] = 'pyproject.toml'

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch copy of an sdist's pyproject.toml."""
        if self.target_name == 'sdist':
            shutil.rmtree(self._scratch, ignore_errors=True)


def static_pyproject(source: str, fields: dict[str, Any]) -> str:
    """The pyproject.toml ``source`` with ``fields`` set in ``[project]`` and no hooks.

    ``dynamic`` goes, and so do this file's hook tables; the result is written anew (an
    sdist's pyproject.toml keeps no comments).

    Raises:
        ReleaseError: the result does not read back as intended.
    """
    data = tomllib.loads(source)
    data['project'].pop('dynamic', None)
    data['project'].update(fields)
    hatch = data.get('tool', {}).get('hatch', {})
    for hooks in (hatch.get('metadata', {}), hatch.get('build', {})):
        hooks.get('hooks', {}).pop('custom', None)
        if hooks.get('hooks') == {}:
            del hooks['hooks']
    _prune_empty(data)
    text = '\n'.join(_toml_table(data, ())) + '\n'
    if tomllib.loads(text) != data:
        raise ReleaseError('the static pyproject.toml does not read back as written')
    return text


def _prune_empty(table: dict[str, Any]) -> None:
    for key, value in list(table.items()):
        if isinstance(value, dict):
            _prune_empty(value)
            if not value:
                del table[key]


def _toml_table(table: dict[str, Any], path: tuple[str, ...]) -> list[str]:
    """``table`` as TOML lines: its plain keys under its header, then its sub-tables."""
    plain = [(k, v) for k, v in table.items() if not isinstance(v, dict)]
    nested = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    lines = []
    if path and (plain or not nested):
        lines.append(f'[{".".join(_toml_key(p) for p in path)}]')
    lines.extend(f'{_toml_key(k)} = {_toml(v)}' for k, v in plain)
    for key, value in nested:
        lines.extend(
            ['', *_toml_table(value, (*path, key))] if lines else _toml_table(value, (*path, key))
        )
    return lines


def _toml(value: Any) -> str:
    """``value`` (strings, booleans, integers and lists and tables of them) as one-line TOML."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return '[' + ', '.join(_toml(v) for v in value) + ']'
    if isinstance(value, dict):
        items = ', '.join(f'{_toml_key(k)} = {_toml(v)}' for k, v in value.items())
        return '{ ' + items + ' }' if items else '{}'
    raise TypeError(f'cannot write {type(value).__name__} as TOML here')


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r'[A-Za-z0-9_-]+', key) else json.dumps(key)
