"""Harness tests of the httpbin-k8s charm's main handlers.

:class:`ops.testing.Harness` is deprecated in favour of ``Context``/``State`` (see
test_charm.py), but many existing charms still use it; these tests show the same charm
tested in that style.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import ops
import pytest
from charm import PASSWORD_LABEL, HttpbinCharm
from ops import testing

pytestmark = pytest.mark.filterwarnings('ignore:Harness is deprecated:PendingDeprecationWarning')


@pytest.fixture
def harness() -> Iterator[testing.Harness[HttpbinCharm]]:
    """A started Harness for the leader unit, with the peer relation in place."""
    harness = testing.Harness(HttpbinCharm)
    harness.set_leader(True)
    harness.add_relation('httpbin-peers', 'httpbin-k8s')
    harness.begin()
    yield harness
    harness.cleanup()


def test_pebble_ready_starts_service_with_config_layer(
    harness: testing.Harness[HttpbinCharm],
) -> None:
    harness.container_pebble_ready('httpbin')

    plan = harness.get_container_pebble_plan('httpbin')
    assert plan.services['httpbin'].command == (
        'gunicorn --bind 0.0.0.0:8080 --workers 2 --log-level info httpbin:app'
    )
    container = harness.model.unit.get_container('httpbin')
    assert container.get_service('httpbin').is_running()
    assert harness.model.unit.opened_ports() == {ops.Port('tcp', 8080)}
    harness.evaluate_status()
    assert harness.model.unit.status == ops.ActiveStatus()


def test_config_changed_updates_layer(harness: testing.Harness[HttpbinCharm]) -> None:
    harness.container_pebble_ready('httpbin')

    harness.update_config({'port': 9000, 'workers': 8})

    plan = harness.get_container_pebble_plan('httpbin')
    assert plan.services['httpbin'].command == (
        'gunicorn --bind 0.0.0.0:9000 --workers 8 --log-level info httpbin:app'
    )
    assert plan.checks['httpbin-ready'].http == {'url': 'http://localhost:9000/status/200'}
    assert harness.model.unit.opened_ports() == {ops.Port('tcp', 9000)}


def test_invalid_config_blocks(harness: testing.Harness[HttpbinCharm]) -> None:
    harness.container_pebble_ready('httpbin')

    harness.update_config({'log-level': 'chatty'})
    harness.evaluate_status()

    assert harness.model.unit.status == ops.BlockedStatus(
        "invalid config: 'log-level' must be one of debug, info, warning, error, critical, "
        "not 'chatty'"
    )
    # The previous, valid layer stays in place.
    plan = harness.get_container_pebble_plan('httpbin')
    assert '--log-level info' in plan.services['httpbin'].command


def test_leader_creates_password_secret_and_pushes_it(
    harness: testing.Harness[HttpbinCharm],
) -> None:
    harness.container_pebble_ready('httpbin')

    peers = harness.model.get_relation('httpbin-peers')
    assert peers is not None
    secret_id = json.loads(peers.data[harness.model.app]['password_secret_id'])
    secret = harness.model.get_secret(id=secret_id)
    assert secret.get_info().label == PASSWORD_LABEL
    password = secret.get_content()['password']
    root = harness.get_filesystem_root('httpbin')
    assert (root / 'etc/httpbin/admin-password').read_text() == password


def test_ingress_request_written_and_url_read(harness: testing.Harness[HttpbinCharm]) -> None:
    harness.container_pebble_ready('httpbin')

    relation_id = harness.add_relation('ingress', 'traefik', unit_data={})
    data = harness.get_relation_data(relation_id, 'httpbin-k8s')
    assert json.loads(data['port']) == 8080
    assert json.loads(data['name']) == 'httpbin-k8s'

    harness.update_relation_data(relation_id, 'traefik', {'url': json.dumps('http://i.example/')})
    harness.evaluate_status()
    assert harness.model.unit.status == ops.ActiveStatus('serving at http://i.example/')


def test_get_version_action(harness: testing.Harness[HttpbinCharm]) -> None:
    harness.container_pebble_ready('httpbin')
    harness.handle_exec('httpbin', ['gunicorn'], result='gunicorn (version 21.2.0)\n')

    output = harness.run_action('get-version')

    assert output.results == {'version': '21.2.0'}
    assert harness.get_workload_version() == '21.2.0'


def test_get_version_action_failure(harness: testing.Harness[HttpbinCharm]) -> None:
    harness.container_pebble_ready('httpbin')
    harness.handle_exec('httpbin', ['gunicorn'], result=testing.ExecResult(exit_code=1))

    with pytest.raises(testing.ActionFailed) as exc_info:
        harness.run_action('get-version')

    assert exc_info.value.message == 'gunicorn --version exited with status 1'


def test_initial_hooks_bring_the_leader_to_active() -> None:
    harness = testing.Harness(HttpbinCharm)
    try:
        harness.set_leader(True)
        harness.begin_with_initial_hooks()
        harness.evaluate_status()

        assert harness.model.unit.status == ops.ActiveStatus()
        container = harness.model.unit.get_container('httpbin')
        assert container.get_service('httpbin').is_running()
        with container.pull('/etc/httpbin/admin-password') as f:
            assert f.read()
    finally:
        harness.cleanup()
