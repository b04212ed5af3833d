"""What ops 3.9's modules had by accident, resolved on first use.

Tests and charms lean on two accidents of how ops 3.9's modules are written:

- **Module attributes.** ops 3.9's ``charm.py`` does ``from . import model``, so
  ``mock.patch('ops.charm.model.Model.get_secret')`` works; its ``storage.py`` imports
  ``sqlite3``, so ``mock.patch('ops.storage.sqlite3.connect')`` works. Every public module
  of ``ops`` therefore also resolves, on first lookup, each attribute ops 3.9's module has
  and ours lacks (the table in :mod:`ops._ops39_attrs`, derived from ops 3.9 itself): the
  very module or object ops 3.9 had there, so patching through it has the same effect.
- **Side-effect imports.** ops 3.9's ``import ops`` leaves ``urllib.request``,
  ``http.client``, ``email.message``, ... loaded, and charms write ``import urllib`` and then
  call ``urllib.request.urlopen``. Ours imports far less; instead, the parent packages
  (``urllib``, ``http``, ``email``) import such a submodule the first time it is read as an
  attribute. Nothing is imported until then.

Both are installed by ``import ops`` only: the distributions underneath stay as they are
for code that imports them directly.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import importlib.machinery  # annotations only: importing it costs each `import ops`

__all__ = ['SUBMODULES', 'attach', 'hook_submodules']

_Getattr = Callable[[str], Any]

# Submodules ops 3.9's ``import ops`` leaves loaded and ours does not, by parent package
# (kept here rather than in a module of its own: ``import ops`` reads it every time).
# --- begin: written by tools/ops39-attrs/generate.py; do not edit by hand ---
SUBMODULES: dict[str, list[str]] = {
    'email': [
        'base64mime',
        'charset',
        'encoders',
        'errors',
        'feedparser',
        'header',
        'iterators',
        'message',
        'parser',
        'quoprimime',
        'utils',
    ],
    'http': [
        'client',
        'cookies',
    ],
    'importlib': [
        'machinery',
    ],
    'urllib': [
        'error',
        'parse',
        'request',
        'response',
    ],
}
# --- end ---


def _missing(module_name: str, name: str) -> AttributeError:
    return AttributeError(f'module {module_name!r} has no attribute {name!r}')


def _resolve(module_name: str, name: str, spec: str) -> Any:
    kind, _, target = spec.partition(':')
    try:
        if kind == 'module':
            return importlib.import_module(target)
        if kind == 'attr':
            source, _, attribute = target.partition(':')
            return getattr(importlib.import_module(source), attribute)
        if kind == 'logger':
            import logging

            return logging.getLogger(target or None)
        if kind == 'tracer':
            trace = importlib.import_module('opentelemetry.trace')
            return trace.get_tracer(target)
    except ModuleNotFoundError as exc:
        raise AttributeError(
            f'module {module_name!r} has no attribute {name!r}: in ops 3.9 it comes from '
            f'{exc.name!r}, which is not installed (OpenTelemetry comes with ops[tracing])'
        ) from exc
    if spec == 'special:K8sSpec':
        return Mapping[str, Any]
    raise AssertionError(f'unknown spec {spec!r} for {module_name}.{name}')


def _fallback(alias: str, module: types.ModuleType, previous: _Getattr | None) -> _Getattr:
    def __getattr__(name: str) -> Any:
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        if name.startswith('__'):
            raise _missing(alias, name)
        from ._ops39_attrs import ATTRIBUTES

        spec = ATTRIBUTES.get(alias, {}).get(name)
        if spec is None:
            raise _missing(alias, name)
        value = _resolve(alias, name, spec)
        setattr(module, name, value)
        return value

    return __getattr__


def attach(alias: str, module: types.ModuleType) -> None:
    """Let ``module``, imported as ``ops.<name>`` (``alias``), resolve ops 3.9's attributes.

    The module's own ``__getattr__`` (lazy public names) is asked first.
    """
    previous = module.__dict__.get('__getattr__')
    if getattr(previous, '__ops39_attributes__', False):
        return
    fallback = _fallback(alias, module, previous)
    fallback.__ops39_attributes__ = True  # type: ignore[attr-defined]
    module.__getattr__ = fallback  # type: ignore[method-assign]


def _submodule_getattr(module: types.ModuleType, names: Sequence[str]) -> _Getattr:
    previous = module.__dict__.get('__getattr__')
    wanted = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name in wanted:
            # Importing binds the submodule on its parent: later reads are plain lookups.
            return importlib.import_module(f'{module.__name__}.{name}')
        if previous is not None:
            return previous(name)
        raise _missing(module.__name__, name)

    __getattr__.__ops39_submodules__ = True  # type: ignore[attr-defined]
    return __getattr__


def _give_hook(module: types.ModuleType, names: Sequence[str]) -> None:
    if getattr(module.__dict__.get('__getattr__'), '__ops39_submodules__', False):
        return
    module.__getattr__ = _submodule_getattr(module, names)  # type: ignore[method-assign]


class _HookingLoader:
    """Runs a parent package's own loader, then gives the package its submodule hook.

    Used only while the package executes: the module's ``__loader__`` and
    ``__spec__.loader`` are the package's own loader before its code runs.
    """

    def __init__(self, loader: Any, names: Sequence[str]) -> None:
        self._loader = loader
        self._names = names

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        create = getattr(self._loader, 'create_module', None)
        return create(spec) if create is not None else None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        _give_hook(module, self._names)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _ParentFinder:
    """On ``sys.meta_path``: when a hooked parent package is imported, hook it."""

    def __init__(self, parents: Mapping[str, Sequence[str]]) -> None:
        self._parents = parents

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        names = self._parents.get(fullname)
        if names is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            if spec.loader is not None and hasattr(spec.loader, 'exec_module'):
                spec.loader = _HookingLoader(spec.loader, names)  # type: ignore[assignment]
            return spec
        return None


def hook_submodules(parents: Mapping[str, Sequence[str]]) -> None:
    """Let each parent package resolve the given submodules on first attribute access.

    Parents already imported get the hook now; the others when they are imported.
    """
    for parent, names in parents.items():
        module = sys.modules.get(parent)
        if module is not None:
            _give_hook(module, names)
    if not any(isinstance(finder, _ParentFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ParentFinder(parents))
