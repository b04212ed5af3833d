"""A charm traced end to end: real dispatch subprocesses, hook tools on PATH, a real receiver."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from typing import Any

from tests.helpers.otlp_receiver import OtlpReceiver, attributes

Pki = Any  # the conftest's Pki
TracedCharm = Any  # the conftest's TracedCharm

SECRET_VALUE = 'hunter2-never-in-a-trace'


def _relate(charm: TracedCharm, base_url: str) -> int:
    receivers = [{'protocol': {'name': 'otlp_http', 'type': 'http'}, 'url': base_url}]
    return charm.juju.state.add_relation(
        'charm-tracing',
        'tempo',
        units=['tempo/0'],
        remote_app_data={'receivers': json.dumps(receivers)},
    )


def _by_name(spans: list[Any]) -> dict[str, Any]:
    return {span.name: span for span in spans}


def test_a_hook_is_traced_into_the_receiver(traced_charm: TracedCharm) -> None:
    traced_charm.juju.state.set_leader(True)
    with OtlpReceiver() as receiver:
        relation_id = _relate(traced_charm, receiver.base_url + '/')
        # The relation tells the charm where to send: this dispatch's own trace goes too.
        proc = traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
        assert proc.returncode == 0, proc.stderr
        assert receiver.spans(), 'nothing arrived at the receiver'
        receiver.requests.clear()

        proc = traced_charm.run('start')
        assert proc.returncode == 0, proc.stderr
        spans = receiver.spans()

    assert not receiver.rejected
    names = _by_name(spans)
    root = names['ops.main']
    assert root.parent_span_id == b''
    assert {span.trace_id for span in spans} == {root.trace_id}
    # A span per observer call, under the root span, with ops 3.9's attributes.
    start = names['start: TracedCharm']
    assert start.parent_span_id == root.span_id
    start_attributes = attributes(start.attributes)
    assert start_attributes.pop('event').startswith('<StartEvent via TracedCharm/on/start[')
    assert start_attributes == {
        'deferred': False,
        'event_type': 'hook',
        'event_class': 'StartEvent',
        'event_name': 'start',
        'handler': 'TracedCharm._on_start',
    }
    # A custom event emitted from the handler: a span event there, its observer span inside.
    assert 'Ready' in [event.name for event in start.events]
    assert names['ready: TracedCharm'].parent_span_id == start.span_id
    assert attributes(names['ready: TracedCharm'].attributes)['event_type'] == 'custom'
    # The charm's own OpenTelemetry spans join the trace.
    assert names['charm work'].parent_span_id == start.span_id
    # Hook commands are spans with the arguments ops 3.9 records.
    status_set = [s for s in spans if s.name == 'status-set']
    assert status_set and all(s.trace_id == root.trace_id for s in status_set)
    assert attributes(status_set[0].attributes) == {
        'call': 'subprocess.run',
        'kwargs': ['status=maintenance', 'message=starting', 'app=False'],
    }
    assert 'is-leader' in names and 'relation-ids' in names
    # Emitted Juju and framework events are span events of the root span.
    root_events = [(e.name, attributes(e.attributes)) for e in root.events]
    assert ('StartEvent', {'deferred': False, 'kind': 'start'}) in root_events
    assert ('CommitEvent', {'deferred': False, 'kind': 'commit'}) in root_events
    # The root span covers the whole dispatch, children inside it.
    assert all(root.start_time_unix_nano <= s.start_time_unix_nano for s in spans)
    assert all(s.end_time_unix_nano <= root.end_time_unix_nano for s in spans)
    # Juju topology on the resource.
    resource = receiver.resource_attributes()[0]
    assert resource['juju_unit'] == 'traced/3'
    assert resource['service.name'] == 'traced'
    assert resource['service.instance.id'] == '3'
    assert resource['charm'] == 'traced'
    assert resource['charm_type'] == 'TracedCharm'
    assert resource['juju_model'] == 'test-model'


def test_the_leader_asks_the_provider_for_an_otlp_http_receiver(traced_charm: TracedCharm) -> None:
    traced_charm.juju.state.set_leader(True)
    relation_id = traced_charm.juju.state.add_relation('charm-tracing', 'tempo', units=['tempo/0'])
    proc = traced_charm.run('charm-tracing-relation-created', relation_id=str(relation_id))
    assert proc.returncode == 0, proc.stderr
    local = traced_charm.juju.state.relation(relation_id)['local_app_data']
    assert local == {'receivers': '["otlp_http"]'}


def test_secret_values_never_reach_the_trace(traced_charm: TracedCharm) -> None:
    traced_charm.juju.state.set_leader(True)
    with OtlpReceiver() as receiver:
        relation_id = _relate(traced_charm, receiver.base_url)
        traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
        proc = traced_charm.run('start', TEST_MODE='secret')
        assert proc.returncode == 0, proc.stderr
        raw = b''.join(receiver.raw)
        names = _by_name(receiver.spans())
    assert 'secret-add' in names and 'secret-set' in names
    assert SECRET_VALUE.encode() not in raw
    kwargs = attributes(names['secret-add'].attributes)['kwargs']
    assert 'label=db-password' in kwargs
    assert not any(SECRET_VALUE in item for item in kwargs)


def test_a_hook_that_fails_still_delivers_its_trace_marked_as_an_error(
    traced_charm: TracedCharm,
) -> None:
    with OtlpReceiver() as receiver:
        relation_id = _relate(traced_charm, receiver.base_url)
        traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
        receiver.requests.clear()
        proc = traced_charm.run('start', TEST_MODE='crash')
        assert proc.returncode != 0
        names = _by_name(receiver.spans())
    root = names['ops.main']
    assert root.status.code == 2  # STATUS_CODE_ERROR
    assert 'RuntimeError' in root.status.message
    assert [e.name for e in root.events if e.name == 'exception']
    assert names['start: TracedCharm'].status.code == 2


def test_data_is_buffered_while_the_backend_is_away_and_sent_later(
    traced_charm: TracedCharm,
) -> None:
    with OtlpReceiver() as receiver:
        url = receiver.base_url
    # The receiver is gone: nothing listens on its port any more.
    relation_id = _relate(traced_charm, url)
    started = time.monotonic()
    proc = traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
    assert proc.returncode == 0, proc.stderr
    proc = traced_charm.run('update-status', TEST_MODE='defer')
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 20
    with sqlite3.connect(traced_charm.buffer_path) as db:
        (chunks,) = db.execute('SELECT COUNT(*) FROM chunk').fetchone()
    assert chunks >= 2

    # The backend comes back on the same port: the next hook sends the backlog too.
    port = int(url.rsplit(':', 1)[1])
    with OtlpReceiver(port=port) as receiver:
        proc = traced_charm.run('update-status')
        assert proc.returncode == 0, proc.stderr
        spans = receiver.spans()
    roots = [s for s in spans if s.name == 'ops.main']
    assert len(roots) == 3  # relation-changed, the deferring update-status, this one
    deferring, redelivered = (
        [
            s
            for s in spans
            if s.name == 'update_status: TracedCharm'
            and attributes(s.attributes)['deferred'] is flag
        ][0]
        for flag in (False, True)
    )
    assert 'UpdateStatusEvent' in [e.name for e in deferring.events]  # the deferral
    assert redelivered.trace_id != deferring.trace_id
    with sqlite3.connect(traced_charm.buffer_path) as db:
        (chunks,) = db.execute('SELECT COUNT(*) FROM chunk').fetchone()
    assert chunks == 0


def test_https_destination_is_verified_with_the_ca_from_the_relation(
    traced_charm: TracedCharm, pki: Pki
) -> None:
    with OtlpReceiver(tls=pki.server_context()) as receiver:
        relation_id = _relate(traced_charm, receiver.base_url)
        ca_relation_id = traced_charm.juju.state.add_relation(
            'receive-ca-cert',
            'self-signed-certificates',
            units=['self-signed-certificates/0'],
            remote_app_data={'certificates': json.dumps([pki.other_ca_pem]), 'version': '1'},
        )
        proc = traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
        assert proc.returncode == 0, proc.stderr
        # The receiver's certificate is not signed by that CA: nothing is sent.
        assert receiver.spans() == []
        warnings = [m for level, m in traced_charm.juju.juju_logs() if level == 'WARNING']
        assert any('is not trusted' in m for m in warnings), warnings

        traced_charm.juju.state.update_relation_data(
            ca_relation_id, 'self-signed-certificates', {'certificates': json.dumps([pki.ca_pem])}
        )
        proc = traced_charm.run(
            'receive-ca-cert-relation-changed', relation_id=str(ca_relation_id)
        )
        assert proc.returncode == 0, proc.stderr
        spans = receiver.spans()
    # Both dispatches' traces arrive: the one kept from the untrusted attempt, and this one.
    assert len([s for s in spans if s.name == 'ops.main']) == 2


def test_a_charm_without_tracing_loads_no_opentelemetry(traced_charm: TracedCharm) -> None:
    proc = traced_charm.run('start', TEST_MODE='no-tracing,modules')
    assert proc.returncode == 0, proc.stderr
    assert 'LOADED []' in proc.stdout
    assert not traced_charm.buffer_path.exists()
    proc = traced_charm.run('start', TEST_MODE='modules')
    assert "LOADED ['opentelemetry', 'ops_tracing']" in proc.stdout


def _chunks(charm: TracedCharm) -> int:
    if not charm.buffer_path.exists():
        return 0
    with sqlite3.connect(charm.buffer_path, timeout=5) as db:
        try:
            (count,) = db.execute('SELECT COUNT(*) FROM chunk').fetchone()
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0
    return int(count)


def test_the_trace_of_a_killed_hook_survives_up_to_its_last_flush(
    traced_charm: TracedCharm,
) -> None:
    env = {
        **os.environ,
        **traced_charm.juju.hook_env('start'),
        'TEST_MODE': 'many-spans,hang',
    }
    for inherited in ('OPERATOR_DISPATCH', 'JUJU_DEBUG', 'JUJU_DEBUG_AT'):
        env.pop(inherited, None)
    hook = subprocess.Popen(
        [str(traced_charm.path / 'dispatch')],
        cwd=traced_charm.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _chunks(traced_charm) == 0 and time.monotonic() < deadline:
            assert hook.poll() is None, 'the hook ended before it was killed'
            time.sleep(0.1)
        assert _chunks(traced_charm) > 0, 'no spans were written while the hook ran'
    finally:
        os.killpg(hook.pid, signal.SIGKILL)
        hook.wait(10)

    # Juju runs the next hook; the tracing backend has appeared.
    with OtlpReceiver() as receiver:
        relation_id = _relate(traced_charm, receiver.base_url)
        proc = traced_charm.run('charm-tracing-relation-changed', relation_id=str(relation_id))
        assert proc.returncode == 0, proc.stderr
        spans = receiver.spans()
    work = [s for s in spans if s.name.startswith('work ')]
    assert len(work) >= 250  # all but those made after the last write to the buffer
    killed_traces = {s.trace_id for s in work}
    assert len(killed_traces) == 1
    # The killed hook's root span never ended, so never arrives; this hook's does.
    roots = [s for s in spans if s.name == 'ops.main']
    assert len(roots) == 1 and roots[0].trace_id not in killed_traces
