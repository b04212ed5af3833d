"""One hook-tool call as the fake Juju handles it, and what the tools share.

A tool is a function of a :class:`ToolCall`: the simulated Juju and its one backend
(``ops_testing._engine``), the flags and arguments as parsed, the ``JUJU_*`` environment of
the process that ran the tool, and its stdin. It returns what the tool prints, or raises
:class:`~tests.helpers.fakejuju.argv.ToolError` for what Juju would print as an error.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ops_core.model import ModelError
from ops_testing._engine.backend import JujuBackend
from ops_testing._engine.juju import SimulatedJuju
from ops_testing._state._relations import RelationBase

from .argv import ToolError, usage_error

__all__ = [
    'ToolCall',
    'format_time',
    'juju_errors',
    'load_mapping',
    'one_positional',
    'parse_time',
    'read_content_args',
    'read_settings',
]


@dataclasses.dataclass
class ToolCall:
    """Everything one run of a hook tool sees.

    Attributes:
        juju: the simulated Juju.
        backend: the one backend over it (the charm's model's, too).
        flags: the parsed flags, by their long names.
        args: the positional arguments.
        env: the tool process's ``JUJU_*`` variables.
        stdin: what the tool read from stdin (only for tools that read it).
        goal_state: an answer for ``goal-state`` a test gave in place of the derived one.
    """

    juju: SimulatedJuju
    backend: JujuBackend
    flags: dict[str, Any]
    args: list[str]
    env: Mapping[str, str]
    stdin: str | None
    goal_state: dict[str, Any] | None = None

    def relation(self, ref: str | None, flag: str = '-r') -> RelationBase:
        """The relation a ``-r`` value names (``3`` or ``db:3``; the hook's own if None).

        Raises:
            ToolError: a usage error, as Juju's, when there is no such relation.
        """
        if ref is None:
            ref = self.env.get('JUJU_RELATION_ID') or None
            if ref is None:
                raise usage_error('no relation id specified')
        endpoint, _, id_text = ref.rpartition(':')
        try:
            relation_id = int(id_text)
        except ValueError:
            raise usage_error(
                f'invalid value "{ref}" for option {flag}: invalid relation id'
            ) from None
        relation = self.juju.relations.get(relation_id)
        if relation is None or (endpoint and relation.endpoint != endpoint):
            raise usage_error(f'invalid value "{ref}" for option {flag}: relation not found')
        return relation

    def action_required(self) -> None:
        """Juju's error when no action is running."""
        if self.juju.action is None:
            raise ToolError('not running an action')


@contextmanager
def juju_errors(*, code: int = 1) -> Iterator[None]:
    """Report the backend's ``ModelError`` as the tool's ``ERROR ...`` output."""
    try:
        yield
    except ModelError as exc:
        text = str(exc.args[0]) if exc.args else 'failed'
        raise ToolError(text.removeprefix('ERROR '), code) from None


def one_positional(args: list[str], what: str, required: bool = True) -> str | None:
    """The one positional argument, as Juju's tools check for it."""
    if len(args) > 1:
        raise usage_error(f'unrecognized args: {json.dumps(args[1:])}')
    if not args:
        if required:
            raise usage_error(f'no {what} specified')
        return None
    return args[0]


def load_mapping(text: str) -> dict[str, Any]:
    """A JSON or YAML mapping (what ``--file`` gives ``relation-set``, ``state-set``, ...).

    Raises:
        ToolError: not a mapping, or not YAML.
    """
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ToolError(f'cannot parse YAML: {exc}') from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ToolError('expected a YAML map of settings')
    return data


def read_settings(call: ToolCall) -> dict[str, Any]:
    """Settings for relation-set and state-set: ``--file`` (``-``: stdin), then key=value args.

    Raises:
        ToolError: an argument without ``=``, or a file that is not a mapping.
    """
    updates: dict[str, Any] = {}
    if 'file' in call.flags:
        source = call.flags['file']
        if source == '-':
            text = call.stdin or ''
        else:
            with open(source, encoding='utf-8') as f:
                text = f.read()
        updates.update(load_mapping(text))
    for arg in call.args:
        if '=' not in arg:
            raise usage_error(f'expected "key=value", got "{arg}"')
        key, value = arg.split('=', 1)
        updates[key] = value
    return updates


def _valid_secret_key(key: str) -> bool:
    """Juju's rule: ``^([a-z](?:-?[a-z0-9]){2,})$``."""
    if not key or not 'a' <= key[0] <= 'z' or key.endswith('-') or '--' in key:
        return False
    if not all(c.isdigit() and c.isascii() or 'a' <= c <= 'z' or c == '-' for c in key):
        return False
    return sum(1 for c in key if c != '-') >= 3


def read_content_args(
    args: list[str], file_flag: str | None, read_stdin: Callable[[], str]
) -> dict[str, str]:
    """Secret content from ``key=value``, ``key#base64=value`` and ``key#file=path`` args.

    Raises:
        ToolError: a malformed argument, an unreadable file or an invalid key.
    """
    content: dict[str, str] = {}
    if file_flag is not None:
        if file_flag == '-':
            text = read_stdin()
        else:
            with open(file_flag, encoding='utf-8') as f:
                text = f.read()
        content.update({str(k): str(v) for k, v in load_mapping(text).items()})
    for arg in args:
        if '=' not in arg:
            raise usage_error(f'expected key=value format, got {arg!r}')
        key, value = arg.split('=', 1)
        if key.endswith('#file'):
            key = key[: -len('#file')]
            try:
                with open(value, encoding='utf-8') as f:
                    value = f.read()
            except OSError as exc:
                raise ToolError(
                    f'cannot read secret content file {value!r}: {exc.strerror}'
                ) from None
        elif key.endswith('#base64'):
            key = key[: -len('#base64')]
            value = base64.b64decode(value).decode('utf-8')
        if not _valid_secret_key(key):
            raise ToolError(f'invalid key "{key}"')
        content[key] = value
    return content


_UNITS = {'s': 1, 'm': 60, 'h': 3600}


def parse_time(text: str, flag: str) -> datetime.datetime:
    """An ``--expire`` value: a duration from now (``24h``, ``30m``) or an RFC 3339 time.

    Raises:
        ToolError: neither.
    """
    if text and text[-1] in _UNITS and text[:-1].isdigit():
        seconds = int(text[:-1]) * _UNITS[text[-1]]
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    try:
        return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        raise usage_error(f'invalid value "{text}" for flag {flag}') from None


def format_time(value: datetime.datetime, juju_major: int) -> str:
    """An RFC 3339 time as Juju prints it (Juju 4 prints nanoseconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    text = value.astimezone(datetime.timezone.utc).isoformat().replace('+00:00', 'Z')
    if juju_major >= 4 and '.' not in text:
        text = text[:-1] + '.123456789Z'
    return text
