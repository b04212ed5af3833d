"""What the charm sees of Juju: config, leadership, networks, storage, resources, ports, cloud."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ops
import pytest
from ops import testing
from ops.testing import errors

META = {
    'name': 'app',
    'requires': {
        'db': {'interface': 'pg'},
        'host': {'interface': 'juju-info', 'scope': 'container'},
    },
    'extra-bindings': {'metrics': None},
    'storage': {'data': {'type': 'filesystem', 'multiple': {'range': '0-4'}}},
    'resources': {
        'blob': {'type': 'file', 'filename': 'x'},
        'other': {'type': 'file', 'filename': 'y'},
    },
}
CONFIG = {
    'options': {
        'name': {'type': 'string', 'default': 'hello'},
        'debug': {'type': 'boolean', 'default': False},
        'nodefault': {'type': 'int'},
    }
}


class ModelCharm(ops.CharmBase):
    action: Callable[[ops.CharmBase], Any] = staticmethod(lambda c: None)  # type: ignore[assignment]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._start)
        self.result: Any = None

    def _start(self, event: ops.StartEvent) -> None:
        self.result = type(self).action(self)


def _run(
    action: Callable[[Any], Any], state: testing.State, **kwargs: Any
) -> tuple[Any, testing.State, testing.Context[Any]]:
    charm = type('ModelCharm', (ModelCharm,), {'action': staticmethod(action)})
    ctx = testing.Context(charm, meta=META, config=CONFIG, **kwargs)
    with ctx(ctx.on.start(), state) as mgr:
        out = mgr.run()
        return mgr.charm.result, out, ctx


def test_config_with_defaults() -> None:
    result, _, _ = _run(lambda c: dict(c.config), testing.State(config={'name': 'x'}))
    assert result == {'name': 'x', 'debug': False}


def test_leadership_planned_units_identity() -> None:
    def action(c: ops.CharmBase) -> Any:
        return c.unit.is_leader(), c.app.planned_units(), c.unit.name, c.app.name, c.model.name

    state = testing.State(leader=True, planned_units=3, model=testing.Model('prod'))
    result, _, _ = _run(action, state, app_name='myapp', unit_id=2)
    assert result == (True, 3, 'myapp/2', 'myapp', 'prod')


def test_networks() -> None:
    def action(c: ops.CharmBase) -> Any:
        default = c.model.get_binding('db').network  # type: ignore[union-attr]
        custom = c.model.get_binding('metrics').network  # type: ignore[union-attr]
        return (
            str(default.bind_address),
            str(default.ingress_address),
            [str(s) for s in default.egress_subnets],
            str(custom.bind_address),
            default.interfaces[0].name,
        )

    network = testing.Network(
        'metrics',
        [
            testing.BindAddress(
                [testing.Address('10.1.2.3', cidr='10.1.2.0/24')], interface_name='eth1'
            )
        ],
        ingress_addresses=['10.1.2.3'],
    )
    result, _, _ = _run(action, testing.State(networks=[network]))
    assert result == ('192.0.2.0', '192.0.2.0', ['192.0.2.0/24'], '10.1.2.3', '')


def test_network_get_on_a_subordinate_endpoint_is_refused() -> None:
    def action(c: ops.CharmBase) -> Any:
        with pytest.raises(ops.RelationNotFoundError):
            c.model._backend.network_get('host', None)
        return True

    assert _run(action, testing.State())[0] is True


def test_storage_location_and_request() -> None:
    storage = testing.Storage('data', index=1)

    def action(c: ops.CharmBase) -> Any:
        [attached] = c.model.storages['data']
        c.model.storages.request('data', 2)
        return attached.index, str(attached.location)

    (index, location), _, ctx = _run(action, testing.State(storages=[storage]))
    assert index == 1
    assert location == str(storage.get_filesystem(ctx))
    assert ctx.requested_storages == {'data': 2}


def test_storage_add_with_a_slash_is_refused() -> None:
    def action(c: ops.CharmBase) -> Any:
        with pytest.raises(ops.ModelError):
            c.model._backend.storage_add('data/0', 1)
        return True

    assert _run(action, testing.State())[0]


def test_resources() -> None:
    def action(c: ops.CharmBase) -> Any:
        path = str(c.model.resources.fetch('blob'))
        with pytest.raises(
            RuntimeError, match='Inconsistent state: resource other not found in State'
        ):
            c.model._backend.resource_get('other')
        return path

    result, _, _ = _run(
        action, testing.State(resources=[testing.Resource(name='blob', path='/tmp/b')])
    )
    assert result == '/tmp/b'


def test_ports() -> None:
    def action(c: ops.CharmBase) -> Any:
        before = {(p.protocol, p.port) for p in c.unit.opened_ports()}
        c.unit.open_port('udp', 53)
        c.unit.close_port('tcp', 80)
        c.unit.open_port('icmp')
        return before

    result, out, _ = _run(action, testing.State(opened_ports=[testing.TCPPort(80)]))
    assert result == {('tcp', 80)}
    assert out.opened_ports == frozenset({testing.UDPPort(53), testing.ICMPPort()})


def test_cloud_spec() -> None:
    spec = testing.CloudSpec(
        'lxd',
        endpoint='https://1.2.3.4',
        credential=testing.CloudCredential(auth_type='certificate', attributes={'k': 'v'}),
    )
    state = testing.State(model=testing.Model(type='lxd', cloud_spec=spec))

    def action(c: ops.CharmBase) -> Any:
        got = c.model.get_cloud_spec()
        return got.type, got.endpoint, got.credential.auth_type if got.credential else None

    assert _run(action, state, app_trusted=True)[0] == ('lxd', 'https://1.2.3.4', 'certificate')
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run(action, state)
    assert 'app_trusted=True' in str(info.value.__cause__)
    with pytest.raises(errors.UncaughtCharmError) as info:
        _run(action, testing.State(model=testing.Model(type='lxd')), app_trusted=True)
    assert 'cloud spec is empty' in str(info.value.__cause__)


def test_unsupported_tools() -> None:
    def action(c: ops.CharmBase) -> Any:
        with pytest.raises(NotImplementedError):
            c.model._backend.pod_spec_set({}, None)
        return True

    assert _run(action, testing.State())[0]


def test_context_environment_options() -> None:
    import os

    def action(c: ops.CharmBase) -> Any:
        return (
            os.environ.get('JUJU_MACHINE_ID'),
            os.environ.get('JUJU_AVAILABILITY_ZONE'),
            os.environ.get('JUJU_PRINCIPAL_UNIT'),
            os.environ['JUJU_MODEL_UUID'],
        )

    state = testing.State()
    result, _, _ = _run(
        action, state, machine_id='7', availability_zone='az1', principal_unit='p/0'
    )
    assert result == ('7', 'az1', 'p/0', state.model.uuid)
