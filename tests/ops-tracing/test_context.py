"""``ops.testing.Context`` collects a run's spans in ``ctx.trace_data`` (as ops-scenario 8.9)."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import Mock

import opentelemetry.trace
import ops
import pytest
from ops import testing

META = {
    'name': 'ctx-traced',
    'requires': {
        'charm-tracing': {'interface': 'tracing', 'limit': 1},
        'receive-ca-cert': {'interface': 'certificate_transfer', 'limit': 1},
    },
    'containers': {'workload': {}},
}

charm_tracer = opentelemetry.trace.get_tracer('ctx charm')


class TracedCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.tracing = ops.tracing.Tracing(
            self, tracing_relation_name='charm-tracing', ca_relation_name='receive-ca-cert'
        )
        framework.observe(self.on.workload_pebble_ready, self._on_pebble_ready)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.config_changed, self._on_config_changed)

    def _on_pebble_ready(self, event: ops.PebbleReadyEvent) -> None:
        with charm_tracer.start_as_current_span('configure workload'):
            event.workload.push('/etc/app.conf', 'password=s3cret', make_dirs=True)
        self.unit.status = ops.ActiveStatus()

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        event.defer()

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        raise RuntimeError('bad config')


def _ctx() -> testing.Context[TracedCharm]:
    return testing.Context(TracedCharm, meta=META)


def _names(spans: list[Any]) -> list[str]:
    return [span.name for span in spans]


def test_a_run_collects_the_root_observer_and_charm_spans() -> None:
    ctx = _ctx()
    container = testing.Container('workload', can_connect=True)
    ctx.run(ctx.on.pebble_ready(container), testing.State(containers={container}))
    spans = {span.name: span for span in ctx.trace_data}
    root = spans['ops.main']
    assert root.parent is None
    observer = spans['workload_pebble_ready: TracedCharm']
    assert observer.parent.span_id == root.context.span_id
    assert observer.attributes['handler'] == 'TracedCharm._on_pebble_ready'
    assert observer.attributes['event_type'] == 'hook'
    assert spans['configure workload'].parent.span_id == observer.context.span_id
    assert spans['ops.tracing.Tracing'].parent.span_id == root.context.span_id
    assert [e.name for e in root.events][:1] == ['PebbleReadyEvent']
    # As with ops-scenario, the simulated Pebble and hook tools make no spans.
    assert not [name for name in spans if name.startswith('pebble ')]
    assert all(span.context.trace_id == root.context.trace_id for span in ctx.trace_data)


def test_trace_data_accumulates_over_runs_of_one_context() -> None:
    ctx = _ctx()
    ctx.run(ctx.on.start(), testing.State())
    first = len(ctx.trace_data)
    ctx.run(ctx.on.update_status(), testing.State())
    assert len(ctx.trace_data) > first
    roots = [span for span in ctx.trace_data if span.name == 'ops.main']
    assert len(roots) == 2
    assert roots[0].context.trace_id != roots[1].context.trace_id


def test_a_deferral_is_a_span_event_and_the_redelivery_says_deferred() -> None:
    ctx = _ctx()
    state = ctx.run(ctx.on.update_status(), testing.State())
    (deferring,) = [s for s in ctx.trace_data if s.name == 'update_status: TracedCharm']
    assert deferring.attributes['deferred'] is False
    assert ('UpdateStatusEvent', True) in [
        (e.name, e.attributes['deferred']) for e in deferring.events
    ]
    ctx.trace_data.clear()
    ctx.run(ctx.on.start(), state)
    (redelivered,) = [s for s in ctx.trace_data if s.name == 'update_status: TracedCharm']
    assert redelivered.attributes['deferred'] is True


def test_a_charm_error_marks_the_spans_as_errors() -> None:
    ctx = _ctx()
    with pytest.raises(testing.errors.UncaughtCharmError):
        ctx.run(ctx.on.config_changed(), testing.State())
    spans = {span.name: span for span in ctx.trace_data}
    assert spans['config_changed: TracedCharm'].status.status_code.name == 'ERROR'
    assert spans['ops.main'].status.status_code.name == 'ERROR'


def test_destination_from_the_relations(monkeypatch: pytest.MonkeyPatch) -> None:
    destination = Mock()
    monkeypatch.setattr(ops.tracing, 'set_destination', destination)
    tracing = testing.Relation(
        'charm-tracing',
        remote_app_data={
            'receivers': json.dumps(
                [{'protocol': {'name': 'otlp_http', 'type': 'http'}, 'url': 'http://t:4318'}]
            )
        },
    )
    ctx = _ctx()
    state = ctx.run(
        ctx.on.relation_changed(tracing), testing.State(leader=True, relations={tracing})
    )
    destination.assert_called_with(url='http://t:4318/v1/traces', ca=None)
    assert state.get_relation(tracing.id).local_app_data == {'receivers': '["otlp_http"]'}
    # Relation broken: the destination goes away.
    ctx.run(ctx.on.relation_broken(tracing), testing.State(relations={tracing}))
    destination.assert_called_with(url=None, ca=None)


@pytest.mark.parametrize(
    'receivers',
    [
        'not json',
        json.dumps({'protocol': 'otlp_http'}),
        json.dumps([{'protocol': {'name': 'otlp_http', 'type': 'carrier-pigeon'}, 'url': 'x'}]),
        json.dumps([{'protocol': {'name': 'otlp_http', 'type': 'http'}, 'url': 'tempo:4318'}]),
    ],
)
def test_a_malformed_provider_databag_means_no_destination(
    monkeypatch: pytest.MonkeyPatch, receivers: str
) -> None:
    destination = Mock()
    monkeypatch.setattr(ops.tracing, 'set_destination', destination)
    tracing = testing.Relation('charm-tracing', remote_app_data={'receivers': receivers})
    ctx = _ctx()
    ctx.run(ctx.on.relation_changed(tracing), testing.State(relations={tracing}))
    destination.assert_called_with(url=None, ca=None)


def test_a_v0_certificate_provider_still_gives_the_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    destination = Mock()
    monkeypatch.setattr(ops.tracing, 'set_destination', destination)
    tracing = testing.Relation(
        'charm-tracing',
        remote_app_data={
            'receivers': json.dumps(
                [{'protocol': {'name': 'otlp_http', 'type': 'http'}, 'url': 'https://t'}]
            )
        },
    )
    ca = testing.Relation(
        'receive-ca-cert',
        remote_units_data={0: {'ca': 'CA-PEM', 'certificate': 'CERT', 'chain': '["C2", "C1"]'}},
    )
    ctx = _ctx()
    ctx.run(ctx.on.relation_changed(ca), testing.State(relations={tracing, ca}))
    destination.assert_called_with(url='https://t/v1/traces', ca='C1\nC2')


@pytest.mark.parametrize(
    ('meta_change', 'message'),
    [
        ({'requires': {}}, 'not declared'),
        ({'provides': {'charm-tracing': {'interface': 'tracing'}}, 'requires': {}}, "'provides'"),
        ({'requires': {'charm-tracing': {'interface': 'zipkin'}}}, "interface 'zipkin'"),
    ],
)
def test_relations_that_do_not_fit_are_refused(meta_change: dict[str, Any], message: str) -> None:
    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            ops.tracing.Tracing(self, 'charm-tracing')

    ctx = testing.Context(Charm, meta={'name': 'x', **meta_change})
    with pytest.raises(testing.errors.UncaughtCharmError) as excinfo:
        ctx.run(ctx.on.start(), testing.State())
    assert isinstance(excinfo.value.__cause__, ValueError)
    assert message in str(excinfo.value.__cause__)


def test_set_destination_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match='http:// or https://'):
        ops.tracing.set_destination('file:///etc/passwd', None)
