"""Framework.breakpoint and JUJU_DEBUG_AT: validation, skipping, and real pdb sessions."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from ops.framework import Framework

MakeFramework = Callable[..., Framework]

PRELUDE = textwrap.dedent(
    """
    import sys
    import ops
    from ops.framework import EventBase, EventSource, Framework, Object, ObjectEvents
    from ops.storage import SQLiteStorage

    debug_at = {d for d in sys.argv[1].split(',') if d}
    framework = Framework(SQLiteStorage(':memory:'), '.', None, None, juju_debug_at=debug_at)
    """
)


def _run(body: str, debug_at: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p), **env)
    full_env.pop('PYTHONBREAKPOINT', None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, '-c', PRELUDE + textwrap.dedent(body), debug_at],
        input='c\n' * 5,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize('name', ['Foo', '-a', 'a-', 'a_b', 'a b', ''])
def test_malformed_breakpoint_names_are_rejected(make_framework: MakeFramework, name: str) -> None:
    framework = make_framework(juju_debug_at={'all'})
    with pytest.raises(ValueError, match='breakpoint name'):
        framework.breakpoint(name)


@pytest.mark.parametrize('name', ['all', 'hook'])
def test_reserved_breakpoint_names_are_rejected(make_framework: MakeFramework, name: str) -> None:
    framework = make_framework()
    with pytest.raises(ValueError, match='reserved'):
        framework.breakpoint(name)


def test_breakpoint_names_must_be_strings(make_framework: MakeFramework) -> None:
    framework = make_framework()
    with pytest.raises(TypeError, match='strings'):
        framework.breakpoint(3)  # type: ignore[arg-type]


def test_a_breakpoint_not_asked_for_is_skipped_with_a_warning(
    make_framework: MakeFramework, caplog: pytest.LogCaptureFixture
) -> None:
    framework = make_framework(juju_debug_at={'other'})
    with caplog.at_level(logging.WARNING, logger='ops.framework'):
        framework.breakpoint('mine')
    # ops 3.9's exact line (it logs the requested names as a set).
    assert caplog.messages == [
        "Breakpoint 'mine' skipped (not found in the requested breakpoints: {'other'})"
    ]
    caplog.clear()
    framework.close()
    quiet = make_framework(juju_debug_at=set())
    quiet.breakpoint('mine')
    assert caplog.messages == []


def test_debug_at_is_read_from_the_environment(
    make_framework: MakeFramework, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('JUJU_DEBUG_AT', ' one , two ')
    assert make_framework()._juju_debug_at == {'one', 'two'}


def test_a_named_breakpoint_stops_in_pdb_when_asked_for() -> None:
    done = _run("framework.breakpoint('db-ready')\nprint('after')", 'db-ready')
    assert done.returncode == 0, done.stderr
    assert '(Pdb)' in done.stdout
    assert 'after' in done.stdout
    assert 'pdb' in done.stderr  # the welcome banner
    # pdb stops in the charm's frame (the caller), not inside the framework.
    assert '<string>(10)<module>()' in done.stdout, done.stdout


def test_all_stops_at_every_breakpoint_and_builtin_breakpoint_is_routed() -> None:
    body = """
    old = framework.set_breakpointhook()
    breakpoint()
    print('hook replaced:', old is not None)
    """
    done = _run(body, 'all')
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('(Pdb)') == 1
    assert 'hook replaced: True' in done.stdout


def test_pythonbreakpoint_leaves_the_builtin_hook_alone() -> None:
    done = _run("print('result:', framework.set_breakpointhook())", 'all', PYTHONBREAKPOINT='0')
    assert done.returncode == 0, done.stderr
    assert 'result: None' in done.stdout


def test_hook_runs_juju_event_handlers_under_pdb_but_not_custom_events() -> None:
    body = """
    class Custom(EventBase):
        pass

    class Events(ObjectEvents):
        installish = EventSource(ops.InstallEvent)
        custom = EventSource(Custom)

    class Charm(Object):
        on = Events()

        def handler(self, event):
            print('handled', type(event).__name__)

    charm = Charm(framework, None)
    framework.observe(charm.on.installish, charm.handler)
    framework.observe(charm.on.custom, charm.handler)
    charm.on.custom.emit()
    print('--')
    charm.on.installish.emit()
    """
    done = _run(body, 'hook')
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split('--')
    assert '(Pdb)' not in before and 'handled Custom' in before
    assert '(Pdb)' in after and 'handled InstallEvent' in after
