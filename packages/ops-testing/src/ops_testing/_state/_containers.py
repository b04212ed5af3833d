"""Workload containers as State values: ``Container``, ``Exec``, ``Mount``, ``CheckInfo``, ``Notice``."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ops_pebble as pebble
from ops_hookcmds.sister import field, record

from .._exports import publish
from ._common import (
    change_ids,
    check_members,
    check_name,
    check_values,
    copy_dict,
    members_of,
    notice_ids,
    set_field,
    values_of,
)
from ._serialise import DictMixin

if TYPE_CHECKING:
    from .._context import Context

__all__ = ['CheckInfo', 'Container', 'Exec', 'Mount', 'Notice', 'layer_from_rockcraft']


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.timezone.utc)


@record(frozen=True)
class Exec(DictMixin):
    """A canned answer for commands a charm runs in a container with ``Container.exec``.

    A command matches the ``Exec`` whose ``command_prefix`` is the longest prefix of its argv;
    an empty prefix matches every command.

    Attributes:
        command_prefix: the argv prefix to match, for example ``('ls', '-l')``.
        return_code: the exit code of the simulated process.
        stdout: what the process writes to standard output.
        stderr: what the process writes to standard error.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = ('command_prefix', 'return_code', 'stdout', 'stderr', '_change_id')

    command_prefix: Sequence[str]
    return_code: int = field(default=0, kw_only=True)
    stdout: str = field(default='', kw_only=True)
    stderr: str = field(default='', kw_only=True)
    _change_id: int = field(default_factory=change_ids.next, kw_only=True)

    def __post_init__(self) -> None:
        if isinstance(self.command_prefix, str):
            raise TypeError(
                f'Exec command_prefix must be a sequence of strings, not the string '
                f'{self.command_prefix!r}; did you mean {self.command_prefix.split()!r}?'
            )
        set_field(self, 'command_prefix', tuple(self.command_prefix))


@record(frozen=True)
class Mount(DictMixin):
    """A directory of the test machine mounted into a container's filesystem.

    Attributes:
        location: the path inside the container.
        source: the path on the machine running the tests.
    """

    location: str | pathlib.PurePosixPath = field(kw_only=True)
    source: str | pathlib.Path = field(kw_only=True)


_CHECK_STARTUPS = frozenset(member.value for member in pebble.CheckStartup)
_CHECK_STATUSES = frozenset(member.value for member in pebble.CheckStatus)


@record(frozen=True)
class CheckInfo(DictMixin):
    """The state of one Pebble health check in a container.

    Attributes:
        name: the check's name, as in the plan.
        level: the check's level (``alive``/``ready``), ``None`` for unset.
        startup: whether the check starts automatically.
        status: whether the check is up, down or inactive.
        successes: the number of consecutive successes; ``None`` simulates Pebble < 1.23.
        failures: the number of consecutive failures.
        threshold: the failures needed before the check is considered down.
        change_id: the id of the change running the check; by default a new id, or ``''``
            for an inactive check.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = (
        'name',
        'level',
        'startup',
        'status',
        'successes',
        'failures',
        'threshold',
        'change_id',
    )

    name: str
    level: pebble.CheckLevel | str | None = field(default=None, kw_only=True)
    startup: pebble.CheckStartup = field(default=pebble.CheckStartup.ENABLED, kw_only=True)
    status: pebble.CheckStatus = field(default=pebble.CheckStatus.UP, kw_only=True)
    successes: int | None = field(default=0, kw_only=True)
    failures: int = field(default=0, kw_only=True)
    threshold: int = field(default=3, kw_only=True)
    change_id: pebble.ChangeID | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.level is not None and not isinstance(self.level, pebble.CheckLevel):
            # Anything but a CheckLevel or one of its values is a ValueError here.
            set_field(self, 'level', pebble.CheckLevel(self.level))
        # Known startup/status strings become enums; unknown ones are kept as given (Scenario
        # accepts them at run time, only a type checker objects).
        if isinstance(self.startup, str) and self.startup in _CHECK_STARTUPS:
            set_field(self, 'startup', pebble.CheckStartup(self.startup))
        if isinstance(self.status, str) and self.status in _CHECK_STATUSES:
            set_field(self, 'status', pebble.CheckStatus(self.status))
        if isinstance(self.change_id, str) and type(self.change_id) is str:
            set_field(self, 'change_id', pebble.ChangeID(self.change_id))
        if self.change_id is None:
            if self.status == pebble.CheckStatus.INACTIVE:
                set_field(self, 'change_id', pebble.ChangeID(''))
            else:
                set_field(self, 'change_id', pebble.ChangeID(str(change_ids.next())))

    def __hash__(self) -> int:
        return hash(self.name)

    def _to_ops(self) -> pebble.CheckInfo:
        level = self.level if self.level is not None else pebble.CheckLevel.UNSET
        return pebble.CheckInfo(
            name=self.name,
            level=level,
            status=self.status,
            successes=self.successes,
            failures=self.failures,
            threshold=self.threshold,
            change_id=self.change_id,
            startup=self.startup,
        )


@record(frozen=True)
class Notice(DictMixin):
    """A Pebble notice recorded in a container.

    Attributes:
        key: the notice key, for example ``'example.com/db-ready'``.
        id: the notice id; by default a new process-wide unique number (as a string).
        user_id: the user the notice is visible to, or ``None`` for everyone.
        type: the notice type.
        first_occurred: when the notice first occurred (default: now).
        last_occurred: when it last occurred (default: now).
        last_repeated: when it was last repeated (default: now).
        occurrences: how many times it occurred.
        last_data: the data sent with its last occurrence.
        repeat_after: the minimum time before it is repeated.
        expire_after: how long until it expires.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = (
        'key',
        'id',
        'user_id',
        'type',
        'first_occurred',
        'last_occurred',
        'last_repeated',
        'occurrences',
        'last_data',
        'repeat_after',
        'expire_after',
    )

    key: str
    id: str = field(default_factory=lambda: str(notice_ids.next()), kw_only=True)
    user_id: int | None = field(default=None, kw_only=True)
    type: pebble.NoticeType | str = field(default=pebble.NoticeType.CUSTOM, kw_only=True)
    first_occurred: datetime.datetime = field(default_factory=_now, kw_only=True)
    last_occurred: datetime.datetime = field(default_factory=_now, kw_only=True)
    last_repeated: datetime.datetime = field(default_factory=_now, kw_only=True)
    occurrences: int = field(default=1, kw_only=True)
    last_data: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    repeat_after: datetime.timedelta | None = field(default=None, kw_only=True)
    expire_after: datetime.timedelta | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        set_field(self, 'last_data', dict(self.last_data))

    def __hash__(self) -> int:
        return hash(self.id)

    def _to_ops(self) -> pebble.Notice:
        return pebble.Notice(
            id=self.id,
            user_id=self.user_id,
            type=self.type,
            key=self.key,
            first_occurred=self.first_occurred,
            last_occurred=self.last_occurred,
            last_repeated=self.last_repeated,
            occurrences=self.occurrences,
            last_data=dict(self.last_data),
            repeat_after=self.repeat_after,
            expire_after=self.expire_after,
        )


_PLAN_SECTIONS = ('services', 'checks', 'log-targets')


def _merge_item(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Merge one plan item into another the way Pebble applies ``override: merge``."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [v for v in value if v not in merged[key]]
        else:
            merged[key] = value
    return merged


def combine_layers(layers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Combine layer dicts, in order, into a plan dict with every section sorted by name."""
    combined: dict[str, dict[str, Any]] = {section: {} for section in _PLAN_SECTIONS}
    for layer in layers:
        for section in _PLAN_SECTIONS:
            for name, item in (layer.get(section) or {}).items():
                item = dict(item)
                if item.get('override') == 'merge' and name in combined[section]:
                    combined[section][name] = _merge_item(combined[section][name], item)
                else:
                    combined[section][name] = item
    return {
        section: {name: combined[section][name] for name in sorted(combined[section])}
        for section in _PLAN_SECTIONS
        if combined[section]
    }


@record(frozen=True)
class Container(DictMixin):
    """A workload container of a Kubernetes charm, with its simulated Pebble.

    Attributes:
        name: the container name, as declared in the charm metadata.
        can_connect: whether Pebble answers; if ``False`` every Pebble call fails.
        layers: the Pebble layers already added, by label.
        service_statuses: the current status of services, by name (default inactive).
        mounts: directories of the test machine mounted into the container, by name.
        execs: canned answers for ``Container.exec``.
        notices: the Pebble notices recorded in the container.
        check_infos: the state of the Pebble health checks.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = (
        'name',
        'can_connect',
        '_base_plan',
        'layers',
        'service_statuses',
        'mounts',
        'execs',
        'notices',
        'check_infos',
    )

    name: str
    can_connect: bool = field(default=False, kw_only=True)
    _base_plan: Mapping[str, Any] = field(default_factory=dict, kw_only=True)
    layers: Mapping[str, pebble.Layer] = field(default_factory=dict, kw_only=True)
    service_statuses: Mapping[str, pebble.ServiceStatus] = field(
        default_factory=dict, kw_only=True
    )
    mounts: Mapping[str, Mount] = field(default_factory=dict, kw_only=True)
    execs: Iterable[Exec] = field(default_factory=frozenset, kw_only=True)
    notices: Sequence[Notice] = field(default_factory=list, kw_only=True)
    check_infos: Iterable[CheckInfo] = field(default_factory=frozenset, kw_only=True)

    def __post_init__(self) -> None:
        check_name('container', self.name)
        set_field(self, '_base_plan', copy_dict(self._base_plan))
        # Layers, mounts and notices are item-checked when a run starts (_check_items):
        # ops-scenario builds containers with placeholder items in its own tests.
        layers = values_of('Container.layers', self.layers, pebble.Layer, check_items=False)
        set_field(self, 'layers', layers)
        set_field(self, 'service_statuses', dict(self.service_statuses))
        mounts = values_of('Container.mounts', self.mounts, Mount, check_items=False)
        set_field(self, 'mounts', mounts)
        set_field(self, 'execs', frozenset(members_of('Container.execs', self.execs, Exec)))
        notices = members_of('Container.notices', self.notices, Notice, check_items=False)
        set_field(self, 'notices', notices)
        set_field(
            self,
            'check_infos',
            frozenset(members_of('Container.check_infos', self.check_infos, CheckInfo)),
        )

    def __hash__(self) -> int:
        return hash(self.name)

    def _check_items(self) -> None:
        """Check the items left unchecked when the container was built.

        Raises:
            StateValidationError: a layer, mount or notice of the wrong type.
        """
        check_values('Container.layers', self.layers, pebble.Layer)
        check_values('Container.mounts', self.mounts, Mount)
        check_members('Container.notices', self.notices, Notice)

    def _plan_dict(self) -> dict[str, Any]:
        layer_dicts: list[Mapping[str, Any]] = [self._base_plan]
        layer_dicts.extend(layer.to_dict() for layer in self.layers.values())
        return combine_layers(layer_dicts)

    @property
    def plan(self) -> pebble.Plan:
        """The Pebble plan: the base plan and every layer combined in order."""
        return pebble.Plan(self._plan_dict())  # type: ignore[arg-type]

    @property
    def services(self) -> dict[str, pebble.ServiceInfo]:
        """The services of the plan with their startup mode and current status."""
        infos: dict[str, pebble.ServiceInfo] = {}
        for name, service in self._plan_dict().get('services', {}).items():
            startup = service.get('startup') or 'disabled'
            current = self.service_statuses.get(name, pebble.ServiceStatus.INACTIVE)
            infos[name] = pebble.ServiceInfo(
                name, pebble.ServiceStartup(startup), pebble.ServiceStatus(current)
            )
        return infos

    def get_filesystem(self, ctx: Context[Any]) -> pathlib.Path:
        """The directory that holds this container's simulated filesystem for ``ctx``."""
        return ctx._container_root(self.name)

    def get_check_info(self, name: str) -> CheckInfo:
        """The check with the given name.

        Raises:
            KeyError: the container has no such check.
        """
        for info in self.check_infos:
            if info.name == name:
                return info
        raise KeyError(f'check {name!r} not found in container {self.name!r}')

    def _find_exec(self, command: Sequence[str]) -> Exec | None:
        """The Exec with the longest prefix of ``command``, or None."""
        best: Exec | None = None
        for candidate in self.execs:
            prefix = tuple(candidate.command_prefix)
            if tuple(command[: len(prefix)]) == prefix:
                if best is None or len(prefix) > len(best.command_prefix):
                    best = candidate
        return best


def layer_from_rockcraft(path: str | pathlib.Path) -> pebble.Layer:
    """Build a Pebble layer from the ``services`` and ``checks`` of a rockcraft.yaml file.

    Args:
        path: the rockcraft.yaml file.

    Raises:
        ValueError: the file does not exist or is not a YAML mapping.
    """
    rock_path = pathlib.Path(path)
    if not rock_path.is_file():
        raise ValueError(
            f'rockcraft file not found: {rock_path}; pass the path of a rockcraft.yaml'
        )
    import yaml  # only a layer built from a rockcraft.yaml needs it

    data = yaml.safe_load(rock_path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f'{rock_path} is not a rockcraft.yaml: expected a YAML mapping')
    description = data.get('description') or '(no description)'
    layer: dict[str, Any] = {
        'summary': data.get('summary', ''),
        'description': f'{description} (built from the rockcraft.yaml at {rock_path})',
    }
    if data.get('services'):
        layer['services'] = data['services']
    if data.get('checks'):
        layer['checks'] = data['checks']
    return pebble.Layer(layer)  # type: ignore[arg-type]


publish(__name__)
