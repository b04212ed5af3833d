"""Upstream ops 3.9's private package, which this implementation does not have.

Importing it raises the ``ModuleNotFoundError`` that importing a missing module raises (so
``except ImportError`` fallbacks behave as before), with a message that says why it is
missing. Upstream's ``scenario`` package (ops-scenario 8.9) imports it first thing, so when
upstream's ops-scenario has been installed over this project's, the message says that and
how to put ours back.
"""

from __future__ import annotations

import importlib.metadata as _metadata


def _diagnosis() -> str:
    message = (
        "No module named 'ops._private': it is upstream ops 3.9's private package, and this "
        "project's ops has none (its public names are all in ops, ops.testing, ...)."
    )
    try:
        ours = _metadata.version('ops')
        scenario = _metadata.version('ops-scenario')
    except _metadata.PackageNotFoundError:
        return message
    label = ours.partition('+')[2]
    if label and not scenario.endswith(f'+{label}'):
        message += (
            f" The scenario package that imports it is upstream's: ops-scenario {scenario} is "
            f'installed in place of this project\'s (version ...+{label}), which ops-testing '
            f'needs. Put ours back with: python -m pip install --force-reinstall --find-links '
            f'DIR -c DIR/constraints.txt ops-scenario  (DIR: the wheelhouse, docs/install.md)'
        )
    return message


raise ModuleNotFoundError(_diagnosis(), name=__name__)
