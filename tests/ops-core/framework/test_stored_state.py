"""StoredState: persistence, write-through wrappers, type rules and clear errors."""

from __future__ import annotations

import datetime
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ops.framework import (
    BoundStoredState,
    Framework,
    Object,
    StoredDict,
    StoredList,
    StoredSet,
    StoredState,
    StoredStateData,
)
from ops.storage import SQLiteStorage

MakeFramework = Callable[..., Framework]


class Charm(Object):
    _stored = StoredState()

    def __init__(self, framework: Framework):
        super().__init__(framework, None)
        self.lib = Lib(self, 'db')


class Lib(Object):
    state = StoredState()


def _dispatch(make_framework: MakeFramework, body: Callable[[Charm], Any]) -> Any:
    framework = make_framework()
    charm = Charm(framework)
    result = body(charm)
    framework.commit()
    framework.close()
    return result


def _snapshots(state_file: Path) -> dict[str, bytes]:
    db = sqlite3.connect(state_file)
    try:
        return dict(db.execute('SELECT handle, data FROM snapshot').fetchall())
    except sqlite3.OperationalError:  # nothing was ever committed: no tables yet
        return {}
    finally:
        db.close()


def test_values_persist_across_dispatches_under_ops39_keys(
    make_framework: MakeFramework, state_file: Path
) -> None:
    def write(charm: Charm) -> None:
        charm._stored.count = 1
        charm._stored.names = ['a']
        charm.lib.state.ready = True

    _dispatch(make_framework, write)
    assert set(_snapshots(state_file)) == {
        'StoredStateData[_stored]',
        'Charm/StoredStateData[_stored]',
        'Charm/Lib[db]/StoredStateData[state]',
    }

    def read(charm: Charm) -> Any:
        return charm._stored.count, list(charm._stored.names), charm.lib.state.ready

    assert _dispatch(make_framework, read) == (1, ['a'], True)


def test_wrappers_write_through_and_mark_dirty(make_framework: MakeFramework) -> None:
    def write(charm: Charm) -> None:
        charm._stored.set_default(d={}, l=[], s=set())
        charm._stored.d['k'] = {'inner': [1]}
        charm._stored.d['k']['inner'].append(2)
        charm._stored.l.append({'x': 1})
        charm._stored.l[0]['y'] = 2
        charm._stored.l += [3]
        charm._stored.s.add(1)
        charm._stored.s |= {2}
        charm._stored.s.discard(1)

    _dispatch(make_framework, write)

    def read(charm: Charm) -> Any:
        s = charm._stored
        assert isinstance(s.d, StoredDict) and isinstance(s.d['k'], StoredDict)
        assert isinstance(s.l, StoredList) and isinstance(s.s, StoredSet)
        return s.d == {'k': {'inner': [1, 2]}}, s.l == [{'x': 1, 'y': 2}, 3], s.s == {2}

    assert _dispatch(make_framework, read) == (True, True, True)


def test_unchanged_state_is_not_rewritten(make_framework: MakeFramework, state_file: Path) -> None:
    _dispatch(make_framework, lambda c: setattr(c._stored, 'x', 1))
    framework = make_framework()
    charm = Charm(framework)
    assert charm._stored.x == 1
    storage: Any = framework._storage
    writes: list[str] = []
    storage._db.set_trace_callback(writes.append)
    framework.commit()
    framework.close()
    saved = [w for w in writes if w.startswith('REPLACE') and 'StoredStateData' in w]
    assert len(saved) == 1  # only the framework's event counter
    assert 'StoredStateData[_stored]' in saved[0] and 'Charm/' not in saved[0]


def test_set_default_keeps_existing_values_and_skips_type_checks(
    make_framework: MakeFramework,
) -> None:
    def body(charm: Charm) -> Any:
        charm._stored.a = 1
        charm._stored.set_default(a=2, b=(1, 2))
        return charm._stored.a, charm._stored.b

    assert _dispatch(make_framework, body) == (1, (1, 2))
    assert _dispatch(make_framework, lambda c: c._stored.b) == (1, 2)


@pytest.mark.parametrize(
    'value', [(1, 2), frozenset({1}), datetime.date(2020, 1, 1), 1j, bytearray(), object()]
)
def test_assigning_an_unsupported_type_names_the_attribute_and_type(
    make_framework: MakeFramework, value: Any
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    with pytest.raises(TypeError) as info:
        charm._stored.bad = value
    assert isinstance(info.value, AttributeError)  # as in ops 3.9
    assert "attribute 'bad'" in str(info.value)
    assert type(value).__name__ in str(info.value)
    assert 'bad' not in charm._stored.__dict__['_data']


def test_unstorable_nested_values_fail_at_commit_naming_attribute_and_type(
    make_framework: MakeFramework, state_file: Path
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    charm._stored.ok = 1
    charm._stored.events = [{'when': datetime.datetime(2020, 1, 1)}]
    with pytest.raises(ValueError) as info:
        framework.commit()
    message = str(info.value)
    assert "attribute 'events'" in message
    assert 'datetime.datetime' in message
    assert 'Charm/StoredStateData[_stored]' in message
    framework.close()
    assert 'Charm/StoredStateData[_stored]' not in _snapshots(state_file)


def test_builtin_subclasses_are_accepted_on_assignment_but_rejected_at_commit(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()
    charm = Charm(framework)
    charm._stored.ordered = OrderedDict(a=1)
    with pytest.raises(ValueError, match=r"attribute 'ordered'.*collections\.OrderedDict"):
        framework.commit()


def test_reading_unset_and_reserved_attributes(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    with pytest.raises(AttributeError, match="attribute 'missing' is not stored"):
        _ = charm._stored.missing
    with pytest.raises(AttributeError, match="attribute 'on' is reserved"):
        charm._stored.on = 1
    with pytest.raises(AttributeError, match="attribute 'on' is reserved"):
        _ = charm._stored.on
    assert isinstance(charm._stored, BoundStoredState)
    assert charm._stored is charm._stored
    assert isinstance(Charm._stored, StoredState)


def test_stored_state_misuse_is_reported(make_framework: MakeFramework) -> None:
    framework = make_framework()
    shared = StoredState()

    class Twice(Object):
        a = shared
        b = shared

    with pytest.raises(RuntimeError, match=r'StoredState shared by Twice\.a and Twice\.b'):
        _ = Twice(framework, None).a

    other = StoredState()

    class First(Object):
        s = other

    class Second(Object):
        s = other

    _ = First(framework, 'x').s
    with pytest.raises(RuntimeError, match='StoredState shared by First and Second'):
        _ = Second(framework, 'y').s


def test_wrapper_reprs_and_comparisons(make_framework: MakeFramework) -> None:
    framework = make_framework()
    charm = Charm(framework)
    s = charm._stored
    s.d, s.l, s.st, s.e = {'a': 1}, [1, 2], {1, 2}, {}
    assert repr(s.d) == "ops.framework.StoredDict({'a': 1})"
    assert repr(s.e) == 'ops.framework.StoredDict()'
    assert repr(s.l) == 'ops.framework.StoredList([1, 2])'
    assert repr(s.st) == 'ops.framework.StoredSet({1, 2})'
    assert s.l < [1, 3] and s.l <= [1, 2] and s.l > [1] and s.l >= [1, 2]
    assert s.st <= {1, 2, 3} and s.st >= {1}
    union = s.st | {3}
    assert type(union) is set and union == {1, 2, 3}
    assert s.d.get('a') == 1 and s.d.pop('a') == 1 and s.d == {}
    assert StoredStateData.handle_kind == 'StoredStateData'


# -- property-based round trips ------------------------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64, max_value=2**200)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
)
_hashables = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6,
)
_nested = st.recursive(
    _scalars | st.complex_numbers(allow_nan=False) | st.builds(bytearray, st.binary()),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
        | st.sets(_hashables, max_size=4)
        | st.tuples(inner, inner)
        | st.frozensets(_hashables, max_size=3)
    ),
    max_leaves=12,
)
# What attribute assignment accepts at the top level.
_assignable = (
    _scalars
    | st.lists(_nested, max_size=4)
    | st.dictionaries(st.text(max_size=5), _nested, max_size=4)
    | st.sets(_hashables, max_size=4)
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with exactly the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _round_trip(setter: Callable[[Charm], None]) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / '.unit-state.db'

        def make() -> Framework:
            return Framework(SQLiteStorage(path), tmp, None, None)  # type: ignore[arg-type]

        framework = make()
        charm = Charm(framework)  # kept alive: observers are held weakly
        setter(charm)
        framework.commit()
        framework.close()
        framework = make()
        charm = Charm(framework)
        value = charm._stored.__dict__['_data']['v']
        framework.close()
        return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_assignable)
def test_assigned_values_round_trip_exactly(value: Any) -> None:
    def setter(charm: Charm) -> None:
        charm._stored.v = value

    assert _same(_round_trip(setter), value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_nested)
def test_set_default_values_of_any_simple_type_round_trip_exactly(value: Any) -> None:
    def setter(charm: Charm) -> None:
        charm._stored.set_default(v=value)

    assert _same(_round_trip(setter), value)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(), max_size=5), st.lists(st.integers(), max_size=5))
def test_mutations_through_wrappers_round_trip(first: list[int], more: list[int]) -> None:
    def setter(charm: Charm) -> None:
        charm._stored.v = {'list': list(first), 'set': set(first)}
        charm._stored.v['list'].extend(more)
        charm._stored.v['set'] |= set(more)

    assert _round_trip(setter) == {'list': first + more, 'set': set(first) | set(more)}
