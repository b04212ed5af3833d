"""A State built from values of the wrong type is a StateValidationError naming the field.

With ops-scenario 8.9 these give an ``AttributeError``/``TypeError`` from deep inside
``Context.run`` (or, for a container's layers, from inside the charm's Pebble call). Values
it accepts and real tests pass (``leader='yes'``, ``planned_units='3'``, an ``ops.Storage``
for a storage) are still accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ops
import pytest
from ops import pebble, testing
from ops.testing.errors import StateValidationError


class Charm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        container = self.unit.get_container('wl')
        container.get_plan()


META = {
    'name': 'app',
    'requires': {'db': {'interface': 'pg'}},
    'containers': {'wl': {}},
    'storage': {'data': {'type': 'filesystem'}},
}

HOSTILE: dict[str, tuple[Callable[[], Any], str]] = {
    'relations': (lambda: testing.State(relations=['x']), "State.relations must hold RelationBase objects; item 0 is the str 'x'"),
    'networks-dict': (lambda: testing.State(networks={'db': 'x'}), "State.networks must hold Network objects; item 0 is the str 'db' (a dict gives its keys"),
    'deferred': (lambda: testing.State(deferred=[object()]), 'State.deferred must hold DeferredEvent objects; item 0 is a builtins.object'),
    'deferred-fields': (lambda: testing.DeferredEvent(3, 'C', '_on'), 'DeferredEvent.handle_path must be a str'),
    'containers': (lambda: testing.State(containers=['wl']), "State.containers must hold Container objects; item 0 is the str 'wl'"),
    'execs': (lambda: testing.Container('wl', execs=[('ls',)]), 'Container.execs must hold Exec objects; item 0 is a builtins.tuple'),
    'check-infos': (lambda: testing.Container('wl', check_infos=['alive']), 'Container.check_infos must hold CheckInfo objects'),
    'secrets': (lambda: testing.State(secrets=['x']), "State.secrets must hold Secret objects; item 0 is the str 'x'"),
    'stored-states': (lambda: testing.State(stored_states=['x']), "State.stored_states must hold StoredState objects"),
    'stored-content': (lambda: testing.StoredState(content=['x']), 'StoredState.content must be a mapping'),
    'storages': (lambda: testing.State(storages=['data']), "State.storages must hold Storage objects; item 0 is the str 'data'"),
    'storage-index': (lambda: testing.Storage('data', index='../../../../tmp/x'), "Storage.index must be a non-negative int, got '../../../../tmp/x'"),
    'resources': (lambda: testing.State(resources=['x']), 'State.resources must hold Resource objects'),
    'model': (lambda: testing.State(model='x'), 'State.model must be a Model, not a str'),
    'cloud-spec': (lambda: testing.Model(cloud_spec='lxd'), 'Model.cloud_spec must be a CloudSpec'),
    'credential': (lambda: testing.CloudSpec('lxd', credential={'a': 'b'}), 'CloudSpec.credential must be a CloudCredential'),
    'config': (lambda: testing.State(config=['x']), 'State.config must be a mapping of option names to values, not a list'),
    'relations-string': (lambda: testing.State(relations='db'), "State.relations must be a collection of RelationBase objects, not the str 'db'"),
}  # fmt: skip


# Items of a container's or a network's collections are checked when a run starts, not when
# the component is built: ops-scenario 8.9's own tests build components with placeholder
# items (``Container(layers={'foo': 'bar'})``, ``BindAddress(['foo'])``) and compare them.
HOSTILE_AT_RUN: dict[str, tuple[Callable[[], testing.State], str]] = {
    'networks': (lambda: testing.State(networks=[testing.Network('db', bind_addresses=['x'])]), "Network.bind_addresses must hold BindAddress objects"),
    'addresses': (lambda: testing.State(networks=[testing.Network('db', bind_addresses=[testing.BindAddress(['10.0.0.1'])])]), "BindAddress.addresses must hold Address objects; item 0 is the str '10.0.0.1'"),
    'layer-string': (lambda: testing.State(containers=[testing.Container('wl', layers={'base': 'services: {}'})]), "Container.layers['base'] must be a Layer, not the str 'services: {}'"),
    'mounts': (lambda: testing.State(containers=[testing.Container('wl', mounts={'m': '/tmp'})]), "Container.mounts['m'] must be a Mount"),
    'notices': (lambda: testing.State(containers=[testing.Container('wl', notices=['n'])]), 'Container.notices must hold Notice objects'),
}  # fmt: skip


@pytest.mark.parametrize('case', list(HOSTILE_AT_RUN))
def test_a_hostile_component_item_is_a_state_validation_error_when_the_run_starts(
    case: str,
) -> None:
    build, message = HOSTILE_AT_RUN[case]
    state = build()  # built as ops-scenario 8.9 builds it
    ctx = testing.Context(Charm, meta=META)
    with pytest.raises(StateValidationError) as caught:
        ctx.run(ctx.on.update_status(), state)
    assert message in str(caught.value)


def test_components_with_placeholder_items_can_be_built_and_compared() -> None:
    # As ops-scenario 8.9's own tests do (test_state.py's immutable-content tests).
    content = ['foo', 'bar']
    first = testing.BindAddress(content)  # type: ignore[arg-type]
    second = testing.BindAddress(content)  # type: ignore[arg-type]
    content.append('baz')
    assert first.addresses == second.addresses == ['foo', 'bar']
    assert first.addresses is not second.addresses
    layers = {'foo': 'bar'}
    container = testing.Container('wl', layers=layers)  # type: ignore[dict-item]
    layers['x'] = 'y'
    assert container.layers == {'foo': 'bar'}
    # A bare string is still refused at once, as in ops-scenario 8.9.
    with pytest.raises(StateValidationError):
        testing.Network('db', bind_addresses='oops')  # type: ignore[arg-type]


@pytest.mark.parametrize('case', list(HOSTILE))
def test_a_hostile_state_value_is_a_state_validation_error_naming_the_field(case: str) -> None:
    build, message = HOSTILE[case]
    with pytest.raises(StateValidationError) as caught:
        build()
    assert message in str(caught.value)


def test_what_scenario_accepts_is_still_accepted() -> None:
    ctx = testing.Context(Charm, meta=META)
    storage = testing.Storage('data')
    state = testing.State(
        leader='yes',  # type: ignore[arg-type]
        planned_units='3',  # type: ignore[arg-type]
        containers=[testing.Container('wl', can_connect=True, layers={'a': pebble.Layer({})})],
        storages=[storage],
        networks=frozenset(),
        relations=(),
        config={},
    )
    ctx.run(ctx.on.update_status(), state)
