"""How the fake hook tools read their command line and print their answers, as Juju's do.

Juju's tools parse flags gnuflag-style: flags may come before or after positional
arguments, as ``--flag=value`` or ``--flag value``, and ``--`` ends the flags. Answers are
printed in the requested ``--format``: ``json``, ``yaml``, or ``smart`` (the default:
strings raw, lists one per line, booleans as ``True``/``False``, maps as YAML).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ['FLAGS', 'ToolError', 'emit', 'parse_argv', 'usage_error']


class ToolError(Exception):
    """A failure reported the way Juju does: ``ERROR <message>`` on stderr, and an exit code.

    Args:
        message: the text after ``ERROR``.
        code: the exit code (2 for a usage error, as Juju's command-line parser uses).
    """

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def usage_error(message: str) -> ToolError:
    """A usage error (exit code 2)."""
    return ToolError(message, 2)


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
