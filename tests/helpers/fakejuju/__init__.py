"""A fake Juju for tests: hook tools on ``PATH`` answered by the simulated Juju of ``ops.testing``.

The tools a charm runs in a real subprocess (``relation-get``, ``secret-add``, ...) are one
small client script, linked under every hook-tool name in ``fj.bin_dir``. It asks this fake
Juju's server (a thread of the test process, on a unix socket), which answers from
``ops_testing._engine``'s :class:`~ops_testing._engine.juju.SimulatedJuju` through its one
backend: the very simulation and rules that ``Context`` and ``Harness`` use, here answering
as Juju itself does (``ops_testing._engine.dialect.JUJU``).

Usage::

    fj = FakeJuju(tmp_path)                 # or the ``fake_juju`` pytest fixture
    fj.state.set_leader(True)
    rel_id = fj.state.add_relation('db', 'postgresql', units=['postgresql/0'],
                                   remote_app_data={'host': 'h'})
    subprocess.run(['relation-get', '-r', str(rel_id), '--app', '-', 'postgresql'],
                   env=fj.full_env(), ...)
    fj.calls()                              # [Call(tool, argv, stdin), ...]
    fj.state.relation(rel_id)['local_unit_data']
    fj.juju                                 # the simulated Juju itself

Faults: ``fj.state.fail('status-set', code=1, stderr='ERROR boom')``, ``.hang(tool, seconds)``,
``.garbage(tool, text)`` (printed instead of the answer, for output a test wants to feed
``ops_hookcmds`` as it is).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .argv import FLAGS
from .server import Call, ToolServer
from .world import DEFAULT_MODEL_UUID, World

TOOL_NAMES = tuple(sorted(FLAGS))
"""Every hook tool the fake Juju installs."""

_TOOL_PACKAGE_PARENT = Path(__file__).resolve().parent


class FakeState(World):
    """How a test sets up and reads the fake Juju's world, and makes its tools misbehave."""

    #: The server answering the hook tools (set by :class:`FakeJuju`).
    server: ToolServer

    def set_goal_state(self, goal: Mapping[str, Any]) -> None:
        """What ``goal-state`` prints, instead of what the simulation implies."""
        self.server.goal_state = dict(goal)

    # --- fault injection -----------------------------------------------------------------

    def fail(
        self,
        tool: str,
        *,
        code: int = 1,
        stderr: str = 'ERROR boom',
        stdout: str = '',
        times: int | None = None,
    ) -> None:
        """Make ``tool`` exit with ``code`` (for ``times`` calls, or always)."""
        server = self.server
        with server.lock:
            server.fail[tool] = {'code': code, 'stderr': stderr, 'stdout': stdout, 'times': times}

    def hang(self, tool: str, seconds: float | bool = True) -> None:
        """Make ``tool`` wait ``seconds`` (True: an hour) before answering."""
        server = self.server
        with server.lock:
            server.hang[tool] = seconds

    def garbage(self, tool: str, text: str) -> None:
        """Make ``tool`` print ``text`` instead of its real answer, and exit 0."""
        server = self.server
        with server.lock:
            server.garbage[tool] = text

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        server = self.server
        with server.lock:
            server.fail.clear()
            server.hang.clear()
            server.garbage.clear()


def _stop(server: ToolServer, directory: str) -> None:
    server.close()
    shutil.rmtree(directory, ignore_errors=True)


class FakeJuju:
    """A fake Juju unit: a bin directory of hook tools answered by a simulated Juju."""

    def __init__(
        self,
        tmp_path: Path | str,
        *,
        unit: str = 'myapp/0',
        model_name: str = 'test-model',
        model_uuid: str = DEFAULT_MODEL_UUID,
        juju_version: str = '3.6.4',
        leader: bool = False,
        charm_dir: Path | str | None = None,
    ) -> None:
        root = Path(tmp_path) / 'fakejuju'
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.bin_dir = root / 'bin'
        self.unit = unit
        self.app = unit.split('/')[0]
        self.model_name = model_name
        self.model_uuid = model_uuid
        self.charm_dir = Path(charm_dir) if charm_dir is not None else root / 'charm'
        self.state = FakeState(
            self._read_metadata(),
            unit=unit,
            model_name=model_name,
            model_uuid=model_uuid,
            juju_version=juju_version,
            leader=leader,
            storage_root=lambda name, index: root / 'storage' / f'{name}-{index}',
        )
        #: The simulated Juju the tools answer from (``ops_testing._engine``).
        self.juju = self.state.juju
        # A short path of its own: a unix socket path must stay under 108 bytes.
        self._socket_dir = tempfile.mkdtemp(prefix='fakejuju-')
        self.socket_path = os.path.join(self._socket_dir, 'juju.sock')
        self.server = self.state.server = ToolServer(
            self.socket_path, self.juju, self.state.backend
        )
        self._finalizer = weakref.finalize(self, _stop, self.server, self._socket_dir)
        self._install_tools()

    @property
    def juju_version(self) -> str:
        """The Juju version the unit is told (``JUJU_VERSION``)."""
        return self.juju.juju_version

    def close(self) -> None:
        """Stop answering hook tools (also done when the FakeJuju is collected)."""
        self._finalizer()

    def _read_metadata(self) -> dict[str, Any]:
        path = self.charm_dir / 'metadata.yaml'
        if path.is_file():
            import yaml

            meta = yaml.safe_load(path.read_text())
            if isinstance(meta, dict):
                return meta
        return {'name': self.app}

    def _install_tools(self) -> None:
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        script = self.bin_dir / '_fakejuju_tool.py'
        # -I: ignore PYTHON* variables and user site; -S: skip site (fast start). The
        # client needs only the standard library. Bytecode is written even under
        # PYTHONDONTWRITEBYTECODE so that later calls skip compiling the client's modules.
        script.write_text(
            f'#!{sys.executable} -IS\n'
            'import sys\n'
            'sys.dont_write_bytecode = False\n'
            f'sys.path.insert(0, {str(_TOOL_PACKAGE_PARENT)!r})\n'
            'from tool._main import main\n'
            'main()\n',
            encoding='utf-8',
        )
        script.chmod(0o755)
        for name in TOOL_NAMES:
            link = self.bin_dir / name
            if not link.exists():
                link.symlink_to(script.name)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a process acting as this unit in a hook (PATH has the tools first).

        Keyword arguments add or override variables (``JUJU_RELATION_ID='3'``, ...).
        """
        env = {
            'PATH': f'{self.bin_dir}{os.pathsep}{os.environ.get("PATH", "")}',
            'FAKE_JUJU_SOCKET': self.socket_path,
            'JUJU_UNIT_NAME': self.unit,
            'JUJU_MODEL_NAME': self.model_name,
            'JUJU_MODEL_UUID': self.model_uuid,
            'JUJU_VERSION': self.juju_version,
            'JUJU_CHARM_DIR': str(self.charm_dir),
            'JUJU_AVAILABILITY_ZONE': 'zone-1',
            'JUJU_MACHINE_ID': '0',
            'JUJU_CONTEXT_ID': f'{self.unit}-hook-1',
        }
        env.update(extra)
        return env

    def hook_env(
        self,
        hook: str,
        *,
        relation_id: int | None = None,
        remote_unit: str | None = None,
        departing_unit: str | None = None,
        storage_id: str | None = None,
        workload: str | None = None,
        secret_id: str | None = None,
        secret_label: str | None = None,
        secret_revision: int | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """:meth:`env` plus the variables Juju sets for one hook or action dispatch.

        ``hook`` is a hook name (``install``, ``db-relation-changed``, ...) or
        ``actions/<name>`` for an action (which is also made "running", with the params
        already set by ``state.set_action`` kept). For relation hooks the endpoint and
        remote application come from the relation with ``relation_id``.
        """
        env = self.env()
        if hook.startswith('actions/'):
            action = hook.split('/', 1)[1]
            env.update(
                JUJU_DISPATCH_PATH=hook,
                JUJU_HOOK_NAME='',
                JUJU_ACTION_NAME=action,
                JUJU_ACTION_UUID='1',
            )
            current = self.juju.action
            if current is None or current.name != action:
                self.state.set_action(action)
        else:
            env.update(JUJU_DISPATCH_PATH=f'hooks/{hook}', JUJU_HOOK_NAME=hook)
        if relation_id is not None:
            relation = self.state.relation(relation_id)
            env.update(
                JUJU_RELATION=relation['endpoint'],
                JUJU_RELATION_ID=f'{relation["endpoint"]}:{relation_id}',
                JUJU_REMOTE_APP=relation['remote_app'],
            )
        optional = {
            'JUJU_REMOTE_UNIT': remote_unit,
            'JUJU_DEPARTING_UNIT': departing_unit,
            'JUJU_STORAGE_ID': storage_id,
            'JUJU_WORKLOAD_NAME': workload,
            'JUJU_SECRET_ID': secret_id,
            'JUJU_SECRET_LABEL': secret_label,
            'JUJU_SECRET_REVISION': None if secret_revision is None else str(secret_revision),
        }
        env.update({k: v for k, v in optional.items() if v is not None})
        env.update(extra)
        return env

    def full_env(self, **extra: str) -> dict[str, str]:
        """``os.environ`` overlaid with :meth:`env` (for ``subprocess.run(env=...)``)."""
        env = dict(os.environ)
        env.update(self.env(**extra))
        return env

    def calls(self, tool: str | None = None) -> list[Call]:
        """Every recorded call, in order (only those of ``tool`` if given)."""
        with self.server.lock:
            return [c for c in self.server.calls if tool is None or c.tool == tool]

    def argvs(self, tool: str | None = None) -> list[list[str]]:
        """Just the argv of every recorded call."""
        return [c.argv for c in self.calls(tool)]

    def clear_calls(self) -> None:
        """Forget the recorded calls."""
        with self.server.lock:
            self.server.calls.clear()

    def juju_logs(self) -> list[tuple[str, str]]:
        """``(level, message)`` for every ``juju-log`` call so far."""
        return self.state.juju_logs()


__all__ = ['TOOL_NAMES', 'Call', 'FakeJuju', 'FakeState']
