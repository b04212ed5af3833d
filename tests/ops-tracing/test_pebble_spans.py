"""Pebble calls made through a Container are spans: a real client, a real unix socket."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ops_core.tracing_hook
import ops_pebble
import pytest
from ops import JujuContext
from ops.model import Container
from ops_testing._pebble import PebbleModel, PebbleServer

from tests.helpers.otlp_receiver import OtlpReceiver, attributes

SECRET_FILE_CONTENT = 'password=correct-horse-battery-staple'


@pytest.fixture
def pebble_server() -> Iterator[PebbleServer]:
    # Unix socket paths are limited to ~107 bytes: keep them short (not under tmp_path).
    workdir = tempfile.mkdtemp(prefix='pbt-', dir='/tmp')
    model = PebbleModel(os.path.join(workdir, 'root'), name='workload')
    model.add_exec_handler(['/bin/echo'], stdout='ok\n')
    try:
        with PebbleServer(model, os.path.join(workdir, 'pebble.socket'), change_delay=0) as srv:
            yield srv
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_container_calls_become_spans_without_contents_or_arguments(
    tmp_path: Path, pebble_server: PebbleServer
) -> None:
    context = JujuContext.from_environ(
        {
            'JUJU_UNIT_NAME': 'app/0',
            'JUJU_MODEL_NAME': 'm',
            'JUJU_MODEL_UUID': 'u',
            'JUJU_VERSION': '3.6.4',
            'JUJU_CHARM_DIR': str(tmp_path),
            'JUJU_DISPATCH_PATH': 'hooks/workload-pebble-ready',
            'JUJU_HOOK_NAME': 'workload-pebble-ready',
            'JUJU_WORKLOAD_NAME': 'workload',
        }
    )
    client = ops_pebble.Client(pebble_server.socket_path, timeout=3.0)
    container = Container('workload', backend=None, pebble_client=client)  # type: ignore[arg-type]
    with OtlpReceiver() as receiver:
        ops_core.tracing_hook.dispatch_started(context, 'AppCharm', 'app')
        try:
            import ops_tracing

            ops_tracing.set_destination(receiver.url, None)
            container.push(
                '/etc/app/secret.conf', SECRET_FILE_CONTENT, make_dirs=True, permissions=0o600
            )
            assert container.pull('/etc/app/secret.conf').read() == SECRET_FILE_CONTENT
            container.exec(['/bin/echo', '--password', 'hunter2']).wait_output()
            container.add_layer(
                'app', {'services': {'srv': {'override': 'replace', 'command': 'x'}}}
            )
            container.get_services()
            # The container's public client is the plain client, as a charm expects.
            assert container.pebble is client
        finally:
            ops_core.tracing_hook.dispatch_finished()
        client.close()
        raw = b''.join(receiver.raw)
        spans = receiver.spans()

    by_name = {span.name: attributes(span.attributes) for span in spans}
    assert by_name['pebble push'] == {
        'pebble.socket_path': pebble_server.socket_path,
        'path': '/etc/app/secret.conf',
        'make_dirs': True,
        'permissions': 0o600,
    }
    assert by_name['pebble pull'] == {
        'pebble.socket_path': pebble_server.socket_path,
        'path': '/etc/app/secret.conf',
    }
    assert by_name['pebble exec'] == {
        'pebble.socket_path': pebble_server.socket_path,
        'executable': '/bin/echo',
    }
    assert by_name['pebble add_layer']['label'] == 'app'
    assert 'pebble get_services' in by_name
    assert SECRET_FILE_CONTENT.encode() not in raw
    assert b'hunter2' not in raw
    root = next(span for span in spans if span.name == 'ops.main')
    assert all(
        span.parent_span_id == root.span_id for span in spans if span.name.startswith('pebble ')
    )
