"""Layers, the combined plan, and the items they define (services, checks, log targets).

Besides the public object model, this module holds the combining rules Pebble applies when a
layer is added or combined and when the plan is computed (:func:`combine_layers`,
:func:`merge_layer_into`, :func:`validate_layer`); the in-memory Pebble of ``ops_testing``
reuses them so that both sides agree.
"""

from __future__ import annotations

import copy
import enum
import itertools
import operator
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypedDict, TypeVar, cast

from ._checks import CheckLevel, CheckStartup
from ._exports import publish

ServiceDict = TypedDict(
    'ServiceDict',
    {
        'summary': str,
        'description': str,
        'startup': str,
        'override': str,
        'command': str,
        'after': list[str],
        'before': list[str],
        'requires': list[str],
        'environment': dict[str, str],
        'user': str,
        'user-id': int | None,
        'group': str,
        'group-id': int | None,
        'working-dir': str,
        'on-success': str,
        'on-failure': str,
        'on-check-failure': dict[str, Any],
        'backoff-delay': str,
        'backoff-factor': float,
        'backoff-limit': str,
        'kill-delay': str | None,
    },
    total=False,
)
ServiceDict.__doc__ = 'The YAML/JSON form of a :class:`Service` (every key optional).'


class HttpDict(TypedDict, total=False):
    """The ``http`` section of a check."""

    url: str
    headers: dict[str, str]


class TcpDict(TypedDict, total=False):
    """The ``tcp`` section of a check."""

    port: int
    host: str


ExecDict = TypedDict(
    'ExecDict',
    {
        'command': str,
        'service-context': str,
        'environment': dict[str, str],
        'user-id': int | None,
        'user': str,
        'group-id': int | None,
        'group': str,
        'working-dir': str,
    },
    total=False,
)
ExecDict.__doc__ = 'The ``exec`` section of a check.'


class CheckDict(TypedDict, total=False):
    """The YAML/JSON form of a :class:`Check` (every key optional)."""

    override: str
    level: str
    period: str | None
    timeout: str | None
    http: HttpDict | None
    tcp: TcpDict | None
    exec: ExecDict | None
    threshold: int | None
    startup: str


class LogTargetDict(TypedDict, total=False):
    """The YAML/JSON form of a :class:`LogTarget` (every key optional)."""

    override: str
    type: str
    location: str
    services: list[str]
    labels: dict[str, str]


LayerDict = TypedDict(
    'LayerDict',
    {
        'summary': str,
        'description': str,
        'services': dict[str, ServiceDict],
        'checks': dict[str, CheckDict],
        'log-targets': dict[str, LogTargetDict],
    },
    total=False,
)
LayerDict.__doc__ = 'The YAML/JSON form of a :class:`Layer`.'

PlanDict = TypedDict(
    'PlanDict',
    {
        'services': dict[str, ServiceDict],
        'checks': dict[str, CheckDict],
        'log-targets': dict[str, LogTargetDict],
    },
    total=False,
)
PlanDict.__doc__ = 'The YAML/JSON form of a :class:`Plan`.'


def _omit_falsy(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v}


def load_yaml_mapping(raw: str, what: str) -> dict[str, Any]:
    """Parse ``raw`` as YAML that must be a mapping (empty text gives ``{}``).

    Raises:
        ValueError: naming ``what`` if the YAML is not a mapping.
        yaml.YAMLError: if ``raw`` is not valid YAML.
    """
    from ._yaml import safe_load

    loaded = safe_load(raw)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError(f'{what} YAML must be a mapping, got {type(loaded).__name__}')
    return cast('dict[str, Any]', loaded)


_last_plan: tuple[str, dict[str, Any]] | None = None


def _load_plan_yaml(raw: str) -> dict[str, Any]:
    """:func:`load_yaml_mapping` for a plan, reusing the mapping of the last text parsed.

    Pebble answers ``GET /v1/plan`` with the same text until the plan changes, and charms
    ask for the plan again and again (often several times in one hook). :class:`Plan` only
    reads the mapping (its items copy what they keep), so the mapping can be shared.
    """
    global _last_plan
    last = _last_plan
    if last is not None and last[0] == raw:
        return last[1]
    loaded = load_yaml_mapping(raw, 'plan')
    _last_plan = (raw, loaded)
    return loaded


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """``value`` as a dict (empty for None); ValueError naming ``where`` if not a mapping."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f'{where} must be a mapping, got {type(value).__name__}: {value!r}')
    return dict(value)


def _str_list(value: Any, where: str) -> list[str]:
    """``value`` as a list (empty for None); ValueError naming ``where`` if not a list."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f'{where} must be a list of names, got {type(value).__name__}: {value!r}')
    return list(value)


def _section(d: Mapping[str, Any], key: str, what: str = 'layer') -> dict[str, Any]:
    """A layer or plan section (``services``, ...): a mapping of name to a definition mapping."""
    value = d.get(key)
    if value is None:
        return {}
    section = _mapping(value, f'{what} {key!r}')
    for name, item in section.items():
        if not isinstance(name, str):
            raise ValueError(f'{what} {key!r}: names must be strings, got {name!r}')
        if item is not None and type(item) is not dict:
            _mapping(item, f'{what} {key}.{name}')
    return section


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _deep_copy(value: Any) -> Any:
    """``copy.deepcopy(value)``, quicker for the plain dicts, lists and scalars of YAML/JSON."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: _deep_copy(v) for k, v in value.items()}
    if kind is list:
        return [_deep_copy(v) for v in value]
    return copy.deepcopy(value)


def _compare(mine: dict[str, Any], other: object, kind: type) -> bool | None:
    if isinstance(other, dict):
        return mine == other
    if isinstance(other, kind):
        theirs: dict[str, Any] = other.to_dict()  # type: ignore[attr-defined]
        return mine == theirs
    return None


# A service's plain fields: (YAML key, attribute, default), in the order to_dict() writes them
# (the lists and maps that come between them are placed by _SERVICE_KEYS).
_SERVICE_SCALARS = (
    ('summary', 'summary', ''),
    ('description', 'description', ''),
    ('startup', 'startup', ''),
    ('override', 'override', ''),
    ('command', 'command', ''),
    ('user', 'user', ''),
    ('user-id', 'user_id', None),
    ('group', 'group', ''),
    ('group-id', 'group_id', None),
    ('working-dir', 'working_dir', ''),
    ('on-success', 'on_success', ''),
    ('on-failure', 'on_failure', ''),
    ('backoff-delay', 'backoff_delay', ''),
    ('backoff-factor', 'backoff_factor', None),
    ('backoff-limit', 'backoff_limit', ''),
    ('kill-delay', 'kill_delay', ''),
)
_SERVICE_SCALAR_KEYS = tuple(key for key, _, _ in _SERVICE_SCALARS)
_SERVICE_SCALAR_ATTRS = tuple(attr for _, attr, _ in _SERVICE_SCALARS)
_SERVICE_SCALAR_DEFAULTS = tuple(default for _, _, default in _SERVICE_SCALARS)
# Every field in to_dict() order: YAML keys, and the attributes holding them.
_SERVICE_KEYS = (
    *_SERVICE_SCALAR_KEYS[:5],
    'after',
    'before',
    'requires',
    'environment',
    *_SERVICE_SCALAR_KEYS[5:12],
    'on-check-failure',
    *_SERVICE_SCALAR_KEYS[12:],
)
_service_values = operator.attrgetter(*(key.replace('-', '_') for key in _SERVICE_KEYS))
_SERVICE_LISTS = ('after', 'before', 'requires')
_SERVICE_MAPS = ('environment', 'on-check-failure')


def _truthy_items(keys: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    """``{key: value}`` for each value that is set (truthy), in the order of ``keys``."""
    return dict(itertools.compress(zip(keys, values, strict=True), values))


class Service:
    """A service definition in a layer or plan.

    Unknown keys are ignored. Attribute names are the YAML keys with ``-`` turned into ``_``.
    """

    summary: str
    description: str
    startup: str
    override: str
    command: str
    user: str
    user_id: int | None
    group: str
    group_id: int | None
    working_dir: str
    on_success: str
    on_failure: str
    backoff_delay: str
    backoff_factor: float | None
    backoff_limit: str
    kill_delay: str

    def __init__(self, name: str, raw: ServiceDict | None = None):
        self.name = name
        d: dict[str, Any] = _mapping(raw, f'service {name!r}')
        # The plain fields all at once: each its value in ``d``, or its default.
        vars(self).update(
            zip(
                _SERVICE_SCALAR_ATTRS,
                map(d.get, _SERVICE_SCALAR_KEYS, _SERVICE_SCALAR_DEFAULTS),
                strict=True,
            )
        )
        get = d.get
        after, before, requires = get('after'), get('before'), get('requires')
        self.after: list[str] = (
            [] if after is None else _str_list(after, f'service {name!r} after')
        )
        self.before: list[str] = (
            [] if before is None else _str_list(before, f'service {name!r} before')
        )
        self.requires: list[str] = (
            [] if requires is None else _str_list(requires, f'service {name!r} requires')
        )
        environment, on_check_failure = get('environment'), get('on-check-failure')
        self.environment: dict[str, str] = (
            {} if environment is None
            else _mapping(environment, f'service {name!r} environment')
        )  # fmt: skip
        self.on_check_failure: dict[str, Any] = (
            {} if on_check_failure is None
            else _mapping(on_check_failure, f'service {name!r} on-check-failure')
        )  # fmt: skip

    def to_dict(self) -> ServiceDict:
        """Return the YAML/JSON form, leaving out unset (falsy) fields."""
        d = _truthy_items(_SERVICE_KEYS, _service_values(self))
        # Lists and maps are copies (and plain lists and dicts, whatever was assigned).
        for key in _SERVICE_LISTS:
            if key in d:
                d[key] = list(d[key])
        for key in _SERVICE_MAPS:
            if key in d:
                d[key] = dict(d[key])
        return cast('ServiceDict', d)

    def _merge(self, other: Service) -> None:
        merged = merge_item('service', cast('dict[str, Any]', self.to_dict()), other.to_dict())
        self.__init__(self.name, cast('ServiceDict', merged))  # type: ignore[misc]

    def __repr__(self) -> str:
        return f'Service({self.to_dict()!r})'

    def __eq__(self, other: object) -> bool:
        result = _compare(cast('dict[str, Any]', self.to_dict()), other, Service)
        return NotImplemented if result is None else result

    __hash__: ClassVar[None] = None  # type: ignore[assignment]


_E = TypeVar('_E', bound=enum.Enum)
_CHECK_LEVELS = {level.value: level for level in CheckLevel}
_CHECK_STARTUPS = {startup.value: startup for startup in CheckStartup}


def _member(members: dict[Any, _E], raw: Any) -> _E | Any:
    """The enum member whose value is ``raw`` (as ``Enum(raw)``), else ``raw`` itself."""
    try:
        return members.get(raw, raw)
    except TypeError:  # unhashable: no member has it as its value
        return raw


_CHECK_KEYS = (
    'override',
    'level',
    'startup',
    'period',
    'timeout',
    'threshold',
    'http',
    'tcp',
    'exec',
)
_check_values = operator.attrgetter(*_CHECK_KEYS)


class Check:
    """A health-check definition in a layer or plan."""

    def __init__(self, name: str, raw: CheckDict | None = None):
        self.name = name
        d: dict[str, Any] = _mapping(raw, f'check {name!r}')
        get = d.get
        self.override: str = get('override', '')
        self.level: CheckLevel | str = _member(_CHECK_LEVELS, get('level', ''))
        self.startup: CheckStartup | str = _member(_CHECK_STARTUPS, get('startup', ''))
        self.period: str | None = get('period', '')
        self.timeout: str | None = get('timeout', '')
        self.threshold: int | None = get('threshold')
        http, tcp, exec_ = get('http'), get('tcp'), get('exec')
        self.http: HttpDict | None = None if http is None else _deep_copy(http)
        self.tcp: TcpDict | None = None if tcp is None else _deep_copy(tcp)
        self.exec: ExecDict | None = None if exec_ is None else _deep_copy(exec_)

    def to_dict(self) -> CheckDict:
        """Return the YAML/JSON form, leaving out unset (falsy) fields."""
        override, level, startup, *rest = _check_values(self)
        # _value_ is what the ``value`` property reads (without a Python-level call).
        if isinstance(level, CheckLevel):
            level = level._value_
        if isinstance(startup, CheckStartup):
            startup = startup._value_
        d = _truthy_items(_CHECK_KEYS, (override, level, startup, *rest))
        for key in _CHECK_SUBSECTIONS:
            if key in d:
                d[key] = _deep_copy(d[key])
        return cast('CheckDict', d)

    def _merge(self, other: Check) -> None:
        merged = merge_item('check', cast('dict[str, Any]', self.to_dict()), other.to_dict())
        self.__init__(self.name, cast('CheckDict', merged))  # type: ignore[misc]

    def __repr__(self) -> str:
        return f'Check({self.to_dict()!r})'

    def __eq__(self, other: object) -> bool:
        result = _compare(cast('dict[str, Any]', self.to_dict()), other, Check)
        return NotImplemented if result is None else result

    __hash__: ClassVar[None] = None  # type: ignore[assignment]


class LogTarget:
    """A log-forwarding target definition in a layer or plan."""

    def __init__(self, name: str, raw: LogTargetDict | None = None):
        self.name = name
        d: dict[str, Any] = _mapping(raw, f'log target {name!r}')
        self.override: str = d.get('override', '')
        self.type: str = d.get('type', '')
        self.location: str = d.get('location', '')
        self.services: list[str] = _str_list(d.get('services'), f'log target {name!r} services')
        self.labels: dict[str, str] | None = (
            dict(d['labels']) if d.get('labels') is not None else None
        )

    def to_dict(self) -> LogTargetDict:
        """Return the YAML/JSON form, leaving out unset (falsy) fields."""
        d = {
            'override': self.override,
            'type': self.type,
            'location': self.location,
            'services': list(self.services),
            'labels': dict(self.labels) if self.labels else None,
        }
        return cast('LogTargetDict', _omit_falsy(d))

    def _merge(self, other: LogTarget) -> None:
        merged = merge_item('log-target', cast('dict[str, Any]', self.to_dict()), other.to_dict())
        self.__init__(self.name, cast('LogTargetDict', merged))  # type: ignore[misc]

    def __repr__(self) -> str:
        return f'LogTarget({self.to_dict()!r})'

    def __eq__(self, other: object) -> bool:
        result = _compare(cast('dict[str, Any]', self.to_dict()), other, LogTarget)
        return NotImplemented if result is None else result

    __hash__: ClassVar[None] = None  # type: ignore[assignment]


class Layer:
    """A Pebble configuration layer, built from YAML text or a dict.

    Attributes:
        summary: A one-line summary.
        description: A longer description.
        services: Services by name.
        checks: Checks by name.
        log_targets: Log targets by name.

    Raises:
        ValueError: if the YAML or dict is not shaped like a layer (a section, service,
            check or log target that is not a mapping, a list field that is not a list);
            the message names the offending field.
    """

    def __init__(self, raw: str | LayerDict | None = None):
        if isinstance(raw, str):
            d: dict[str, Any] = load_yaml_mapping(raw, 'layer')
        else:
            d = _mapping(raw, 'layer')
        self.summary: str = d.get('summary', '')
        self.description: str = d.get('description', '')
        self.services: dict[str, Service] = {
            name: Service(name, svc) for name, svc in _section(d, 'services').items()
        }
        self.checks: dict[str, Check] = {
            name: Check(name, chk) for name, chk in _section(d, 'checks').items()
        }
        self.log_targets: dict[str, LogTarget] = {
            name: LogTarget(name, tgt) for name, tgt in _section(d, 'log-targets').items()
        }

    def to_yaml(self) -> str:
        """Return the layer as YAML text."""
        from ._yaml import safe_dump

        return safe_dump(self.to_dict())

    def to_dict(self) -> LayerDict:
        """Return the layer as a dict, leaving out empty sections."""
        d = {
            'summary': self.summary,
            'description': self.description,
            'services': {name: svc.to_dict() for name, svc in self.services.items()},
            'checks': {name: chk.to_dict() for name, chk in self.checks.items()},
            'log-targets': {name: tgt.to_dict() for name, tgt in self.log_targets.items()},
        }
        return cast('LayerDict', _omit_falsy(d))

    def __repr__(self) -> str:
        return f'Layer({self.to_dict()!r})'

    def __eq__(self, other: object) -> bool:
        result = _compare(cast('dict[str, Any]', self.to_dict()), other, Layer)
        return NotImplemented if result is None else result

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    __str__ = to_yaml


class Plan:
    """Pebble's combined configuration: every layer applied in order.

    Build it from the YAML ``/v1/plan`` returns, or a dict.

    Raises:
        ValueError: if the YAML or dict is not shaped like a plan (as :class:`Layer`).
    """

    def __init__(self, raw: str | PlanDict | None = None):
        if isinstance(raw, str):
            d: dict[str, Any] = _load_plan_yaml(raw)
        else:
            d = _mapping(raw, 'plan')
        self._raw = raw
        self._services: dict[str, Service] = {
            name: Service(name, svc) for name, svc in _section(d, 'services', 'plan').items()
        }
        self._checks: dict[str, Check] = {
            name: Check(name, chk) for name, chk in _section(d, 'checks', 'plan').items()
        }
        self._log_targets: dict[str, LogTarget] = {
            name: LogTarget(name, tgt) for name, tgt in _section(d, 'log-targets', 'plan').items()
        }

    @property
    def services(self) -> dict[str, Service]:
        """The plan's services by name."""
        return self._services

    @property
    def checks(self) -> dict[str, Check]:
        """The plan's checks by name."""
        return self._checks

    @property
    def log_targets(self) -> dict[str, LogTarget]:
        """The plan's log targets by name."""
        return self._log_targets

    def to_dict(self) -> PlanDict:
        """Return the plan as a dict, leaving out empty sections."""
        d = {
            'services': {name: svc.to_dict() for name, svc in self._services.items()},
            'checks': {name: chk.to_dict() for name, chk in self._checks.items()},
            'log-targets': {name: tgt.to_dict() for name, tgt in self._log_targets.items()},
        }
        return cast('PlanDict', _omit_falsy(d))

    def to_yaml(self) -> str:
        """Return the plan as YAML text."""
        from ._yaml import safe_dump

        return safe_dump(self.to_dict())

    def __repr__(self) -> str:
        return f'Plan({self.to_dict()!r})'

    def __eq__(self, other: object) -> bool:
        result = _compare(cast('dict[str, Any]', self.to_dict()), other, Plan)
        return NotImplemented if result is None else result

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    __str__ = to_yaml


# ---------------------------------------------------------------------------------------------
# Combining rules (Pebble's, as applied to layers when adding/combining and computing the plan)

_SECTIONS = {'services': 'service', 'checks': 'check', 'log-targets': 'log target'}
_LAYER_KEYS = frozenset({'summary', 'description', *_SECTIONS})
_APPEND_LISTS = {'service': ('after', 'before', 'requires'), 'log-target': ('services',)}
_MERGE_MAPS = {
    'service': ('environment', 'on-check-failure'),
    'log-target': ('labels',),
    'check': (),
}
_CHECK_SUBSECTIONS = ('http', 'tcp', 'exec')
_SUBSECTION_MAPS = {'http': ('headers',), 'exec': ('environment',), 'tcp': ()}


def merge_item(
    kind: str, old: Mapping[str, Any], new: Mapping[str, Any], *, keep_override: bool = False
) -> dict[str, Any]:
    """Merge item ``new`` over ``old`` with ``override: merge`` semantics.

    Lists such as a service's ``after`` are appended, maps such as ``environment`` are
    merged key by key, a check's ``http``/``tcp``/``exec`` are merged field by field, and
    any other field set in ``new`` replaces the old value (``override`` too, as ops 3.9's
    testing Pebble does; with ``keep_override`` the item keeps the override it was first
    defined with, as the real Pebble does).

    Neither argument is changed. The result is a new dict that may share nested values
    with ``old`` and ``new`` (every nested value it changes is a new object), so treat the
    arguments and the result as read-only afterwards, or deep-copy the result.

    Args:
        kind: ``'service'``, ``'check'`` or ``'log-target'`` (``'log target'`` also works).
        old: The earlier definition.
        new: The later definition.
    """
    kind = kind.replace(' ', '-')
    merged: dict[str, Any] = dict(old)
    for key, value in new.items():
        if value is None or value == '' and key != 'override':
            continue
        if key == 'override' and keep_override:
            continue
        if key in _APPEND_LISTS.get(kind, ()):
            merged[key] = list(merged.get(key) or []) + list(value)
        elif key in _MERGE_MAPS.get(kind, ()):
            merged[key] = {**(merged.get(key) or {}), **value}
        elif kind == 'check' and key in _CHECK_SUBSECTIONS and isinstance(value, Mapping):
            sub = dict(merged.get(key) or {})
            for subkey, subvalue in value.items():
                if subkey in _SUBSECTION_MAPS[key]:
                    sub[subkey] = {**(sub.get(subkey) or {}), **subvalue}
                else:
                    sub[subkey] = subvalue
            merged[key] = sub
        else:
            merged[key] = value
    return merged


def validate_layer(label: str, layer: Mapping[str, Any]) -> None:
    """Check a layer the way Pebble does when it is added.

    Raises:
        ValueError: with Pebble's message, for an unknown section, a missing or invalid
            ``override``, or a reserved label or service name.
    """
    if not label:
        raise ValueError('label must be set')
    if label.startswith('pebble-'):
        raise ValueError(f'cannot use reserved label prefix "pebble-" in layer label "{label}"')
    for section in layer:
        if section not in _LAYER_KEYS:
            raise ValueError(f'layer "{label}" has unknown section "{section}"')
    for section, what in _SECTIONS.items():
        items = layer.get(section)
        if not items:
            continue
        if not isinstance(items, Mapping):
            raise ValueError(f'layer "{label}" section "{section}" must be a mapping')
        for name, item in items.items():
            if section == 'services':
                if not name or name.startswith('-'):
                    raise ValueError(f'cannot use service name "{name}": invalid name')
                if name == 'pebble':
                    raise ValueError('cannot use reserved service name "pebble"')
            override = item.get('override', '') if item else ''
            if not override:
                raise ValueError(f'layer "{label}" must define "override" for {what} "{name}"')
            if override not in ('merge', 'replace'):
                raise ValueError(
                    f'layer "{label}" has invalid "override" value for {what} "{name}"'
                )


def merge_layer_into(
    base: Mapping[str, Any], new: Mapping[str, Any], *, keep_override: bool = False
) -> dict[str, Any]:
    """Combine layer ``new`` over layer ``base`` (each item by its ``override``).

    This is what ``add_layer(..., combine=True)`` does to an existing layer, and what
    computing the plan does to each successive layer.

    Neither argument is changed. Like :func:`merge_item`, the result shares the nested
    values it does not change with the arguments (layers and plans are replaced, never
    edited in place, so nothing is copied that need not be).
    """
    result: dict[str, Any] = dict(base)
    for key in ('summary', 'description'):
        if new.get(key):
            result[key] = new[key]
    for section, what in _SECTIONS.items():
        new_items = new.get(section) or {}
        if not new_items:
            continue
        items: dict[str, Any] = dict(result.get(section) or {})
        for name, item in new_items.items():
            item = dict(item or {})
            if item.get('override') == 'merge' and name in items:
                items[name] = merge_item(what, items[name], item, keep_override=keep_override)
            else:
                items[name] = item
        result[section] = items
    return result


def combine_layers(
    layers: Iterable[Mapping[str, Any]], *, keep_override: bool = False
) -> PlanDict:
    """Compute the plan from layers in order (lowest first).

    The result has sections ``services``, ``checks`` and ``log-targets`` (only the non-empty
    ones), each sorted by name. ``keep_override`` is as for :func:`merge_item`.
    """
    combined: dict[str, Any] = {}
    for layer in layers:
        if layer:  # an empty layer (often the base plan) changes nothing
            combined = merge_layer_into(combined, layer, keep_override=keep_override)
    plan: dict[str, Any] = {}
    for section in _SECTIONS:
        items = combined.get(section) or {}
        if items:
            plan[section] = {name: items[name] for name in sorted(items)}
    return cast('PlanDict', plan)


def layer_to_dict(layer: str | LayerDict | Layer | Mapping[str, Any]) -> dict[str, Any]:
    """Normalise YAML text, a dict or a :class:`Layer` into a layer dict.

    Raises:
        TypeError: for any other type.
    """
    if isinstance(layer, Layer):
        return cast('dict[str, Any]', layer.to_dict())
    if isinstance(layer, str):
        return cast('dict[str, Any]', Layer(layer).to_dict())
    if isinstance(layer, Mapping):
        return cast('dict[str, Any]', Layer(cast('LayerDict', dict(layer))).to_dict())
    raise TypeError(f'layer must be str, dict or pebble.Layer, not {type(layer).__name__}')


publish(__name__)
