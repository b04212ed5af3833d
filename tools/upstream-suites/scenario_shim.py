"""Measurement-only conftest for ops-scenario 8.9's own tests: stand-ins for its private names.

Copied as ``conftest.py`` next to the unpacked ``tests/`` directory by ``run.py``. Only names
private to ops-scenario 8.9 or ops 3.9 are stood in for here (its runtime and
consistency-checker modules, id counters, ``ops._main``, ``ops._private.harness``): every
public name, and the private ones the ecosystem uses (``scenario.state._Event``,
``_CharmSpec``, ...), is the project's own. A test that relies on what a stand-in does is
counted as testing ops-scenario's internals.
"""

import itertools
import sys
import types
from typing import Any

import ops
import ops.log
import pytest
import scenario
import scenario.context
import scenario.state
from ops_core._framework._abort import _Abort
from ops_testing import _consistency, _runtime
from ops_testing._state import _common as _state_common

scenario.context._DEFAULT_JUJU_VERSION = '3.6.14'

state = scenario.state
state._RELATION_EVENTS_SUFFIX = {
    '_relation_changed',
    '_relation_broken',
    '_relation_joined',
    '_relation_departed',
    '_relation_created',
}


def _peek(counter: Any) -> int:
    value = next(counter._it)
    counter._it = itertools.count(value)
    return value


def _counter(counter: Any, as_text: bool = False) -> Any:
    def next_id(*, update: bool = True) -> Any:
        value = counter.next() if update else _peek(counter)
        return str(value) if as_text else value

    return next_id


state._next_action_id = _counter(_state_common.action_ids, as_text=True)
state._next_relation_id = _counter(_state_common.relation_ids)
state._next_storage_index = _counter(_state_common.storage_indices)


_declared_getattr = vars(state).get('__getattr__')  # the module's own lazy names


def _state_getattr(name: str) -> Any:
    if name == '_next_relation_id_counter':
        return _peek(_state_common.relation_ids)
    if _declared_getattr is not None:
        return _declared_getattr(name)
    raise AttributeError(name)


state.__getattr__ = _state_getattr

runtime = types.ModuleType('scenario._runtime')
runtime.Runtime = _runtime.Runtime
sys.modules['scenario._runtime'] = runtime
scenario._runtime = runtime
checker = types.ModuleType('scenario._consistency_checker')
checker.check_consistency = _consistency.check_consistency
sys.modules['scenario._consistency_checker'] = checker
scenario._consistency_checker = checker

if not hasattr(ops.log, '_get_juju_log_and_app_id'):

    def _get_juju_log_and_app_id() -> None:
        return None

    _get_juju_log_and_app_id.cache_clear = lambda: None  # type: ignore[attr-defined]
    ops.log._get_juju_log_and_app_id = _get_juju_log_and_app_id

main = types.ModuleType('ops._main')
main._Abort = _Abort
sys.modules.setdefault('ops._main', main)
ops._main = main
private = types.ModuleType('ops._private')
harness = types.ModuleType('ops._private.harness')
harness.ActionFailed = scenario.ActionFailed
private.harness = harness
sys.modules.setdefault('ops._private', private)
sys.modules.setdefault('ops._private.harness', harness)


@pytest.fixture
def benchmark() -> Any:
    """Stand-in for pytest-benchmark's fixture: run the function once."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return run
