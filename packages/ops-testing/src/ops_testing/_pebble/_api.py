"""The one request handler of the simulated Pebble: Pebble's API routes over a PebbleModel.

It takes a request as plain data (method, path, query, body) and answers Pebble's response
envelope as a dict, raising :class:`ops_pebble.APIError` for an error answer. Two faces
serve it: the in-process transport (:mod:`._inprocess`, what ``Context`` and ``Harness``
give their containers' clients) passes the client's dicts straight in, and the HTTP test
server (:mod:`._handler`) decodes HTTP and JSON into it. What only HTTP has (multipart file
transfers, exec websockets, newline-delimited logs, injected faults) stays in the HTTP face;
each face calls the same model operations for it.
"""

from __future__ import annotations

import http
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, cast

from ops_hookcmds.sister import record
from ops_pebble import Layer, LayerDict, PathError
from ops_pebble.sister import layer_to_dict, load_yaml_mapping, parse_duration, parse_timestamp

from ._errors import api_error
from ._model import PebbleModel


@record
class Request:
    """One API request as plain data.

    Attributes:
        method: ``'GET'`` or ``'POST'`` (anything else is answered 405 or 404).
        path: The URL path, such as ``'/v1/services'``.
        query: Each query parameter's values, as ``urllib.parse.parse_qs`` gives them.
        body: Returns the body's JSON object (called only by routes that read a body);
            raises :class:`ops_pebble.APIError` 400 if it is not one.
        peer_uid: The UID of the calling process, when known (recorded on notices).
        objects: Whether the caller passes and takes objects as they are (in-process): a
            layer may then be a dict or :class:`ops_pebble.Layer`, and the plan is
            answered as a :class:`ops_pebble.Plan`.
    """

    method: str
    path: str
    query: Mapping[str, list[str]]
    body: Callable[[], dict[str, Any]]
    peer_uid: int | None = None
    objects: bool = False

    def q(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def q_list(self, name: str) -> list[str]:
        """Every value of query parameter ``name``, comma-separated values split."""
        out: list[str] = []
        for value in self.query.get(name, []):
            out.extend(v for v in value.split(',') if v)
        return out


#: Routes without arguments, resolved once for every handler (most requests are to these).
_ROUTES: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {}

#: Areas only the HTTP face serves (exec websockets): known here for the 405 answer.
_HTTP_ONLY = ('exec', 'tasks')


_PHRASES = {status.value: status.phrase for status in http.HTTPStatus}


def sync(result: Any, code: int = 200) -> dict[str, Any]:
    """A synchronous answer's envelope."""
    if code == 200 and result is not None:
        return {'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': result}
    envelope: dict[str, Any] = {
        'type': 'sync',
        'status-code': code,
        'status': _PHRASES[code],
    }
    if result is not None:
        envelope['result'] = result
    return envelope


def async_(change_id: str, result: Any = None) -> dict[str, Any]:
    """An asynchronous answer's envelope (a change was started)."""
    envelope: dict[str, Any] = {
        'type': 'async',
        'status-code': 202,
        'status': 'Accepted',
        'change': change_id,
    }
    if result is not None:
        envelope['result'] = result
    return envelope


def file_error(path: str, e: PathError) -> dict[str, Any]:
    """One path's failed result in a files answer."""
    return {'path': path, 'error': {'kind': e.kind, 'message': e.message}}


class PebbleAPI:
    """Answers Pebble API requests from a :class:`PebbleModel`.

    Args:
        model: The simulated Pebble.
        boot_id: What ``/v1/system-info`` reports as the boot id.
        change_delay: Seconds before a service change completes (0: it is done when the
            answer is sent, as the unit-test front-ends want).
        wait_endpoint: Serve ``/v1/changes/{id}/wait``; False answers 404 as old Pebble did.
        ops39_errors: Where ops 3.9's testing Pebble (which charms' unit tests were written
            against) answered differently from the daemon, answer as it did: layer YAML is
            read as :class:`ops_pebble.Layer` reads it (no check of sections or reserved
            names), a file's owner is recorded as given (no look-up of users and groups on
            this host), a file mode outside 0o000..0o777 is refused as out of range, and a
            signal for no service is a ``TypeError``, and started or stopped checks are
            listed in the order asked. ``Context`` and ``Harness`` turn it
            on; the HTTP test server leaves it off.
    """

    def __init__(
        self,
        model: PebbleModel,
        *,
        boot_id: str = '',
        change_delay: float = 0.0,
        wait_endpoint: bool = True,
        ops39_errors: bool = False,
    ):
        self.model = model
        self.boot_id = boot_id
        self.change_delay = change_delay
        self.wait_endpoint = wait_endpoint
        self.ops39_errors = ops39_errors

    def route(self, method: str, path: str) -> tuple[Callable[..., dict[str, Any]], list[str]]:
        """The route method for a request and the path's arguments.

        Raises:
            APIError: 404 for an unknown endpoint, 405 for a method it does not allow.
        """
        parts = path.strip('/').split('/')
        if len(parts) < 2 or parts[0] != 'v1':
            raise api_error(404, 'invalid API endpoint requested')
        area = parts[1].replace('-', '_')
        handler: Callable[..., dict[str, Any]] | None = getattr(
            self, f'_{method.lower()}_{area}', None
        )
        if handler is None:
            served = area in _HTTP_ONLY or getattr(self, f'_get_{area}', None)
            if served or getattr(self, f'_post_{area}', None):
                raise api_error(405, f'method "{method}" not allowed')
            raise api_error(404, 'invalid API endpoint requested')
        return handler, parts[2:]

    def handle(self, request: Request) -> dict[str, Any]:
        """Answer one request with its response envelope.

        Raises:
            APIError: the error answer, with Pebble's status and message.
        """
        route = _ROUTES.get((request.method, request.path))
        if route is not None:
            return route(self, request)
        handler, args = self.route(request.method, request.path)
        if not args:
            _ROUTES[request.method, request.path] = getattr(type(self), handler.__name__)
        return handler(request, *args)

    # -- system -----------------------------------------------------------------------------

    def _get_system_info(self, req: Request) -> dict[str, Any]:
        return sync({'boot-id': self.boot_id, 'version': self.model.version})

    def _get_health(self, req: Request) -> dict[str, Any]:
        return sync({'healthy': True})

    # -- changes ----------------------------------------------------------------------------

    def _get_changes(
        self, req: Request, change_id: str | None = None, sub: str | None = None
    ) -> dict[str, Any]:
        model = self.model
        if change_id is None:
            return sync(
                model.list_changes(req.q('select', 'in-progress') or 'in-progress', req.q('for'))
            )
        if sub == 'wait' and not self.wait_endpoint:
            raise api_error(404, 'not found')
        if sub == 'wait':
            timeout_text = req.q('timeout')
            timeout = parse_duration(timeout_text) if timeout_text else None
            deadline = None if timeout is None else time.monotonic() + timeout
            with model.changed:
                while True:
                    change = model.get_change(change_id)
                    if change['ready']:
                        break
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise api_error(504, 'timed out waiting for change')
                    model.changed.wait(remaining if remaining is not None else 1.0)
            return sync(change)
        if sub is not None:
            raise api_error(404, 'not found')
        return sync(model.get_change(change_id))

    def _post_changes(self, req: Request, change_id: str) -> dict[str, Any]:
        body = req.body()
        if body.get('action') != 'abort':
            raise api_error(400, f'invalid action "{body.get("action")}"')
        return sync(self.model.abort_change(change_id))

    # -- services ---------------------------------------------------------------------------

    def _get_services(self, req: Request) -> dict[str, Any]:
        infos = self.model.service_infos(req.q_list('names') or None)
        if req.objects:
            return sync(infos)
        result = []
        for info in infos:
            startup = getattr(info.startup, 'value', info.startup)
            current = getattr(info.current, 'value', info.current)
            result.append({'name': info.name, 'startup': startup, 'current': current})
        return sync(result)

    def _post_services(self, req: Request) -> dict[str, Any]:
        body = req.body()
        action = body.get('action', '')
        names = list(body.get('services') or [])
        delay = self.change_delay
        change_id = self.model.service_change(action, names, ready=delay <= 0)
        if delay > 0:
            timer = threading.Timer(delay, self.model.finish_change, args=(change_id,))
            timer.daemon = True
            timer.start()
        if req.objects:
            # In-process, the change comes with the answer: the client need not ask for it.
            return async_(change_id, self.model.get_change(change_id))
        return async_(change_id)

    def _post_signals(self, req: Request) -> dict[str, Any]:
        body = req.body()
        names = list(body.get('services') or [])
        if not names and self.ops39_errors:
            raise TypeError('send_signal expected at least 1 service name, got 0')
        if not names:
            raise api_error(400, 'must specify one or more services')
        self.model.send_signal(body.get('signal', ''), names)
        return sync(True)

    # -- layers and plan --------------------------------------------------------------------

    def _get_plan(self, req: Request) -> dict[str, Any]:
        if req.q('format') != 'yaml':
            raise api_error(400, f'invalid format "{req.q("format")}"')
        return sync(self.model.plan() if req.objects else self.model.plan_yaml())

    def _post_layers(self, req: Request) -> dict[str, Any]:
        body = req.body()
        if body.get('action') != 'add':
            raise api_error(400, f'invalid action "{body.get("action")}"')
        if body.get('format') != 'yaml':
            raise api_error(400, f'invalid format "{body.get("format")}"')
        label = body.get('label') or ''
        if not label:
            raise api_error(400, 'label must be set')
        layer: Any = body.get('layer') or ''
        if not self.ops39_errors:
            if isinstance(layer, str):
                layer = parse_layer(label, layer)
            elif req.objects and isinstance(layer, (dict, Layer)):
                layer = check_layer(label, layer_to_dict(layer))
            else:
                raise api_error(400, 'cannot parse layer YAML: the layer must be YAML text')
        elif not (isinstance(layer, (str, Layer)) or (req.objects and isinstance(layer, dict))):
            raise api_error(400, 'cannot parse layer YAML: the layer must be YAML text')
        self.model.add_layer(label, layer, combine=bool(body.get('combine')))
        return sync(True)

    # -- files (reading and writing content is each face's: multipart or in-process) ---------

    def _get_files(self, req: Request) -> dict[str, Any]:
        action = req.q('action')
        if action != 'list':
            raise api_error(400, f'invalid action "{action}"')
        return sync(
            self.list_files(req.q('path') or '', req.q('pattern'), req.q('itself') == 'true')
        )

    def list_files(self, path: str, pattern: str | None, itself: bool) -> list[dict[str, Any]]:
        """The ``action=list`` result for ``path``.

        Raises:
            APIError: 400 for a relative path; 404, 403 or 400 for what the file system
                refuses, with Pebble's error kind.
        """
        if not path.startswith('/') and not self.ops39_errors:
            raise api_error(400, f'path must be absolute, got {go_quote(path)}')
        try:
            infos = self.model.fs.list(path, pattern=pattern, itself=itself)
        except PathError as e:
            code = {'not-found': 404, 'permission-denied': 403}.get(e.kind, 400)
            raise api_error(code, e.message, e.kind) from None
        if self.ops39_errors:
            return infos
        # Pebble shows an owner without a name as an empty name.
        return [{'user': '', 'group': '', **info} for info in infos]

    def _post_files(self, req: Request) -> dict[str, Any]:
        body = req.body()
        fs = self.model.fs
        action = body.get('action')
        results: list[dict[str, Any]] = []
        if action == 'make-dirs':
            for item in body.get('dirs') or []:
                path = item.get('path', '')
                try:
                    # In Pebble's order: the path, the mode, the owner.
                    check_absolute(path)
                    permissions = self._permissions(item)
                    fs.make_dir(
                        path,
                        make_parents=bool(item.get('make-parents')),
                        permissions=permissions,
                        owner=self._owner(item),
                    )
                    results.append({'path': path})
                except PathError as e:
                    results.append(file_error(path, e))
        elif action == 'remove':
            for item in body.get('paths') or []:
                path = item.get('path', '')
                try:
                    check_absolute(path)
                    fs.remove(path, recursive=bool(item.get('recursive')))
                    results.append({'path': path})
                except PathError as e:
                    results.append(file_error(path, e))
        else:
            raise api_error(400, f'invalid action "{action}"')
        return sync(results)

    def _permissions(self, item: Mapping[str, Any]) -> int | None:
        if self.ops39_errors:
            text = item.get('permissions') or ''
            try:
                value = int(text, 8) if text else None
            except ValueError:
                value = None
            if value is not None and not 0 <= value <= 0o777:
                raise PathError(
                    'generic-file-error', f'permissions not within 0o000 to 0o777: {oct(value)}'
                )
        return parse_permissions(item)

    def _owner(self, item: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.ops39_errors:
            fields = {k: item[k] for k in ('user-id', 'user', 'group-id', 'group') if k in item}
            return fields or None
        return resolve_owner(item)

    def write_file(
        self, item: Mapping[str, Any], path: str, chunks: Any, whole: bytes | None = None
    ) -> dict[str, Any]:
        """Write one file of a write request; return its per-path result.

        ``chunks`` (an iterable of bytes-like pieces) is consumed even when the write fails;
        ``whole`` is the entire content when the caller holds it (see ``FileSystem.write``).
        """
        fs = self.model.fs
        if self.ops39_errors:
            try:
                fs.write(
                    path,
                    chunks,
                    make_dirs=bool(item.get('make-dirs')),
                    permissions=self._permissions(item),
                    owner=self._owner(item),
                    in_memory=whole,
                )
                return {'path': path}
            except PathError as e:
                return file_error(path, e)
        try:
            # In Pebble's order: the path, the owner, the parents, the mode.
            check_absolute(path)
            owner = resolve_owner(item)
            if item.get('make-dirs'):
                fs.make_parents(path, owner)
            fs.write(path, chunks, permissions=self._permissions(item), owner=owner)
            return {'path': path}
        except PathError as e:
            for _ in chunks:
                pass
            return file_error(path, e)

    # -- checks -----------------------------------------------------------------------------

    def _get_checks(self, req: Request) -> dict[str, Any]:
        return sync(self.model.check_infos(req.q('level'), req.q_list('names') or None))

    def _post_checks(self, req: Request, sub: str | None = None) -> dict[str, Any]:
        model = self.model
        body = req.body()
        if sub == 'refresh':
            name = body.get('name', '')
            infos = model.check_infos(names=[name])
            if not infos:
                raise api_error(404, f'cannot find check "{name}"')
            return sync({'info': infos[0], 'error': ''})
        changed = model.change_checks(body.get('action', ''), list(body.get('checks') or []))
        # Pebble answers in name order; ops 3.9's testing Pebble in the order asked.
        return sync({'changed': changed if self.ops39_errors else sorted(changed)})

    # -- notices ----------------------------------------------------------------------------

    def _get_notices(self, req: Request, notice_id: str | None = None) -> dict[str, Any]:
        model = self.model
        if notice_id is not None:
            return sync(model.get_notice(notice_id))
        after_text = req.q('after')
        after = parse_timestamp(after_text) if after_text else None
        user_id = req.q('user-id')
        filters: dict[str, Any] = {
            'types': req.q_list('types') or None,
            'keys': req.q_list('keys') or None,
            'user_id': int(user_id) if user_id else None,
            'all_users': req.q('users') == 'all',
            'after': after,
        }
        timeout_text = req.q('timeout')
        notices = model.list_notices(**filters)
        if not notices and timeout_text:
            deadline = time.monotonic() + parse_duration(timeout_text)
            with model.changed:
                while not notices:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    model.changed.wait(remaining)
                    notices = model.list_notices(**filters)
        return sync(notices)

    def _post_notices(self, req: Request) -> dict[str, Any]:
        body = req.body()
        if body.get('action') != 'add':
            raise api_error(400, 'invalid action (must be "add")')
        check_notice_request(body.get('type', ''), body.get('key', ''), body.get('data'))
        repeat = body.get('repeat-after')
        notice_id, _ = self.model.add_notice(
            body['type'],
            body['key'],
            data=body.get('data'),
            repeat_after=parse_duration(repeat) if repeat else None,
            user_id=req.peer_uid,
        )
        return sync({'id': notice_id})

    # -- identities, logs -------------------------------------------------------------------

    def _get_identities(self, req: Request) -> dict[str, Any]:
        return sync(self.model.public_identities())

    def _post_identities(self, req: Request) -> dict[str, Any]:
        body = req.body()
        self.model.update_identities(body.get('action', ''), body.get('identities') or {})
        return sync(None)

    def _get_logs(self, req: Request) -> dict[str, Any]:
        return sync(self.logs(req))

    def logs(self, req: Request) -> list[dict[str, Any]]:
        """The log entries ``GET /v1/logs`` asks for."""
        n = int(req.q('n', '30') or 30)
        return self.model.get_logs(req.q_list('services') or None, n)


def parse_layer(label: str, text: str) -> dict[str, Any]:
    """A layer's YAML as Pebble parses it, refused with Pebble's messages.

    Raises:
        APIError: 400 ``cannot parse layer YAML: ...`` for a reserved label, invalid YAML,
            an unknown section, a section of the wrong shape or a reserved service name.
    """
    if label.startswith('pebble-'):
        raise api_error(400, _LAYER_ERROR + 'cannot use reserved label prefix "pebble-"')
    try:
        raw = load_yaml_mapping(text, 'layer')
    except Exception as e:
        raise api_error(400, f'{_LAYER_ERROR}cannot parse layer "{label}": yaml: {e}') from None
    return check_layer(label, raw)


_LAYER_ERROR = 'cannot parse layer YAML: '


def check_layer(label: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Refuse a layer (as a dict) as Pebble does, with Pebble's messages; return it.

    Raises:
        APIError: 400 ``cannot parse layer YAML: ...`` for a reserved label, an unknown
            section, a section of the wrong shape or a reserved service name.
    """
    prefix = _LAYER_ERROR
    if label.startswith('pebble-'):
        raise api_error(400, prefix + 'cannot use reserved label prefix "pebble-"')
    for section, value in raw.items():
        if section not in ('summary', 'description', 'services', 'checks', 'log-targets'):
            raise api_error(
                400, f'{prefix}cannot parse layer "{label}": unknown section "{section}"'
            )
        if section not in ('summary', 'description') and not isinstance(value, dict | None):
            raise api_error(
                400,
                f'{prefix}cannot parse layer "{label}" section "{section}": yaml: unmarshal '
                f'errors: cannot unmarshal {type(value).__name__} into a mapping',
            )
    if 'pebble' in (raw.get('services') or {}):
        raise api_error(400, prefix + 'cannot use reserved service name "pebble"')
    try:
        Layer(cast('LayerDict', raw))  # refuses a layer that is not shaped like one
    except Exception as e:
        raise api_error(400, f'{prefix}cannot parse layer "{label}": {e}') from None
    return raw


def go_quote(text: str) -> str:
    """``text`` quoted as Go's ``%q`` quotes it (Pebble's messages use it)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def parse_permissions(item: Mapping[str, Any]) -> int | None:
    """An item's ``permissions`` as Pebble parses it: exactly three octal digits.

    Raises:
        PathError: ``generic-file-error`` with Pebble's message otherwise.
    """
    text = item.get('permissions') or ''
    if not text:
        return None
    if len(text) != 3 or text.strip('01234567'):  # something left: not an octal digit
        raise PathError(
            'generic-file-error',
            f'permissions must be a 3-digit octal string, got {go_quote(text)}',
        )
    return int(text, 8)


def check_absolute(path: str) -> None:
    """Refuse a relative path as Pebble does.

    Raises:
        PathError: ``generic-file-error`` for a relative path.
    """
    if not path.startswith('/'):
        raise PathError('generic-file-error', f'paths must be absolute, got {go_quote(path)}')


def resolve_owner(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The owner an item asks for, resolved as Pebble resolves it (ids, primary group).

    Raises:
        PathError: ``generic-file-error`` for an unknown user or group, or one that does
            not match the id given.
    """
    from ._owners import normalize_uid_gid

    try:
        uid, gid = normalize_uid_gid(
            item.get('user-id'), item.get('group-id'), item.get('user'), item.get('group')
        )
    except ValueError as e:
        raise PathError('generic-file-error', f'cannot look up user and group: {e}') from None
    if uid is None or gid is None:
        return None
    return {'user-id': uid, 'group-id': gid}


def check_notice_request(notice_type: str, key: str, data: Mapping[str, Any] | None) -> None:
    """Validate a notice as Pebble does when one is recorded.

    Raises:
        APIError: 400 for a type other than custom, a malformed or too long key, or too
            much data.
    """
    import json
    import re

    if notice_type != 'custom':
        raise api_error(400, f'invalid type "{notice_type}" (can only add "custom" notices)')
    if not re.fullmatch(
        r'[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+(/[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*)+',
        key,
    ):
        raise api_error(400, f'invalid key "{key}" (must be in "example.com/path" format)')
    if len(key.encode()) > 256:
        raise api_error(400, 'key must be 256 bytes or less')
    if data is not None and len(json.dumps(data).encode()) > 4096:
        raise api_error(400, 'total size of data must be 4096 bytes or less')
