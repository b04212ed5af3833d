"""The Python library for writing Juju charms.

``ops`` is a thin meta-package. Every name here is the very object defined by one of the
underlying distributions: the framework, model and dispatch come from ``ops_core``, the
Pebble client from ``ops_pebble`` (loaded on first use of ``ops.pebble``), the hook
commands from ``ops_hookcmds``, and the testing APIs from ``ops_testing`` (installed with
``pip install ops[testing]``).

Example::

    import ops

    class MyCharm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._on_start)

        def _on_start(self, event: ops.StartEvent):
            self.unit.status = ops.ActiveStatus()

    if __name__ == '__main__':
        ops.main(MyCharm)
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING, Any

from . import _alias, _incidental

# ops 3.9's ``import ops`` leaves urllib.request, http.client, ... loaded; charms rely on it.
_incidental.hook_submodules(_incidental.SUBMODULES)

import ops_core as _ops_core  # noqa: E402
import ops_core.main as _core_main  # noqa: E402

if TYPE_CHECKING:
    from ops_core import *  # noqa: F403

# Load ``ops.main`` now so that a later ``import ops.main`` finds it in sys.modules and
# leaves the callable ``ops.main`` below in place of the module attribute.
_importlib.import_module('ops.main')

if TYPE_CHECKING:
    # ``ops.tracing`` is the ``ops_tracing`` module when ops-tracing is installed
    # (``pip install ops[tracing]``) and ``None`` otherwise.
    import ops_tracing as tracing

    # Loaded on first touch at run time (see ``__getattr__``); ``ops.main`` is the
    # callable below.
    from . import (
        charm,
        framework,
        hookcmds,
        jujucontext,
        jujuversion,
        lib,
        log,
        model,
        pebble,
        storage,
        version,
    )

__version__: str = '3.9.0'


class _Main:
    """``ops.main``: call it to run a charm; it also stands in for the ``ops.main`` module.

    Both ``ops.main(MyCharm)`` and ``ops.main.main(MyCharm)`` dispatch the current hook.
    """

    def __call__(self, charm_class: type[Any], use_juju_for_storage: bool | None = None) -> None:
        return _core_main.main(charm_class, use_juju_for_storage=use_juju_for_storage)

    def __getattr__(self, name: str) -> Any:
        return getattr(_core_main, name)

    def __repr__(self) -> str:
        return '<ops.main: ops_core.main.main>'


main: _Main = _Main()

__all__ = [*_ops_core.__all__, 'main', 'pebble', 'tracing', '__version__']


_CORE_NAMES = frozenset(_ops_core.__all__)


def __getattr__(name: str) -> Any:
    # The names of ``ops_core`` are looked up there on first use (which imports only the
    # module defining each), and kept here. Submodules (``ops.charm``, ``ops.pebble``, ...)
    # are loaded on first touch: machine charms never import the Pebble client (and with
    # it websocket, ssl and http.client).
    if name in _CORE_NAMES:
        value = getattr(_ops_core, name)
        globals()[name] = value
        return value
    if name == 'tracing':
        value = _load_tracing()
        globals()[name] = value
        return value
    if f'ops.{name}' in _alias.ALIASES or name == 'version':
        return _importlib.import_module(f'ops.{name}')
    raise AttributeError(f"module 'ops' has no attribute {name!r}")


def _load_tracing() -> Any:
    # Imported on first use, not with ``ops``: a charm that never touches ``ops.tracing``
    # loads no OpenTelemetry, and importing ``ops_tracing`` is what switches tracing on.
    # As in ops 3.9, any failure to import it means "not installed".
    try:
        return _importlib.import_module('ops_tracing')
    except ImportError:
        return None


def __dir__() -> list[str]:
    # The public surface only: not the helpers this module itself imports (``Any``,
    # ``TYPE_CHECKING``, ``annotations``, ``_alias``, ...).
    submodules = {alias[4:] for alias in _alias.ALIASES}
    dunders = {name for name in globals() if name.startswith('__') and name.endswith('__')}
    return sorted({*dunders, *_CORE_NAMES, *submodules, *__all__, 'version'})
