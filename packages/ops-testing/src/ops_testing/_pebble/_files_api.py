"""The ``/v1/files`` routes of the test server: list, read (multipart), write (multipart),
make directories and remove, over the served model's file system, as the real Pebble
answers them."""

from __future__ import annotations

import binascii
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ops_pebble import APIError, PathError
from ops_pebble._files import (
    iter_multipart,
    multipart_boundary,
    multipart_head,
    multipart_tail,
    parse_header_params,
    quote_param,
)

from ._errors import api_error
from ._owners import normalize_uid_gid

if TYPE_CHECKING:
    from ._handler import Handler

_CHUNK = 1 << 20


def get_files(h: Handler) -> None:
    action = h._q('action')
    if action == 'list':
        h._list_files()  # a method, so that a test can stand a hostile listing in
    elif action == 'read':
        read_files(h)
    else:
        raise api_error(400, f'invalid action "{action}"')


def list_files(h: Handler) -> None:
    fs = h.server.pebble.model.fs
    path = h._q('path') or ''
    if not path.startswith('/'):
        raise api_error(400, f'path must be absolute, got {_go_quote(path)}')
    try:
        infos = fs.list(path, pattern=h._q('pattern'), itself=h._q('itself') == 'true')
    except PathError as e:
        code = {'not-found': 404, 'permission-denied': 403}.get(e.kind, 400)
        raise api_error(code, e.message, e.kind) from None
    # Pebble shows an owner without a name as an empty name.
    h._sync([{'user': '', 'group': '', **info} for info in infos])


def read_files(h: Handler) -> None:
    if 'multipart/form-data' not in (h.headers.get('Accept') or ''):
        raise api_error(400, 'must accept multipart/form-data')
    fs = h.server.pebble.model.fs
    paths = h.query.get('path', [])
    boundary = binascii.hexlify(os.urandom(16)).decode()
    h.send_response(200)
    if h.fault == 'wrong-content-type':
        h.send_header('Content-Type', 'text/plain')
    else:
        h.send_header('Content-Type', f'multipart/form-data; boundary={boundary}')
    h.send_header('Transfer-Encoding', 'chunked')
    h.end_headers()
    results: list[dict[str, Any]] = []
    first = True
    fault = h.fault
    for path in paths:
        try:
            _check_absolute(path)
            source = fs.open_for_read(path)
        except PathError as e:
            results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
            continue
        with source:
            chunk(
                h,
                multipart_head(
                    boundary,
                    [
                        (
                            'Content-Disposition',
                            f'form-data; name="files"; filename={quote_param(path)}',
                        ),
                        ('Content-Type', 'application/octet-stream'),
                    ],
                    first,
                ),
            )
            first = False
            if fault == 'truncated-multipart':
                chunk(h, source.read(1024))
                chunk(h, b'')
                return
            while True:
                data = source.read(_CHUNK)
                if not data:
                    break
                chunk(h, data)
        results.append({'path': path})
    if fault != 'multipart-without-response':
        envelope = {'type': 'sync', 'status-code': 200, 'status': 'OK', 'result': results}
        chunk(
            h,
            multipart_head(
                boundary,
                [
                    ('Content-Type', 'application/json'),
                    ('Content-Disposition', 'form-data; name="response"'),
                ],
                first,
            )
            + json.dumps(envelope).encode()
            + b'\n',
        )
    chunk(h, multipart_tail(boundary))
    chunk(h, b'')


def chunk(h: Handler, data: bytes) -> None:
    if data:
        # Three writes rather than one concatenation: no copy of a megabyte per chunk.
        h.wfile.write(b'%x\r\n' % len(data))
        h.wfile.write(data)
        h.wfile.write(b'\r\n')
    else:
        h.wfile.write(b'0\r\n\r\n')


def post_files(h: Handler) -> None:
    content_type = h.headers.get('Content-Type') or ''
    if content_type.startswith('multipart/'):
        write_files(h, content_type)
        return
    body = h._json_body()
    fs = h.server.pebble.model.fs
    action = body.get('action')
    results: list[dict[str, Any]] = []
    if action == 'make-dirs':
        for item in body.get('dirs') or []:
            path = item.get('path', '')
            try:
                # In Pebble's order: the path, the mode, the owner.
                _check_absolute(path)
                permissions = _permissions(item)
                fs.make_dir(
                    path,
                    make_parents=bool(item.get('make-parents')),
                    permissions=permissions,
                    owner=_owner(item, 'cannot look up user and group: '),
                )
                results.append({'path': path})
            except PathError as e:
                results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
    elif action == 'remove':
        for item in body.get('paths') or []:
            path = item.get('path', '')
            try:
                _check_absolute(path)
                fs.remove(path, recursive=bool(item.get('recursive')))
                results.append({'path': path})
            except PathError as e:
                results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
    else:
        raise api_error(400, f'invalid action "{action}"')
    h._sync(results)


def write_files(h: Handler, content_type: str) -> None:
    try:
        boundary = multipart_boundary(content_type)
    except Exception as e:
        raise api_error(400, f'invalid multipart request: {e}') from None
    if len(boundary) < 32:
        raise api_error(400, 'invalid boundary: must be at least 32 characters')
    fs = h.server.pebble.model.fs
    events: Iterator[tuple[str, Any]] = iter_multipart(h.body.read, boundary)
    items: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    seen_request = False
    try:
        for event, value in events:
            if event != 'headers':
                continue
            _, params = parse_header_params(value.get('content-disposition', ''))
            name = params.get('name')
            if name == 'request':
                data = b''.join(v for e, v in _until_end(events))
                request = json.loads(data)
                if request.get('action') != 'write':
                    raise api_error(400, f'invalid action "{request.get("action")}"')
                items = {f['path']: f for f in request.get('files') or []}
                seen_request = True
            elif name == 'files':
                if not seen_request:
                    raise api_error(400, 'no "request" field in multipart body')
                path = params.get('filename', '')
                item = items.get(path)
                if item is None:
                    raise api_error(400, f'no metadata for path "{path}"')
                chunks = (v for _, v in _until_end(events))
                try:
                    # In Pebble's order: the path, the owner, the parents, the mode.
                    _check_absolute(path)
                    owner = _owner(item, 'cannot look up user and group: ')
                    if item.get('make-dirs'):
                        fs.make_parents(path, owner)
                    fs.write(path, chunks, permissions=_permissions(item), owner=owner)
                    results.append({'path': path})
                except PathError as e:
                    for _ in chunks:
                        pass
                    results.append({'path': path, 'error': {'kind': e.kind, 'message': e.message}})
            else:
                raise api_error(400, f'unexpected multipart field "{name}"')
    except APIError:
        raise
    except Exception as e:
        h.close_connection = True
        raise api_error(400, f'cannot read multipart request: {e}') from None
    h.body.drain()
    h._sync(results)


def _until_end(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for event, value in events:
        if event == 'end':
            return
        yield event, value


def _go_quote(text: str) -> str:
    """``text`` quoted as Go's ``%q`` quotes it (Pebble's messages use it)."""
    return json.dumps(text, ensure_ascii=False)


def _permissions(item: dict[str, Any]) -> int | None:
    """An item's ``permissions`` as Pebble parses it: exactly three octal digits.

    Raises:
        PathError: ``generic-file-error`` with Pebble's message otherwise.
    """
    text = item.get('permissions') or ''
    if not text:
        return None
    if len(text) != 3 or any(c not in '01234567' for c in text):
        raise PathError(
            'generic-file-error',
            f'permissions must be a 3-digit octal string, got {_go_quote(text)}',
        )
    return int(text, 8)


def _check_absolute(path: str) -> None:
    if not path.startswith('/'):
        raise PathError('generic-file-error', f'paths must be absolute, got {_go_quote(path)}')


def _owner(item: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """The owner an item asks for, resolved as Pebble resolves it (ids, primary group).

    Raises:
        PathError: ``generic-file-error`` for an unknown user or group, or one that does
            not match the id given (the message starts with ``prefix``).
    """
    try:
        uid, gid = normalize_uid_gid(
            item.get('user-id'), item.get('group-id'), item.get('user'), item.get('group')
        )
    except ValueError as e:
        raise PathError('generic-file-error', f'{prefix}{e}') from None
    if uid is None or gid is None:
        return None
    return {'user-id': uid, 'group-id': gid}
