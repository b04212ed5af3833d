"""Shared parts of the fake hook tools: argv parsing, output formats, state helpers."""

from __future__ import annotations

import os
import sys
import time

from ._jsonlite import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


RESERVED_ACTION_KEYS = ('stdout', 'stdout-encoding', 'stderr', 'stderr-encoding')
SETTABLE_STATUSES = ('maintenance', 'blocked', 'waiting', 'active')
XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv'


class ToolError(Exception):
    """A failure reported the way Juju does: ``ERROR <message>`` on stderr."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def usage_error(message: str) -> ToolError:
    return ToolError(message, 2)


# --------------------------------------------------------------------------------------------
# argv parsing


# For each tool: flag name -> 'bool' or 'str'; short aliases map to the long name.
FLAGS: dict[str, dict[str, str]] = {
    'action-fail': {},
    'action-get': {'format': 'str', 'o': 'str', 'output': 'str'},
    'action-log': {},
    'action-set': {},
    'application-version-set': {},
    'close-port': {'endpoints': 'str', 'format': 'str'},
    'open-port': {'endpoints': 'str', 'format': 'str'},
    'opened-ports': {'endpoints': 'bool', 'format': 'str', 'o': 'str', 'output': 'str'},
    'config-get': {'format': 'str', 'all': 'bool', 'a': 'bool', 'o': 'str', 'output': 'str'},
    'credential-get': {'format': 'str', 'o': 'str', 'output': 'str'},
    'goal-state': {'format': 'str', 'o': 'str', 'output': 'str'},
    'is-leader': {'format': 'str', 'o': 'str', 'output': 'str'},
    'juju-log': {'log-level': 'str', 'l': 'str', 'debug': 'bool', 'format': 'str'},
    'juju-reboot': {'now': 'bool'},
    'network-get': {
        'format': 'str',
        'r': 'str',
        'relation': 'str',
        'primary-address': 'bool',
        'bind-address': 'bool',
        'ingress-address': 'bool',
        'egress-subnets': 'bool',
        'o': 'str',
        'output': 'str',
    },
    'relation-get': {'format': 'str', 'r': 'str', 'relation': 'str', 'app': 'bool', 'o': 'str'},
    'relation-ids': {'format': 'str', 'o': 'str', 'output': 'str'},
    'relation-list': {'format': 'str', 'r': 'str', 'relation': 'str', 'app': 'bool', 'o': 'str'},
    'relation-model-get': {'format': 'str', 'r': 'str', 'relation': 'str', 'o': 'str'},
    'relation-set': {'r': 'str', 'relation': 'str', 'app': 'bool', 'file': 'str', 'format': 'str'},
    'resource-get': {},
    'secret-add': {
        'label': 'str',
        'description': 'str',
        'expire': 'str',
        'rotate': 'str',
        'owner': 'str',
        'file': 'str',
    },
    'secret-get': {'format': 'str', 'label': 'str', 'refresh': 'bool', 'peek': 'bool', 'o': 'str'},
    'secret-grant': {'relation': 'str', 'r': 'str', 'unit': 'str', 'u': 'str'},
    'secret-ids': {'format': 'str', 'o': 'str', 'output': 'str'},
    'secret-info-get': {'format': 'str', 'label': 'str', 'o': 'str', 'output': 'str'},
    'secret-remove': {'revision': 'str'},
    'secret-revoke': {'relation': 'str', 'r': 'str', 'unit': 'str', 'u': 'str', 'app': 'str'},
    'secret-set': {
        'label': 'str',
        'description': 'str',
        'expire': 'str',
        'rotate': 'str',
        'owner': 'str',
        'file': 'str',
    },
    'state-delete': {},
    'state-get': {'format': 'str', 'strict': 'bool', 'o': 'str', 'output': 'str'},
    'state-set': {'file': 'str'},
    'status-get': {
        'format': 'str',
        'include-data': 'bool',
        'application': 'bool',
        'o': 'str',
        'output': 'str',
    },
    'status-set': {'application': 'bool'},
    'storage-add': {},
    'storage-get': {'format': 'str', 's': 'str', 'o': 'str', 'output': 'str'},
    'storage-list': {'format': 'str', 'o': 'str', 'output': 'str'},
    'pod-spec-set': {'file': 'str', 'k8s-resources': 'str'},
    'add-metric': {'labels': 'str', 'l': 'str'},
}

ALIASES = {
    'o': 'output',
    'l': 'log-level',
    'a': 'all',
    'r': 'relation',
    's': 'storage',
    'u': 'unit',
}
# `add-metric -l` means labels, not log level.
TOOL_ALIASES = {'add-metric': {'l': 'labels'}}

TRUE_WORDS = ('1', 't', 'T', 'TRUE', 'true', 'True')
FALSE_WORDS = ('0', 'f', 'F', 'FALSE', 'false', 'False')


def parse_argv(tool: str, args: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Split ``args`` into flags and positional arguments the way Juju's gnuflag does."""
    spec = FLAGS[tool]
    flags: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == '--':
            positional.extend(args[i:])
            break
        if not arg.startswith('-') or arg == '-':
            positional.append(arg)
            continue
        name = arg.lstrip('-')
        value: str | None = None
        if '=' in name:
            name, value = name.split('=', 1)
        kind = spec.get(name)
        if kind is None:
            raise usage_error(f'flag provided but not defined: {arg.split("=", 1)[0]}')
        canonical = TOOL_ALIASES.get(tool, {}).get(name) or ALIASES.get(name, name)
        if canonical == 'output':
            canonical = 'output-file'
        if kind == 'bool':
            if value is None:
                flags[canonical] = True
            elif value in TRUE_WORDS:
                flags[canonical] = True
            elif value in FALSE_WORDS:
                flags[canonical] = False
            else:
                raise usage_error(f'invalid boolean value {value!r} for flag {arg}')
            continue
        if value is None:
            if i >= len(args):
                raise usage_error(f'flag needs an argument: {arg}')
            value = args[i]
            i += 1
        flags[canonical] = value
    fmt = flags.get('format')
    if fmt is not None and fmt not in ('json', 'yaml', 'smart'):
        raise usage_error(f'invalid value "{fmt}" for flag --format: unknown format "{fmt}"')
    return flags, positional


# --------------------------------------------------------------------------------------------
# output


def to_yaml(value: Any, indent: int = 0) -> str:
    """A small YAML emitter for the plain data the tools print with --format=yaml/smart."""
    pad = ' ' * indent
    if isinstance(value, dict):
        if not value:
            return pad + '{}\n'
        out = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f'{pad}{k}:\n{to_yaml(v, indent + 2)}')
            else:
                out.append(f'{pad}{k}: {to_yaml(v).strip()}\n')
        return ''.join(out)
    if isinstance(value, list):
        if not value:
            return pad + '[]\n'
        return ''.join(f'{pad}- {to_yaml(v, indent + 2).strip()}\n' for v in value)
    if value is None:
        return pad + 'null\n'
    if isinstance(value, bool):
        return pad + ('true' if value else 'false') + '\n'
    if isinstance(value, (int, float)):
        return f'{pad}{value}\n'
    return pad + json.dumps(value, ensure_ascii=False) + '\n'


def emit(flags: dict[str, Any], value: Any) -> str:
    """Render ``value`` the way Juju does for the requested --format (default: smart)."""
    fmt = flags.get('format', 'smart')
    if fmt == 'json':
        return json.dumps(value, ensure_ascii=False) + '\n'
    if fmt == 'yaml':
        return to_yaml(value)
    # smart: strings raw, lists one per line, booleans as True/False, maps as YAML
    if value is None:
        return ''
    if isinstance(value, str):
        return value + '\n'
    if isinstance(value, bool):
        return ('True' if value else 'False') + '\n'
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ''.join(v + '\n' for v in value)
    if isinstance(value, (int, float)):
        return f'{value}\n'
    return to_yaml(value)


# --------------------------------------------------------------------------------------------
# helpers over the state


def unit_name(state: dict[str, Any]) -> str:
    return str(state.get('unit') or os.environ.get('JUJU_UNIT_NAME') or 'app/0')


def app_name(state: dict[str, Any]) -> str:
    return unit_name(state).split('/')[0]


def juju_major(state: dict[str, Any]) -> int:
    version = str(state.get('juju_version') or os.environ.get('JUJU_VERSION') or '3.6.4')
    try:
        return int(version.split('.')[0])
    except ValueError:
        return 3


def require_action(state: dict[str, Any]) -> dict[str, Any]:
    action = state.get('action')
    if not isinstance(action, dict):
        raise ToolError('not running an action')
    return action


def require_leader(state: dict[str, Any], message: str = 'this unit is not the leader') -> None:
    if not state.get('leader'):
        raise ToolError(message)


def find_relation(state: dict[str, Any], ref: str | None, flag: str = '-r') -> dict[str, Any]:
    """Resolve a relation reference (``3`` or ``db:3``; the hook's relation if None)."""
    if ref is None:
        ref = os.environ.get('JUJU_RELATION_ID') or None
        if ref is None:
            raise usage_error('no relation id specified')
    id_text = ref.split(':')[-1]
    endpoint = ref.split(':')[0] if ':' in ref else None
    try:
        rel_id = int(id_text)
    except ValueError:
        raise usage_error(
            f'invalid value "{ref}" for option {flag}: invalid relation id'
        ) from None
    for rel in state.get('relations', []):
        if rel['id'] == rel_id and (endpoint is None or rel['endpoint'] == endpoint):
            if rel.get('broken'):
                break
            found: dict[str, Any] = rel
            return found
    raise usage_error(f'invalid value "{ref}" for option {flag}: relation not found')


def is_peer(state: dict[str, Any], rel: dict[str, Any]) -> bool:
    return bool(rel.get('peer')) or rel.get('remote_app') == app_name(state)


def bare_secret_id(ref: str) -> str:
    ref = ref.strip()
    if ref.startswith('secret:'):
        ref = ref[len('secret:') :]
    return ref.rstrip('/').split('/')[-1]


def find_secret(
    state: dict[str, Any], ref: str | None, label: str | None
) -> dict[str, Any] | None:
    secrets: list[dict[str, Any]] = state.setdefault('secrets', [])
    if ref is not None:
        bare = bare_secret_id(ref)
        for sec in secrets:
            if sec['id'] == bare:
                return sec
        return None
    for sec in secrets:
        if label is not None and label in (sec.get('label'), sec.get('consumer_label')):
            return sec
    return None


def secret_not_found(ref: str | None, label: str | None) -> ToolError:
    return ToolError(f'secret "{ref if ref is not None else label}" not found')


def is_owner(state: dict[str, Any], sec: dict[str, Any]) -> bool:
    return sec.get('owner') in ('application', 'unit')


def require_secret_manage(state: dict[str, Any], sec: dict[str, Any]) -> None:
    if not is_owner(state, sec):
        raise ToolError('permission denied')
    if sec.get('owner') == 'application' and not state.get('leader'):
        raise ToolError('this unit is not the leader')


def new_secret_id(state: dict[str, Any]) -> str:
    counter = int(state.get('secret_counter', 0)) + 1
    state['secret_counter'] = counter
    seed = int(time.time() * 1000) * 1000 + counter
    chars = []
    for _ in range(20):
        chars.append(XID_ALPHABET[seed % 32])
        seed //= 32
        if seed == 0:
            seed = counter * 7919 + len(chars)
    return 'c' + ''.join(reversed(chars))[1:]


def read_content_args(args: list[str], file_flag: str | None) -> dict[str, str]:
    """Secret content from ``key=value``, ``key#base64=value`` and ``key#file=path`` args."""
    import base64

    content: dict[str, str] = {}
    if file_flag is not None:
        text = read_stdin() if file_flag == '-' else open(file_flag, encoding='utf-8').read()
        data = load_mapping(text)
        content.update({str(k): str(v) for k, v in data.items()})
    for arg in args:
        if '=' not in arg:
            raise usage_error(f'expected key=value format, got {arg!r}')
        key, value = arg.split('=', 1)
        if key.endswith('#file'):
            key = key[: -len('#file')]
            try:
                with open(value, encoding='utf-8') as f:
                    value = f.read()
            except OSError as e:
                raise ToolError(
                    f'cannot read secret content file {value!r}: {e.strerror}'
                ) from None
        elif key.endswith('#base64'):
            key = key[: -len('#base64')]
            value = base64.b64decode(value).decode('utf-8')
        if not valid_secret_key(key):
            raise ToolError(f'invalid key "{key}"')
        content[key] = value
    return content


def valid_secret_key(key: str) -> bool:
    """Juju's rule: ``^([a-z](?:-?[a-z0-9]){2,})$``."""
    if not key or not 'a' <= key[0] <= 'z' or key.endswith('-') or '--' in key:
        return False
    if not all(c.isdigit() and c.isascii() or 'a' <= c <= 'z' or c == '-' for c in key):
        return False
    return sum(1 for c in key if c != '-') >= 3


_STDIN_CACHE: list[str] = []


def read_stdin() -> str:
    if not _STDIN_CACHE:
        _STDIN_CACHE.append(sys.stdin.read())
    return _STDIN_CACHE[0]


def load_mapping(text: str) -> dict[str, Any]:
    """Parse a JSON or (simple) YAML mapping, as Juju's YAML reader would."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = load_yaml(text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ToolError('expected a YAML map of settings')
    return data


def load_yaml(text: str) -> Any:
    path = os.environ.get('FAKE_JUJU_YAML_PATH')
    if path and path not in sys.path:
        sys.path.append(path)
    try:
        import yaml
    except ImportError:
        return load_literal_blocks(text)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ToolError(f'cannot parse YAML: {e}') from None


def load_literal_blocks(text: str) -> dict[str, str]:
    """Fallback parser for ``"key": |`` documents with indented literal blocks."""
    out: dict[str, str] = {}
    key: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line and not line.startswith(' '):
            if key is not None:
                out[key] = '\n'.join(lines) + '\n'
            head, _, rest = line.partition(':')
            key = head.strip().strip('"\'')
            lines = []
            if rest.strip() not in ('|', '|-', '|+', ''):
                out[key] = rest.strip().strip('"\'')
                key = None
        elif key is not None:
            lines.append(line[2:])
    if key is not None:
        out[key] = '\n'.join(lines) + '\n'
    return out


def set_status(state: dict[str, Any], which: str, status: str, message: str) -> None:
    entry = {'status': status, 'message': message, 'status-data': {}}
    state[which] = entry
    history = state.setdefault('status_history', [])
    history.append({'target': which.split('_')[0], 'status': status, 'message': message})


def status_entry(state: dict[str, Any], which: str) -> dict[str, Any]:
    cur = state.get(which) or {}
    return {
        'message': cur.get('message', ''),
        'status': cur.get('status', 'unknown'),
        'status-data': cur.get('status-data', {}),
    }


def port_text(entry: dict[str, Any]) -> str:
    proto = entry['protocol']
    if proto == 'icmp':
        return 'icmp'
    if entry.get('to_port') not in (None, entry['port']):
        return f'{entry["port"]}-{entry["to_port"]}/{proto}'
    return f'{entry["port"]}/{proto}'


def parse_port_arg(arg: str) -> dict[str, Any]:
    if arg == 'icmp':
        return {'protocol': 'icmp', 'port': None, 'to_port': None}
    ports, _, proto = arg.partition('/')
    proto = proto or 'tcp'
    if proto not in ('tcp', 'udp'):
        raise ToolError(f'invalid protocol "{proto}", expected "tcp", "udp", or "icmp"')
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
    return {'protocol': proto, 'port': start, 'to_port': end}


def flatten_into(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split('.')
    node = target
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def valid_action_key(key: str) -> bool:
    if not key or not (key[0].isdigit() or 'a' <= key[0] <= 'z'):
        return False
    if not (key[-1].isdigit() or 'a' <= key[-1] <= 'z'):
        return False
    return all(c.isdigit() or 'a' <= c <= 'z' or c == '-' for c in key)


def one_positional(positional: list[str], what: str, required: bool = True) -> str | None:
    if len(positional) > 1:
        raise usage_error(f'unrecognized args: {json.dumps(positional[1:])}')
    if not positional:
        if required:
            raise usage_error(f'no {what} specified')
        return None
    return positional[0]
