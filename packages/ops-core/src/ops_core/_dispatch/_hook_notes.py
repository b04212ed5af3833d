"""How a hook command call is described: exception notes and tracing spans.

Notes (Python 3.11+): when a hook command fails, ops 3.9 adds a note such as ``Hook
command 'secret-get' (label='db', refresh=False, peek=False) failed during the
'update-status' hook.`` so that the traceback says what was run. :func:`add_hook_notes` wraps a backend's hook-command
methods to add the same notes: the hook-tool backend of a deployed charm, and the State
backend of ``ops.testing`` (which raises the same errors without running a command).
Secret content, relation data and action results are never shown.

Spans: when a tracer is installed (:mod:`ops_core.tracing_hook`), each run of a hook command
by the hook-tool backend is one span named after it (``relation-get``, ``secret-set``, ...)
with the arguments that ops 3.9 records (:data:`SPANS`); never secret content, relation
data, action results, log messages or metric values. :func:`add_hook_notes_and_spans` puts
both in one wrapper, so an untraced call only checks that no tracer is installed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import ops_core.tracing_hook as tracing_hook

from .._model._errors import ModelError

__all__ = ['SPANS', 'add_hook_notes', 'add_hook_notes_and_spans']

_PREFIX = 'Hook command '

#: backend method -> (hook command, ((name shown, backend parameter), ...)).
_COMMANDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    'relation_ids': ('relation-ids', (('endpoint', 'relation_name'),)),
    'relation_list': (
        'relation-list',
        (('relation_id', 'relation_id'), ('endpoint', 'relation_name')),
    ),
    'relation_get': (
        'relation-get',
        (
            ('relation_id', 'relation_id'),
            ('unit', 'member_name'),
            ('app', 'is_app'),
            ('endpoint', 'relation_name'),
        ),
    ),
    'relation_set': (
        'relation-set',
        (('relation_id', 'relation_id'), ('app', 'is_app'), ('endpoint', 'relation_name')),
    ),
    'relation_model_get': (
        'relation-model-get',
        (('relation_id', 'relation_id'), ('endpoint', 'relation_name')),
    ),
    'config_get': ('config-get', ()),
    'is_leader': ('is-leader', ()),
    'status_get': ('status-get', (('app', 'is_app'),)),
    'status_set': (
        'status-set',
        (('status', 'status'), ('message', 'message'), ('app', 'is_app')),
    ),
    'application_version_set': ('application-version-set', (('version', 'version'),)),
    'storage_list': ('storage-list', (('name', 'name'),)),
    'storage_get': (
        'storage-get',
        (('storage_name_id', 'storage_name_id'), ('attribute', 'attribute')),
    ),
    'storage_add': ('storage-add', (('name', 'name'), ('count', 'count'))),
    'action_get': ('action-get', ()),
    'action_set': ('action-set', ()),
    'action_log': ('action-log', ()),
    'action_fail': ('action-fail', ()),
    'network_get': (
        'network-get',
        (('binding_name', 'binding_name'), ('relation_id', 'relation_id')),
    ),
    'resource_get': ('resource-get', (('resource_name', 'name'),)),
    'opened_ports': ('opened-ports', ()),
    'open_port': ('open-port', (('protocol', 'protocol'), ('port', 'port'))),
    'close_port': ('close-port', (('protocol', 'protocol'), ('port', 'port'))),
    'secret_get': (
        'secret-get',
        (('id', 'id'), ('label', 'label'), ('refresh', 'refresh'), ('peek', 'peek')),
    ),
    'secret_info_get': ('secret-info-get', (('id', 'id'), ('label', 'label'))),
    'secret_set': (
        'secret-set',
        (
            ('id', 'id'),
            ('label', 'label'),
            ('description', 'description'),
            ('expire', 'expire'),
            ('rotate', 'rotate'),
        ),
    ),
    'secret_add': (
        'secret-add',
        (
            ('label', 'label'),
            ('description', 'description'),
            ('expire', 'expire'),
            ('rotate', 'rotate'),
            ('owner', 'owner'),
        ),
    ),
    'secret_grant': (
        'secret-grant',
        (('id', 'id'), ('relation_id', 'relation_id'), ('unit', 'unit')),
    ),
    'secret_revoke': (
        'secret-revoke',
        (('id', 'id'), ('relation_id', 'relation_id'), ('unit', 'unit')),
    ),
    'secret_remove': ('secret-remove', (('id', 'id'), ('revision', 'revision'))),
    'secret_ids': ('secret-ids', ()),
    'planned_units': ('goal-state', ()),
    'credential_get': ('credential-get', ()),
}


#: Spans record the arguments ops 3.9's spans record: those of the notes, except for the
#: methods below (a different name or argument list, or no note at all). A parameter
#: ``'=True'`` records that fixed value, ``'name?'`` records the argument only if not None.
_SPANS_DIFFERING: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    'relation_ids': ('relation-ids', (('relation_name', 'relation_name'),)),
    'relation_remote_app_name': (
        'relation-list',
        (('relation_id', 'relation_id'), ('endpoint', 'relation_name'), ('app', '=True')),
    ),
    'relation_get': (
        'relation-get',
        (
            ('relation_id', 'relation_id'),
            ('endpoint', 'relation_name'),
            ('unit', 'member_name'),
            ('app', 'is_app'),
        ),
    ),
    'relation_set': (
        'relation-set',
        (('relation_id', 'relation_id'), ('endpoint', 'relation_name'), ('app', 'is_app')),
    ),
    'application_version_set': ('app-version-set', (('version', 'version'),)),
    'storage_get': ('storage-get', (('name', 'storage_name_id'), ('attribute', 'attribute'))),
    'action_fail': ('action-fail', (('message', 'message'),)),
    'pod_spec_set': ('pod-spec-set', ()),
    'secret_info_get': ('secret-info-get', (('id', 'id?'), ('label', 'label?'))),
    'reboot': ('juju-reboot', ()),
    'add_metrics': ('add-metric', ()),
}


#: backend method -> (span name, ((name recorded, backend parameter), ...)).
SPANS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {**_COMMANDS, **_SPANS_DIFFERING}


def _recorded(
    method: Callable[..., Any],
    shown: tuple[tuple[str, str], ...],
    call: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> list[tuple[str, object]]:
    import inspect  # only when tracing: not on an untraced hook's start-up path

    try:
        arguments = inspect.signature(method).bind(*call, **kwargs).arguments
    except TypeError:
        arguments = {}
    recorded: list[tuple[str, object]] = []
    for name, param in shown:
        if param.startswith('='):  # a fixed value: relation-list --app
            recorded.append((name, param == '=True'))
        elif param.endswith('?'):  # recorded only when given: secret-info-get
            if arguments.get(param[:-1]) is not None:
                recorded.append((name, arguments[param[:-1]]))
        else:
            recorded.append((name, arguments.get(param)))
    return recorded


def span(
    tracer: tracing_hook.Tracer,
    entry: tuple[str, tuple[tuple[str, str], ...]],
    method: Callable[..., Any],
    call: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> AbstractContextManager[None]:
    """The span around one call of backend ``method`` (an entry of :data:`SPANS`)."""
    command, shown = entry
    return tracer.hook_command(command, _recorded(method, shown, call, kwargs))


def tracing(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a backend method listed in :data:`SPANS`: a span when tracing is on."""
    entry = SPANS[method.__name__]

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        tracer = tracing_hook.hook
        if tracer is None:
            return method(self, *args, **kwargs)
        with span(tracer, entry, method, (self, *args), kwargs):
            return method(self, *args, **kwargs)

    return wrapper


def _note(
    exc: ModelError,
    where: str,
    command: str,
    shown: tuple[tuple[str, str], ...],
    method: Callable[..., Any],
    call: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    add_note = getattr(exc, 'add_note', None)
    if add_note is None:  # Python 3.10
        return
    if any(str(n).startswith(_PREFIX) for n in getattr(exc, '__notes__', ())):
        return  # a nested backend call already said which command failed
    import inspect  # only once something has failed: not on the hook's start-up path

    try:
        arguments = inspect.signature(method).bind(*call, **kwargs).arguments
    except TypeError:
        arguments = {}
    values = [(name, arguments.get(param)) for name, param in shown]
    if command == 'secret-info-get' and arguments.get('id') is not None:
        values = [('id', arguments['id'])]  # a secret with an id is looked up by id alone
    text = ', '.join(f'{name}={value!r}' for name, value in values if value is not None)
    detail = f' ({text})' if text else ''
    add_note(f'{_PREFIX}{command!r}{detail} failed during {where}.')


def _noting(
    method: Callable[..., Any], command: str, shown: tuple[tuple[str, str], ...]
) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except ModelError as exc:
            _note(exc, self._hook_description(), command, shown, method, (self, *args), kwargs)
            raise

    return wrapper


def _noting_and_tracing(
    method: Callable[..., Any], command: str, shown: tuple[tuple[str, str], ...]
) -> Callable[..., Any]:
    # One wrapper for both, so that an untraced call costs no frame more than a noted one.
    entry = SPANS[method.__name__]

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            tracer = tracing_hook.hook
            if tracer is None:
                return method(self, *args, **kwargs)
            with span(tracer, entry, method, (self, *args), kwargs):
                return method(self, *args, **kwargs)
        except ModelError as exc:
            _note(exc, self._hook_description(), command, shown, method, (self, *args), kwargs)
            raise

    return wrapper


def add_hook_notes(cls: type) -> type:
    """Class decorator: every hook-command method of ``cls`` notes its command on failure.

    ``cls`` must have a ``_hook_description()`` method giving ``"the 'install' hook"`` or
    ``"the 'backup' action"``.
    """
    for name, (command, shown) in _COMMANDS.items():
        method = cls.__dict__.get(name)
        if method is not None:
            setattr(cls, name, _noting(method, command, shown))
    return cls


def add_hook_notes_and_spans(cls: type) -> type:
    """Class decorator: as :func:`add_hook_notes`, and each hook command is a tracing span.

    For the backend that runs Juju's hook tools: when a tracer is installed
    (:mod:`ops_core.tracing_hook`), each hook-command method runs inside a span named after
    its command (see :data:`SPANS`).
    """
    for name in SPANS:
        method = cls.__dict__.get(name)
        if method is None:
            continue
        if name in _COMMANDS:
            command, shown = _COMMANDS[name]
            setattr(cls, name, _noting_and_tracing(method, command, shown))
        else:
            setattr(cls, name, tracing(method))
    return cls
