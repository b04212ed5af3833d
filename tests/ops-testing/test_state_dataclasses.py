"""The State classes are dataclasses for everything that asks, though built lazily.

``ops_testing`` defines its State classes as records (``ops_hookcmds.sister.record``), whose
methods are generated on first use so that ``from ops.testing import State`` compiles none of
them. Charm tests rely on these classes being dataclasses: ``dataclasses.replace`` to derive
a State, ``fields``/``asdict`` to inspect one, subclassing with ``@dataclass``, pickling and
copying, and the frozen, equality, hash and repr behaviour of a frozen dataclass.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import inspect
import pickle
from typing import Any

import ops
import pytest
from ops import pebble, testing


def _samples() -> list[Any]:
    now = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    return [
        testing.State(leader=True, config={'a': 1}),
        testing.Relation('db', remote_app_data={'k': 'v'}),
        testing.PeerRelation('peers', peers_data={1: {'x': 'y'}}),
        testing.SubordinateRelation('logs', remote_unit_data={'u': 'v'}),
        testing.Container('workload', can_connect=True),
        testing.Exec(('ls',), stdout='out'),
        testing.Mount(location='/a', source='/b'),
        testing.CheckInfo('ready', level=pebble.CheckLevel.READY),
        testing.Notice('example.com/n', first_occurred=now, last_occurred=now, last_repeated=now),
        testing.Secret({'password': 'hunter2'}, label='db'),
        testing.Network('db'),
        testing.Address('10.0.0.1'),
        testing.BindAddress([testing.Address('10.0.0.1')]),
        testing.Model(name='m', uuid='00000000-0000-4000-8000-000000000000'),
        testing.CloudSpec(type='lxd'),
        testing.CloudCredential(auth_type='certificate', attributes={'k': 'v'}),
        testing.Storage('data', index=1),
        testing.TCPPort(80),
        testing.UDPPort(53),
        testing.ICMPPort(),
        testing.Resource(name='r', path='/r'),
        testing.StoredState(owner_path='Charm', content={'a': 1}),
        testing.DeferredEvent('Charm/on/start[1]', 'Charm', '_on_start'),
        testing.JujuLogLine('INFO', 'hello'),
    ]


_SAMPLES = _samples()


_EVERY_FIELD_MATCHES = dict.fromkeys(
    ['CheckInfo', 'CloudSpec', 'Container', 'Exec', 'Network', 'Notice', 'Secret', 'StoredState']
)


@pytest.fixture(params=_SAMPLES, ids=lambda sample: type(sample).__name__)
def sample(request: pytest.FixtureRequest) -> Any:
    return request.param


def test_every_state_class_is_a_dataclass_with_its_init_s_fields(sample: Any) -> None:
    cls = type(sample)
    assert dataclasses.is_dataclass(cls) and dataclasses.is_dataclass(sample)
    assert cls.__dataclass_params__.frozen
    init_fields = [f.name for f in dataclasses.fields(cls) if f.init]
    params = list(inspect.signature(cls).parameters)
    assert sorted(params) == sorted(init_fields)
    positional = [
        name
        for name, p in inspect.signature(cls).parameters.items()
        if p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    if cls.__name__ in _EVERY_FIELD_MATCHES:
        # ops-scenario 8.9 lists the later (keyword-only) fields too for these classes: its
        # limit on positional arguments is not the dataclass's kw_only.
        names = {f.name for f in dataclasses.fields(cls)}
        assert list(cls.__match_args__[: len(positional)]) == positional
        assert len(cls.__match_args__) > len(positional) and set(cls.__match_args__) <= names
    else:
        assert list(cls.__match_args__) == positional


def test_replace_asdict_astuple_copy_and_pickle_round_trip(sample: Any) -> None:
    cls = type(sample)
    assert dataclasses.replace(sample) == sample
    as_dict = dataclasses.asdict(sample)
    assert list(as_dict) == [f.name for f in dataclasses.fields(cls)]
    assert len(dataclasses.astuple(sample)) == len(dataclasses.fields(cls))
    assert copy.copy(sample) == sample and copy.deepcopy(sample) == sample
    assert pickle.loads(pickle.dumps(sample)) == sample


def test_fields_cannot_be_assigned_or_deleted(sample: Any) -> None:
    name = dataclasses.fields(sample)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
        setattr(sample, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(sample, name)
    assert isinstance(dataclasses.FrozenInstanceError(), AttributeError)


def test_equality_hash_and_repr(sample: Any) -> None:
    twin = dataclasses.replace(sample)
    assert twin == sample and not (twin != sample)
    try:
        expected = hash(sample)
    except TypeError:  # a frozen dataclass whose fields hold a dict, as in ops 3.9
        with pytest.raises(TypeError, match='unhashable'):
            hash(twin)
    else:
        assert hash(twin) == expected
    assert repr(sample).startswith(f'{type(sample).__name__}(')
    assert sample != object()


def test_changed_field_values_make_unequal_states() -> None:
    state = testing.State(leader=True)
    assert dataclasses.replace(state, leader=False) != state
    assert testing.Relation('db', id=1) != testing.Relation('db', id=2)
    assert repr(testing.TCPPort(80)) == "TCPPort(port=80, protocol='tcp')"
    assert 'hunter2' not in repr(testing.Secret({'password': 'hunter2'}))


def test_replace_still_validates_and_normalises() -> None:
    state = testing.State()
    derived = dataclasses.replace(state, relations=[testing.Relation('db')])
    assert isinstance(derived.relations, frozenset)
    with pytest.raises(TypeError, match='Invalid status.unit_status'):
        dataclasses.replace(state, unit_status='active')


def test_charm_tests_can_subclass_state_classes_with_dataclass() -> None:
    # eq=False keeps Relation's own __eq__/__hash__ (by id): a frozen dataclass subclass
    # with eq=True would hash its dict fields and be unusable in a State, as on ops 3.9.
    @dataclasses.dataclass(frozen=True, eq=False)
    class DatabaseRelation(testing.Relation):
        database: str = dataclasses.field(default='app', kw_only=True)

    relation = DatabaseRelation('db', database='prod', remote_app_data={'k': 'v'})
    assert relation.database == 'prod' and relation.remote_app_data == {'k': 'v'}
    assert [f.name for f in dataclasses.fields(relation)][-1] == 'database'
    assert dataclasses.replace(relation, database='dev').database == 'dev'
    with pytest.raises(dataclasses.FrozenInstanceError):
        relation.database = 'x'  # type: ignore[misc]
    # The base's __post_init__ still validates.
    with pytest.raises(testing.errors.StateValidationError):
        DatabaseRelation('db', remote_app_data={'k': 1})  # type: ignore[dict-item]

    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework) -> None:
            super().__init__(framework)
            framework.observe(self.on['db'].relation_changed, self._on_changed)

        def _on_changed(self, event: ops.RelationChangedEvent) -> None:
            assert event.app is not None
            self.unit.status = ops.ActiveStatus(event.relation.data[event.app]['k'])

    ctx = testing.Context(Charm, meta={'name': 'c', 'requires': {'db': {'interface': 'i'}}})
    out = ctx.run(ctx.on.relation_changed(relation), testing.State(relations=[relation]))
    assert out.unit_status == ops.ActiveStatus('v')


def test_pattern_matching_matches_later_fields_positionally_as_ops_scenario_does() -> None:
    match testing.Container('c', can_connect=True):
        case testing.Container('c', True):
            pass
        case _:
            pytest.fail('a Container pattern with can_connect did not match')


def test_pattern_matching_uses_match_args() -> None:
    match testing.TCPPort(8080):
        case testing.TCPPort(port):
            assert port == 8080
        case _:
            pytest.fail('TCPPort did not match its own class pattern')
