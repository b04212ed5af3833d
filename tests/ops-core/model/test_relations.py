"""Relations and relation data: listing, caching, access rules, typed load/save."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_core.charm import CharmMeta
from ops_core.model import (
    Model,
    RelationDataAccessError,
    RelationDataTypeError,
    TooManyRelatedAppsError,
)
from ops_core.sister import forget

from .conftest import META, ModelJuju


@pytest.fixture
def db_model(juju: ModelJuju, make_model: Callable[..., Model]) -> Model:
    juju.relate(
        3,
        'db',
        'pg',
        ['pg/0', 'pg/1'],
        {'pg': {'host': '"h"', 'port': '5432', 'extra-key': '"x"'}, 'pg/0': {'a': 'b'}},
    )
    return make_model()


def test_relations_are_listed_once_and_objects_are_shared(
    db_model: Model, juju: ModelJuju
) -> None:
    rels = db_model.relations['db']
    assert [r.id for r in rels] == [3]
    rel = rels[0]
    assert rel.app is db_model.get_app('pg')
    assert {u.name for u in rel.units} == {'pg/0', 'pg/1'}
    assert db_model.get_relation('db') is rel
    assert db_model.relations['db'][0] is rel
    assert juju.count('relation_ids') == 1
    assert juju.count('relation_list') == 1
    assert repr(rel) == '<ops.model.Relation db:3>'


def test_unknown_endpoint_is_a_key_error(db_model: Model) -> None:
    with pytest.raises(KeyError):
        db_model.relations['nope']
    assert set(db_model.relations) == {'db', 'cache', 'website', 'peer'}


def test_too_many_relations_need_an_id(juju: ModelJuju, make_model: Callable[..., Model]) -> None:
    juju.relate(1, 'db', 'pg', [])
    juju.relate(2, 'db', 'mysql', [])
    model = make_model()
    with pytest.raises(TooManyRelatedAppsError) as exc:
        model.get_relation('db')
    assert (exc.value.relation_name, exc.value.num_related, exc.value.max_supported) == (
        'db',
        2,
        1,
    )
    assert model.get_relation('db', 2).app.name == 'mysql'  # type: ignore[union-attr]


def test_broken_relation_is_hidden_but_still_reachable(
    juju: ModelJuju, make_model: Callable[..., Model]
) -> None:
    juju.relate(3, 'db', 'pg', ['pg/0'])
    model = make_model(broken_relation_id=3)
    assert model.relations['db'] == []
    rel = model.get_relation('db', 3)
    assert rel is not None and rel.id == 3


def test_unlisted_relation_id_gives_an_inactive_relation(db_model: Model) -> None:
    rel = db_model.get_relation('db', 99)
    assert rel is not None
    assert rel.active is False and rel.units == set() and rel.app is None
    assert dict(rel.data[db_model.unit]) == {}  # a dead relation reads as empty


def test_relation_id_must_be_int(db_model: Model) -> None:
    from ops_core.model import ModelError

    with pytest.raises(ModelError, match='must be int or None, not str'):
        db_model.get_relation('db', 'x')  # type: ignore[arg-type]


def test_departing_remote_unit_keeps_a_data_bag(
    juju: ModelJuju, make_model: Callable[..., Model]
) -> None:
    juju.relate(3, 'db', 'pg', ['pg/0', 'pg/1'], {'pg/0': {'bye': 'now'}})
    juju.depart(3, 'pg/0')
    model = make_model(remote_unit_name='pg/0')
    rel = model.get_relation('db')
    assert rel is not None
    departing = model.get_unit('pg/0')
    assert departing not in rel.units
    assert rel.data[departing]['bye'] == 'now'


def test_peer_relation_app_is_our_app(juju: ModelJuju, make_model: Callable[..., Model]) -> None:
    juju.relate(5, 'peer', 'myapp', [])
    model = make_model()
    rel = model.get_relation('peer')
    assert rel is not None and rel.app is model.app


def test_bag_is_read_once_and_writes_update_the_cache(db_model: Model, juju: ModelJuju) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None
    bag = rel.data[db_model.unit]
    assert dict(bag) == {}
    bag['x'] = '1'
    bag.update({'x': '1', 'y': '2'})  # only y changes
    assert dict(bag) == {'x': '1', 'y': '2'}
    del bag['x']
    bag['never'] = ''  # deleting an absent key sends nothing
    sets = [args for name, args in juju.calls if name == 'relation_set']
    assert sets == [
        ('db', 3, {'x': '1'}, False),
        ('db', 3, {'y': '2'}, False),
        ('db', 3, {'x': ''}, False),
    ]
    assert juju.count('relation_get') == 1
    assert juju.bag(3, 'myapp/0') == {'y': '2'}


def test_type_errors_name_the_key_and_the_fix(db_model: Model) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None
    bag = rel.data[db_model.unit]
    with pytest.raises(
        RelationDataTypeError, match=r"must be str, got int for key 'port'.*str\(\)"
    ):
        bag['port'] = 5432  # type: ignore[assignment]
    with pytest.raises(RelationDataTypeError, match='keys must be str, got int'):
        bag[1] = 'x'  # type: ignore[index]
    with pytest.raises(RelationDataTypeError):
        bag.update({'a': 'b', 'c': 3})  # type: ignore[arg-type]
    assert dict(bag) == {}  # nothing of a bad update is written


def test_a_many_key_update_checks_every_key_and_refuses_access_naming_the_first(
    db_model: Model,
) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None
    with db_model._event_context('db_relation_changed'):
        app_bag = rel.data[db_model.app]
        # Not leader: refused, naming the first key, before the later keys' types are seen.
        with pytest.raises(RelationDataAccessError, match="application data \\(key 'a'\\)"):
            app_bag.update({'a': 'b', 'c': 3})  # type: ignore[dict-item]
        unit_bag = rel.data[db_model.unit]
        # Allowed: every key's type is still checked, and nothing of a bad update is written.
        with pytest.raises(RelationDataTypeError, match="got int for key 'z'"):
            unit_bag.update({'x': '1', 'y': '2', 'z': 3})  # type: ignore[dict-item]
        assert dict(unit_bag) == {}
        unit_bag.update({'x': '1', 'y': '2'})
        assert dict(unit_bag) == {'x': '1', 'y': '2'}


def test_access_rules_apply_while_a_hook_runs(db_model: Model, juju: ModelJuju) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None
    with db_model._event_context('db_relation_changed'):
        with pytest.raises(
            RelationDataAccessError, match='cannot write the data of remote application pg'
        ):
            rel.data[rel.app]['k'] = 'v'  # type: ignore[index]
        with pytest.raises(
            RelationDataAccessError, match='cannot write databag of pg/0: not the same unit'
        ):
            rel.data[db_model.get_unit('pg/0')]['k'] = 'v'
        with pytest.raises(
            RelationDataAccessError, match='not leader and cannot write application data'
        ):
            rel.data[db_model.app]['k'] = 'v'
        with pytest.raises(
            RelationDataAccessError, match='not leader and cannot read its own application'
        ):
            dict(rel.data[db_model.app])
        # a bag that may not be read still has a repr (debuggers, pytest reports, logs)
        assert repr(rel.data[db_model.app]) == '<n/a>'
        # reading remote bags is always allowed
        assert rel.data[rel.app]['port'] == '5432'  # type: ignore[index]
        juju.set_leader(True)
        forget(db_model, leadership=True)  # leadership re-checked (cache expiry)
        rel.data[db_model.app]['k'] = 'v'
    assert juju.bag(3, 'myapp') == {'k': 'v'}
    assert juju.bag(3, 'pg').get('k') is None


def test_leadership_is_cached(db_model: Model, juju: ModelJuju) -> None:
    assert db_model.unit.is_leader() is False
    assert db_model.unit.is_leader() is False
    assert juju.count('is_leader') == 1
    with pytest.raises(RuntimeError, match='not visible'):
        db_model.get_unit('pg/0').is_leader()


def test_none_key_explains_relation_broken(db_model: Model) -> None:
    rel = db_model.get_relation('db', 99)
    assert rel is not None
    with pytest.raises(KeyError, match='relation-broken'):
        rel.data[rel.app]  # type: ignore[index]


@dataclasses.dataclass
class DbInfo:
    host: str
    port: int = 0


class DbModel(pydantic.BaseModel):
    host: str
    port: int
    extra: str = pydantic.Field(alias='extra-key')


def test_load_dataclass_and_pydantic(db_model: Model) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None and rel.app is not None
    assert rel.load(DbInfo, rel.app) == DbInfo('h', 5432)
    assert rel.load(DbModel, rel.app) == DbModel(host='h', port=5432, **{'extra-key': 'x'})
    # As in ops 3.9, the bag's value wins; keyword arguments fill in what it lacks.
    assert rel.load(DbInfo, rel.app, port=1) == DbInfo('h', 5432)
    custom = rel.load(DbInfo, rel.app, decoder=lambda s: s.strip('"'))
    assert custom == DbInfo('h', '5432')  # type: ignore[arg-type]


def test_load_names_the_undecodable_key(juju: ModelJuju, make_model: Callable[..., Model]) -> None:
    juju.relate(3, 'db', 'pg', [], {'pg': {'host': 'not json'}})
    rel = make_model().get_relation('db')
    assert rel is not None and rel.app is not None
    with pytest.raises(ValueError, match="relation data key 'host' for DbInfo"):
        rel.load(DbInfo, rel.app)


def test_load_of_deeply_nested_remote_json_is_a_value_error(
    juju: ModelJuju, make_model: Callable[..., Model]
) -> None:
    deep = '[' * 100_000 + ']' * 100_000  # a hostile remote application's data
    juju.relate(3, 'db', 'pg', [], {'pg': {'host': deep}})
    rel = make_model().get_relation('db')
    assert rel is not None and rel.app is not None
    with pytest.raises(ValueError, match="relation data key 'host' for DbInfo: it is nested"):
        rel.load(DbInfo, rel.app)


def test_save_writes_one_relation_set(db_model: Model, juju: ModelJuju) -> None:
    rel = db_model.get_relation('db')
    assert rel is not None
    rel.save(DbModel(host='a', port=5, **{'extra-key': 'e'}), db_model.unit)
    sets = [a for n, a in juju.calls if n == 'relation_set']
    assert sets == [('db', 3, {'host': '"a"', 'port': '5', 'extra-key': '"e"'}, False)]
    assert json.loads(rel.data[db_model.unit]['host']) == 'a'
    with db_model._event_context('x'), pytest.raises(RelationDataAccessError):
        rel.save(DbInfo('a'), db_model.app)


def test_app_data_needs_juju_2_7(juju: ModelJuju, make_model: Callable[..., Model]) -> None:
    juju.set_juju_version('2.6.9')
    juju.relate(3, 'db', 'pg', [], {'pg': {'a': 'b'}})
    rel = make_model().get_relation('db')
    assert rel is not None and rel.app is not None
    with pytest.raises(
        RuntimeError, match='getting application data is not supported on Juju version 2.6.9'
    ):
        dict(rel.data[rel.app])
    assert juju.count('relation_get') == 0


_keys = st.sampled_from(['a', 'b', 'c'])
_values = st.sampled_from(['', 'x', 'y'])


@given(st.lists(st.dictionaries(_keys, _values, max_size=3), max_size=6))
def test_writes_send_exactly_the_changes(updates: list[dict[str, str]]) -> None:
    juju = ModelJuju()
    juju.relate(1, 'db', 'pg', [])
    model = Model(CharmMeta.from_yaml(META), juju.recorder)
    rel = model.get_relation('db')
    assert rel is not None
    bag = rel.data[model.unit]
    expected: dict[str, str] = {}
    for update in updates:
        before = dict(expected)
        bag.update(update)
        for k, v in update.items():
            if v == '':
                expected.pop(k, None)
            else:
                expected[k] = v
        sent = [a[2] for n, a in juju.calls if n == 'relation_set']
        changed = {k: v for k, v in update.items() if before.get(k, '') != v}
        if changed:
            assert sent[-1] == changed
        assert dict(bag) == expected == juju.bag(1, 'myapp/0')
    assert juju.count('relation_get') == (1 if updates else 0)
