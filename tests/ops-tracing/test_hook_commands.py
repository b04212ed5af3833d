"""Hook-command spans of the hook-tool backend: real hook tools (the fake Juju) on PATH."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ops_core.tracing_hook
import ops_tracing
import pytest
from ops import JujuContext
from ops.storage import JujuStorage
from ops_core._dispatch._hookcmds_backend import HookCommandsBackend

from tests.helpers.fakejuju import FakeJuju
from tests.helpers.otlp_receiver import OtlpReceiver, attributes


@pytest.fixture
def traced_dispatch(fake_juju: FakeJuju, tmp_path: Path) -> Iterator[OtlpReceiver]:
    """A production dispatch being traced in this process, sending to a receiver."""
    fake_juju.charm_dir.mkdir(parents=True, exist_ok=True)
    env = fake_juju.hook_env('update-status')
    context = JujuContext.from_environ(env)
    with OtlpReceiver() as receiver:
        ops_core.tracing_hook.dispatch_started(context, 'Charm', 'charm')
        try:
            ops_tracing.set_destination(receiver.url, None)
            yield receiver
        finally:
            ops_core.tracing_hook.dispatch_finished()


def _kwargs(receiver: OtlpReceiver) -> list[tuple[str, Any]]:
    return [
        (span.name, attributes(span.attributes).get('kwargs'))
        for span in receiver.spans()
        if span.name != 'ops.main'
    ]


def test_secret_commands_record_metadata_only(
    fake_juju: FakeJuju, traced_dispatch: OtlpReceiver
) -> None:
    fake_juju.state.set_leader(True)
    backend = HookCommandsBackend()
    secret_id = backend.secret_add(
        {'token': 'sekrit-token'},
        label='api',
        description=None,
        expire=None,
        rotate=None,
        owner='application',
    )
    backend.secret_set(
        secret_id,
        content={'token': 'sekrit-token-2'},
        label=None,
        description='rotated',
        expire=None,
        rotate=None,
    )
    backend.secret_get(id=secret_id, label=None, refresh=False, peek=True)
    backend.secret_info_get(id=secret_id, label=None)
    backend.secret_info_get(id=None, label='api')
    ops_core.tracing_hook.dispatch_finished()
    raw = b''.join(traced_dispatch.raw)
    assert b'sekrit-token' not in raw
    spans = _kwargs(traced_dispatch)
    assert (
        'secret-add',
        ['label=api', 'description=None', 'expire=None', 'rotate=None', 'owner=application'],
    ) in spans
    assert (
        'secret-set',
        [f'id={secret_id}', 'label=None', 'description=rotated', 'expire=None', 'rotate=None'],
    ) in spans
    assert ('secret-info-get', [f'id={secret_id}']) in spans
    assert ('secret-info-get', ['label=api']) in spans
    assert (
        'secret-get',
        [f'id={secret_id}', 'label=None', 'refresh=False', 'peek=True'],
    ) in spans


def test_relation_and_status_commands(fake_juju: FakeJuju, traced_dispatch: OtlpReceiver) -> None:
    relation_id = fake_juju.state.add_relation(
        'db', 'pg', units=['pg/0'], remote_app_data={'password': 'pg-secret'}
    )
    backend = HookCommandsBackend()
    backend.relation_get('db', relation_id, 'pg', True)
    backend.relation_set('db', relation_id, {'user': 'u', 'password': 'p4ss'}, False)
    backend.relation_remote_app_name('db', relation_id)
    backend.status_set('blocked', 'need db', is_app=False)
    ops_core.tracing_hook.dispatch_finished()
    raw = b''.join(traced_dispatch.raw)
    assert b'pg-secret' not in raw and b'p4ss' not in raw
    spans = _kwargs(traced_dispatch)
    assert (
        'relation-get',
        [f'relation_id={relation_id}', 'endpoint=db', 'unit=pg', 'app=True'],
    ) in spans
    assert ('relation-set', [f'relation_id={relation_id}', 'endpoint=db', 'app=False']) in spans
    assert ('status-set', ['status=blocked', 'message=need db', 'app=False']) in spans


def test_controller_storage_commands(fake_juju: FakeJuju, traced_dispatch: OtlpReceiver) -> None:
    storage = JujuStorage()
    storage.save_snapshot('Charm/on/install[1]', {'password': 'in-the-snapshot'})
    assert storage.load_snapshot('Charm/on/install[1]') == {'password': 'in-the-snapshot'}
    storage.drop_snapshot('Charm/on/install[1]')
    ops_core.tracing_hook.dispatch_finished()
    assert b'in-the-snapshot' not in b''.join(traced_dispatch.raw)
    names = [name for name, _ in _kwargs(traced_dispatch)]
    assert {'state-set', 'state-get', 'state-delete'} <= set(names)
    assert ('state-get', ['key=Charm/on/install[1]']) in _kwargs(traced_dispatch)
