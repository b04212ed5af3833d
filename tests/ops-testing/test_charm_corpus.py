"""What real charms' unit suites rely on, found by running them (tools/charm-suites).

Each test here stands for tests of a real charm that passed with ops 3.9 and did not with
this implementation; the charm's own test is named in the docstring.
"""

from __future__ import annotations

import logging
from unittest import mock

import ops
import pytest
from ops import testing

# Harness is what these charms' tests use; its deprecation notice is not the point here.
pytestmark = pytest.mark.filterwarnings('ignore::PendingDeprecationWarning')

K8S_META = """
name: db
containers:
  workload:
    resource: image
resources:
  image:
    type: oci-image
"""


class _StatusFromMock(ops.CharmBase):
    """Sets a status whose message is a mock, as a charm does when a test mocks a property."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        self.unit.status = ops.ActiveStatus(mock.MagicMock(name='active_status_message'))


def test_harness_keeps_a_status_whose_message_is_not_a_str(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """mysql-k8s: test_mysql_pebble_ready patches the charm's active_status_message."""
    harness = testing.Harness(_StatusFromMock, meta=K8S_META)
    harness.begin()
    with caplog.at_level(logging.WARNING):
        harness.charm.on.update_status.emit()
    status = harness.model.unit.status
    assert isinstance(status, ops.ActiveStatus)
    assert isinstance(status.message, mock.MagicMock)
    assert 'not a str' in caplog.text
    harness.cleanup()


def test_context_keeps_a_status_whose_message_is_not_a_str() -> None:
    ctx = testing.Context(_StatusFromMock, meta={'name': 'db'})
    out = ctx.run(ctx.on.update_status(), testing.State())
    assert out.unit_status.name == 'active'
    assert isinstance(out.unit_status.message, mock.MagicMock)


def test_harness_accepts_a_plan_with_a_service_without_command(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """superset-k8s: test_incomplete_pebble_plan adds a layer with no command and checks
    that the charm re-plans it (ops 3.9's Harness accepts the layer; real Pebble does not)."""
    harness = testing.Harness(ops.CharmBase, meta=K8S_META)
    harness.set_can_connect('workload', True)
    harness.begin()
    container = harness.model.unit.get_container('workload')
    with caplog.at_level(logging.WARNING):
        container.add_layer('base', {'services': {'srv': {'override': 'replace'}}}, combine=True)
    assert 'no "command"' in caplog.text
    assert container.get_plan().services['srv'].command == ''
    container.add_layer(
        'base',
        {'services': {'srv': {'override': 'merge', 'command': '/bin/srv'}}},
        combine=True,
    )
    assert harness.get_container_pebble_plan('workload').services['srv'].command == '/bin/srv'
    harness.cleanup()


def test_container_private_pebble_is_its_client() -> None:
    """mysql-k8s: the charm calls ``self.container._pebble.replan_services(timeout=0)``."""
    harness = testing.Harness(ops.CharmBase, meta=K8S_META)
    harness.set_can_connect('workload', True)
    harness.begin()
    container = harness.model.unit.get_container('workload')
    assert container._pebble is container.pebble
    container.add_layer(
        'base',
        {
            'services': {
                'srv': {'override': 'replace', 'command': '/bin/srv', 'startup': 'enabled'}
            }
        },
    )
    container._pebble.replan_services(timeout=0)
    assert container.get_service('srv').is_running()
    harness.cleanup()


class _Publisher(ops.CharmBase):
    def publish(self, url: str) -> None:
        relation = self.model.get_relation('api')
        assert relation is not None
        relation.data[self.app]['url'] = url


def test_manager_ops_state_shows_what_the_charm_changed_so_far() -> None:
    """mimir-coordinator-k8s: test_prometheus_api_provider_sends_data_correctly reads
    ``manager.ops.state.get_relation(id).local_app_data`` inside the ``with`` block."""
    ctx = testing.Context(
        _Publisher, meta={'name': 'pub', 'provides': {'api': {'interface': 'x'}}}
    )
    relation = testing.Relation('api')
    with ctx(ctx.on.update_status(), testing.State(relations={relation}, leader=True)) as mgr:
        assert mgr.ops is not None
        assert mgr.ops.state.get_relation(relation.id).local_app_data == {}
        mgr.charm.publish('http://api')
        assert mgr.ops.state.get_relation(relation.id).local_app_data == {'url': 'http://api'}
        assert mgr.ops.charm is mgr.charm
        out = mgr.run()
    assert out.get_relation(relation.id).local_app_data == {'url': 'http://api'}
