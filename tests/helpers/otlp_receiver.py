"""A real OTLP/HTTP trace receiver on localhost for tests, decoding what it gets.

Each request to ``/v1/traces`` is decoded with opentelemetry-proto into an
``ExportTraceServiceRequest`` (OTLP/JSON, with its hex ids, or protobuf), exactly as a
collector would; a body that does not decode is answered ``400`` and recorded as such.
The receiver can serve HTTPS with a given certificate, answer slowly or with an error.

Usage::

    with OtlpReceiver() as receiver:
        ...  # send to receiver.url
        spans = receiver.spans()   # decoded Span messages, in arrival order
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

_ID_KEYS = frozenset({'traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id'})


def _hex_ids_to_base64(value: Any) -> Any:
    """OTLP/JSON writes ids as hex; protobuf's JSON mapping wants base64 for bytes."""
    if isinstance(value, dict):
        return {
            k: (
                base64.b64encode(bytes.fromhex(v)).decode()
                if k in _ID_KEYS and isinstance(v, str)
                else _hex_ids_to_base64(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_hex_ids_to_base64(v) for v in value]
    return value


def decode(body: bytes, content_type: str) -> ExportTraceServiceRequest:
    """Decode an OTLP/HTTP trace request body as a receiver does (strictly).

    Raises:
        ValueError: if the body is not a valid request in that content type.
    """
    request = ExportTraceServiceRequest()
    if content_type.startswith('application/x-protobuf'):
        request.ParseFromString(body)
        return request
    if not content_type.startswith('application/json'):
        raise ValueError(f'unsupported content type {content_type!r}')
    try:
        data = json.loads(body)
        json_format.ParseDict(_hex_ids_to_base64(data), request)
    except (json_format.ParseError, ValueError) as exc:
        raise ValueError(str(exc)) from exc
    return request


class OtlpReceiver:
    """An OTLP/HTTP receiver on 127.0.0.1 (a context manager: started on entry).

    Args:
        tls: if given, the server's TLS context (HTTPS).
        delay: seconds to wait before answering each request.
        status: the HTTP status to answer with (200 accepts the data).
        port: the port to listen on (0: any free one).
    """

    def __init__(
        self,
        *,
        tls: ssl.SSLContext | None = None,
        delay: float = 0.0,
        status: int = 200,
        port: int = 0,
    ):
        self.tls = tls
        self.port = port
        self.delay = delay
        self.status = status
        self.requests: list[ExportTraceServiceRequest] = []
        self.raw: list[bytes] = []
        self.rejected: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The traces URL (``http(s)://127.0.0.1:<port>/v1/traces``)."""
        return f'{self.base_url}/v1/traces'

    @property
    def base_url(self) -> str:
        """What a tracing provider publishes as the receiver's URL."""
        assert self._server is not None
        scheme = 'https' if self.tls else 'http'
        return f'{scheme}://127.0.0.1:{self._server.server_address[1]}'

    def __enter__(self) -> OtlpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get('Content-Length', '0'))
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                if self.path != '/v1/traces':
                    self._answer(404, b'not found')
                    return
                if receiver.status != 200:
                    self._answer(receiver.status, b'go away')
                    return
                try:
                    request = decode(body, self.headers.get('Content-Type', ''))
                except Exception as exc:
                    with receiver._lock:
                        receiver.rejected.append(str(exc))
                    self._answer(400, str(exc).encode())
                    return
                with receiver._lock:
                    receiver.requests.append(request)
                    receiver.raw.append(body)
                self._answer(200, json_format.MessageToJson(ExportTraceServiceResponse()).encode())

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(('127.0.0.1', self.port), Handler)
        server.daemon_threads = True
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def spans(self) -> list[Span]:
        """Every span received so far, in arrival order."""
        with self._lock:
            return [
                span
                for request in self.requests
                for resource_spans in request.resource_spans
                for scope_spans in resource_spans.scope_spans
                for span in scope_spans.spans
            ]

    def resource_attributes(self) -> list[dict[str, Any]]:
        """The resource attributes of each batch received."""
        with self._lock:
            return [
                attributes(resource_spans.resource.attributes)
                for request in self.requests
                for resource_spans in request.resource_spans
            ]


def attributes(pairs: Any) -> dict[str, Any]:
    """Decoded OTLP ``KeyValue`` list as a plain dict."""
    return {pair.key: value(pair.value) for pair in pairs}


def value(any_value: Any) -> Any:
    """A decoded OTLP ``AnyValue`` as a Python value."""
    kind = any_value.WhichOneof('value')
    if kind == 'array_value':
        return [value(v) for v in any_value.array_value.values]
    if kind == 'kvlist_value':
        return attributes(any_value.kvlist_value.values)
    return getattr(any_value, kind) if kind else None
