"""The model's cache-forgetting calls (``ops_core.sister``): what a Harness uses between events.

Each test reads something through the model, changes it behind the model's back (as a
test-side change to the simulated Juju does), and checks that the model shows the change
only after the matching call, and asks the backend again exactly then.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ops_core.model import Model
from ops_core.sister import (
    event_context,
    forget,
    forget_relation,
    live_objects,
    refresh_relation,
    relation_added,
    relation_broken,
    running_event,
    unit_departing,
)

from .conftest import ModelJuju


@pytest.fixture
def model(make_model: Callable[..., Model]) -> Model:
    return make_model()


def test_leadership_is_asked_again_once_forgotten(model: Model, juju: ModelJuju) -> None:
    assert not model.unit.is_leader()
    juju.set_leader(True)
    assert not model.unit.is_leader()  # cached for the dispatch
    forget(model, leadership=True)
    assert model.unit.is_leader()
    assert juju.count('is_leader') == 2


def test_config_and_unit_status_are_read_again(model: Model, juju: ModelJuju) -> None:
    assert dict(model.config) == {}
    assert model.unit.status.name == 'unknown'
    juju.set_config({'port': 80})
    juju.set_status('active', 'up')
    assert dict(model.config) == {}
    forget(model, config=True, unit_status=True)
    assert dict(model.config) == {'port': 80}
    assert (model.unit.status.name, model.unit.status.message) == ('active', 'up')


def test_storage_bindings_and_resources_are_read_again(model: Model, juju: ModelJuju) -> None:
    assert model.storages['data'] == []
    assert str(model.resources.fetch('blob')).endswith('blob')
    model.get_binding('db')
    juju.add_storage('data/0', '/srv/data-0')
    forget(model, storage='data', resource='blob', bindings=True)
    assert [s.index for s in model.storages['data']] == [0]
    model.resources.fetch('blob')
    assert juju.count('resource_get') == 2
    binding = model.get_binding('db')
    assert binding is not None
    binding.network  # noqa: B018 - read the network: a new binding asks again
    assert juju.count('network_get') == 1


def test_a_relation_added_shows_in_a_listed_endpoint_without_listing_again(
    model: Model, juju: ModelJuju
) -> None:
    juju.relate(1, 'db', 'pg', ['pg/0'])
    assert [r.id for r in model.relations['db']] == [1]
    juju.relate(2, 'db', 'other', [])
    relation_added(model, 'db', 2)
    assert [r.id for r in model.relations['db']] == [1, 2]
    assert juju.count('relation_ids') == 1


def test_refresh_updates_the_object_the_charm_holds(model: Model, juju: ModelJuju) -> None:
    juju.relate(1, 'db', 'pg', ['pg/0'], {'pg/0': {'k': 'v'}})
    relation = model.get_relation('db', 1)
    assert relation is not None
    unit0 = model.get_unit('pg/0')
    assert relation.data[unit0] == {'k': 'v'}
    juju.add_relation_unit(1, 'pg/1')
    juju.update_relation_data(1, 'pg/1', {'new': 'yes'})
    juju.update_relation_data(1, 'pg/0', {'k': 'changed'})
    refresh_relation(model, 'db', 1)
    assert {u.name for u in relation.units} == {'pg/0', 'pg/1'}
    assert relation.data[model.get_unit('pg/1')] == {'new': 'yes'}
    assert relation.data[unit0] == {'k': 'changed'}
    # One unit joining: only it is added.
    juju.add_relation_unit(1, 'pg/2')
    calls = juju.count('relation_list')
    refresh_relation(model, 'db', 1, joined='pg/2')
    assert model.get_unit('pg/2') in relation.units
    assert juju.count('relation_list') == calls
    # A relation the model never built is left alone.
    refresh_relation(model, 'db', 99)


def test_a_broken_relation_is_left_out_then_forgotten(model: Model, juju: ModelJuju) -> None:
    juju.relate(1, 'db', 'pg', [])
    before = model.get_relation('db', 1)
    with relation_broken(model, 'db', 1) as broken:
        assert broken is before
        assert not broken.active
        assert model.relations['db'] == []
    juju.remove_relation(1)
    forget_relation(model, 'db', 1)
    assert model.relations['db'] == []
    assert model.get_relation('db', 1) is not before


def test_a_departing_units_bag_stays_readable_while_it_departs(
    model: Model, juju: ModelJuju
) -> None:
    juju.relate(1, 'db', 'pg', ['pg/0'], {'pg/0': {'k': 'v'}})
    relation = model.get_relation('db', 1)
    assert relation is not None
    unit = model.get_unit('pg/0')
    juju.depart(1, 'pg/0')
    with unit_departing(model, 'db', 1, 'pg/0'):
        assert unit not in relation.units
        assert relation.data[unit] == {'k': 'v'}
    assert unit not in relation.data


def test_the_event_being_handled(model: Model) -> None:
    assert running_event(model) == ''
    with event_context(model, 'db_relation_changed'):
        assert running_event(model) == 'db_relation_changed'
        with event_context(model, ''):
            assert running_event(model) == ''
        assert running_event(model) == 'db_relation_changed'
    assert running_event(model) == ''


def test_live_objects_are_the_framework_objects_still_alive() -> None:
    import gc

    from ops_core.framework import Framework, Object
    from ops_core.sister import MemoryStorage

    framework = Framework(MemoryStorage(), '.', None, None)  # type: ignore[arg-type]
    kept = Object(framework, 'kept')
    dropped = Object(framework, 'dropped')
    assert kept in live_objects(framework) and dropped in live_objects(framework)
    del dropped
    gc.collect()
    paths = {o.handle.path for o in live_objects(framework)}
    assert 'Object[kept]' in paths and 'Object[dropped]' not in paths
