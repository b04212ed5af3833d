"""Hook dispatch: the entry point a charm's `dispatch` script calls (`ops.main`).

``ops.main(MyCharm)`` (or the legacy spelling ``ops.main.main(MyCharm)``) runs the charm
for the hook or action Juju is dispatching.
"""

from ._main import CHARM_STATE_FILE, main

__all__: list[str] = ['CHARM_STATE_FILE', 'main']
