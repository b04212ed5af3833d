"""The typed loader shared by Relation.load/save, CharmBase.load_config and ActionEvent.load_params."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ops_core._typed_load import accepted_keys, dump_typed, load_typed


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


def test_accepted_keys() -> None:
    assert accepted_keys(Config) == {'my_opt', 'name'}
    assert accepted_keys(Pyd) == {'my_opt', 'other-opt'}
    assert accepted_keys(Plain) is None


def test_config_style_loading_maps_hyphens_and_ignores_unknown_options() -> None:
    data = {'my-opt': 5, 'name': 'n', 'other-opt': 'o', 'unrelated': True}
    assert load_typed(Config, data, key_transform=underscore) == Config(5, 'n')
    assert load_typed(Pyd, data, key_transform=underscore) == Pyd(my_opt=5)
    plain = load_typed(Plain, data, key_transform=underscore)
    assert plain.my_opt == 5 and plain.extra == {'name': 'n', 'other_opt': 'o', 'unrelated': True}


def test_keyword_arguments_override_data() -> None:
    assert load_typed(Config, {'my_opt': 2}, my_opt=9) == Config(9)


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
