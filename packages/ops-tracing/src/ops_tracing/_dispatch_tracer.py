"""The tracer ``ops_core`` reports to: spans of each dispatch, buffered and sent out.

One :class:`DispatchTracer` per process is installed in :mod:`ops_core.tracing_hook` when
``ops_tracing`` is imported. For each dispatch it opens the root span ``ops.main`` (from
the moment the dispatch started, even if the tracer was installed later, in the charm's
``__init__``), records events, observer calls, hook commands and Pebble calls as spans and
span events, and at the end of the dispatch either hands the spans to a testing front-end
or writes them to the on-disk buffer and sends what is buffered, within a bounded time.

Spans are written to the buffer in chunks while the dispatch runs (every
:data:`FLUSH_SPANS` spans or :data:`FLUSH_SECONDS` seconds), so a hook that is killed
keeps most of its trace.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import opentelemetry.context
import opentelemetry.trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.trace import Status, StatusCode

from . import _otlp, _sender
from ._buffer import FILE_NAME, OBSERVED_PRIORITY, UNOBSERVED_PRIORITY, Buffer, Destination
from ._pebble_spans import TracedPebbleClient

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.trace import Span
    from ops_core.framework import EventBase, Object
    from ops_core.tracing_hook import Dispatch

__all__ = ['FLUSH_SECONDS', 'FLUSH_SPANS', 'DispatchTracer']

logger = logging.getLogger(__name__)

FLUSH_SPANS = 256
"""Write finished spans to the buffer once this many are waiting."""

FLUSH_SECONDS = 2.0
"""Write finished spans to the buffer when the last write is this old."""


def _ops_version() -> str:
    version = getattr(sys.modules.get('ops'), '__version__', None)
    return version if isinstance(version, str) else '3.9.0'


class _Recording:
    """What the tracer keeps about the dispatch in progress."""

    def __init__(self, dispatch: Dispatch, root: Span, token: object, buffer: Buffer | None):
        self.dispatch = dispatch
        self.root = root
        self.token = token
        self.buffer = buffer
        self.pending: list[ReadableSpan] = []
        self.chunk_ids: list[int] = []
        self.observed = False
        self.last_flush = time.monotonic()


class _Forwarder(SpanProcessor):
    """The provider's span processor: hands each finished span to the tracer."""

    def __init__(self, tracer: DispatchTracer):
        self._tracer = tracer

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass  # only finished spans are of interest

    def on_end(self, span: ReadableSpan) -> None:
        self._tracer.span_ended(span)

    def shutdown(self) -> None:
        pass  # the tracer writes and sends at the end of each dispatch

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class DispatchTracer:
    """Implements :class:`ops_core.tracing_hook.Tracer` with OpenTelemetry."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._provider: TracerProvider | None = None
        self._tracer: opentelemetry.trace.Tracer = opentelemetry.trace.NoOpTracer()
        self._recording: _Recording | None = None

    # -- set-up -------------------------------------------------------------------------

    def _provider_for(self, dispatch: Dispatch) -> TracerProvider:
        """The process's tracer provider, made (and made global) at the first dispatch."""
        if self._provider is None:
            context = dispatch.context
            app, _, unit_number = context.unit_name.partition('/')
            resource = Resource.create(
                {
                    'service.namespace': context.model_uuid,
                    'service.namespace.name': context.model_name,
                    'service.name': app,
                    'service.instance.id': unit_number,
                    'charm': dispatch.charm_name,
                    'charm_type': dispatch.charm_class_name,
                    'juju_model': context.model_name,
                    'juju_model_uuid': context.model_uuid,
                    'juju_application': app,
                    'juju_unit': context.unit_name,
                }
            )
            provider = TracerProvider(resource=resource, shutdown_on_exit=False)
            provider.add_span_processor(_Forwarder(self))
            self._provider = provider
            self._tracer = provider.get_tracer('ops', _ops_version())
            if isinstance(opentelemetry.trace.get_tracer_provider(), TracerProvider):
                logger.debug('Another tracer provider is global; charm spans go there.')
            else:
                # Charm code's ``opentelemetry.trace.get_tracer(...)`` spans come here too.
                opentelemetry.trace.set_tracer_provider(provider)
        return self._provider

    # -- the dispatch -------------------------------------------------------------------

    def start_dispatch(self, dispatch: Dispatch) -> None:
        """Open the root span of ``dispatch`` and make it current."""
        with self._lock:
            if self._recording is not None:
                self._finish(self._recording, None)
            self._provider_for(dispatch)
            buffer = None
            if dispatch.trace_data is None:
                buffer = Buffer(Path(dispatch.context.charm_dir) / FILE_NAME)
            root = self._tracer.start_span(
                'ops.main',
                context=opentelemetry.context.Context(),  # a new trace, whatever is current
                start_time=dispatch.start_time_ns,
            )
            token = opentelemetry.context.attach(opentelemetry.trace.set_span_in_context(root))
            self._recording = _Recording(dispatch, root, token, buffer)

    def end_dispatch(self, dispatch: Dispatch, error: BaseException | None) -> None:
        """Close the root span; hand over the spans, or buffer them and send the buffer."""
        with self._lock:
            recording = self._recording
            if recording is None or recording.dispatch is not dispatch:
                return
            self._finish(recording, error)
        if recording.buffer is not None:
            _sender.send_buffered(recording.buffer)

    def _finish(self, recording: _Recording, error: BaseException | None) -> None:
        root = recording.root
        if _is_failure(error):
            assert error is not None
            root.record_exception(error)
            root.set_status(Status(StatusCode.ERROR, f'{type(error).__name__}: {error}'))
        root.end()  # the root span reaches span_ended while the recording is current
        try:
            opentelemetry.context.detach(recording.token)  # type: ignore[arg-type]
        except Exception:  # a span left open by the charm: the context is reset below
            pass
        self._recording = None
        self._write(recording)

    def current(self) -> _Recording | None:
        """The dispatch being recorded, if any."""
        return self._recording

    def trace_id(self) -> int:
        recording = self._recording
        return recording.root.get_span_context().trace_id if recording is not None else 0

    # -- finished spans -----------------------------------------------------------------

    def span_ended(self, span: ReadableSpan) -> None:
        """Collect a finished span of the dispatch in progress (others are dropped)."""
        with self._lock:
            recording = self._recording
            if recording is None:
                return
            if recording.dispatch.trace_data is not None:
                recording.dispatch.trace_data.append(span)
                return
            recording.pending.append(span)
            if (
                len(recording.pending) >= FLUSH_SPANS
                or time.monotonic() - recording.last_flush >= FLUSH_SECONDS
            ):
                self._write(recording)

    def _write(self, recording: _Recording) -> None:
        """Write the spans waiting in ``recording`` to the buffer as one chunk."""
        recording.last_flush = time.monotonic()
        if recording.buffer is None or not recording.pending:
            return
        spans, recording.pending = recording.pending, []
        priority = OBSERVED_PRIORITY if recording.observed else UNOBSERVED_PRIORITY
        try:
            chunk_id = recording.buffer.push(
                _otlp.encode_spans(spans), _otlp.CONTENT_TYPE, priority
            )
        except Exception:
            logger.warning('Could not buffer %d spans.', len(spans), exc_info=True)
            return
        if chunk_id is not None:
            recording.chunk_ids.append(chunk_id)

    # -- what ops_core reports ----------------------------------------------------------

    def mark_observed(self) -> None:
        """Keep this dispatch's data longer: the charm observed one of its events."""
        with self._lock:
            recording = self._recording
            if recording is None or recording.observed:
                return
            recording.observed = True
            if recording.buffer is not None and recording.chunk_ids:
                recording.buffer.raise_priority(recording.chunk_ids, OBSERVED_PRIORITY)

    def event_emitted(self, event: EventBase, observed: bool) -> None:
        if self._recording is None:
            return
        opentelemetry.trace.get_current_span().add_event(
            type(event).__qualname__,
            attributes={'deferred': event.deferred, 'kind': event.handle.kind},
        )
        if observed:
            self.mark_observed()

    def event_deferred(self, event: EventBase) -> None:
        if self._recording is None:
            return
        opentelemetry.trace.get_current_span().add_event(
            type(event).__qualname__, attributes={'deferred': True, 'kind': event.handle.kind}
        )

    @contextlib.contextmanager
    def observer_call(
        self, event: EventBase, observer: Object, method_name: str, reemitted: bool
    ) -> Iterator[None]:
        if self._recording is None:
            yield
            return
        kind = event.handle.kind
        attributes: dict[str, Any] = {
            'deferred': reemitted,
            'event': repr(event),
            'event_type': _event_type(event),
            'event_class': type(event).__qualname__,
            'event_name': kind,
            'handler': f'{observer.handle.path}.{method_name}',
        }
        name = f'{kind}: {type(observer).__qualname__}'
        with self._tracer.start_as_current_span(name, attributes=attributes):
            yield

    @contextlib.contextmanager
    def hook_command(
        self, command: str, arguments: Sequence[tuple[str, object]]
    ) -> Iterator[None]:
        if self._recording is None:
            yield
            return
        attributes: dict[str, Any] = {'call': 'subprocess.run'}
        if arguments:
            attributes['kwargs'] = [f'{name}={value}' for name, value in arguments]
        with self._tracer.start_as_current_span(command, attributes=attributes):
            yield

    def pebble_client(self, client: Any) -> Any:
        recording = self._recording
        # Under ops.testing the client is the simulated Pebble: as with ops-scenario, its
        # calls are not spans (nor are the simulated hook commands).
        if recording is None or recording.dispatch.trace_data is not None:
            return client
        return TracedPebbleClient(client, self._tracer)

    # -- the destination ----------------------------------------------------------------

    def set_destination(self, destination: Destination) -> None:
        """Store where this and later dispatches send their data (no-op when testing)."""
        recording = self._recording
        if recording is None or recording.buffer is None:
            return
        if recording.buffer.set_destination(destination):
            logger.debug('Tracing destination is now %s.', destination.url)


def _event_type(event: EventBase) -> str:
    from ops_core.charm import ActionEvent, HookEvent
    from ops_core.framework import LifecycleEvent

    if isinstance(event, HookEvent):
        return 'hook'
    if isinstance(event, ActionEvent):
        return 'action'
    if isinstance(event, LifecycleEvent):
        return 'framework'
    return 'custom'


def _is_failure(error: BaseException | None) -> bool:
    """Whether ``error`` ends the dispatch as a failure (a clean early exit is not one)."""
    if error is None:
        return False
    if isinstance(error, SystemExit):
        return error.code not in (0, None)
    exit_code = getattr(error, 'exit_code', None)  # ops_core's early end of a dispatch
    if type(error).__name__ == '_Abort' and isinstance(exit_code, int):
        return exit_code != 0
    return True
