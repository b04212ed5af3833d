"""The state of one simulated Pebble: files, layers and plan, services, checks, notices,
identities, changes, exec handlers and history, and service logs.

Every method is thread-safe (one re-entrant lock); :attr:`PebbleModel.changed` is notified
on every change of state, which the HTTP server's long polls wait on.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import operator
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import ops_pebble
from ops_hookcmds.sister import field, record
from ops_pebble import Layer, Plan, ServiceInfo, ServiceStartup, ServiceStatus
from ops_pebble.sister import (
    combine_layers,
    format_go_duration,
    format_timestamp,
    layer_to_dict,
    merge_layer_into,
    safe_dump,
    validate_layer,
)

from ._errors import api_error
from ._fs import FileSystem
from ._identities import apply_identities, public_identity

logger = logging.getLogger(__name__)

#: The Pebble version a simulated Pebble reports unless told otherwise.
DEFAULT_VERSION = 'v1.32.1'


def now() -> datetime.datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.datetime.now(datetime.timezone.utc)


@record
class ExecRequest:
    """One ``exec`` call as the simulated Pebble received it (an exec-history entry).

    Attributes:
        command: The command and its arguments.
        environment: The environment variables asked for.
        working_dir: The working directory, if given.
        timeout: The timeout in seconds, if given.
        user_id: The UID, if given.
        user: The user name, if given.
        group_id: The GID, if given.
        group: The group name, if given.
        stdin: The input the command was given (str or bytes), or ``None``.
        encoding: The encoding of the streams (``None`` for bytes).
        combine_stderr: Whether stderr was merged into stdout.
        service_context: The service whose context was asked for, if any.
    """

    command: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    working_dir: str | None = None
    timeout: float | None = None
    user_id: int | None = None
    user: str | None = None
    group_id: int | None = None
    group: str | None = None
    stdin: str | bytes | None = None
    encoding: str | None = 'utf-8'
    combine_stderr: bool = False
    service_context: str | None = None


@record
class ExecOutcome:
    """What a simulated command produces.

    Attributes:
        exit_code: The exit code.
        stdout: Standard output (str is encoded, bytes decoded, as the caller needs).
        stderr: Standard error.
    """

    exit_code: int = 0
    stdout: str | bytes = ''
    stderr: str | bytes = ''


ExecHandler = Callable[[ExecRequest], 'ExecOutcome | None']
"""A callable simulating a command: it gets the request and returns the outcome
(``None`` means exit code 0 with no output). It may raise :class:`TimeoutError` to simulate
the command running past its timeout."""


class PebbleModel:
    """The simulated Pebble of one container.

    Args:
        root: The host directory holding the container's file system, or a function
            returning it (called when a file is first touched; see :class:`FileSystem`).
        name: The container name (used in messages).
        version: What ``get_system_info`` reports.
        in_memory_files: Hold the files in memory until the root directory is needed (see
            :class:`FileSystem`).
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | Callable[[], str | os.PathLike[str]],
        *,
        name: str = 'workload',
        version: str = DEFAULT_VERSION,
        in_memory_files: bool = False,
    ):
        self.name = name
        self.version = version
        self.fs = FileSystem(root, in_memory=in_memory_files)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.layers: dict[str, dict[str, Any]] = {}
        self.base_plan: dict[str, Any] = {}
        self._plan_cache: tuple[list[Mapping[str, Any]], dict[str, Any]] | None = None
        self._plan_yaml: tuple[dict[str, Any], str] | None = None
        self.service_statuses: dict[str, ServiceStatus | str] = {}
        self.changes: dict[str, dict[str, Any]] = {}
        self.change_services: dict[str, list[str]] = {}
        self.change_checks_names: dict[str, str] = {}
        self.checks: dict[str, dict[str, Any]] = {}
        self.notices: dict[str, dict[str, Any]] = {}
        self.identities: dict[str, dict[str, Any]] = {}
        self.exec_handlers: dict[tuple[str, ...], ExecHandler] = {}
        self.exec_history: list[ExecRequest] = []
        self.logs: list[dict[str, Any]] = []
        self.unmatched_exec: Callable[[list[str]], Exception] = self._default_unmatched
        self.can_connect = True
        # Real Pebble records a change-update notice whenever a change finishes; the unit-test
        # front-ends (Scenario, Harness) don't, so it is off unless asked for (the HTTP server
        # turns it on).
        self.record_change_updates = False
        # ops 3.9's unit-test Pebble accepted layer items without "override" and plans with
        # a service without "command" (real Pebble refuses both): the Harness and Context
        # turn this on so such charm tests keep passing; the HTTP server leaves it off.
        self.lenient_layers = False
        # Real Pebble keeps a merged item's first "override"; ops 3.9's testing Pebble takes
        # the later one's, and its tests and charms' tests check that. The HTTP server turns
        # this on.
        self.real_merges = False
        # Real Pebble reports a check without "startup" in its layer as "enabled"; ops 3.9's
        # Harness reported it unset (''). The Harness turns this on.
        self.unset_check_startup = False
        self.connect_error_message = f'Cannot connect to Pebble in container {name!r}'
        self._ids = itertools.count(1)
        self._notice_ids = itertools.count(1)

    # -- ids, changes -----------------------------------------------------------------------

    def next_id(self) -> str:
        """Return a fresh change/task id."""
        with self.lock:
            return str(next(self._ids))

    def new_change(
        self,
        kind: str,
        summary: str,
        *,
        ready: bool = True,
        err: str | None = None,
        task_data: dict[str, Any] | None = None,
        status: str | None = None,
        tasks: Sequence[tuple[str, str]] | None = None,
    ) -> str:
        """Record a change and return its id.

        Args:
            kind: The change kind (``'start'``, ``'exec'``...).
            summary: Its summary.
            ready: Whether it is already finished.
            err: Its error, if it failed.
            task_data: The tasks' data (exec tasks carry ``exit-code``).
            status: Its status; by default ``Done``/``Error`` when ready, else ``Doing``.
            tasks: Its tasks as ``(kind, summary)`` pairs; by default one task of the
                change's own kind and summary.
        """
        with self.lock:
            ids = self._ids
            change_id = str(next(ids))
            stamp = format_timestamp(now())
            if status is None:
                status = ('Error' if err else 'Done') if ready else 'Doing'
            task_list: list[dict[str, Any]] = []
            for task_kind, task_summary in tasks or [(kind, summary)]:
                task: dict[str, Any] = {
                    'id': str(next(ids)),
                    'kind': task_kind,
                    'summary': task_summary,
                    'status': status,
                    'log': [],
                    'progress': {'label': '', 'done': 1 if ready else 0, 'total': 1},
                    'spawn-time': stamp,
                }
                if task_data:
                    task['data'] = dict(task_data)
                if ready:
                    task['ready-time'] = stamp
                if err:
                    task['log'] = [f'{stamp} ERROR {err}']
                task_list.append(task)
            change: dict[str, Any] = {
                'id': change_id,
                'kind': kind,
                'summary': summary,
                'status': status,
                'tasks': task_list,
                'ready': ready,
                'spawn-time': stamp,
            }
            if ready:
                change['ready-time'] = stamp
            if err:
                change['err'] = err
            self.changes[change_id] = change
            self.changed.notify_all()
            return change_id

    def finish_change(
        self, change_id: str, *, err: str | None = None, task_data: dict[str, Any] | None = None
    ) -> None:
        """Mark a change (and its tasks) as finished, with an error or not."""
        with self.lock:
            change = self.changes[change_id]
            if change['ready']:
                return
            stamp = format_timestamp(now())
            status = 'Error' if err else 'Done'
            change.update(status=status, ready=True)
            change['ready-time'] = stamp
            if err:
                # As Pebble words a change whose tasks failed.
                failed = ''.join(f'\n- {t["summary"]} ({err})' for t in change['tasks'])
                change['err'] = f'cannot perform the following tasks:{failed}'
            logged = now().strftime('%Y-%m-%dT%H:%M:%SZ')
            for task in change['tasks']:
                task.update(status=status)
                task['ready-time'] = stamp
                task['progress']['done'] = task['progress']['total']
                if task_data:
                    task.setdefault('data', {}).update(task_data)
                if err:
                    task['log'] = [*task.get('log', []), f'{logged} ERROR {err}']
            self._record_change_update(change_id)
            self.changed.notify_all()

    def _record_change_update(self, change_id: str) -> None:
        if not self.record_change_updates:
            return
        data = {'kind': self.changes[change_id]['kind']}
        check = self.change_checks_names.get(change_id)
        if check is not None:
            data['check-name'] = check
        self.add_notice('change-update', change_id, data=data)

    def get_change(self, change_id: str) -> dict[str, Any]:
        """Return a change's API object.

        Raises:
            APIError: 404 if there is no such change.
        """
        with self.lock:
            if change_id not in self.changes:
                raise api_error(404, f'cannot find change with id "{change_id}"')
            return self.changes[change_id]

    def list_changes(
        self, select: str = 'in-progress', service: str | None = None
    ) -> list[dict[str, Any]]:
        """Return changes by state (``all``, ``in-progress``, ``ready``)."""
        if select not in ('all', 'in-progress', 'ready'):
            raise api_error(400, 'select should be one of: all,in-progress,ready')
        with self.lock:
            out = []
            for change in self.changes.values():
                if select == 'in-progress' and change['ready']:
                    continue
                if select == 'ready' and not change['ready']:
                    continue
                if service is not None and service not in self.change_services.get(
                    change['id'], ()
                ):
                    continue
                out.append(change)
            return out

    def abort_change(self, change_id: str) -> dict[str, Any]:
        """Abort an unfinished change."""
        with self.lock:
            change = self.get_change(change_id)
            if change['ready']:
                raise api_error(400, f'cannot abort change {change_id} with nothing pending')
            self.finish_change(change_id, err='change was aborted')
            change['status'] = 'Error'
            return change

    # -- layers and plan --------------------------------------------------------------------

    def add_layer(
        self, label: str, layer: str | Mapping[str, Any] | Layer, *, combine: bool = False
    ) -> None:
        """Add a layer (or combine it into the existing layer of that label).

        Raises:
            APIError: 400 with Pebble's message for an invalid layer or an existing label.
            TypeError: if ``layer`` is not YAML text, a dict or a Layer.
        """
        try:
            as_dict = layer_to_dict(layer)
        except ValueError as e:
            raise api_error(400, f'cannot parse layer YAML: {e}') from None
        try:
            validate_layer(label, self._with_default_overrides(label, as_dict, combine))
        except ValueError as e:
            raise api_error(400, str(e)) from None
        with self.lock:
            previous = self.layers
            if label in previous:
                if not combine:
                    raise api_error(400, f'layer "{label}" already exists')
                merged = merge_layer_into(previous[label], as_dict, keep_override=self.real_merges)
                # Charms re-add the same layer on every event: keeping the old object when
                # nothing changed keeps the cached plan.
                if merged == previous[label]:
                    return
                self.layers = {**previous, label: merged}
            else:
                self.layers = {**previous, label: as_dict}
            # As Pebble does, a layer that makes the plan invalid is not kept.
            plan = self._shared_plan()
            commandless = [
                name for name, item in (plan.get('services') or {}).items()
                if not item.get('command')
            ]  # fmt: skip
            if commandless and not self.lenient_layers:
                # Refused as a whole, as Pebble does: the plan stays as it was.
                self.layers = previous
                raise api_error(400, f'plan must define "command" for service "{commandless[0]}"')
            if commandless:
                # ops 3.9's testing Pebble accepts such a plan, and charms' tests use it
                # (for example to check that the charm re-plans an incomplete plan).
                logger.warning(
                    'plan of container %r has no "command" for service(s) %s; accepted here, '
                    'but real Pebble rejects the layer',
                    self.name,
                    ', '.join(repr(n) for n in commandless),
                )
            self._sync_checks(plan)
            self.changed.notify_all()

    def _with_default_overrides(
        self, label: str, layer: dict[str, Any], combine: bool
    ) -> dict[str, Any]:
        """The layer to validate: in lenient mode, items without "override" pass as "replace".

        Combining into an existing layer still needs an explicit override, as in ops 3.9.
        """
        if not self.lenient_layers or (combine and label in self.layers):
            return layer
        patched: dict[str, Any] = dict(layer)
        missing: list[str] = []
        for section in ('services', 'checks', 'log-targets'):
            items = layer.get(section)
            if not isinstance(items, Mapping):
                continue
            fixed = {}
            for name, item in items.items():
                if isinstance(item, Mapping) and not item.get('override'):
                    missing.append(f'{section} {name!r}')
                    item = {**item, 'override': 'replace'}
                fixed[name] = item
            patched[section] = fixed
        if missing:
            logger.warning(
                'layer %r of container %r has no "override" for %s; accepted as "replace" '
                'here, but real Pebble rejects the layer',
                label,
                self.name,
                ', '.join(missing),
            )
        return patched

    def plan_dict(self) -> dict[str, Any]:
        """Return the combined plan as a dict (sections sorted by name)."""
        return dict(self._shared_plan())

    def _shared_plan(self) -> dict[str, Any]:
        """The combined plan, cached until a layer changes; callers must not change it."""
        with self.lock:
            sources: list[Mapping[str, Any]] = [self.base_plan, *self.layers.values()]
            cached = self._plan_cache
            # Layers are replaced, never changed in place, so identity says "unchanged".
            if (
                cached is not None
                and len(cached[0]) == len(sources)
                and all(map(operator.is_, cached[0], sources))
            ):
                return cached[1]
            plan: dict[str, Any] = dict(combine_layers(sources, keep_override=self.real_merges))
            self._plan_cache = (sources, plan)
            return plan

    def plan_yaml(self) -> str:
        """Return the combined plan as the YAML ``GET /v1/plan`` answers (made once per plan)."""
        with self.lock:
            plan = key = self._shared_plan()
            cached = self._plan_yaml
            if cached is not None and cached[0] is key:
                return cached[1]
            text = safe_dump(plan, sort_keys=False, indent=4) if plan else '{}\n'
            self._plan_yaml = (key, text)
            return text

    def plan(self) -> Plan:
        """Return the combined plan."""
        return Plan(self.plan_dict())  # type: ignore[arg-type]

    # -- services ---------------------------------------------------------------------------

    def set_service_status(self, name: str, status: ServiceStatus | str) -> None:
        """Set a service's current status (for test setup)."""
        with self.lock:
            self.service_statuses[name] = status
            self.changed.notify_all()

    def service_infos(self, names: Iterable[str] | None = None) -> list[ServiceInfo]:
        """Return the status of the plan's services, by name."""
        with self.lock:
            services = self._shared_plan().get('services') or {}
            wanted = set(names) if names else None
            infos = []
            for name in sorted(services):
                if wanted is not None and name not in wanted:
                    continue
                startup = (
                    ServiceStartup.ENABLED
                    if services[name].get('startup') == 'enabled'
                    else ServiceStartup.DISABLED
                )
                current = self.service_statuses.get(name, ServiceStatus.INACTIVE)
                infos.append(ServiceInfo(name, startup, current))
            return infos

    def check_services(self, action: str, names: Sequence[str]) -> None:
        """Validate a service action's names as Pebble does.

        Raises:
            APIError: 400 for a missing list, names given to replan/autostart, or unknown names.
        """
        if action in ('replan', 'autostart'):
            if names:
                raise api_error(400, f'{action} accepts no service names')
            return
        if action not in ('start', 'stop', 'restart'):
            raise api_error(400, f'action "{action}" is unsupported')
        if not names:
            raise api_error(400, f'must specify services for {action} action')
        services = self._shared_plan().get('services') or {}
        for name in names:
            if name not in services:
                raise api_error(400, f'cannot {action} services: service "{name}" does not exist')

    def apply_service_action(self, action: str, names: Sequence[str]) -> list[str]:
        """Apply a service action to the statuses and return the affected services.

        Raises:
            APIError: as :meth:`check_services`; 400 ``no-default-services`` for an
                autostart with no startup-enabled services.
        """
        with self.lock:
            self.check_services(action, names)
            plan = self._shared_plan()
            services = plan.get('services') or {}
            if action in ('replan', 'autostart'):
                targets = [n for n in sorted(services) if services[n].get('startup') == 'enabled']
                if action == 'autostart' and not targets:
                    raise api_error(400, 'no default services', 'no-default-services')
                if action == 'replan':
                    self._sync_checks(plan, restart=True)
                status: ServiceStatus = ServiceStatus.ACTIVE
            else:
                targets = list(names)
                status = ServiceStatus.INACTIVE if action == 'stop' else ServiceStatus.ACTIVE
            for name in targets:
                self.service_statuses[name] = status
            self.changed.notify_all()
            return targets

    def service_change(self, action: str, names: Sequence[str], *, ready: bool = True) -> str:
        """Apply a service action and record its change; return the change id."""
        targets = self.apply_service_action(action, names)
        if not targets:
            summary = f'{action.capitalize()} service(s)'
        elif len(targets) == 1:
            summary = f'{action.capitalize()} service "{targets[0]}"'
        else:
            summary = f'{action.capitalize()} service "{targets[0]}" and {len(targets) - 1} more'
        # As Pebble plans them: a stop and/or a start task per service.
        steps = {'stop': ('stop',), 'restart': ('stop', 'start')}.get(action, ('start',))
        tasks = [
            (step, f'{step.capitalize()} service "{name}"') for name in targets for step in steps
        ]
        change_id = self.new_change(action, summary, ready=ready, tasks=tasks or None)
        self.change_services[change_id] = list(targets)
        return change_id

    def send_signal(self, signal: str, names: Sequence[str]) -> None:
        """Check a signal can be delivered to the services (all must be running).

        Raises:
            APIError: 500 if a service is not running or the signal name is unknown.
        """
        import signal as signal_module

        valid = isinstance(signal, str) and hasattr(signal_module.Signals, signal)
        with self.lock:
            for name in names:
                if self.service_statuses.get(name) != ServiceStatus.ACTIVE:
                    raise api_error(500, f'cannot send signal to "{name}": service is not running')
                if not valid:
                    raise api_error(
                        500, f'cannot send signal to "{name}": invalid signal name "{signal}"'
                    )

    # -- checks -----------------------------------------------------------------------------

    def _sync_checks(self, plan: Mapping[str, Any], restart: bool = False) -> None:
        for name, check in (plan.get('checks') or {}).items():
            info = self.checks.get(name)
            enabled = check.get('startup', 'enabled') != 'disabled'
            if info is None:
                info = {'name': name, 'failures': 0, 'successes': 0, 'status': 'inactive'}
                self.checks[name] = info
                if enabled:
                    self._start_check(info)
            elif restart and enabled and not info.get('change-id'):
                self._start_check(info)
            info['level'] = check.get('level', '')
            info['startup'] = check.get('startup') or (
                '' if self.unset_check_startup else 'enabled'
            )
            info['threshold'] = check.get('threshold') or 3

    def _start_check(self, info: dict[str, Any]) -> None:
        info['change-id'] = self._check_change('perform-check', info['name'])
        info['status'] = 'up'
        info['failures'] = 0

    def _check_change(self, kind: str, name: str) -> str:
        """Start the running change of a check (``perform-check`` or ``recover-check``)."""
        verb = 'Perform' if kind == 'perform-check' else 'Recover'
        check = (self._shared_plan().get('checks') or {}).get(name) or {}
        what = next((t + ' ' for t in ('http', 'tcp', 'exec') if check.get(t)), '')
        change_id = self.new_change(kind, f'{verb} {what}check "{name}"', ready=False)
        self.change_checks_names[change_id] = name
        return change_id

    def check_infos(
        self, level: str | None = None, names: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Return check info objects (API form), by name, filtered."""
        with self.lock:
            wanted = set(names) if names else None
            out = []
            for name in sorted(self.checks):
                info = self.checks[name]
                if wanted is not None and name not in wanted:
                    continue
                if level and info.get('level') != level:
                    continue
                out.append(dict(info))
            return out

    def set_check(self, name: str, **fields: Any) -> None:
        """Set check info fields directly (``status``, ``failures``, ``successes``,
        ``threshold``, ``level``, ``startup``, ``change_id``) for test setup.

        Creates the check info if the plan does not define it.
        """
        with self.lock:
            info = self.checks.setdefault(
                name, {'name': name, 'failures': 0, 'successes': 0, 'status': 'up', 'threshold': 3}
            )
            for key, value in fields.items():
                if isinstance(
                    value, ops_pebble.CheckLevel | ops_pebble.CheckStatus | ops_pebble.CheckStartup
                ):
                    value = value.value
                info[key.replace('_', '-')] = value
            if info.get('change-id') is None:
                info.pop('change-id', None)
            self.changed.notify_all()

    def record_check_result(self, name: str, ok: bool) -> None:
        """Simulate one run of a check, as Pebble's check manager would.

        A failure increments ``failures``; reaching the threshold turns the check ``down``,
        fails its ``perform-check`` change (a change-update notice) and starts a
        ``recover-check`` change. A success while down finishes the recover change and
        starts a new ``perform-check`` change.
        """
        with self.lock:
            info = self.checks[name]
            threshold = info.get('threshold') or 3
            if ok:
                info['successes'] = (info.get('successes') or 0) + 1
                if info['status'] == 'down' and info.get('change-id'):
                    self.finish_change(info['change-id'])
                    info['change-id'] = self._check_change('perform-check', name)
                info['failures'] = 0
                info['status'] = 'up'
            else:
                info['failures'] = info.get('failures', 0) + 1
                if info['failures'] >= threshold and info['status'] != 'down':
                    info['status'] = 'down'
                    if info.get('change-id'):
                        self.finish_change(
                            info['change-id'],
                            err=f'check "{name}" failed {info["failures"]} times',
                        )
                    info['change-id'] = self._check_change('recover-check', name)
            self.changed.notify_all()

    def change_checks(self, action: str, names: Sequence[str]) -> list[str]:
        """Start or stop checks; return the names whose state changed.

        Raises:
            APIError: 400 for an unknown action or check.
        """
        if action not in ('start', 'stop'):
            raise api_error(400, f'action "{action}" is unsupported')
        with self.lock:
            missing = [n for n in names if n not in self.checks]
            if missing:
                raise api_error(
                    400,
                    f'cannot {action} checks: cannot find checks in plan: {", ".join(missing)}',
                )
            changed = []
            for name in dict.fromkeys(names):
                info = self.checks[name]
                if action == 'start' and not info.get('change-id'):
                    self._start_check(info)
                    changed.append(name)
                elif action == 'stop' and info.get('change-id'):
                    self.finish_change(info.pop('change-id'))
                    info['status'] = 'inactive'
                    changed.append(name)
            self.changed.notify_all()
            return changed

    # -- notices ----------------------------------------------------------------------------

    def add_notice(
        self,
        type: str,
        key: str,
        *,
        data: Mapping[str, str] | None = None,
        repeat_after: float | None = None,
        user_id: int | None = None,
        when: datetime.datetime | None = None,
    ) -> tuple[str, bool]:
        """Record an occurrence of a notice.

        Returns:
            ``(notice_id, repeated)``: ``repeated`` is True when the occurrence is new or
            counts as a repeat (which is when Juju would emit an event).
        """
        with self.lock:
            stamp = when or now()
            existing = next(
                (
                    n
                    for n in self.notices.values()
                    if n['type'] == type and n['key'] == key and n.get('user-id') == user_id
                ),
                None,
            )
            text = format_timestamp(stamp)
            if existing is None:
                notice_id = str(next(self._notice_ids))
                notice: dict[str, Any] = {
                    'id': notice_id,
                    'user-id': user_id,
                    'type': type,
                    'key': key,
                    'first-occurred': text,
                    'last-occurred': text,
                    'last-repeated': text,
                    'occurrences': 1,
                    'expire-after': '168h0m0s',
                    '_repeated_at': stamp,
                }
                self.notices[notice_id] = notice
                repeated = True
            else:
                notice = existing
                notice['occurrences'] += 1
                notice['last-occurred'] = text
                after = notice.get('_repeat_after')
                last = notice['_repeated_at']
                repeated = after is None or (stamp - last).total_seconds() >= after
                if repeated:
                    notice['last-repeated'] = text
                    notice['_repeated_at'] = stamp
            # Each occurrence brings its own data: none means none (not the previous data).
            if data:
                notice['last-data'] = dict(data)
            else:
                notice.pop('last-data', None)
            if repeat_after is not None:
                notice['_repeat_after'] = repeat_after
                notice['repeat-after'] = format_go_duration(repeat_after)
            self.changed.notify_all()
            return notice['id'], repeated

    def put_notice(self, notice: ops_pebble.Notice) -> None:
        """Store a complete notice as given (for test setup)."""
        with self.lock:
            notice_type = (
                notice.type.value
                if isinstance(notice.type, ops_pebble.NoticeType)
                else notice.type
            )
            item: dict[str, Any] = {
                'id': notice.id,
                'user-id': notice.user_id,
                'type': notice_type,
                'key': notice.key,
                'first-occurred': format_timestamp(notice.first_occurred),
                'last-occurred': format_timestamp(notice.last_occurred),
                'last-repeated': format_timestamp(notice.last_repeated),
                'occurrences': notice.occurrences,
                '_repeated_at': notice.last_repeated,
            }
            if notice.last_data:
                item['last-data'] = dict(notice.last_data)
            if notice.repeat_after is not None:
                item['repeat-after'] = format_go_duration(notice.repeat_after.total_seconds())
                item['_repeat_after'] = notice.repeat_after.total_seconds()
            if notice.expire_after is not None:
                item['expire-after'] = format_go_duration(notice.expire_after.total_seconds())
            self.notices[notice.id] = item
            self.changed.notify_all()

    @staticmethod
    def public_notice(notice: Mapping[str, Any]) -> dict[str, Any]:
        """The API form of a stored notice (without private bookkeeping keys)."""
        return {k: v for k, v in notice.items() if not k.startswith('_')}

    def get_notice(self, notice_id: str) -> dict[str, Any]:
        """Return one notice's API object.

        Raises:
            APIError: 404 if there is no such notice.
        """
        with self.lock:
            if notice_id not in self.notices:
                raise api_error(404, f'cannot find notice with ID "{notice_id}"')
            return self.public_notice(self.notices[notice_id])

    def list_notices(
        self,
        *,
        types: Iterable[str] | None = None,
        keys: Iterable[str] | None = None,
        user_id: int | None = None,
        all_users: bool = False,
        after: datetime.datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Return notices matching every given filter, ordered by last repeat."""
        type_set = set(types) if types else None
        key_set = set(keys) if keys else None
        with self.lock:
            out = []
            for notice in self.notices.values():
                if type_set is not None and notice['type'] not in type_set:
                    continue
                if key_set is not None and notice['key'] not in key_set:
                    continue
                if (
                    not all_users
                    and user_id is not None
                    and notice.get('user-id') not in (None, user_id)
                ):
                    continue
                if after is not None and notice['_repeated_at'] <= after:
                    continue
                out.append(notice)
            out.sort(key=lambda n: n['_repeated_at'])
            return [self.public_notice(n) for n in out]

    # -- identities -------------------------------------------------------------------------

    def update_identities(self, action: str, identities: Mapping[str, Any]) -> None:
        """Apply an identities action (``add``, ``update``, ``replace``, ``remove``).

        Raises:
            APIError: 400 with Pebble's message for whatever Pebble refuses (see
                ``_identities``); nothing changes then.
        """
        with self.lock:
            self.identities = apply_identities(self.identities, action, identities)
            self.changed.notify_all()

    def public_identities(self) -> dict[str, dict[str, Any]]:
        """Every identity as ``GET /v1/identities`` shows it (secrets masked)."""
        with self.lock:
            return {name: public_identity(d) for name, d in self.identities.items()}

    # -- exec -------------------------------------------------------------------------------

    def add_exec_handler(
        self,
        command_prefix: Sequence[str],
        handler: ExecHandler | None = None,
        *,
        exit_code: int = 0,
        stdout: str | bytes = '',
        stderr: str | bytes = '',
    ) -> None:
        """Register how a command (matched by prefix) behaves.

        Give either ``handler`` (called with the :class:`ExecRequest`) or a fixed outcome.
        Re-registering a prefix replaces it; the longest matching prefix wins; the empty
        prefix matches every command.
        """
        if handler is None:
            outcome = ExecOutcome(exit_code, stdout, stderr)

            def fixed(request: ExecRequest) -> ExecOutcome:
                return outcome

            handler = fixed
        with self.lock:
            self.exec_handlers[tuple(command_prefix)] = handler

    def find_exec_handler(self, command: Sequence[str]) -> ExecHandler | None:
        """Return the handler with the longest prefix matching ``command``, if any."""
        with self.lock:
            best: tuple[str, ...] | None = None
            for prefix in self.exec_handlers:
                if tuple(command[: len(prefix)]) == prefix and (
                    best is None or len(prefix) > len(best)
                ):
                    best = prefix
            return None if best is None else self.exec_handlers[best]

    def _default_unmatched(self, command: list[str]) -> Exception:
        program = command[0] if command else ''
        return api_error(
            500,
            f'no exec handler registered for {program!r} in container {self.name!r}; '
            'register one with add_exec_handler',
        )

    # -- logs -------------------------------------------------------------------------------

    def add_log(self, service: str, message: str) -> None:
        """Append a line to a service's log."""
        with self.lock:
            self.logs.append(
                {'time': format_timestamp(now()), 'service': service, 'message': message}
            )
            self.changed.notify_all()

    def get_logs(self, services: Iterable[str] | None = None, n: int = 30) -> list[dict[str, Any]]:
        """Return the last ``n`` log entries (all if negative) of the given services."""
        wanted = set(services) if services else None
        with self.lock:
            entries = [e for e in self.logs if wanted is None or e['service'] in wanted]
        return entries if n < 0 else entries[-n:] if n else []
