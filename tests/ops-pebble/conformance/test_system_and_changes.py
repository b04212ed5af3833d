"""System info, the legacy warnings API, changes and waiting, unknown endpoints."""

from __future__ import annotations

import datetime
import re

import ops_pebble
import pytest

from .conftest import Backend


def test_system_info_reports_the_version_as_pebble_does(pebble: Backend) -> None:
    version = pebble.client.get_system_info().version
    assert re.fullmatch(r'v\d+\.\d+\.\d+', version), version


def test_warnings_api_is_gone(pebble: Backend) -> None:
    for call in (
        pebble.client.get_warnings,
        lambda: pebble.client.ack_warnings(datetime.datetime.now(datetime.timezone.utc)),
    ):
        with pytest.raises(ops_pebble.APIError) as exc:
            call()
        assert exc.value.code == 404
        assert exc.value.message == 'invalid API endpoint requested'


@pytest.mark.parametrize(
    'call',
    [
        lambda c: c.get_change(ops_pebble.ChangeID('9999')),
        lambda c: c.abort_change(ops_pebble.ChangeID('9999')),
        lambda c: c.wait_change(ops_pebble.ChangeID('9999'), timeout=2),
    ],
    ids=['get', 'abort', 'wait'],
)
def test_unknown_change_is_a_404_without_kind(pebble: Backend, call: object) -> None:
    with pytest.raises(ops_pebble.APIError) as exc:
        call(pebble.client)  # type: ignore[operator]
    assert exc.value.code == 404
    assert exc.value.body == {
        'type': 'error',
        'status-code': 404,
        'status': 'Not Found',
        'result': {'message': 'cannot find change with id "9999"'},
    }


def test_change_select_must_be_known(pebble: Backend) -> None:
    with pytest.raises(ops_pebble.APIError) as exc:
        pebble.client._request('GET', '/v1/changes', {'select': 'sideways'})
    assert exc.value.code == 400
    assert exc.value.message == 'select should be one of: all,in-progress,ready'


def test_a_finished_change_is_listed_by_state_and_waited_for_at_once(pebble: Backend) -> None:
    pebble.needs_processes()
    client = pebble.client
    process = client.exec(['true'])
    process.wait()
    change_id = process._change_id
    change = client.wait_change(change_id, timeout=5)
    assert change.ready and change.status == 'Done' and change.kind == 'exec'
    assert change.err is None
    assert [t.kind for t in change.tasks] == ['exec']
    assert change.tasks[0].data == {'exit-code': 0}
    assert change.spawn_time <= change.ready_time  # type: ignore[operator]
    ready = {c.id for c in client.get_changes(ops_pebble.ChangeState.READY)}
    assert change_id in ready
    assert change_id not in {c.id for c in client.get_changes()}  # in progress only
    assert change_id in {c.id for c in client.get_changes(ops_pebble.ChangeState.ALL)}
    with pytest.raises(ops_pebble.APIError) as exc:
        client.abort_change(change_id)
    assert exc.value.code == 400
    assert exc.value.message == f'cannot abort change {change_id} with nothing pending'


def test_waiting_for_a_running_change_times_out(pebble: Backend) -> None:
    pebble.needs_processes()
    client = pebble.client
    process = client.exec(['sleep', '3'], timeout=5)
    try:
        with pytest.raises(ops_pebble.TimeoutError, match='timed out waiting for change'):
            client.wait_change(process._change_id, timeout=0.3)
        running = client.get_change(process._change_id)
        assert not running.ready
        assert process._change_id in {c.id for c in client.get_changes()}
    finally:
        process.send_signal('SIGKILL')
        with pytest.raises(ops_pebble.ExecError) as exc:
            process.wait()
    assert exc.value.exit_code == 137


def test_unknown_endpoint(pebble: Backend) -> None:
    with pytest.raises(ops_pebble.APIError) as exc:
        pebble.client._request('GET', '/v1/nothing-here')
    assert exc.value.code == 404
    assert exc.value.message == 'invalid API endpoint requested'
