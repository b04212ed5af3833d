"""Fake tools about the unit: actions, ports, config, logging, network, status, storage..."""

from __future__ import annotations

import os

from ._common import (
    RESERVED_ACTION_KEYS,
    SETTABLE_STATUSES,
    ToolError,
    emit,
    find_relation,
    flatten_into,
    juju_major,
    load_mapping,
    one_positional,
    parse_port_arg,
    port_text,
    read_stdin,
    require_action,
    require_leader,
    set_status,
    status_entry,
    unit_name,
    usage_error,
    valid_action_key,
)
from ._jsonlite import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def t_action_fail(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    action = require_action(state)
    action['failed'] = ' '.join(pos) if pos else 'action failed without reason given'
    return ''


def t_action_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    action = require_action(state)
    value: Any = action.get('params', {})
    key = one_positional(pos, 'key', required=False)
    if key is not None:
        for part in key.split('.'):
            value = value.get(part) if isinstance(value, dict) else None
    return emit(flags, value)


def t_action_log(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    action = require_action(state)
    if not pos:
        raise usage_error('no message specified')
    action.setdefault('logs', []).append(' '.join(pos))
    return ''


def t_action_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    action = require_action(state)
    if not pos:
        raise usage_error('no key=value pairs specified')
    results = action.setdefault('results', {})
    updates = []
    for arg in pos:
        if '=' not in arg:
            raise usage_error(f'argument "{arg}" must be of the form key=value')
        key, value = arg.split('=', 1)
        for part in key.split('.'):
            if not valid_action_key(part):
                raise ToolError(
                    f'key "{part}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods'
                )
        if key.split('.')[0] in RESERVED_ACTION_KEYS:
            raise ToolError(f'cannot set reserved action key "{key.split(".")[0]}"')
        updates.append((key, value))
    for key, value in updates:
        flatten_into(results, key, value)
    return ''


def t_application_version_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    version = one_positional(pos, 'version')
    state['workload_version'] = version
    return ''


def _port_change(
    state: dict[str, Any], flags: dict[str, Any], pos: list[str], opening: bool
) -> str:
    arg = one_positional(pos, 'port or range')
    assert arg is not None
    entry = parse_port_arg(arg)
    endpoints = flags.get('endpoints')
    entry['endpoints'] = (
        [e.strip() for e in endpoints.split(',') if e.strip()] if endpoints else None
    )
    ports: list[dict[str, Any]] = state.setdefault('opened_ports', [])
    same = [p for p in ports if port_text(p) == port_text(entry)]
    for p in same:
        ports.remove(p)
    if opening:
        ports.append(entry)
    return ''


def t_open_port(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    return _port_change(state, flags, pos, True)


def t_close_port(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    return _port_change(state, flags, pos, False)


def t_opened_ports(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    out = []
    for entry in state.get('opened_ports', []):
        text = port_text(entry)
        if flags.get('endpoints'):
            eps = entry.get('endpoints')
            text += f' ({", ".join(eps)})' if eps else ' (*)'
        out.append(text)
    return emit(flags, out)


def t_config_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    config: dict[str, Any] = state.get('config', {})
    key = one_positional(pos, 'key', required=False)
    if key is not None:
        return emit(flags, config.get(key))
    if flags.get('all'):
        return emit(flags, config)
    return emit(flags, {k: v for k, v in config.items() if v is not None})


def t_credential_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    cred = state.get('credential')
    if not cred:
        raise ToolError('cannot access cloud credentials: permission denied')
    return emit(flags, cred)


def t_goal_state(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    goal = state.get('goal_state') or {
        'units': {unit_name(state): {'status': 'active', 'since': '2025-01-01 00:00:00Z'}},
        'relations': {},
    }
    return emit(flags, goal)


def t_is_leader(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    return emit(flags, bool(state.get('leader')))


def t_juju_log(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('no message specified')
    level = flags.get('log-level', 'INFO')
    if flags.get('debug'):
        level = 'DEBUG'
    state.setdefault('logs', []).append({'level': level, 'message': ' '.join(pos)})
    return ''


def t_juju_reboot(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if state.get('action'):
        raise ToolError('juju-reboot is not supported when running an action')
    state['reboot'] = {'now': bool(flags.get('now'))}
    return ''


def t_network_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    binding = one_positional(pos, 'binding name')
    assert binding is not None
    if 'relation' in flags:
        find_relation(state, flags['relation'])
    networks = state.get('networks', {})
    if binding not in networks:
        raise ToolError(f'no network config found for binding "{binding}"')
    net = networks[binding]
    for flag, key in (
        ('ingress-address', 'ingress-addresses'),
        ('egress-subnets', 'egress-subnets'),
    ):
        if flags.get(flag):
            values = net.get(key, [])
            return emit(flags, values[0] if flag == 'ingress-address' and values else values)
    return emit(flags, net)


def t_resource_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    name = one_positional(pos, 'resource name')
    resources = state.get('resources', {})
    if name not in resources:
        raise ToolError(f'could not download resource: resource "{name}" not found')
    return str(resources[name]) + '\n'


def t_state_delete(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    key = one_positional(pos, 'key')
    state.setdefault('state_store', {}).pop(key, None)
    return ''


def t_state_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    store: dict[str, str] = state.get('state_store', {})
    key = one_positional(pos, 'key', required=False)
    if key is None:
        if not store and juju_major(state) >= 4 and flags.get('format') == 'json':
            return 'null\n'
        return emit(flags, store)
    if key not in store:
        if flags.get('strict'):
            raise ToolError(f'"{key}" not found')
        return emit(flags, None) if flags.get('format') == 'json' else ''
    return emit(flags, store[key])


def t_state_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    updates: dict[str, Any] = {}
    if 'file' in flags:
        src = flags['file']
        text = read_stdin() if src == '-' else open(src, encoding='utf-8').read()
        updates.update(load_mapping(text))
    for arg in pos:
        if '=' not in arg:
            raise usage_error(f'expected "key=value", got "{arg}"')
        k, v = arg.split('=', 1)
        updates[k] = v
    store = state.setdefault('state_store', {})
    for k, v in updates.items():
        if v is None or v == '':
            store.pop(str(k), None)
        else:
            store[str(k)] = v if isinstance(v, str) else json.dumps(v)
    return ''


def t_status_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if pos:
        raise usage_error(f'unrecognized args: {json.dumps(pos)}')
    if flags.get('application'):
        if not state.get('leader'):
            raise ToolError('finding application status: this unit is not the leader')
        app = status_entry(state, 'app_status')
        units = {unit_name(state): status_entry(state, 'unit_status')}
        for name, st in (state.get('peer_unit_statuses') or {}).items():
            units[name] = {
                'message': st.get('message', ''),
                'status': st.get('status', 'unknown'),
                'status-data': {},
            }
        app['units'] = units
        if not flags.get('include-data'):
            return emit(flags, app['status'])
        return emit(flags, {'application-status': app})
    unit = status_entry(state, 'unit_status')
    if not flags.get('include-data'):
        return emit(flags, unit['status'])
    return emit(flags, unit)


def t_status_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('invalid args, require <status> [message] [data]')
    status = pos[0]
    if status not in SETTABLE_STATUSES:
        raise usage_error(
            f'invalid status "{status}", expected one of [{" ".join(SETTABLE_STATUSES)}]'
        )
    message = ' '.join(pos[1:])
    if flags.get('application'):
        if not state.get('leader'):
            raise ToolError('setting application status: this unit is not the leader')
        set_status(state, 'app_status', status, message)
    else:
        set_status(state, 'unit_status', status, message)
    return ''


def t_storage_add(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('storage add requires a storage directive')
    added = state.setdefault('storage_added', {})
    for arg in pos:
        name, _, count = arg.partition('=')
        if name not in state.get('storage_names', [name]):
            raise ToolError(f'storage "{name}" not found')
        try:
            n = int(count) if count else 1
        except ValueError:
            raise usage_error(f'cannot parse count in "{arg}"') from None
        added[name] = added.get(name, 0) + n
    return ''


def t_storage_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    sid = flags.get('storage') or os.environ.get('JUJU_STORAGE_ID')
    if not sid:
        raise usage_error('no storage instance specified')
    storage = state.get('storage', {})
    if sid not in storage:
        raise usage_error(f'invalid value "{sid}" for option -s: storage not found')
    info = storage[sid]
    key = one_positional(pos, 'key', required=False)
    if key is not None:
        return emit(flags, info.get(key))
    return emit(flags, info)


def t_storage_list(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    name = one_positional(pos, 'storage name', required=False)
    ids = [s for s in state.get('storage', {}) if name is None or s.split('/')[0] == name]
    return emit(flags, ids)


def t_pod_spec_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    require_leader(state)
    spec = open(flags['file'], encoding='utf-8').read() if 'file' in flags else read_stdin()
    entry: dict[str, Any] = {'spec': spec}
    if 'k8s-resources' in flags:
        entry['k8s_resources'] = open(flags['k8s-resources'], encoding='utf-8').read()
    state['pod_spec'] = entry
    return ''


def t_add_metric(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('no metrics specified')
    labels: dict[str, str] = {}
    if flags.get('labels'):
        for item in flags['labels'].split(','):
            k, _, v = item.partition('=')
            labels[k] = v
    metrics = {}
    for arg in pos:
        k, sep, v = arg.partition('=')
        if not sep:
            raise usage_error(f'expected "key=value", got "{arg}"')
        metrics[k] = v
    state.setdefault('metrics', []).append({'metrics': metrics, 'labels': labels})
    return ''
