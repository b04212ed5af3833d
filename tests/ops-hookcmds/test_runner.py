"""The runner: how tools are found, run, timed out and how failures are reported."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import ops_hookcmds as hookcmds
import pytest
from ops_hookcmds import _runner

from tests.helpers.fakejuju import FakeJuju


def test_missing_tool_names_the_tool_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('PATH', str(tmp_path))
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.is_leader()
    assert "'is-leader' was not found on PATH" in str(exc.value)
    assert exc.value.cmd == ['is-leader', '--format=json']
    assert exc.value.returncode == -1


def test_tool_not_executable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = tmp_path / 'is-leader'
    tool.write_text('#!/bin/sh\necho true\n')
    tool.chmod(0o644)
    monkeypatch.setenv('PATH', str(tmp_path))
    with pytest.raises(hookcmds.Error, match='not executable'):
        hookcmds.is_leader()


def test_nonzero_exit_carries_returncode_cmd_stdout_stderr(fake_juju: FakeJuju) -> None:
    fake_juju.state.fail('config-get', code=3, stderr='ERROR boom', stdout='partial')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.config_get('port')
    err = exc.value
    assert err.returncode == 3
    assert err.cmd == ['config-get', '--format=json', 'port']
    assert err.stdout == 'partial'
    assert err.stderr == 'ERROR boom\n'
    assert str(err) == "command ['config-get', '--format=json', 'port'] exited with status 3"


def test_error_pickles_and_keeps_attributes() -> None:
    err = _runner.make_error(2, ['x'], 'o', 'e', 'custom text')
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.returncode, copy.cmd, copy.stdout, copy.stderr) == (2, ['x'], 'o', 'e')
    assert str(copy) == 'custom text'
    plain = hookcmds.Error(returncode=1, cmd=['a', 'b'])
    assert str(pickle.loads(pickle.dumps(plain))) == "command ['a', 'b'] exited with status 1"
    assert plain.stdout == '' and plain.stderr == ''


def test_garbage_output_is_an_error_naming_the_command(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('goal-state', 'this is not json')
    with pytest.raises(hookcmds.Error) as exc:
        hookcmds.goal_state()
    assert "'goal-state'" in str(exc.value)
    assert 'not valid JSON' in str(exc.value)
    assert 'this is not json' not in str(exc.value)
    assert exc.value.stdout == 'this is not json'


def test_wrong_shape_is_an_error_not_a_type_error(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('is-leader', '"yes"')
    with pytest.raises(hookcmds.Error, match="'is-leader' returned unexpected output"):
        hookcmds.is_leader()
    fake_juju.state.garbage('storage-get', '[]')
    with pytest.raises(
        hookcmds.Error, match='expected the output to be a JSON object, got a JSON array'
    ):
        hookcmds.storage_get('data/0')


def test_missing_key_is_an_error_naming_the_key(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('storage-get', '{"kind": "block"}')
    with pytest.raises(hookcmds.Error, match="'storage-get'.*no 'location' key"):
        hookcmds.storage_get('data/0')


def test_hung_tool_times_out(fake_juju: FakeJuju, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_juju.state.hang('is-leader', 30)
    monkeypatch.setattr(_runner, 'timeout', 0.5)
    with pytest.raises(hookcmds.Error, match=r"'is-leader' timed out after 0.5 seconds"):
        hookcmds.is_leader()


def _is_leader_that_closes_its_output_then_sleeps(
    seconds: float, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = tmp_path / 'is-leader'
    sleep = shutil.which('sleep')
    tool.write_text(f'#!/bin/sh\necho true\nexec >&- 2>&-\nexec {sleep} {seconds}\n')
    tool.chmod(0o755)
    monkeypatch.setenv('PATH', str(tmp_path))


def test_tool_that_closes_its_output_and_then_hangs_still_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _is_leader_that_closes_its_output_then_sleeps(30, tmp_path, monkeypatch)
    monkeypatch.setattr(_runner, 'timeout', 0.5)
    with pytest.raises(hookcmds.Error, match=r"'is-leader' timed out after 0.5 seconds"):
        hookcmds.is_leader()


def test_a_tool_is_reaped_when_it_exits_not_by_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tool closes its output, then exits a little later: subprocess's own timed wait
    # would poll for its exit with sleeps (idle time added to every such tool call).
    _is_leader_that_closes_its_output_then_sleeps(0.2, tmp_path, monkeypatch)
    if not hasattr(os, 'pidfd_open'):
        pytest.skip('this platform has no pidfds: subprocess polls for the exit')
    sleeps: list[float] = []
    real_sleep = subprocess.time.sleep  # type: ignore[attr-defined]

    def record(seconds: float) -> None:
        sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(subprocess.time, 'sleep', record)  # type: ignore[attr-defined]
    assert hookcmds.is_leader() is True
    assert sleeps == []


def test_default_timeout_is_generous() -> None:
    assert _runner.timeout is not None and _runner.timeout >= 60


def test_non_utf8_output_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = tmp_path / 'resource-get'
    tool.write_text("#!/bin/sh\nprintf '\\377\\376'\n")
    tool.chmod(0o755)
    monkeypatch.setenv('PATH', str(tmp_path))
    with pytest.raises(hookcmds.Error, match='not valid UTF-8'):
        hookcmds.resource_get('r')


def test_argv_too_long_is_an_error(fake_juju: FakeJuju) -> None:
    fake_juju.state.set_action('a')
    with pytest.raises(hookcmds.Error, match='too long'):
        hookcmds.action_log('x' * 200_000)


def _fresh_python(code: str) -> str:
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    return result.stdout


def test_import_uses_only_the_standard_library() -> None:
    out = _fresh_python(
        """
        import sys
        before = set(sys.modules)
        import ops_hookcmds
        for name in ops_hookcmds.__all__:
            getattr(ops_hookcmds, name)
        new = {m.split('.')[0] for m in set(sys.modules) - before}
        third = sorted(m for m in new if m not in sys.stdlib_module_names
                       and m != 'ops_hookcmds' and not m.startswith('_'))
        print(','.join(third))
        """
    )
    assert out.strip() == ''


def test_import_is_cheap_and_lazy() -> None:
    out = _fresh_python(
        """
        import sys
        import ops_hookcmds
        print(','.join(m for m in ('subprocess', 'json', 'dataclasses', 'typing')
                       if m in sys.modules and m not in sys.builtin_module_names))
        """
    )
    # Importing the package must not pull in the heavy modules the commands need.
    assert 'subprocess' not in out and 'dataclasses' not in out


def test_import_costs_under_5_ms() -> None:
    best = float('inf')
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, '-X', 'importtime', '-c', 'import ops_hookcmds'],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        # The last line is the package itself: "import time: self | cumulative | name".
        line = [ln for ln in result.stderr.splitlines() if ln.endswith('| ops_hookcmds')][-1]
        best = min(best, int(line.split('|')[1]))
    assert best < 5000, f'import ops_hookcmds took {best} us'


def test_every_public_name_resolves_and_dir_lists_them() -> None:
    for name in hookcmds.__all__:
        assert getattr(hookcmds, name) is not None
    assert set(hookcmds.__all__) <= set(dir(hookcmds))
    with pytest.raises(AttributeError):
        hookcmds.no_such_command  # noqa: B018


def test_ops_hookcmds_alias() -> None:
    import ops.hookcmds

    assert ops.hookcmds.relation_get is hookcmds.relation_get
    assert ops.hookcmds.Error is hookcmds.Error
