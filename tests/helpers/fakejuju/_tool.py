"""A stateful fake of Juju's hook tools, for tests (standard library only).

One script answers to every hook-tool name: it is installed under each name (as symlinks) in
a bin directory, looks at the name it was invoked as, parses argv the way Juju's tools do
(gnuflag style: flags may come before or after positional arguments, ``--flag=value`` or
``--flag value``, ``--`` ends the flags), and reads and writes a JSON state file named by the
``FAKE_JUJU_STATE`` environment variable. Every call is appended as one JSON line
``{"tool": ..., "argv": [...], "stdin": ...}`` to the file named by ``FAKE_JUJU_LOG``.

Faults can be injected per tool through the state (see ``_inject_faults``).
"""

from __future__ import annotations

import fcntl
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn


class _JsonContext:
    """What the C scanner in ``_json`` reads from its context (``json.decoder`` costs ~10 ms)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float
    memo: dict[str, str] = {}


class json:  # a tiny stand-in for the json module, fast to import
    """Minimal JSON load/dump over the C accelerator, falling back to the real module."""

    _scan: Any = None

    @staticmethod
    def loads(text: str) -> Any:
        try:
            import _json
        except ImportError:
            import json as real

            return real.loads(text)
        if json._scan is None:
            json._scan = _json.make_scanner(_JsonContext())  # type: ignore[arg-type]
        ws = ' \t\n\r'
        start = len(text) - len(text.lstrip(ws))
        try:
            value, end = json._scan(text, start)
        except StopIteration:
            raise ValueError('not JSON') from None
        if text[end:].strip(ws):
            raise ValueError('extra data after JSON value')
        return value

    @staticmethod
    def load(f: Any) -> Any:
        return json.loads(f.read())

    @staticmethod
    def dumps(value: Any, ensure_ascii: bool = False, indent: int | None = None) -> str:
        return ''.join(_dump(value))

    @staticmethod
    def dump(value: Any, f: Any, ensure_ascii: bool = False, indent: int | None = None) -> None:
        f.write(json.dumps(value))


def _quote(text: str) -> str:
    try:
        import _json

        return str(_json.encode_basestring(text))
    except ImportError:
        import json as real

        return real.dumps(text, ensure_ascii=False)


def _dump(value: Any) -> Any:
    if value is None:
        yield 'null'
    elif value is True:
        yield 'true'
    elif value is False:
        yield 'false'
    elif isinstance(value, str):
        yield _quote(value)
    elif isinstance(value, (int, float)):
        yield repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, dict):
        yield '{'
        for i, (k, v) in enumerate(value.items()):
            if i:
                yield ', '
            yield _quote(str(k))
            yield ': '
            yield from _dump(v)
        yield '}'
    elif isinstance(value, (list, tuple)):
        yield '['
        for i, v in enumerate(value):
            if i:
                yield ', '
            yield from _dump(v)
        yield ']'
    else:
        raise TypeError(f'cannot encode {type(value).__name__} as JSON')


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


# --------------------------------------------------------------------------------------------
# the tools: each takes (state, flags, positional) and returns the text for stdout


def one_positional(positional: list[str], what: str, required: bool = True) -> str | None:
    if len(positional) > 1:
        raise usage_error(f'unrecognized args: {json.dumps(positional[1:])}')
    if not positional:
        if required:
            raise usage_error(f'no {what} specified')
        return None
    return positional[0]


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


def t_relation_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    if len(pos) > 2:
        raise usage_error(f'unrecognized args: {json.dumps(pos[2:])}')
    key = pos[0] if pos else '-'
    app = bool(flags.get('app'))
    if len(pos) > 1:
        member = pos[1]
    elif app:
        member = os.environ.get('JUJU_REMOTE_APP') or rel.get('remote_app', '')
    else:
        member = os.environ.get('JUJU_REMOTE_UNIT') or ''
        if not member:
            raise usage_error('no unit id specified')
    me = unit_name(state)
    if app:
        if member == app_name(state):
            if not state.get('leader') and not is_peer(state, rel):
                raise ToolError('permission denied')
            data = rel.setdefault('local_app_data', {})
        elif member == rel.get('remote_app'):
            data = rel.setdefault('remote_app_data', {})
        else:
            raise ToolError(f'cannot read application settings: application "{member}" not found')
    elif member == me:
        data = rel.setdefault('local_unit_data', {})
    else:
        units = rel.setdefault('remote_units_data', {})
        if member not in units and member not in rel.get('remote_units', []):
            raise ToolError(
                f'cannot read settings for unit "{member}" in relation "{rel["endpoint"]}:{rel["id"]}": unit "{member}" not found'
            )
        data = units.setdefault(member, {})
    if key == '-':
        return emit(flags, data)
    return emit(flags, data.get(key))


def t_relation_ids(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    name = one_positional(pos, 'endpoint', required=False) or os.environ.get('JUJU_RELATION')
    if not name:
        raise usage_error('no endpoint name specified')
    ids = [
        f'{r["endpoint"]}:{r["id"]}'
        for r in state.get('relations', [])
        if r['endpoint'] == name and not r.get('broken')
    ]
    return emit(flags, ids)


def t_relation_list(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    if pos:
        raise usage_error(f'unrecognized args: {json.dumps(pos)}')
    if flags.get('app'):
        return emit(flags, rel.get('remote_app', ''))
    departing = os.environ.get('JUJU_DEPARTING_UNIT')
    return emit(flags, [u for u in rel.get('remote_units', []) if u != departing])


def t_relation_model_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    uuid = (
        rel.get('remote_model_uuid')
        or state.get('model_uuid')
        or os.environ.get('JUJU_MODEL_UUID', '')
    )
    return emit(flags, {'uuid': uuid})


def t_relation_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
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
    if flags.get('app'):
        if not state.get('leader'):
            raise ToolError('cannot write relation settings')
        data = rel.setdefault('local_app_data', {})
    else:
        data = rel.setdefault('local_unit_data', {})
    for k, v in updates.items():
        v = '' if v is None else str(v)
        if v == '':
            data.pop(k, None)
        else:
            data[str(k)] = v
    return ''


def t_resource_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    name = one_positional(pos, 'resource name')
    resources = state.get('resources', {})
    if name not in resources:
        raise ToolError(f'could not download resource: resource "{name}" not found')
    return str(resources[name]) + '\n'


def t_secret_add(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    owner = flags.get('owner', 'application')
    if owner not in ('application', 'unit'):
        raise usage_error(f'owner must be "application" or "unit", got "{owner}"')
    if owner == 'application':
        require_leader(state)
    content = read_content_args(pos, flags.get('file'))
    if not content:
        raise usage_error('missing secret value')
    label = flags.get('label')
    if label is not None and find_secret(state, None, label) is not None:
        raise ToolError(f'secret with label "{label}" already exists')
    rotate = flags.get('rotate')
    if rotate is not None and rotate not in (
        'never',
        'hourly',
        'daily',
        'weekly',
        'monthly',
        'quarterly',
        'yearly',
    ):
        raise usage_error(f'invalid rotate policy "{rotate}"')
    sid = new_secret_id(state)
    state.setdefault('secrets', []).append(
        {
            'id': sid,
            'owner': owner,
            'label': label or '',
            'description': flags.get('description', ''),
            'expire': flags.get('expire'),
            'rotate': rotate,
            'revisions': [{'revision': 1, 'content': content}],
            'grants': [],
        }
    )
    return f'secret:{sid}\n'


def _latest(sec: dict[str, Any]) -> dict[str, Any]:
    revisions: list[dict[str, Any]] = sec.get('revisions') or []
    if not revisions:
        raise ToolError(f'secret "{sec["id"]}" not found')
    return max(revisions, key=lambda r: int(r['revision']))


def t_secret_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI', required=False)
    label = flags.get('label')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    if flags.get('peek') and flags.get('refresh'):
        raise usage_error('specify one of --peek or --refresh but not both')
    sec = find_secret(state, ref, label)
    if sec is None:
        raise secret_not_found(ref, label)
    if is_owner(state, sec):
        if ref is not None and label is not None:
            sec['label'] = label
        return emit(flags, _latest(sec)['content'])
    if not sec.get('granted', True):
        raise ToolError('permission denied')
    if ref is not None and label is not None:
        sec['consumer_label'] = label
    latest = _latest(sec)
    if flags.get('peek'):
        return emit(flags, latest['content'])
    if flags.get('refresh') or sec.get('tracked') is None:
        sec['tracked'] = latest['revision']
    for rev in sec['revisions']:
        if rev['revision'] == sec['tracked']:
            return emit(flags, rev['content'])
    raise secret_not_found(ref, label)


def _relation_id_arg(state: dict[str, Any], flags: dict[str, Any], required: bool) -> int | None:
    ref = flags.get('relation')
    if ref is None:
        if required:
            raise usage_error('missing relation or application')
        return None
    return int(find_relation(state, ref, '--relation')['id'])


def t_secret_grant(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    rel_id = _relation_id_arg(state, flags, True)
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    sec.setdefault('grants', []).append({'relation': rel_id, 'unit': flags.get('unit')})
    return ''


def t_secret_revoke(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    rel_id = _relation_id_arg(state, flags, False)
    if rel_id is None and 'app' not in flags and 'unit' not in flags:
        raise usage_error('missing relation or application')
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    unit = flags.get('unit')
    sec['grants'] = [
        g
        for g in sec.get('grants', [])
        if not (
            (rel_id is None or g['relation'] == rel_id) and (unit is None or g.get('unit') == unit)
        )
    ]
    sec.setdefault('revocations', []).append(
        {'relation': rel_id, 'app': flags.get('app'), 'unit': unit}
    )
    return ''


def t_secret_ids(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    return emit(
        flags, [f'secret:{s["id"]}' for s in state.get('secrets', []) if is_owner(state, s)]
    )


def _timestamp(value: str | None, major: int) -> str | None:
    if not value:
        return None
    if major >= 4 and value.endswith('Z') and '.' not in value:
        return value[:-1] + '.123456789Z'
    return value


def t_secret_info_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI', required=False)
    label = flags.get('label')
    if ref is not None and label is not None:
        raise usage_error('specify either a secret URI or label but not both')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    sec = find_secret(state, ref, label)
    if sec is None or not is_owner(state, sec):
        raise secret_not_found(ref, label)
    major = juju_major(state)
    info: dict[str, Any] = {
        'revision': _latest(sec)['revision'],
        'label': sec.get('label') or '',
        'owner': sec['owner'],
    }
    if sec.get('description'):
        info['description'] = sec['description']
    if sec.get('rotate'):
        info['rotation'] = sec['rotate']
    for src, dst in (('expire', 'expiry'), ('rotates', 'rotates')):
        stamp = _timestamp(sec.get(src), major)
        if stamp:
            info[dst] = stamp
    return emit(flags, {sec['id']: info})


def t_secret_remove(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    if 'revision' in flags:
        try:
            revision = int(flags['revision'])
        except ValueError:
            raise usage_error(f'invalid value "{flags["revision"]}" for flag --revision') from None
        kept = [r for r in sec['revisions'] if r['revision'] != revision]
        if len(kept) == len(sec['revisions']):
            raise ToolError(f'secret revision {revision} for "{sec["id"]}" not found')
        sec['revisions'] = kept
        sec.setdefault('removed_revisions', []).append(revision)
        if kept:
            return ''
    state['secrets'] = [s for s in state['secrets'] if s is not sec]
    return ''


def t_secret_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('missing secret URI')
    ref = pos[0]
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    content = read_content_args(pos[1:], flags.get('file'))
    for flag, key in (
        ('label', 'label'),
        ('description', 'description'),
        ('expire', 'expire'),
        ('rotate', 'rotate'),
    ):
        if flag in flags:
            sec[key] = flags[flag]
    if content and content != _latest(sec)['content']:
        sec['revisions'].append({'revision': _latest(sec)['revision'] + 1, 'content': content})
    return ''


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


TOOLS = {name: globals()['t_' + name.replace('-', '_')] for name in FLAGS}


# --------------------------------------------------------------------------------------------
# main


def log_call(tool: str, args: list[str], stdin: str | None) -> None:
    path = os.environ.get('FAKE_JUJU_LOG')
    if not path:
        return
    line = json.dumps({'tool': tool, 'argv': [tool, *args], 'stdin': stdin}, ensure_ascii=False)
    with open(path, 'a', encoding='utf-8') as f:
        f.write(line + '\n')


def stdin_needed(tool: str, flags: dict[str, Any]) -> bool:
    return flags.get('file') == '-' or (tool == 'pod-spec-set' and 'file' not in flags)


def inject_faults(state: dict[str, Any], tool: str) -> None:
    """Apply faults configured in the state for this tool.

    (``state['hang'][tool]``, seconds to sleep first or ``true`` for an hour, is applied by
    ``main`` without holding the state lock.)
    ``state['fail'][tool]``: ``{"code": n, "stderr": text, "stdout": text, "times": k}``;
    exit with that code (``times`` limits how many calls fail).
    ``state['garbage'][tool]``: text printed instead of the real answer (exit 0).
    """
    fail = (state.get('fail') or {}).get(tool)
    if fail:
        times = fail.get('times')
        if times is None or times > 0:
            if times is not None:
                fail['times'] = times - 1
            raise Fault(
                int(fail.get('code', 1)),
                str(fail.get('stdout', '')),
                str(fail.get('stderr', f'ERROR {tool} failed')),
            )
    garbage = (state.get('garbage') or {}).get(tool)
    if garbage is not None:
        raise Fault(0, str(garbage), '')


class Fault(Exception):
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        super().__init__(code)
        self.code, self.stdout, self.stderr = code, stdout, stderr


def finish(code: int, stdout: str, stderr: str) -> NoReturn:
    if stdout:
        sys.stdout.write(stdout)
    if stderr:
        sys.stderr.write(stderr if stderr.endswith('\n') else stderr + '\n')
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def main() -> NoReturn:
    tool = os.path.basename(sys.argv[0])
    if tool.endswith('.py'):
        tool = os.environ.get('FAKE_JUJU_TOOL', tool)
    args = sys.argv[1:]
    if tool not in TOOLS:
        finish(1, '', f'ERROR unknown fake hook tool {tool!r}')
    state_path = os.environ.get('FAKE_JUJU_STATE')
    if not state_path:
        finish(1, '', 'ERROR FAKE_JUJU_STATE is not set')
    try:
        flags, positional = parse_argv(tool, args)
    except ToolError as e:
        log_call(tool, args, None)
        finish(e.code, '', f'ERROR {e.message}')
    stdin = read_stdin() if stdin_needed(tool, flags) else None
    with open(state_path, 'r+', encoding='utf-8') as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # one tool at a time: the log and state stay consistent
        log_call(tool, args, stdin)
        state = json.load(f)
        hang = (state.get('hang') or {}).get(tool)
        if hang:
            fcntl.flock(f, fcntl.LOCK_UN)  # don't block other tools while hanging
            time.sleep(3600 if hang is True else float(hang))
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            state = json.load(f)
        code, out, err = 0, '', ''
        try:
            inject_faults(state, tool)
            out = TOOLS[tool](state, flags, positional)
        except Fault as e:
            code, out, err = e.code, e.stdout, e.stderr
        except ToolError as e:
            code, err = e.code, f'ERROR {e.message}'
        state.setdefault('call_count', {})[tool] = state.get('call_count', {}).get(tool, 0) + 1
        f.seek(0)
        json.dump(state, f, ensure_ascii=False, indent=1)
        f.truncate()
    finish(code, out, err)


if __name__ == '__main__':
    main()
