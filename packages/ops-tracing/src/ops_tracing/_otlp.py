"""Spans as an OTLP/HTTP request body in the protocol's JSON encoding.

The JSON form of ``ExportTraceServiceRequest`` (opentelemetry-proto), with the OTLP
rules that differ from plain protobuf JSON: trace and span ids are hex strings, enums are
numbers, 64-bit integers are decimal strings. Every OTLP/HTTP receiver (the OpenTelemetry
Collector, Tempo, ...) accepts it as ``Content-Type: application/json``; it needs no
protobuf library in the charm.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope

__all__ = ['CONTENT_TYPE', 'encode_spans']

CONTENT_TYPE = 'application/json'

# Span flags (opentelemetry-proto trace.proto, SpanFlags): the low byte carries the W3C
# trace flags; these two bits say whether the parent was known to be remote.
_FLAG_HAS_IS_REMOTE = 0x100
_FLAG_IS_REMOTE = 0x200


def encode_spans(spans: Iterable[ReadableSpan]) -> bytes:
    """An ``ExportTraceServiceRequest`` holding ``spans``, as OTLP/JSON bytes."""
    by_resource: dict[int, tuple[Resource, dict[int, tuple[Any, list[dict[str, Any]]]]]] = {}
    for span in spans:
        resource = span.resource
        scopes = by_resource.setdefault(id(resource), (resource, {}))[1]
        scope = span.instrumentation_scope
        scopes.setdefault(id(scope), (scope, []))[1].append(_span(span))
    request = {
        'resourceSpans': [
            {
                'resource': _resource(resource),
                'scopeSpans': [
                    {'scope': _scope(scope), 'spans': encoded}
                    for scope, encoded in scopes.values()
                ],
            }
            for resource, scopes in by_resource.values()
        ]
    }
    return json.dumps(request, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def _resource(resource: Resource) -> dict[str, Any]:
    return {'attributes': _attributes(resource.attributes)}


def _scope(scope: InstrumentationScope | None) -> dict[str, Any]:
    if scope is None:
        return {}
    encoded: dict[str, Any] = {'name': scope.name}
    if scope.version:
        encoded['version'] = scope.version
    attributes = getattr(scope, 'attributes', None)
    if attributes:
        encoded['attributes'] = _attributes(attributes)
    return encoded


def _span(span: ReadableSpan) -> dict[str, Any]:
    context = span.context
    assert context is not None  # an SDK span always has one
    parent = span.parent
    flags = int(context.trace_flags) | _FLAG_HAS_IS_REMOTE
    if parent is not None and parent.is_remote:
        flags |= _FLAG_IS_REMOTE
    encoded: dict[str, Any] = {
        'traceId': f'{context.trace_id:032x}',
        'spanId': f'{context.span_id:016x}',
        'name': span.name,
        # Python's SpanKind counts from INTERNAL = 0; OTLP has UNSPECIFIED = 0 first.
        'kind': span.kind.value + 1,
        'startTimeUnixNano': str(span.start_time or 0),
        'endTimeUnixNano': str(span.end_time or span.start_time or 0),
        'flags': flags,
    }
    trace_state = context.trace_state.to_header() if context.trace_state else ''
    if trace_state:
        encoded['traceState'] = trace_state
    if parent is not None:
        encoded['parentSpanId'] = f'{parent.span_id:016x}'
    if span.attributes:
        encoded['attributes'] = _attributes(span.attributes)
    if span.dropped_attributes:
        encoded['droppedAttributesCount'] = span.dropped_attributes
    if span.events:
        encoded['events'] = [
            {
                'timeUnixNano': str(event.timestamp),
                'name': event.name,
                **({'attributes': _attributes(event.attributes)} if event.attributes else {}),
            }
            for event in span.events
        ]
    if span.dropped_events:
        encoded['droppedEventsCount'] = span.dropped_events
    if span.links:
        encoded['links'] = [
            {
                'traceId': f'{link.context.trace_id:032x}',
                'spanId': f'{link.context.span_id:016x}',
                **({'attributes': _attributes(link.attributes)} if link.attributes else {}),
            }
            for link in span.links
        ]
    if span.dropped_links:
        encoded['droppedLinksCount'] = span.dropped_links
    status: dict[str, Any] = {}
    if span.status.status_code.value:
        status['code'] = span.status.status_code.value
    if span.status.description:
        status['message'] = span.status.description
    encoded['status'] = status
    return encoded


def _attributes(attributes: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{'key': key, 'value': _value(value)} for key, value in (attributes or {}).items()]


def _value(value: Any) -> dict[str, Any]:
    # The API only lets through str, bool, int, float and homogeneous sequences of them.
    if isinstance(value, bool):
        return {'boolValue': value}
    if isinstance(value, int):
        return {'intValue': str(value)}
    if isinstance(value, float):
        return {'doubleValue': value}
    if isinstance(value, str):
        return {'stringValue': value}
    if isinstance(value, (bytes, bytearray)):
        return {'bytesValue': base64.b64encode(bytes(value)).decode('ascii')}
    if isinstance(value, Mapping):
        return {
            'kvlistValue': {
                'values': [{'key': str(k), 'value': _value(v)} for k, v in value.items()]
            }
        }
    if isinstance(value, Sequence):
        return {'arrayValue': {'values': [_value(item) for item in value]}}
    return {'stringValue': str(value)}
