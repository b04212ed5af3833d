"""The typed loader shared by Relation.load/save, CharmBase.load_config and ActionEvent.load_params."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_core._model._typed_load import dump_typed, field_names, load_typed


@dataclasses.dataclass
class Config:
    my_opt: int = 1
    name: str = 'x'
    computed: str = dataclasses.field(default='c', init=False)


class Pyd(pydantic.BaseModel):
    my_opt: int = 1
    other: str = pydantic.Field('d', alias='other-opt')


class Plain:
    def __init__(self, my_opt: int = 0, **extra: Any) -> None:
        self.my_opt = my_opt
        self.extra = extra
        self._private = 'hidden'


def underscore(key: str) -> str:
    return key.replace('-', '_')


@dataclasses.dataclass
class Aliased:
    foo_bar: int = dataclasses.field(default=42, metadata={'alias': 'fooBar'})
    other: str = 'baz'


@dataclasses.dataclass
class Inner:
    sub: int = 1


@dataclasses.dataclass
class Outer:
    name: str
    inner: Inner
    inners: list[Inner] = dataclasses.field(default_factory=list)


class Annotated:
    size: int
    label: str
    missing: str

    def __init__(self, size: int, label: str) -> None:
        self.size = size
        self.label = label
        self.unannotated = 'not saved'


def test_field_names() -> None:
    assert field_names(Config) == {'my_opt': 'my_opt', 'name': 'name'}
    assert field_names(Pyd) == {'my_opt': 'my_opt', 'other-opt': 'other-opt'}
    assert field_names(Plain) is None
    assert field_names(Aliased) == {'fooBar': 'foo_bar', 'other': 'other'}
    assert field_names(Aliased, aliases=False) == {'foo_bar': 'foo_bar', 'other': 'other'}


def test_dataclass_aliases_name_the_data_keys_both_ways() -> None:
    loaded = load_typed(Aliased, {'fooBar': '24', 'foo_bar': '1'}, decoder=json.loads)
    assert loaded == Aliased(foo_bar=24)
    assert dump_typed(Aliased(7, 'x'), json.dumps) == {'fooBar': '7', 'other': '"x"'}


def test_nested_dataclasses_are_written_as_dicts() -> None:
    obj = Outer('n', Inner(8), [Inner(2)])
    assert dump_typed(obj, json.dumps) == {
        'inner': '{"sub": 8}',
        'inners': '[{"sub": 2}]',
        'name': '"n"',
    }


def test_dataclass_values_are_what_asdict_gives_copied_not_shared() -> None:
    obj = Outer('n', Inner(8), [Inner(2)])
    dumped = dump_typed(obj)
    assert dumped == {'inner': {'sub': 8}, 'inners': [{'sub': 2}], 'name': 'n'}
    dumped['inners'].append({'sub': 3})
    assert obj.inners == [Inner(2)]
    # Scalars only (the quick path) and a str subclass (the asdict path) agree with asdict.
    flat = Aliased(7, 'x')
    assert dump_typed(flat) == {'fooBar': 7, 'other': 'x'}
    special = Aliased(7, enum.StrEnum('Name', ['X']).X)
    assert dump_typed(special) == {'fooBar': 7, 'other': special.other}


def test_plain_objects_write_their_annotated_attributes() -> None:
    # 'missing' has no value, so it erases the key; the unannotated attribute is not written.
    assert dump_typed(Annotated(3, 'l'), json.dumps) == {
        'label': '"l"',
        'missing': '',
        'size': '3',
    }


def test_config_style_loading_maps_hyphens_and_ignores_unknown_options() -> None:
    data = {'my-opt': 5, 'name': 'n', 'other-opt': 'o', 'unrelated': True}
    assert load_typed(Config, data, key_transform=underscore) == Config(5, 'n')
    assert load_typed(Pyd, data, key_transform=underscore) == Pyd(my_opt=5)
    plain = load_typed(Plain, data, key_transform=underscore)
    assert plain.my_opt == 5 and plain.extra == {'name': 'n', 'other_opt': 'o', 'unrelated': True}


def test_data_wins_over_keyword_arguments_which_fill_in_the_rest() -> None:
    # As in ops 3.9: keyword arguments are what the data does not say.
    assert load_typed(Config, {'my_opt': 2}, my_opt=9) == Config(2)
    assert load_typed(Config, {'my_opt': 2}, name='kw') == Config(2, 'kw')


def test_decoder_errors_name_the_key() -> None:
    with pytest.raises(ValueError, match="cannot decode relation data key 'my_opt' for Config"):
        load_typed(Config, {'my_opt': '{'}, decoder=json.loads, what='relation data')
    # keys that are not fields are never decoded, so they cannot fail
    assert load_typed(Config, {'junk': '{'}, decoder=json.loads) == Config()


def test_dump_typed() -> None:
    assert dump_typed(Config(3, 'n')) == {'my_opt': 3, 'name': 'n', 'computed': 'c'}
    assert dump_typed(Pyd(my_opt=2), json.dumps) == {'my_opt': '2', 'other-opt': '"d"'}
    assert dump_typed(Plain(1)) == {'my_opt': 1, 'extra': {}}


@given(st.builds(Config, my_opt=st.integers(), name=st.text()))
def test_json_round_trip(obj: Config) -> None:
    assert load_typed(Config, dump_typed(obj, json.dumps), decoder=json.loads) == obj
