"""The part of `interface_hacluster.ops_ha_interface` that haproxy-operator's charm uses."""

from __future__ import annotations

import json

import ops


class HAServiceReadyEvent(ops.EventBase):
    """The hacluster relation is ready."""


class HAServiceRequiresEvents(ops.ObjectEvents):
    """Events of the requirer side."""

    ha_ready = ops.EventSource(HAServiceReadyEvent)


class HAServiceRequires(ops.Object):
    """Requirer side of the `hacluster` interface: collects resources, then publishes them."""

    on = HAServiceRequiresEvents()  # type: ignore[reportAssignmentType]

    def __init__(self, charm: ops.CharmBase, relation_name: str):
        super().__init__(charm, relation_name)
        self.relation_name = relation_name
        self._resources: dict[str, dict[str, str]] = {}
        self._delete: list[str] = []
        self.framework.observe(charm.on[relation_name].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        if event.relation.data[event.unit].get('clustered') if event.unit else False:
            self.on.ha_ready.emit()

    def add_vip(self, name: str, vip: str) -> None:
        self._resources[f'res_{name}_vip'] = {'type': 'ocf:heartbeat:IPaddr2', 'ip': vip}

    def remove_vip(self, name: str, vip: str) -> None:
        self._delete.append(f'res_{name}_vip')

    def add_systemd_service(self, name: str, service_name: str) -> None:
        self._resources[f'res_{name}_systemd'] = {'type': 'systemd', 'service': service_name}

    def bind_resources(self) -> None:
        relation = self.model.get_relation(self.relation_name)
        if relation is None:
            return
        relation.data[self.model.unit]['json_resources'] = json.dumps(self._resources)
        relation.data[self.model.unit]['json_delete_resources'] = json.dumps(self._delete)
