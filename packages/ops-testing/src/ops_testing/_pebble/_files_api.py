"""The multipart ``/v1/files`` routes of the HTTP test server: read and write, over the
served model's file system, as the real Pebble answers them (listing, making directories
and removing are the request handler's, :mod:`._api`)."""

from __future__ import annotations

import binascii
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ops_pebble import APIError, PathError
from ops_pebble.sister import (
    iter_multipart,
    multipart_boundary,
    multipart_head,
    multipart_tail,
    parse_header_params,
    quote_param,
)

from ._api import check_absolute
from ._errors import api_error

if TYPE_CHECKING:
    from ._handler import Handler

_CHUNK = 1 << 20


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
            check_absolute(path)
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


def write_files(h: Handler, content_type: str) -> None:
    try:
        boundary = multipart_boundary(content_type)
    except Exception as e:
        raise api_error(400, f'invalid multipart request: {e}') from None
    if len(boundary) < 32:
        raise api_error(400, 'invalid boundary: must be at least 32 characters')
    api = h.server.pebble.api
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
                results.append(api.write_file(item, path, chunks))
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
