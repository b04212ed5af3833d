"""The fake hook tools about the unit: actions, ports, config, logs, network, status, storage...

Each tool reads and changes the simulated Juju through the one backend the charm's model
uses too (``ops_testing._engine.backend.JujuBackend``), and prints what Juju prints.
"""

from __future__ import annotations

import json
from typing import Any

from ops_core.model import CloudSpec, RelationNotFoundError

from .argv import ToolError, emit, usage_error
from .call import ToolCall, juju_errors, one_positional, read_settings

__all__ = ['UNIT_TOOLS']

_RESERVED_ACTION_KEYS = ('stdout', 'stdout-encoding', 'stderr', 'stderr-encoding')
_SETTABLE_STATUSES = ('maintenance', 'blocked', 'waiting', 'active')
_SINCE = '2025-01-01 00:00:00Z'


# ---- actions ---------------------------------------------------------------------------


def action_fail(call: ToolCall) -> str:
    call.action_required()
    call.backend.action_fail(
        ' '.join(call.args) if call.args else 'action failed without reason given'
    )
    return ''


def action_get(call: ToolCall) -> str:
    call.action_required()
    value: Any = call.backend.action_get()
    key = one_positional(call.args, 'key', required=False)
    if key is not None:
        for part in key.split('.'):
            value = value.get(part) if isinstance(value, dict) else None
    return emit(call.flags, value)


def action_log(call: ToolCall) -> str:
    call.action_required()
    if not call.args:
        raise usage_error('no message specified')
    call.backend.action_log(' '.join(call.args))
    return ''


def _valid_action_key(key: str) -> bool:
    if not key or not (key[0].isdigit() or 'a' <= key[0] <= 'z'):
        return False
    if not (key[-1].isdigit() or 'a' <= key[-1] <= 'z'):
        return False
    return all(c.isdigit() or 'a' <= c <= 'z' or c == '-' for c in key)


def action_set(call: ToolCall) -> str:
    call.action_required()
    if not call.args:
        raise usage_error('no key=value pairs specified')
    results: dict[str, Any] = {}
    for arg in call.args:
        if '=' not in arg:
            raise usage_error(f'argument "{arg}" must be of the form key=value')
        key, value = arg.split('=', 1)
        parts = key.split('.')
        for part in parts:
            if not _valid_action_key(part):
                raise ToolError(
                    f'key "{part}" must start and end with lowercase alphanumeric, and '
                    'contain only lowercase alphanumeric, hyphens and periods'
                )
        node = results
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    with juju_errors():
        call.backend.action_set(results)
    return ''


# ---- ports -------------------------------------------------------------------------------


def _port_arg(arg: str) -> tuple[str, int | None, int | None]:
    """``icmp``, ``80``, ``80/udp`` or ``8000-8010/tcp`` as (protocol, from, to)."""
    if arg == 'icmp':
        return 'icmp', None, None
    ports, _, protocol = arg.partition('/')
    protocol = protocol or 'tcp'
    if protocol not in ('tcp', 'udp'):
        raise ToolError(f'invalid protocol "{protocol}", expected "tcp", "udp", or "icmp"')
    low, _, high = ports.partition('-')
    try:
        start = int(low)
        end = int(high) if high else start
    except ValueError:
        raise ToolError(
            f'expected <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp; got "{arg}"'
        ) from None
    if not (1 <= start <= 65535 and 1 <= end <= 65535) or end < start:
        raise ToolError(f'port range bounds must be between 1 and 65535; got {start}-{end}')
    return protocol, start, end if end != start else None


def _change_port(call: ToolCall, opening: bool) -> str:
    arg = one_positional(call.args, 'port or range')
    assert arg is not None
    protocol, start, end = _port_arg(arg)
    endpoints = call.flags.get('endpoints')
    names = tuple(e.strip() for e in endpoints.split(',') if e.strip()) if endpoints else None
    options = call.juju.port_options
    with juju_errors():
        if opening:
            call.backend.open_port(protocol, start)
            if end is not None or names:
                options[protocol, start] = (end, names)
            else:
                options.pop((protocol, start), None)
        else:
            call.backend.close_port(protocol, start)
            options.pop((protocol, start), None)
    return ''


def open_port(call: ToolCall) -> str:
    return _change_port(call, True)


def close_port(call: ToolCall) -> str:
    return _change_port(call, False)


_PROTOCOL_ORDER = {'tcp': 0, 'udp': 1, 'icmp': 2}


def opened_ports(call: ToolCall) -> str:
    out = []
    options = call.juju.port_options
    for port in sorted(
        call.backend.opened_ports(), key=lambda p: (_PROTOCOL_ORDER[p.protocol], p.port or 0)
    ):
        end, endpoints = options.get((port.protocol, port.port), (None, None))
        if port.protocol == 'icmp':
            text = 'icmp'
        elif end is not None:
            text = f'{port.port}-{end}/{port.protocol}'
        else:
            text = f'{port.port}/{port.protocol}'
        if call.flags.get('endpoints'):
            text += f' ({", ".join(endpoints)})' if endpoints else ' (*)'
        out.append(text)
    return emit(call.flags, out)


# ---- config, credentials, goal state, leadership, logs ---------------------------------


def config_get(call: ToolCall) -> str:
    config = call.backend.config_get()
    key = one_positional(call.args, 'key', required=False)
    if key is not None:
        return emit(call.flags, config.get(key))
    if call.flags.get('all'):
        return emit(call.flags, config)
    return emit(call.flags, {k: v for k, v in config.items() if v is not None})


def _credential_json(spec: CloudSpec) -> dict[str, Any]:
    out: dict[str, Any] = {'type': spec.type, 'name': spec.name}
    for key, value in (
        ('region', spec.region),
        ('endpoint', spec.endpoint),
        ('identity-endpoint', spec.identity_endpoint),
        ('storage-endpoint', spec.storage_endpoint),
    ):
        if value is not None:
            out[key] = value
    if spec.credential is not None:
        out['credential'] = {
            'auth-type': spec.credential.auth_type,
            'attrs': dict(spec.credential.attributes),
            'redacted': list(spec.credential.redacted),
        }
    if spec.ca_certificates:
        out['cacertificates'] = list(spec.ca_certificates)
    out['skip-tls-verify'] = spec.skip_tls_verify
    out['is-controller-cloud'] = spec.is_controller_cloud
    return out


def credential_get(call: ToolCall) -> str:
    with juju_errors():
        spec = call.backend.credential_get()
    return emit(call.flags, _credential_json(spec))


def goal_state(call: ToolCall) -> str:
    if call.goal_state is not None:
        return emit(call.flags, call.goal_state)
    juju = call.juju
    active = {'status': 'active', 'since': _SINCE}
    units = {f'{juju.app_name}/{n}': dict(active) for n in range(call.backend.planned_units())}
    relations: dict[str, dict[str, Any]] = {}
    for relation in juju.relations:
        goals = relations.setdefault(relation.endpoint, {})
        goals[juju.relations.remote_app(relation)] = {'status': 'joined', 'since': _SINCE}
        for unit in juju.relations.remote_units(relation):
            goals[unit] = {'status': 'active', 'since': _SINCE}
    return emit(call.flags, {'units': units, 'relations': relations})


def is_leader(call: ToolCall) -> str:
    return emit(call.flags, call.backend.is_leader())


def juju_log(call: ToolCall) -> str:
    if not call.args:
        raise usage_error('no message specified')
    level = 'DEBUG' if call.flags.get('debug') else call.flags.get('log-level', 'INFO')
    call.backend.juju_log(level, ' '.join(call.args))
    return ''


def juju_reboot(call: ToolCall) -> str:
    with juju_errors():
        call.backend.reboot(bool(call.flags.get('now')))
    return ''


# ---- network, resources, pod spec, metrics ------------------------------------------------


def network_get(call: ToolCall) -> str:
    binding = one_positional(call.args, 'binding name')
    assert binding is not None
    relation_id = None
    if 'relation' in call.flags:
        relation_id = call.relation(call.flags['relation']).id
    try:
        network = call.backend.network_get(binding, relation_id)
    except RelationNotFoundError:
        raise ToolError(f'no network config found for binding "{binding}"') from None
    for flag, key in (
        ('ingress-address', 'ingress-addresses'),
        ('egress-subnets', 'egress-subnets'),
    ):
        if call.flags.get(flag):
            values = network.get(key, [])
            return emit(call.flags, values[0] if flag == 'ingress-address' and values else values)
    return emit(call.flags, network)


def resource_get(call: ToolCall) -> str:
    name = one_positional(call.args, 'resource name')
    assert name is not None
    with juju_errors():
        return call.backend.resource_get(name) + '\n'


def pod_spec_set(call: ToolCall) -> str:
    import yaml

    if 'file' in call.flags:
        with open(call.flags['file'], encoding='utf-8') as f:
            text = f.read()
    else:
        text = call.stdin or ''
    resources = None
    if 'k8s-resources' in call.flags:
        with open(call.flags['k8s-resources'], encoding='utf-8') as f:
            resources = yaml.safe_load(f.read())
    with juju_errors():
        call.backend.pod_spec_set(yaml.safe_load(text) or {}, resources)
    return ''


def add_metric(call: ToolCall) -> str:
    if not call.args:
        raise usage_error('no metrics specified')
    labels: dict[str, str] = {}
    if call.flags.get('labels'):
        for item in call.flags['labels'].split(','):
            key, _, value = item.partition('=')
            labels[key] = value
    metrics: dict[str, int | float] = {}
    for arg in call.args:
        key, sep, value = arg.partition('=')
        if not sep:
            raise usage_error(f'expected "key=value", got "{arg}"')
        try:
            metrics[key] = float(value)
        except ValueError:
            raise ToolError(f'invalid value type: expected float, got "{value}"') from None
    with juju_errors():
        call.backend.add_metrics(metrics, labels or None)
    return ''


# ---- the unit's controller-side state ---------------------------------------------------


def state_delete(call: ToolCall) -> str:
    key = one_positional(call.args, 'key')
    assert key is not None
    call.juju.unit_state.pop(key, None)
    return ''


def _juju_major(call: ToolCall) -> int:
    return call.juju.feature_version[0] if call.juju.feature_version else 3


def state_get(call: ToolCall) -> str:
    store = call.juju.unit_state
    key = one_positional(call.args, 'key', required=False)
    if key is None:
        if not store and _juju_major(call) >= 4 and call.flags.get('format') == 'json':
            return 'null\n'
        return emit(call.flags, store)
    if key not in store:
        if call.flags.get('strict'):
            raise ToolError(f'"{key}" not found')
        return emit(call.flags, None) if call.flags.get('format') == 'json' else ''
    return emit(call.flags, store[key])


def state_set(call: ToolCall) -> str:
    updates = read_settings(call)
    store = call.juju.unit_state
    for key, value in updates.items():
        if value is None or value == '':
            store.pop(str(key), None)
        else:
            store[str(key)] = value if isinstance(value, str) else json.dumps(value)
    return ''


# ---- status ----------------------------------------------------------------------------


def _status_entry(name: str, message: str) -> dict[str, Any]:
    return {'message': message, 'status': name, 'status-data': {}}


def status_get(call: ToolCall) -> str:
    if call.args:
        raise usage_error(f'unrecognized args: {json.dumps(call.args)}')
    backend = call.backend
    with juju_errors():
        if call.flags.get('application'):
            name, message = backend.status_get(is_app=True)
            app = _status_entry(name, message)
            unit = backend.status_get(is_app=False)
            app['units'] = {backend.unit_name: _status_entry(*unit)}
            if not call.flags.get('include-data'):
                return emit(call.flags, name)
            return emit(call.flags, {'application-status': app})
        name, message = backend.status_get(is_app=False)
    if not call.flags.get('include-data'):
        return emit(call.flags, name)
    return emit(call.flags, _status_entry(name, message))


def status_set(call: ToolCall) -> str:
    if not call.args:
        raise usage_error('invalid args, require <status> [message] [data]')
    status = call.args[0]
    if status not in _SETTABLE_STATUSES:
        raise usage_error(
            f'invalid status "{status}", expected one of [{" ".join(_SETTABLE_STATUSES)}]'
        )
    with juju_errors():
        call.backend.status_set(
            status, ' '.join(call.args[1:]), is_app=bool(call.flags.get('application'))
        )
    return ''


def application_version_set(call: ToolCall) -> str:
    version = one_positional(call.args, 'version')
    assert version is not None
    call.backend.application_version_set(version)
    return ''


# ---- storage ---------------------------------------------------------------------------


def storage_add(call: ToolCall) -> str:
    if not call.args:
        raise usage_error('storage add requires a storage directive')
    for arg in call.args:
        name, _, count = arg.partition('=')
        try:
            number = int(count) if count else 1
        except ValueError:
            raise usage_error(f'cannot parse count in "{arg}"') from None
        requested = call.juju.records.requested_storages
        with juju_errors():
            call.backend.storage_add(name, requested.get(name, 0) + number)
    return ''


def storage_get(call: ToolCall) -> str:
    storage_id = call.flags.get('storage') or call.env.get('JUJU_STORAGE_ID')
    if not storage_id:
        raise usage_error('no storage instance specified')
    key = one_positional(call.args, 'key', required=False)
    info = {}
    with juju_errors(code=2):
        for attribute in ('kind', 'location'):
            info[attribute] = call.backend.storage_get(storage_id, attribute)
    if key is not None:
        return emit(call.flags, info.get(key))
    return emit(call.flags, info)


def storage_list(call: ToolCall) -> str:
    name = one_positional(call.args, 'storage name', required=False)
    names = [name] if name is not None else list(call.juju.spec.storages)
    ids = [f'{n}/{index}' for n in names for index in call.backend.storage_list(n)]
    return emit(call.flags, ids)


UNIT_TOOLS = {
    'action-fail': action_fail,
    'action-get': action_get,
    'action-log': action_log,
    'action-set': action_set,
    'add-metric': add_metric,
    'application-version-set': application_version_set,
    'close-port': close_port,
    'config-get': config_get,
    'credential-get': credential_get,
    'goal-state': goal_state,
    'is-leader': is_leader,
    'juju-log': juju_log,
    'juju-reboot': juju_reboot,
    'network-get': network_get,
    'open-port': open_port,
    'opened-ports': opened_ports,
    'pod-spec-set': pod_spec_set,
    'resource-get': resource_get,
    'state-delete': state_delete,
    'state-get': state_get,
    'state-set': state_set,
    'status-get': status_get,
    'status-set': status_set,
    'storage-add': storage_add,
    'storage-get': storage_get,
    'storage-list': storage_list,
}
"""Tool name -> the function that answers it."""
