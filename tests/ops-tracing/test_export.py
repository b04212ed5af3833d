"""The buffer and the OTLP/HTTP sender against a real receiver on localhost.

These use ops_tracing's private modules on purpose: they test the pieces the public API
is built from (the dispatch tests cover the whole path).
"""

from __future__ import annotations

import logging
import os
import socket
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from ops_tracing import _otlp, _sender
from ops_tracing._buffer import (
    OBSERVED_PRIORITY,
    UNOBSERVED_PRIORITY,
    Buffer,
    Destination,
)

from tests.helpers.otlp_receiver import OtlpReceiver, attributes, decode

Pki = Any  # the conftest's Pki


def _spans(count: int = 3) -> list[ReadableSpan]:
    """Real SDK spans: a parent with children, events, links, attributes and a failure."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create({'juju_unit': 'app/0', 'service.name': 'app'}),
        shutdown_on_exit=False,
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer('ops', '3.9.0')
    with tracer.start_as_current_span('parent', kind=SpanKind.SERVER) as parent:
        parent.add_event('StartEvent', {'deferred': False, 'kind': 'start'})
        for i in range(count - 1):
            with tracer.start_as_current_span(
                f'child {i}',
                attributes={'n': i, 'ratio': 0.5, 'ok': True, 'kwargs': ['a=1', 'b=None']},
                links=[Link(parent.get_span_context(), {'why': 'test'})],
            ) as child:
                if i == 0:
                    child.set_status(Status(StatusCode.ERROR, 'it broke'))
    return list(exporter.get_finished_spans())


def test_spans_encode_to_a_request_a_receiver_decodes() -> None:
    spans = _spans()
    request = decode(_otlp.encode_spans(spans), _otlp.CONTENT_TYPE)
    (resource_spans,) = request.resource_spans
    assert attributes(resource_spans.resource.attributes)['juju_unit'] == 'app/0'
    (scope_spans,) = resource_spans.scope_spans
    assert (scope_spans.scope.name, scope_spans.scope.version) == ('ops', '3.9.0')
    decoded = {span.name: span for span in scope_spans.spans}
    originals = {span.name: span for span in spans}
    assert set(decoded) == set(originals)
    for name, span in decoded.items():
        original = originals[name]
        assert original.context is not None
        assert span.trace_id == original.context.trace_id.to_bytes(16, 'big')
        assert span.span_id == original.context.span_id.to_bytes(8, 'big')
        assert span.start_time_unix_nano == original.start_time
        assert span.end_time_unix_nano == original.end_time
    parent, child = decoded['parent'], decoded['child 0']
    assert parent.kind == 2  # SPAN_KIND_SERVER
    assert child.kind == 1  # SPAN_KIND_INTERNAL
    assert child.parent_span_id == parent.span_id
    assert attributes(child.attributes) == {
        'n': 0,
        'ratio': 0.5,
        'ok': True,
        'kwargs': ['a=1', 'b=None'],
    }
    assert (child.status.code, child.status.message) == (2, 'it broke')
    assert [(e.name, attributes(e.attributes)) for e in parent.events] == [
        ('StartEvent', {'deferred': False, 'kind': 'start'})
    ]
    assert child.links[0].span_id == parent.span_id
    assert attributes(child.links[0].attributes) == {'why': 'test'}


def _buffer_with(tmp_path: Path, count: int = 1) -> Buffer:
    buffer = Buffer(tmp_path / '.tracing-data.db')
    for _ in range(count):
        buffer.push(_otlp.encode_spans(_spans()), _otlp.CONTENT_TYPE, UNOBSERVED_PRIORITY)
    return buffer


def test_buffered_chunks_are_sent_and_then_forgotten(tmp_path: Path) -> None:
    buffer = _buffer_with(tmp_path, 3)
    with OtlpReceiver() as receiver:
        buffer.set_destination(Destination(receiver.url, None))
        assert _sender.send_buffered(buffer) == 3
    assert len(receiver.requests) == 3
    assert len(receiver.spans()) == 9
    assert buffer.chunk_count() == 0


def test_nothing_is_sent_without_a_destination(tmp_path: Path) -> None:
    buffer = _buffer_with(tmp_path)
    assert _sender.send_buffered(buffer) == 0
    assert buffer.chunk_count() == 1


def test_https_with_the_right_ca(tmp_path: Path, pki: Pki) -> None:
    buffer = _buffer_with(tmp_path)
    with OtlpReceiver(tls=pki.server_context()) as receiver:
        assert receiver.url.startswith('https://')
        buffer.set_destination(Destination(receiver.url, pki.ca_pem))
        assert _sender.send_buffered(buffer) == 1
    assert len(receiver.spans()) == 3


def test_https_with_another_ca_sends_nothing_and_says_so(
    tmp_path: Path, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    buffer = _buffer_with(tmp_path)
    with OtlpReceiver(tls=pki.server_context()) as receiver:
        buffer.set_destination(Destination(receiver.url, pki.other_ca_pem))
        with caplog.at_level(logging.WARNING):
            assert _sender.send_buffered(buffer) == 0
    assert receiver.requests == []
    assert buffer.chunk_count() == 1
    assert 'is not trusted' in caplog.text


def test_https_with_a_ca_that_is_not_a_certificate(
    tmp_path: Path, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    buffer = _buffer_with(tmp_path)
    with OtlpReceiver(tls=pki.server_context()) as receiver:
        buffer.set_destination(Destination(receiver.url, 'not a certificate'))
        with caplog.at_level(logging.ERROR):
            assert _sender.send_buffered(buffer) == 0
    assert 'CA list' in caplog.text
    assert buffer.chunk_count() == 1


def test_tls_settings() -> None:
    import ssl

    context = _sender.ssl_context(None)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN
    assert not context.verify_flags & ssl.VERIFY_X509_STRICT


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_endpoint_keeps_the_data_and_returns_at_once(tmp_path: Path) -> None:
    buffer = _buffer_with(tmp_path, 2)
    buffer.set_destination(Destination(f'http://127.0.0.1:{_closed_port()}/v1/traces', None))
    started = time.monotonic()
    assert _sender.send_buffered(buffer) == 0
    assert time.monotonic() - started < 1.0
    assert buffer.chunk_count() == 2


def test_a_slow_endpoint_is_given_up_within_the_bound(tmp_path: Path) -> None:
    buffer = _buffer_with(tmp_path, 3)
    with OtlpReceiver(delay=3.0) as receiver:
        buffer.set_destination(Destination(receiver.url, None))
        started = time.monotonic()
        sent = _sender.send_buffered(buffer, deadline=1.0, request_timeout=0.5)
        took = time.monotonic() - started
    assert sent == 0
    assert took < 1.5
    assert buffer.chunk_count() == 3


def test_the_deadline_bounds_a_long_backlog(tmp_path: Path) -> None:
    buffer = _buffer_with(tmp_path, 10)
    with OtlpReceiver(delay=0.3) as receiver:
        buffer.set_destination(Destination(receiver.url, None))
        started = time.monotonic()
        sent = _sender.send_buffered(buffer, deadline=1.0, request_timeout=0.8)
        took = time.monotonic() - started
    assert 1 <= sent < 10
    assert took < 2.0
    assert buffer.chunk_count() == 10 - sent


def test_a_server_error_keeps_the_data_and_a_bad_request_drops_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    buffer = _buffer_with(tmp_path, 2)
    with OtlpReceiver(status=503) as receiver:
        buffer.set_destination(Destination(receiver.url, None))
        assert _sender.send_buffered(buffer) == 0
    assert buffer.chunk_count() == 2
    with OtlpReceiver(status=400) as receiver:
        buffer.set_destination(Destination(receiver.url, None))
        with caplog.at_level(logging.ERROR):
            assert _sender.send_buffered(buffer) == 0
    assert buffer.chunk_count() == 0
    assert 'refused' in caplog.text


def test_a_full_buffer_drops_unobserved_then_oldest_data(tmp_path: Path) -> None:
    buffer = Buffer(tmp_path / 'db', max_bytes=1000)
    observed = buffer.push(b'o' * 300, 'application/json', OBSERVED_PRIORITY)
    first = buffer.push(b'a' * 300, 'application/json', UNOBSERVED_PRIORITY)
    second = buffer.push(b'b' * 300, 'application/json', UNOBSERVED_PRIORITY)
    assert buffer.stored_bytes() == 900
    third = buffer.push(b'c' * 300, 'application/json', UNOBSERVED_PRIORITY)
    assert buffer.stored_bytes() <= 1000
    remaining = []
    while (chunk := buffer.next_chunk()) is not None:
        remaining.append(chunk.id)
        buffer.remove(chunk.id)
    # The observed chunk outlives older unobserved ones, and comes out first.
    assert remaining == [observed, second, third]
    assert first not in remaining


def test_a_chunk_larger_than_the_buffer_is_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    buffer = Buffer(tmp_path / 'db', max_bytes=100)
    kept = buffer.push(b'x' * 50, 'application/json', UNOBSERVED_PRIORITY)
    with caplog.at_level(logging.WARNING):
        assert buffer.push(b'y' * 101, 'application/json', OBSERVED_PRIORITY) is None
    assert 'Dropped 101 bytes' in caplog.text
    chunk = buffer.next_chunk()
    assert chunk is not None and chunk.id == kept


def test_raising_priority_protects_earlier_chunks_of_an_observed_dispatch(tmp_path: Path) -> None:
    buffer = Buffer(tmp_path / 'db', max_bytes=1000)
    early = buffer.push(b'e' * 400, 'application/json', UNOBSERVED_PRIORITY)
    older_boring = buffer.push(b'b' * 400, 'application/json', UNOBSERVED_PRIORITY)
    assert early is not None
    buffer.raise_priority([early], OBSERVED_PRIORITY)
    buffer.push(b'n' * 400, 'application/json', UNOBSERVED_PRIORITY)
    ids = []
    while (chunk := buffer.next_chunk()) is not None:
        ids.append(chunk.id)
        buffer.remove(chunk.id)
    assert ids[0] == early
    assert older_boring not in ids


def test_the_buffer_file_is_private_and_a_damaged_one_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / '.tracing-data.db'
    Buffer(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    path.chmod(0o644)
    Buffer(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    path.write_bytes(b'this is not an SQLite database, but a file long enough to tell' * 20)
    buffer = Buffer(path)
    assert buffer.chunk_count() == 0
    assert (tmp_path / '.tracing-data.db.damaged').exists()


def test_the_destination_is_kept_and_change_is_reported(tmp_path: Path) -> None:
    buffer = Buffer(tmp_path / 'db')
    assert buffer.destination() == Destination(None, None)
    assert buffer.set_destination(Destination('http://a/v1/traces', None))
    assert not buffer.set_destination(Destination('http://a/v1/traces', None))
    assert Buffer(tmp_path / 'db').destination() == Destination('http://a/v1/traces', None)
    assert buffer.set_destination(Destination(None, None))
    assert buffer.destination() == Destination(None, None)
