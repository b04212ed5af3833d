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

from . import _exports, _incidental

# ops 3.9's ``import ops`` leaves urllib.request, http.client, ... loaded; charms rely on it.
_incidental.hook_submodules(_incidental.SUBMODULES)

import ops_core.main as _core_main  # noqa: E402

if TYPE_CHECKING:
    # Every public name of ops_core, each imported from where it lives on first use.
    from ops_core import *  # noqa: F403

    # Submodules, imported on first touch (``ops.main`` is the callable below).
    from . import (  # noqa: F401
        charm,
        framework,
        hookcmds,
        jujucontext,
        jujuversion,
        lib,
        log,
        model,
        storage,
        testing,
        version,
    )
    from . import pebble as pebble

    # ``ops.tracing`` is the ``ops_tracing`` module when ops-tracing is installed
    # (``pip install ops[tracing]``) and ``None`` otherwise; importing it switches tracing
    # on, so a charm that never uses it loads no OpenTelemetry.
    from . import tracing as tracing  # optional

# Load ``ops.main`` now so that a later ``import ops.main`` finds it in sys.modules and
# leaves the callable ``ops.main`` below in place of the module attribute.
_importlib.import_module('ops.main')


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

__version__: str = '3.9.0'

_exports.install(globals())
