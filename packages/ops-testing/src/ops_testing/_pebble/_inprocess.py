"""The in-process transport: an :class:`ops_pebble.Client` answered by the simulated Pebble.

It hands the client's requests to the one request handler (:class:`._api.PebbleAPI`) as
the plain data they are: no JSON, no HTTP, no socket. File content moves as bytes, and
``exec`` runs the model's exec handlers (:mod:`._exec_sim`) instead of opening websockets::

    model = PebbleModel(root, name='app')
    client = ops_pebble.Client('', transport=InProcessTransport(PebbleAPI(model)))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

import ops_pebble
from ops_pebble.transport import ExecOptions

from ._api import PebbleAPI, Request, check_absolute, sync
from ._errors import api_error
from ._exec_sim import exec_request, run_exec

if TYPE_CHECKING:
    from ops_pebble import Client, ExecProcess

_CHUNK = 1 << 20


_NO_QUERY: dict[str, list[str]] = {}


def _query_lists(query: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """The query as the HTTP face would decode it: each value a list of strings."""
    if not query:
        return _NO_QUERY
    out: dict[str, list[str]] = {}
    for name, value in query.items():
        if isinstance(value, str):
            out[name] = [value]
        else:
            values = value if isinstance(value, (list, tuple)) else [value]
            out[name] = [str(v) for v in values]
    return out


def in_process_request(
    method: str,
    path: str,
    query: Mapping[str, Any] | None,
    body: dict[str, Any] | None,
    peer_uid: int | None,
) -> Request:
    """A client's request as the handler takes it, its objects passed as they are."""
    lists = _query_lists(query) if query else _NO_QUERY
    return Request(method, path, lists, lambda: _object_body(body), peer_uid, True)


def _object_body(body: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise api_error(400, 'cannot decode request body: expected a JSON object')
    return body


def _content(source: Any, encoding: str) -> Iterator[bytes | bytearray | memoryview]:
    """The pieces of a push's content (str encoded, a stream read a megabyte at a time)."""
    if isinstance(source, str):
        yield source.encode(encoding)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        yield memoryview(source).cast('B')
    else:
        while True:
            piece = source.read(_CHUNK)
            if not piece:
                return
            yield piece.encode(encoding) if isinstance(piece, str) else piece


class InProcessTransport:
    """Carries a client's calls to a :class:`PebbleAPI` in the same process.

    Args:
        api: The request handler over the simulated Pebble.
        peer_uid: The UID that notices the client records are recorded for (the real
            daemon records the caller's; ``None``, the default, records them for no user,
            as ops 3.9's testing Pebble does).

    Every call first checks ``api.model.can_connect``; when it is off, the call raises
    :class:`ops_pebble.ConnectionError` with ``api.model.connect_error_message``.
    """

    passes_objects = True
    """The client's objects reach the handler as they are (see ``Transport.passes_objects``)."""

    def __init__(self, api: PebbleAPI, *, peer_uid: int | None = None):
        self.api = api
        self.peer_uid = peer_uid
        self.timeout = 5.0

    def _check_connection(self, method: str = '', path: str = '') -> None:
        model = self.api.model
        if not model.can_connect:
            raise ops_pebble.ConnectionError(model.connect_error_message)

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Answer one API request (see :meth:`ops_pebble.transport.Transport.request`)."""
        self._check_connection(method, path)
        return self.api.handle(in_process_request(method, path, query, body, self.peer_uid))

    def read_file(self, path: str) -> IO[bytes]:
        """Open one file of the simulated container for reading.

        Raises:
            PathError: as Pebble reports it (missing, a directory, a relative path...).
        """
        self._check_connection('GET', '/v1/files')
        if not self.api.ops39_errors:
            check_absolute(path)
        return self.api.model.fs.open_for_read(path)

    def write_file(
        self, request: dict[str, Any], path: str, source: Any, encoding: str
    ) -> dict[str, Any]:
        """Write one file of the simulated container; return the per-path results."""
        self._check_connection('POST', '/v1/files')
        items = {item['path']: item for item in request.get('files') or []}
        whole: bytes | None = None
        if isinstance(source, (bytes, bytearray)):
            whole = bytes(source)
        elif isinstance(source, str):
            try:
                whole = source.encode(encoding)
            except UnicodeError:
                whole = None  # raised by the streaming path, after the path checks
        chunks = _content(source, encoding)
        return sync([self.api.write_file(items.get(path, {}), path, chunks, whole)])

    def start_exec(
        self, client: Client, body: dict[str, Any], options: ExecOptions
    ) -> ExecProcess[Any]:
        """Run a command on the model's exec handlers (see :mod:`._exec_sim`)."""
        self._check_connection('POST', '/v1/exec')
        request = exec_request(
            self.api.model,
            options.command,
            service_context=body.get('service-context'),
            environment=body.get('environment'),
            working_dir=body.get('working-dir'),
            timeout=options.timeout,
            user_id=body.get('user-id'),
            user=body.get('user'),
            group_id=body.get('group-id'),
            group=body.get('group'),
        )
        return run_exec(self.api.model, request, options)

    def read_logs(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the simulated services' log entries."""
        self._check_connection('GET', '/v1/logs')
        return self.api.logs(Request('GET', '/v1/logs', _query_lists(query), dict))

    def close(self) -> None:
        """Nothing to release: no connection is held."""


def in_process_client(
    api: PebbleAPI, *, socket_path: str = '', peer_uid: int | None = None
) -> ops_pebble.Client:
    """An :class:`ops_pebble.Client` answered in-process by ``api`` (see
    :class:`InProcessTransport` for ``peer_uid``)."""
    return ops_pebble.Client(socket_path, transport=InProcessTransport(api, peer_uid=peer_uid))


__all__ = ['InProcessTransport', 'in_process_client']
