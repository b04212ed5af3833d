"""How each ``ops.<name>`` module *is* the module of an underlying distribution.

``ops`` is a meta-package: it owns no classes. ``ops.model`` is not a copy of
``ops_core.model`` but the very same module object, so ``isinstance`` checks,
``mock.patch('ops.model.Relation.save')``, module-level patching and pickling all agree
whichever name a charm uses. Each ``ops/<name>.py`` is a real module (type checkers and
IDEs read its star import of the target); when it is imported it calls :func:`become`,
which puts the target module in its place in :data:`sys.modules`, so the import statement
(and the ``ops`` package attribute) ends up bound to the target itself.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from . import _incidental

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


def become(alias: str, submodules: Sequence[str] = ()) -> None:
    """Make the module being imported as ``alias`` be its target module from now on.

    Called at the end of ``ops/<name>.py``. The import system re-reads :data:`sys.modules`
    once the module has run, so ``import ops.model`` and ``ops.model`` give the target.

    Args:
        alias: the ``__name__`` of the calling module (``'ops.model'``).
        submodules: public submodules of the target package that are also importable
            under the alias name (``ops.testing.state`` is ``ops_testing.state``).

    Raises:
        ModuleNotFoundError: if the distribution providing the target is not installed,
            saying what to install.
    """
    target = ALIASES[alias]
    try:
        real = importlib.import_module(target)
    except ModuleNotFoundError as exc:
        hint = _MISSING_DISTRIBUTION.get(exc.name or '')
        if hint is None:
            raise
        raise ModuleNotFoundError(hint, name=alias) from exc
    sys.modules[alias] = real
    for name in submodules:
        sys.modules[f'{alias}.{name}'] = importlib.import_module(f'{target}.{name}')
    _incidental.attach(alias, real)
