"""The import hook that makes ``ops.<name>`` *be* the module of an underlying package.

``ops`` is a meta-package: it owns no classes. ``ops.model`` is not a copy of
``ops_core.model`` but the very same module object, so ``isinstance`` checks,
``mock.patch('ops.model.Relation.save')``, module-level patching and pickling all agree
whichever name a charm uses. A finder on :data:`sys.meta_path` resolves every
``ops.<alias>[.<sub>...]`` import to the target module and registers it under the
``ops`` name as well; nothing is loaded until it is first imported.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from typing import TYPE_CHECKING, cast

from . import _incidental

if TYPE_CHECKING:
    import importlib.abc
    import types
    from collections.abc import Sequence

#: ``ops`` submodule name -> module of the underlying distribution that it *is*.
ALIASES: dict[str, str] = {
    'ops.charm': 'ops_core.charm',
    'ops.framework': 'ops_core.framework',
    'ops.model': 'ops_core.model',
    'ops.main': 'ops_core.main',
    'ops.storage': 'ops_core.storage',
    'ops.log': 'ops_core.log',
    'ops.jujuversion': 'ops_core.jujuversion',
    'ops.jujucontext': 'ops_core.jujucontext',
    'ops.lib': 'ops_core.lib',
    'ops.pebble': 'ops_pebble',
    'ops.hookcmds': 'ops_hookcmds',
    'ops.testing': 'ops_testing',
    'ops.tracing': 'ops_tracing',
}

_MISSING_DISTRIBUTION = {
    'ops_testing': 'ops.testing needs the ops-testing distribution: pip install ops[testing]',
    'ops_pebble': 'ops.pebble needs the ops-pebble distribution: pip install ops-pebble',
    'ops_tracing': 'ops.tracing needs the ops-tracing distribution: pip install ops[tracing]',
}


def target_of(fullname: str) -> str | None:
    """Return the real module name behind ``fullname``, or None if it is not an alias."""
    if fullname in ALIASES:
        return ALIASES[fullname]
    head, dot, tail = fullname.rpartition('.')
    while dot:
        if head in ALIASES:
            return f'{ALIASES[head]}.{fullname[len(head) + 1 :]}'
        head, dot, tail = head.rpartition('.')
    return None


# The finder and loader implement the import protocol without the ``importlib.abc`` base
# classes: ``sys.meta_path`` needs only ``find_spec``, and ``importlib.abc`` would pull in
# ``importlib.resources`` (and with it ``tempfile``, ``shutil``, ...) on every ``import ops``.
class _AliasLoader:
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None  # a throw-away module: exec_module swaps in the real one

    def exec_module(self, module: types.ModuleType) -> None:
        try:
            real = importlib.import_module(self._target)
        except ModuleNotFoundError as exc:
            hint = _MISSING_DISTRIBUTION.get(exc.name or '')
            if hint is None:
                raise
            raise ModuleNotFoundError(hint, name=module.__name__) from exc
        # The import system re-reads sys.modules after exec_module, so the alias name
        # ends up bound to the real module (and so does the parent package attribute).
        sys.modules[module.__name__] = real
        if module.__name__ in ALIASES:
            _incidental.attach(module.__name__, real)


class AliasFinder:
    """Resolve ``ops.*`` submodule imports to the modules of the underlying packages."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith('ops.'):
            return None
        real = target_of(fullname)
        if real is None:
            return None
        loader = cast('importlib.abc.Loader', _AliasLoader(real))
        return importlib.machinery.ModuleSpec(fullname, loader)


def install() -> None:
    """Put the alias finder first on :data:`sys.meta_path` (once)."""
    if not any(isinstance(finder, AliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())
