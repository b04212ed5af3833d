"""Config, leadership, planned units, model identity, cloud spec, status evaluation."""

from __future__ import annotations

from typing import Any

import ops
import pytest


def test_config_starts_with_defaults(harness: Any) -> None:
    assert dict(harness.model.config) == {'port': 8080, 'debug': False, 'ratio': 0.5}


def test_update_config_emits_config_changed_with_new_values(begun: Any) -> None:
    begun.update_config({'port': 9000, 'name': 'web'})
    assert begun.charm.kinds == ['config_changed']
    assert begun.charm.config['port'] == 9000
    assert begun.charm.config['name'] == 'web'


def test_unset_reverts_to_default_or_removes(begun: Any) -> None:
    begun.update_config({'port': 1, 'name': 'x'})
    begun.update_config(unset=['port', 'name'])
    assert begun.model.config['port'] == 8080
    assert 'name' not in begun.model.config


@pytest.mark.parametrize(
    ('key', 'value'),
    [('port', '80'), ('port', True), ('ratio', 1), ('debug', 'yes'), ('name', 3)],
)
def test_update_config_type_errors(harness: Any, key: str, value: Any) -> None:
    with pytest.raises(RuntimeError, match=f'Config option {key} is supposed to be of type'):
        harness.update_config({key: value})


def test_update_config_unknown_option(harness: Any) -> None:
    with pytest.raises(ValueError, match="unknown config option: 'nope'"):
        harness.update_config({'nope': 1})


def test_secret_option_takes_a_string(begun: Any) -> None:
    begun.update_config({'password': 'secret:abc'})
    assert begun.model.config['password'] == 'secret:abc'


def test_set_leader_emits_leader_elected_only_when_becoming_leader(begun: Any) -> None:
    begun.set_leader(True)
    assert begun.charm.unit.is_leader()
    begun.set_leader(False)
    assert not begun.charm.unit.is_leader()
    assert begun.charm.kinds == ['leader_elected']


def test_planned_units(harness: Any) -> None:
    assert harness.model.app.planned_units() == 1
    peers = harness.add_relation('cluster', 'app')
    harness.add_relation_unit(peers, 'app/1')
    harness.add_relation_unit(peers, 'app/2')
    assert harness.model.app.planned_units() == 3
    harness.set_planned_units(7)
    assert harness.model.app.planned_units() == 7
    harness.set_planned_units(0)
    assert harness.model.app.planned_units() == 0
    harness.reset_planned_units()
    assert harness.model.app.planned_units() == 3


@pytest.mark.parametrize('bad', [-1, '3'])
def test_set_planned_units_rejects_bad_numbers(harness: Any, bad: Any) -> None:
    with pytest.raises(TypeError):
        harness.set_planned_units(bad)


def test_model_name_and_uuid_before_begin(harness: Any) -> None:
    harness.set_model_name('prod')
    harness.set_model_uuid('00000000-0000-4000-8000-000000000000')
    assert harness.model.name == 'prod'
    assert harness.model.uuid == '00000000-0000-4000-8000-000000000000'
    harness.set_model_info(name='staging', uuid='11111111-0000-4000-8000-000000000000')
    harness.begin()
    assert harness.charm.model.name == 'staging'
    assert harness.charm.model.uuid == '11111111-0000-4000-8000-000000000000'
    for call in (
        lambda: harness.set_model_name('x'),
        lambda: harness.set_model_uuid('x'),
        lambda: harness.set_model_info(name='x'),
    ):
        with pytest.raises(RuntimeError, match='after begin'):
            call()


def test_cloud_spec(begun: Any) -> None:
    with pytest.raises(ops.ModelError, match='cloud spec is empty'):
        begun.model.get_cloud_spec()
    spec = ops.CloudSpec.from_dict({'type': 'lxd', 'name': 'localhost'})
    begun.set_cloud_spec(spec)
    got = begun.model.get_cloud_spec()
    assert got.type == 'lxd' and got.name == 'localhost'


class Reporting(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.collect_unit_status, self._unit_status)
        framework.observe(self.on.collect_app_status, self._app_status)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.set_workload_version('1.2.3')
        self.model.pod.set_spec({'containers': []}, {'kubernetesResources': {}})

    def _unit_status(self, event: ops.CollectStatusEvent) -> None:
        event.add_status(ops.WaitingStatus('db'))
        event.add_status(ops.BlockedStatus('config'))

    def _app_status(self, event: ops.CollectStatusEvent) -> None:
        event.add_status(ops.ActiveStatus('app ok'))


def test_workload_version_and_pod_spec(make: Any) -> None:
    harness = make(Reporting, meta='name: r')
    harness.set_leader(True)
    harness.begin()
    assert harness.get_workload_version() is None
    assert harness.get_pod_spec() is None
    harness.charm.on.start.emit()
    assert harness.get_workload_version() == '1.2.3'
    assert harness.get_pod_spec() == ({'containers': []}, {'kubernetesResources': {}})


def test_evaluate_status_sets_highest_priority_statuses(make: Any) -> None:
    harness = make(Reporting, meta='name: r')
    harness.begin()
    harness.evaluate_status()
    assert harness.model.unit.status == ops.BlockedStatus('config')
    harness.set_leader(True)
    harness.evaluate_status()
    assert harness.model.app.status == ops.ActiveStatus('app ok')


def test_reboot_count(make: Any) -> None:
    harness = make(Reporting, meta='name: r')
    harness.begin()
    assert harness.reboot_count == 0
    harness.charm.unit.reboot()
    assert harness.reboot_count == 1
    with pytest.raises(SystemExit):
        harness.charm.unit.reboot(now=True)
    assert harness.reboot_count == 2


def test_ports_opened_by_the_charm(begun: Any) -> None:
    begun.charm.unit.open_port('tcp', 8080)
    begun.charm.unit.set_ports(8080, ops.Port('udp', 53))
    assert begun.model.unit.opened_ports() == {ops.Port('tcp', 8080), ops.Port('udp', 53)}
    begun.charm.unit.close_port('udp', 53)
    assert begun.model.unit.opened_ports() == {ops.Port('tcp', 8080)}
