"""The State's containers on the in-memory Pebble (``ops_testing._pebble``), for one run.

A container's simulated Pebble is built only when the charm first uses that container's
client, so runs that never touch Pebble pay nothing for the containers in the State.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ops_pebble as pebble
from ops_pebble.transport import ExecOptions

from ._pebble import InProcessTransport, PebbleAPI, PebbleModel
from ._pebble._api import sync
from ._pebble._inprocess import in_process_request
from ._pebble._model import DEFAULT_VERSION
from ._state._containers import CheckInfo, Container, Notice
from ._types import ExecArgs

if TYPE_CHECKING:
    from ._context import Context
    from ._state._state import State

__all__ = ['PebbleBridge']

logger = logging.getLogger('ops_testing')


def _unmatched(container: str) -> Any:
    def error(command: list[str]) -> Exception:
        return pebble.ExecError(
            command,
            127,
            '',
            f'mock for cmd {command} not found. Please patch out whatever leads to the call, '
            f'or pass to the Container {container} a scenario.Exec mock for the command your '
            'charm is attempting to run, or patch it out. Note that the mock must match the '
            'exact command or a prefix of it.',
        )

    return error


#: What ``get_system_info`` reports for a container whose Pebble is not built yet.
_PEBBLE_VERSION: str = DEFAULT_VERSION


#: The answer to /v1/system-info before a container's simulated Pebble is built.
_SYSTEM_INFO = sync({'boot-id': '', 'version': _PEBBLE_VERSION})


def _connect_error(name: str) -> str:
    return (
        f'Cannot connect to Pebble; did you forget to set can_connect=True for container {name}?'
    )


#: What a container's Pebble answers even when it cannot connect (see _ScenarioTransport).
_OFFLINE = (
    ('GET', '/v1/plan'),
    ('GET', '/v1/checks'),
    ('GET', '/v1/notices'),
    ('POST', '/v1/notices'),
)


class _ScenarioTransport(InProcessTransport):
    """The in-process transport as Scenario's containers behave.

    Two differences from the Harness's: reading the plan, the checks and the notices, and
    recording a notice, work even when the container cannot connect (so a
    ``pebble-check-failed`` or ``pebble-custom-notice`` handler can read ``event.info`` or
    ``event.notice`` in a test that left ``can_connect`` unset); and every ``exec`` is in
    ``Context.exec_history`` as soon as it starts, with what the charm later writes to
    the process's stdin filled in when the charm waits for the process. The container's
    simulated Pebble is built when a call first needs it.
    """

    def __init__(self, bridge: PebbleBridge, name: str) -> None:
        self._api: PebbleAPI | None = None
        self._bridge = bridge
        self._name = name
        self.peer_uid = None
        self.timeout = 5.0

    @property
    def api(self) -> PebbleAPI:  # type: ignore[override]
        """The request handler over the container's simulated Pebble (built on first use)."""
        api = self._api
        if api is None:
            api = self._api = PebbleAPI(self._bridge._model(self._name), ops39_errors=True)
        return api

    def _check_connection(self, method: str = '', path: str = '') -> None:
        api = self._api
        if api is not None:
            connected = api.model.can_connect
        else:
            connected = self._bridge._can_connect(self._name)
        if not connected:
            if (method, path) in _OFFLINE or (method == 'GET' and path.startswith('/v1/notices/')):
                return
            raise pebble.ConnectionError(_connect_error(self._name))

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Answer one request (``/v1/system-info`` without building the simulated Pebble)."""
        self._check_connection(method, path)
        api = self._api
        if api is None:
            if path == '/v1/system-info':
                return _SYSTEM_INFO
            api = self.api
        return api.handle(in_process_request(method, path, query, body, self.peer_uid))

    def start_exec(self, client: pebble.Client, body: dict[str, Any], options: ExecOptions) -> Any:
        """Run a simulated command; it is recorded in ``Context.exec_history`` now."""
        process = super().start_exec(client, body, options)
        history = self._bridge._record_exec_history(self._name, self.api.model)
        buffer: Any = process.stdin
        if history is None or options.stdin is not None or buffer is None:
            return process
        index = len(history) - 1

        def recording(call: Any) -> Any:
            def wrapper(*args: Any, **kw: Any) -> Any:
                written = buffer.getvalue()
                if written:
                    import dataclasses  # on first use only: it imports inspect

                    history[index] = dataclasses.replace(history[index], stdin=written)
                return call(*args, **kw)

            return wrapper

        for method in ('wait', 'wait_output'):
            setattr(process, method, recording(getattr(process, method)))
        return process


class PebbleBridge:
    """Builds each container's simulated Pebble on demand and reads the changes back."""

    def __init__(self, ctx: Context[Any], state: State) -> None:
        self._ctx = ctx
        self._containers = {c.name: c for c in state.containers}
        self._models: dict[str, PebbleModel] = {}

    def client_for(self, name: str) -> pebble.Client:
        """The Pebble client for container ``name`` (its model built on first use)."""
        return pebble.Client('', transport=_ScenarioTransport(self, name))

    def _model(self, name: str) -> PebbleModel:
        model = self._models.get(name)
        if model is None:
            model = self._models[name] = self._build(name)
        return model

    def _can_connect(self, name: str) -> bool:
        model = self._models.get(name)
        if model is not None:
            return model.can_connect
        container = self._containers.get(name)
        return container is not None and container.can_connect

    def _build(self, name: str) -> PebbleModel:
        container = self._containers.get(name)
        root = self._ctx._container_root(name)
        if root.exists() and any(root.iterdir()):
            logger.warning(
                'container %r has a non-empty filesystem, which is wiped before this run: a '
                'Context clears the container filesystems between runs; to give a container '
                'files, use a Mount',
                name,
            )
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        model = PebbleModel(root, name=name)
        model.lenient_layers = True  # as ops-scenario 8.9: layers without "override" pass
        model.connect_error_message = _connect_error(name)
        model.unmatched_exec = _unmatched(name)
        if container is None:
            model.can_connect = False
            return model
        model.can_connect = container.can_connect
        model.base_plan = dict(container._base_plan)
        for label, layer in container.layers.items():
            raw = layer.to_dict() if isinstance(layer, pebble.Layer) else layer
            model.layers[label] = dict(raw)
        for service, status in container.service_statuses.items():
            model.set_service_status(service, status)
        for info in container.check_infos:
            model.set_check(
                info.name,
                status=getattr(info.status, 'value', info.status),
                failures=info.failures,
                successes=info.successes,
                threshold=info.threshold,
                level=info.level.value
                if isinstance(info.level, pebble.CheckLevel)
                else (info.level or ''),
                startup=getattr(info.startup, 'value', info.startup),
                change_id=str(info.change_id or ''),
            )
            change_id = str(info.change_id or '')
            if change_id and change_id not in model.changes:
                # The check's running change, so that stopping the check can finish it.
                new_id = model.new_change(
                    'perform-check', f'Perform check "{info.name}"', ready=False
                )
                change = model.changes.pop(new_id)
                change['id'] = change_id
                model.changes[change_id] = change
        for notice in container.notices:
            model.put_notice(notice._to_ops())
        for exec_ in container.execs:
            model.add_exec_handler(
                exec_.command_prefix,
                exit_code=exec_.return_code,
                stdout=exec_.stdout,
                stderr=exec_.stderr,
            )
        for mount in container.mounts.values():
            model.fs.mount(str(mount.location), str(mount.source))
        return model

    def output_containers(self) -> frozenset[Container] | None:
        """The State's containers with this run's Pebble changes, or None if none changed."""
        changed = False
        out: dict[str, Container] = dict(self._containers)
        self.flush_exec_history()
        for name, model in self._models.items():
            container = self._containers.get(name)
            if container is None or not container.can_connect:
                continue
            out[name] = self._read_back(container, model)
            changed = True
        return frozenset(out.values()) if changed else None

    def flush_exec_history(self) -> None:
        """Append the commands run so far to ``Context.exec_history`` (also after a failure)."""
        for name, model in self._models.items():
            self._record_exec_history(name, model)

    def _record_exec_history(self, name: str, model: PebbleModel) -> list[ExecArgs] | None:
        """Move the model's new exec requests to ``Context.exec_history[name]``.

        Returns:
            The container's history list, or ``None`` if nothing was recorded.
        """
        if not model.exec_history:
            return None
        history: list[ExecArgs] = []
        for request in model.exec_history:
            if model.find_exec_handler(request.command) is None:
                continue  # an unmatched command failed at exec(): not a recorded run
            stdin = request.stdin if request.stdin is not None else ''
            history.append(ExecArgs._from_request(request, stdin=stdin))
        model.exec_history.clear()
        if not history:
            return None
        recorded = self._ctx.exec_history.setdefault(name, [])
        recorded.extend(history)
        return recorded

    @staticmethod
    def _read_back(container: Container, model: PebbleModel) -> Container:
        layers = {label: pebble.Layer(layer) for label, layer in model.layers.items()}  # type: ignore[arg-type]
        statuses = {
            name: pebble.ServiceStatus(status) for name, status in model.service_statuses.items()
        }
        checks = []
        for raw in model.check_infos():
            successes = raw.get('successes')
            checks.append(
                CheckInfo(
                    raw['name'],
                    level=pebble.CheckLevel(raw.get('level') or ''),
                    startup=pebble.CheckStartup(raw.get('startup') or 'enabled'),
                    status=pebble.CheckStatus(raw.get('status') or 'up'),
                    successes=successes,
                    failures=int(raw.get('failures') or 0),
                    threshold=int(raw.get('threshold') or 3),
                    change_id=pebble.ChangeID(str(raw.get('change-id') or '')),
                )
            )
        notices = []
        for raw in model.list_notices(all_users=True):
            ops_notice = pebble.Notice.from_dict(raw)
            notices.append(
                Notice(
                    ops_notice.key,
                    id=ops_notice.id,
                    user_id=ops_notice.user_id,
                    type=ops_notice.type,
                    first_occurred=ops_notice.first_occurred,
                    last_occurred=ops_notice.last_occurred,
                    last_repeated=ops_notice.last_repeated,
                    occurrences=ops_notice.occurrences,
                    last_data=dict(ops_notice.last_data),
                    repeat_after=ops_notice.repeat_after,
                    expire_after=ops_notice.expire_after,
                )
            )
        import dataclasses  # on first use only: it imports inspect

        return dataclasses.replace(
            container,
            layers=layers,
            service_statuses=statuses,
            check_infos=frozenset(checks),
            notices=notices,
        )
