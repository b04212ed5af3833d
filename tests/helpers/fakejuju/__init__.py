"""A stateful fake Juju for tests: hook tools on ``PATH`` that answer like Juju.

Usage::

    fj = FakeJuju(tmp_path)                 # or the ``fake_juju`` pytest fixture
    fj.state.set_leader(True)
    rel_id = fj.state.add_relation('db', 'postgresql', units=['postgresql/0'],
                                   remote_app_data={'host': 'h'})
    subprocess.run(['relation-get', '-r', str(rel_id), '--app', '-', 'postgresql'],
                   env=fj.env(), ...)
    fj.calls()                              # [Call(tool, argv, stdin), ...]
    fj.state.load()['relations'][0]['local_unit_data']

The tools are one entry script (running the ``tool`` package next to this file) symlinked under
every hook-tool name in ``fj.bin_dir``; the JSON state lives at ``fj.state_path`` and the call log at ``fj.log_path``.
Faults: ``fj.state.fail('status-set', code=1, stderr='ERROR boom')``, ``.hang(tool, seconds)``,
``.garbage(tool, text)``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

TOOL_NAMES = (
    'action-fail',
    'action-get',
    'action-log',
    'action-set',
    'application-version-set',
    'close-port',
    'config-get',
    'credential-get',
    'goal-state',
    'is-leader',
    'juju-log',
    'juju-reboot',
    'network-get',
    'open-port',
    'opened-ports',
    'relation-get',
    'relation-ids',
    'relation-list',
    'relation-model-get',
    'relation-set',
    'resource-get',
    'secret-add',
    'secret-get',
    'secret-grant',
    'secret-ids',
    'secret-info-get',
    'secret-remove',
    'secret-revoke',
    'secret-set',
    'state-delete',
    'state-get',
    'state-set',
    'status-get',
    'status-set',
    'storage-add',
    'storage-get',
    'storage-list',
    'pod-spec-set',
    'add-metric',
)

_TOOL_PACKAGE_PARENT = Path(__file__).resolve().parent
DEFAULT_MODEL_UUID = 'f6e5d4c3-b2a1-4098-8765-43210fedcba9'


class Call(NamedTuple):
    """One recorded hook-tool invocation."""

    tool: str
    argv: list[str]
    stdin: str | None


def _yaml_path() -> str:
    try:
        import yaml
    except ImportError:
        return ''
    return str(Path(yaml.__file__).resolve().parent.parent)


class FakeState:
    """Read/modify/write helpers over the fake's JSON state file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any]:
        """The whole state as a dict (a fresh copy)."""
        data: dict[str, Any] = json.loads(self.path.read_text(encoding='utf-8'))
        return data

    def save(self, state: Mapping[str, Any]) -> None:
        """Replace the whole state."""
        tmp = self.path.with_suffix('.tmp')
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding='utf-8')
        os.replace(tmp, self.path)

    def update(self, **fields: Any) -> None:
        """Set top-level state fields."""
        state = self.load()
        state.update(fields)
        self.save(state)

    def __getitem__(self, key: str) -> Any:
        return self.load()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """One top-level field of the state."""
        return self.load().get(key, default)

    # --- identity and configuration ------------------------------------------------------

    def set_leader(self, leader: bool = True) -> None:
        """Make this unit the leader (or not)."""
        self.update(leader=leader)

    def set_config(self, config: Mapping[str, Any] | None = None, **options: Any) -> None:
        """Replace the charm config (values are JSON bool/int/float/str, or None for unset)."""
        merged = dict(config or {})
        merged.update(options)
        self.update(config=merged)

    def set_juju_version(self, version: str) -> None:
        """Version the fake imitates for output shapes (e.g. ``4.0.0`` prints ``null``)."""
        self.update(juju_version=version)

    # --- relations -----------------------------------------------------------------------

    def add_relation(
        self,
        endpoint: str,
        remote_app: str,
        *,
        relation_id: int | None = None,
        units: Iterable[str] = (),
        local_app_data: Mapping[str, str] | None = None,
        local_unit_data: Mapping[str, str] | None = None,
        remote_app_data: Mapping[str, str] | None = None,
        remote_units_data: Mapping[str, Mapping[str, str]] | None = None,
        remote_model_uuid: str | None = None,
        peer: bool = False,
    ) -> int:
        """Add a relation and return its id."""
        state = self.load()
        rels: list[dict[str, Any]] = state.setdefault('relations', [])
        if relation_id is None:
            relation_id = max([r['id'] for r in rels] + [-1]) + 1
        unit_list = list(units)
        units_data: dict[str, dict[str, str]] = {u: {} for u in unit_list}
        units_data.update({u: dict(d) for u, d in (remote_units_data or {}).items()})
        rels.append(
            {
                'id': relation_id,
                'endpoint': endpoint,
                'remote_app': remote_app,
                'remote_units': unit_list,
                'local_app_data': dict(local_app_data or {}),
                'local_unit_data': dict(local_unit_data or {}),
                'remote_app_data': dict(remote_app_data or {}),
                'remote_units_data': units_data,
                'remote_model_uuid': remote_model_uuid,
                'peer': peer,
            }
        )
        self.save(state)
        return relation_id

    def relation(self, relation_id: int) -> dict[str, Any]:
        """The stored record of one relation."""
        for rel in self.load().get('relations', []):
            if rel['id'] == relation_id:
                return dict(rel)
        raise KeyError(f'no relation {relation_id} in the fake Juju state')

    # --- secrets -------------------------------------------------------------------------

    def add_secret(
        self,
        content: Mapping[str, str],
        *,
        secret_id: str | None = None,
        owner: str = 'application',
        label: str = '',
        description: str = '',
        expire: str | None = None,
        rotate: str | None = None,
        rotates: str | None = None,
        revisions: Iterable[Mapping[str, str]] = (),
        granted: bool = True,
        consumer_label: str | None = None,
    ) -> str:
        """Add a secret and return its URI (``secret:<id>``).

        ``owner`` is ``application`` or ``unit`` for secrets this charm owns, ``remote`` for one
        it consumes (``granted=False`` makes ``secret-get`` answer ``permission denied``).
        ``revisions`` are extra, later revisions' contents.
        """
        state = self.load()
        secrets: list[dict[str, Any]] = state.setdefault('secrets', [])
        if secret_id is None:
            secret_id = f'd{len(secrets):04d}fakesecret000000'[:20]
        revs = [{'revision': 1, 'content': dict(content)}]
        for i, extra in enumerate(revisions, start=2):
            revs.append({'revision': i, 'content': dict(extra)})
        secrets.append(
            {
                'id': secret_id,
                'owner': owner,
                'label': label,
                'description': description,
                'expire': expire,
                'rotate': rotate,
                'rotates': rotates,
                'revisions': revs,
                'grants': [],
                'granted': granted,
                'consumer_label': consumer_label,
                'tracked': None,
            }
        )
        self.save(state)
        return f'secret:{secret_id}'

    def secret(self, secret_id: str) -> dict[str, Any]:
        """The stored record of one secret (by URI or bare id)."""
        bare = secret_id.split(':')[-1].rstrip('/').split('/')[-1]
        for sec in self.load().get('secrets', []):
            if sec['id'] == bare:
                return dict(sec)
        raise KeyError(f'no secret {secret_id!r} in the fake Juju state')

    # --- statuses, actions, storage, networks, misc ---------------------------------------

    def set_status(self, status: str, message: str = '', *, app: bool = False) -> None:
        """Preset the unit (or app) status without recording history."""
        self.update(
            **{
                'app_status' if app else 'unit_status': {
                    'status': status,
                    'message': message,
                    'status-data': {},
                }
            }
        )

    def set_action(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        """Make an action be running (so ``action-*`` tools work) with these params."""
        self.update(
            action={
                'name': name,
                'params': dict(params or {}),
                'results': {},
                'logs': [],
                'failed': None,
            }
        )

    def add_storage(self, storage_id: str, location: str, kind: str = 'filesystem') -> None:
        """Attach a storage instance such as ``data/0``."""
        state = self.load()
        state.setdefault('storage', {})[storage_id] = {'kind': kind, 'location': location}
        self.save(state)

    def set_network(self, binding: str, network: Mapping[str, Any]) -> None:
        """Set the ``network-get`` answer for a binding (the JSON object Juju prints)."""
        state = self.load()
        state.setdefault('networks', {})[binding] = dict(network)
        self.save(state)

    def add_resource(self, name: str, path: str) -> None:
        """Make ``resource-get name`` print this path."""
        state = self.load()
        state.setdefault('resources', {})[name] = path
        self.save(state)

    def set_credential(self, spec: Mapping[str, Any] | None) -> None:
        """The ``credential-get`` answer (None: the app is not trusted)."""
        self.update(credential=None if spec is None else dict(spec))

    def set_goal_state(self, goal: Mapping[str, Any]) -> None:
        """The ``goal-state`` answer (JSON shape as Juju prints it)."""
        self.update(goal_state=dict(goal))

    def set_planned_units(self, count: int) -> None:
        """A goal state with ``count`` active units of this application."""
        app = self.get('unit', 'app/0').split('/')[0]
        units = {
            f'{app}/{i}': {'status': 'active', 'since': '2025-01-01 00:00:00Z'}
            for i in range(count)
        }
        self.set_goal_state({'units': units, 'relations': {}})

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
        state = self.load()
        state.setdefault('fail', {})[tool] = {
            'code': code,
            'stderr': stderr,
            'stdout': stdout,
            'times': times,
        }
        self.save(state)

    def hang(self, tool: str, seconds: float | bool = True) -> None:
        """Make ``tool`` sleep ``seconds`` (True: an hour) before answering."""
        state = self.load()
        state.setdefault('hang', {})[tool] = seconds
        self.save(state)

    def garbage(self, tool: str, text: str) -> None:
        """Make ``tool`` print ``text`` instead of its real answer and exit 0."""
        state = self.load()
        state.setdefault('garbage', {})[tool] = text
        self.save(state)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.update(fail={}, hang={}, garbage={})


class FakeJuju:
    """A fake Juju unit: a bin directory of hook tools, a state file and a call log."""

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
        self.state_path = root / 'state.json'
        self.log_path = root / 'calls.jsonl'
        self.unit = unit
        self.app = unit.split('/')[0]
        self.model_name = model_name
        self.model_uuid = model_uuid
        self.juju_version = juju_version
        self.charm_dir = Path(charm_dir) if charm_dir is not None else root / 'charm'
        self._install_tools()
        self.log_path.write_text('', encoding='utf-8')
        self.state = FakeState(self.state_path)
        self.state.save(
            {
                'unit': unit,
                'model_name': model_name,
                'model_uuid': model_uuid,
                'juju_version': juju_version,
                'leader': leader,
                'config': {},
                'relations': [],
                'unit_status': {'status': 'unknown', 'message': '', 'status-data': {}},
                'app_status': {'status': 'unknown', 'message': '', 'status-data': {}},
                'status_history': [],
                'opened_ports': [],
                'secrets': [],
                'storage': {},
                'networks': {},
                'action': None,
                'resources': {},
                'state_store': {},
                'workload_version': None,
                'logs': [],
                'credential': None,
                'goal_state': None,
                'fail': {},
                'hang': {},
                'garbage': {},
            }
        )

    def _install_tools(self) -> None:
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        script = self.bin_dir / '_fakejuju_tool.py'
        # -I: ignore PYTHON* variables and user site; -S: skip site (fast start). The tool
        # needs only the standard library (PyYAML is added lazily via FAKE_JUJU_YAML_PATH).
        # Bytecode is written even under PYTHONDONTWRITEBYTECODE so that later calls skip
        # compiling the tool's modules.
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
            'FAKE_JUJU_STATE': str(self.state_path),
            'FAKE_JUJU_LOG': str(self.log_path),
            'FAKE_JUJU_YAML_PATH': _yaml_path(),
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
        ``actions/<name>`` for an action (which is also made "running" in the state, with
        the params already set by ``state.set_action`` kept). For relation hooks the
        endpoint and remote application come from the relation with ``relation_id``.
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
            current = self.state.get('action')
            if not current or current.get('name') != action:
                self.state.set_action(action)
        else:
            env.update(JUJU_DISPATCH_PATH=f'hooks/{hook}', JUJU_HOOK_NAME=hook)
        if relation_id is not None:
            rel = self.state.relation(relation_id)
            env.update(
                JUJU_RELATION=rel['endpoint'],
                JUJU_RELATION_ID=f'{rel["endpoint"]}:{relation_id}',
                JUJU_REMOTE_APP=rel['remote_app'],
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
        out: list[Call] = []
        for line in self.log_path.read_text(encoding='utf-8').splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if tool is None or rec['tool'] == tool:
                out.append(Call(rec['tool'], rec['argv'], rec['stdin']))
        return out

    def argvs(self, tool: str | None = None) -> list[list[str]]:
        """Just the argv of every recorded call."""
        return [c.argv for c in self.calls(tool)]

    def clear_calls(self) -> None:
        """Forget the recorded calls."""
        self.log_path.write_text('', encoding='utf-8')

    def juju_logs(self) -> list[tuple[str, str]]:
        """``(level, message)`` for every ``juju-log`` call so far."""
        return [(e['level'], e['message']) for e in self.state.get('logs', [])]


__all__ = ['TOOL_NAMES', 'Call', 'FakeJuju', 'FakeState']
