"""Spans around the Pebble calls a :class:`~ops.Container` makes.

:class:`TracedPebbleClient` stands in front of a container's client for the container's
own methods: each client method call is a span ``pebble <method>`` with the attribute
``pebble.socket_path`` and the arguments worth recording (as ops 3.9's client records
them). File contents, command arguments beyond the executable, environments and identity
details are never recorded: ``push`` records the path and ownership, ``exec`` the
executable only.
"""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

__all__ = ['TracedPebbleClient', 'pebble_attributes']

#: Client method -> the parameters recorded on its span (all others are not).
_RECORDED: dict[str, tuple[str, ...]] = {
    'get_warnings': ('select',),
    'get_changes': ('select', 'service'),
    'get_change': ('change_id',),
    'abort_change': ('change_id',),
    'wait_change': ('change_id', 'timeout'),
    'start_services': ('services',),
    'stop_services': ('services',),
    'restart_services': ('services',),
    'get_services': ('names',),
    'add_layer': ('label', 'combine'),
    'pull': ('path',),
    'push': ('path', 'make_dirs', 'permissions', 'user_id', 'user', 'group_id', 'group'),
    'list_files': ('path', 'pattern', 'itself'),
    'make_dir': ('path', 'make_parents', 'permissions', 'user_id', 'user', 'group_id', 'group'),
    'remove_path': ('path', 'recursive'),
    'exec': ('command',),
    'send_signal': ('sig', 'services'),
    'get_checks': ('level', 'names'),
    'start_checks': ('checks',),
    'stop_checks': ('checks',),
    'notify': ('type', 'key', 'repeat_after'),
    'get_notice': ('id',),
    'get_notices': ('users', 'user_id', 'types', 'keys'),
}

#: Recorded under another name (as ops 3.9 does).
_RENAMED = {'sig': 'signal', 'command': 'executable'}


def _attribute(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return [str(_attribute(item)) for item in value]
    return str(value)


@functools.lru_cache(maxsize=256)
def _signature(method: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(method)
    except (TypeError, ValueError):
        return None


def pebble_attributes(
    method_name: str, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The span attributes recorded for a call of client method ``method_name``."""
    recorded = _RECORDED.get(method_name, ())
    if not recorded:
        return {}
    function = getattr(method, '__func__', None)  # a bound method: bind ``self`` too
    signature = _signature(function if function is not None else method)
    if signature is None:
        return {}
    try:
        if function is not None:
            bound = signature.bind_partial(None, *args, **kwargs)
        else:
            bound = signature.bind_partial(*args, **kwargs)
    except TypeError:
        return {}
    attributes: dict[str, Any] = {}
    for name in recorded:
        value = bound.arguments.get(name)
        if value is None:
            continue
        if name == 'command':
            value = value[0] if value else ''
        attributes[_RENAMED.get(name, name)] = _attribute(value)
    return attributes


class TracedPebbleClient:
    """Calls the methods of ``client`` inside a span each (other attributes pass through).

    Args:
        client: the container's Pebble client.
        tracer: the OpenTelemetry tracer to start spans with.
    """

    def __init__(self, client: Any, tracer: Tracer):
        self._client = client
        self._tracer = tracer
        socket_path = getattr(client, 'socket_path', None)
        self._socket_path = socket_path if isinstance(socket_path, str) else ''

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if name.startswith('_') or not callable(value):
            return value
        tracer = self._tracer
        socket_path = self._socket_path

        @functools.wraps(value)
        def traced(*args: Any, **kwargs: Any) -> Any:
            attributes = {'pebble.socket_path': socket_path}
            attributes.update(pebble_attributes(name, value, args, kwargs))
            with tracer.start_as_current_span(f'pebble {name}', attributes=attributes):
                return value(*args, **kwargs)

        return traced

    def __repr__(self) -> str:
        return f'<traced {self._client!r}>'
