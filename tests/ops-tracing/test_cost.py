"""What tracing costs a charm that does not use it: nothing loaded, nothing run."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import ops
import ops_tracing
import pytest

TracedCharm = Any  # the conftest's TracedCharm

_BLOCK_OPS_TRACING = """
import sys

class NotInstalled:
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] == 'ops_tracing':
            raise ModuleNotFoundError(f'No module named {name!r}', name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
"""


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, timeout=60, check=False
    )


def test_import_ops_loads_no_opentelemetry() -> None:
    proc = _python(
        'import sys, ops\n'
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('opentelemetry', 'ops_tracing')))"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == '[]'


def test_ops_tracing_is_the_module_and_loads_it_on_first_use() -> None:
    proc = _python(
        'import sys, ops, ops_tracing\n'
        'assert ops.tracing is ops_tracing\n'
        "assert 'tracing' in ops.__all__ and 'tracing' in dir(ops)\n"
        'import ops.tracing as t\n'
        'assert t is ops_tracing\n'
        'from ops import tracing\n'
        'assert tracing is ops_tracing\n'
        "print('ok')"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'ok'


def test_ops_tracing_is_none_without_the_distribution() -> None:
    proc = _python(
        _BLOCK_OPS_TRACING + 'import ops\n'
        'assert ops.tracing is None\n'
        'try:\n'
        '    import ops.tracing\n'
        'except ModuleNotFoundError as exc:\n'
        '    print(exc)\n'
    )
    assert proc.returncode == 0, proc.stderr
    assert 'pip install ops[tracing]' in proc.stdout


def test_monkeypatching_ops_tracing_to_none_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr('ops.tracing', None)
        assert ops.tracing is None
    assert ops.tracing is ops_tracing


def test_an_untraced_dispatch_runs_nothing_of_tracing(traced_charm: TracedCharm) -> None:
    # A charm that never touches ops.tracing, though ops-tracing is installed: the only
    # tracing functions run are the seam's note that a dispatch started and ended.
    traced_charm.juju.state.set_leader(True)
    proc = traced_charm.run('start', TEST_MODE='no-tracing,count-calls')
    assert proc.returncode == 0, proc.stderr
    # Per dispatch: the seam notes the dispatch (a small record) and its end. When the
    # hook-tool backend is imported: the span wrappers of four rarely used methods (the
    # other methods' wrappers are the error-note wrappers they have anyway). Nothing per
    # event, per observer or per hook command.
    assert (
        "TRACING CALLS [('__init__', 1), ('dispatch_finished', 1), "
        "('dispatch_started', 1), ('tracing', 4)]"
    ) in proc.stdout
    assert len(traced_charm.juju.argvs()) >= 2  # hook commands did run (is-leader, status-set)

    # The same charm traced: spans for its hook commands, events and observers.
    proc = traced_charm.run('start', TEST_MODE='count-calls')
    assert proc.returncode == 0, proc.stderr
    calls = proc.stdout.split('TRACING CALLS ', 1)[1]
    for expected in ('hook_command', 'observer_call', 'event_emitted', 'start_dispatch'):
        assert expected in calls


def test_the_seam_and_the_span_wrappers_load_nothing_else() -> None:
    # The modules that report to the tracing seam import it; that may pull in nothing else
    # of ops_core (a ``from . import x`` of a private module goes through ops_core's lazy
    # public names and loads them all).
    proc = _python(
        'import sys\n'
        'import ops_core._dispatch._hookcmds_backend, ops_core._framework._framework, ops_core._dispatch._dispatcher\n'
        'import ops_core._container, ops_core._persistence._juju\n'
        "public = ('ops_core.model', 'ops_core.charm', 'ops_core.framework', "
        "'ops_core.storage', 'ops_core.jujucontext')\n"
        'print(sorted(m for m in public if m in sys.modules))'
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == '[]'
