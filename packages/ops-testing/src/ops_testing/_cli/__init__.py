"""``python -m ops_testing``: the charm simulator on the command line (see ``_main``).

* ``_main``: the argument parser and the ``run`` and ``lifecycle`` commands;
* ``_event_args``: an event named on the command line, and its options, as a testing event;
* ``_files``: the charm directory, its charm class, and state files (YAML or JSON);
* ``_lifecycle``: the first-deployment sequence the ``lifecycle`` command drives;
* ``_table``: the plain-text rendering of statuses, state summaries and tables;
* ``_sandbox``: the guard that keeps the charm from changing the host (process starts, writes).
"""

from ._main import main

__all__ = ['main']
