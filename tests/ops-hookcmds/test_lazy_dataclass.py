"""``_lazy_dataclass``: classes that behave as dataclasses without importing ``dataclasses`` up front.

The public record classes (``ops.JujuContext``, ``ops.Port``, ``ops.CloudSpec``, the
``ops_hookcmds`` results, ...) must stay dataclasses for every user-visible purpose.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
from typing import Any, ClassVar

import ops
import ops_hookcmds
import pytest
from ops_hookcmds._lazy_dataclass import field, record


@record(frozen=True)
class Frozen:
    """A frozen record."""

    name: str
    items: list[int] = field(default_factory=list)
    label: str = 'x'
    secret: str = field(default='s', repr=False)
    shared: ClassVar[int] = 3


@record(frozen=True, kw_only=True)
class KwOnly:
    """A keyword-only record."""

    a: int
    b: int = 2


@record
class Mutable:
    """A mutable record."""

    p: int
    q: int = 1


@dataclasses.dataclass(frozen=True)
class FrozenDC:
    """The dataclass equivalent of Frozen."""

    name: str
    items: list[int] = dataclasses.field(default_factory=list)
    label: str = 'x'
    secret: str = dataclasses.field(default='s', repr=False)
    shared: ClassVar[int] = 3


def test_defining_and_using_records_does_not_import_dataclasses() -> None:
    code = """\
import sys
from ops_hookcmds._lazy_dataclass import record, field

@record(frozen=True)
class R:
    a: int
    b: list = field(default_factory=list)

r = R(1)
assert r == R(1, []) and r.b == [] and repr(r).endswith('R(a=1, b=[])')
assert 'dataclasses' not in sys.modules
import dataclasses
assert dataclasses.is_dataclass(R) and [f.name for f in dataclasses.fields(R)] == ['a', 'b']
"""
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_signature_repr_and_fields_match_a_dataclass() -> None:
    assert str(inspect.signature(Frozen)) == str(inspect.signature(FrozenDC))
    assert repr(Frozen('n')) == "Frozen(name='n', items=[], label='x')"
    assert repr(FrozenDC('n')).endswith("FrozenDC(name='n', items=[], label='x')")
    assert [f.name for f in dataclasses.fields(Frozen)] == ['name', 'items', 'label', 'secret']
    assert Frozen.__match_args__ == FrozenDC.__match_args__
    assert str(inspect.signature(KwOnly)) == "(*, a: 'int', b: 'int' = 2) -> None"
    assert Frozen.shared == 3 and Frozen.label == 'x'
    assert not hasattr(Frozen, 'name')


def test_equality_hash_and_immutability() -> None:
    assert Frozen('n') == Frozen('n', [])
    assert Frozen('n') != Frozen('m')
    assert Frozen('n').__eq__(FrozenDC('n')) is NotImplemented
    assert hash(KwOnly(a=1)) == hash(KwOnly(a=1, b=2))
    with pytest.raises(dataclasses.FrozenInstanceError, match="'name'"):
        Frozen('n').name = 'm'  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del Frozen('n').label  # type: ignore[misc]
    m = Mutable(1)
    m.p = 5
    assert m == Mutable(5) and Mutable.__hash__ is None
    with pytest.raises(TypeError):
        KwOnly(1)  # type: ignore[misc]


def test_dataclasses_functions_work_on_records() -> None:
    f = Frozen('n', [1])
    assert dataclasses.is_dataclass(f) and dataclasses.is_dataclass(Frozen)
    assert dataclasses.replace(f, label='y') == Frozen('n', [1], 'y')
    assert dataclasses.asdict(f) == {'name': 'n', 'items': [1], 'label': 'x', 'secret': 's'}
    assert Frozen.__dataclass_params__.frozen  # type: ignore[attr-defined]

    @dataclasses.dataclass(frozen=True)
    class Sub(Frozen):
        extra: int = 0

    assert Sub('n', extra=2).extra == 2
    assert [f.name for f in dataclasses.fields(Sub)][-1] == 'extra'


def test_public_records_pickle_copy_and_replace() -> None:
    port = ops.Port('tcp', 8080)
    assert pickle.loads(pickle.dumps(port)) == port
    assert copy.deepcopy(port) == port and hash(port) == hash(ops.Port('tcp', 8080))
    assert dataclasses.replace(port, port=9090) == ops.Port('tcp', 9090)
    spec = ops.CloudSpec(type='lxd', name='localhost')
    assert dataclasses.replace(spec, region='r').region == 'r'
    assert [f.name for f in dataclasses.fields(ops.JujuContext)][:2] == [
        'dispatch_path',
        'hook_name',
    ]
    cred = ops.CloudCredential(auth_type='certificate', attributes={'client-key': 'KEY'})
    assert 'KEY' not in repr(cred)
    status = ops_hookcmds.UnitStatus(status='active', message='', status_data={})
    assert dataclasses.asdict(status) == {'status': 'active', 'message': '', 'status_data': {}}


def test_methods_are_compiled_on_first_lookup_and_then_are_plain_functions() -> None:
    @record(frozen=True)
    class Late:
        a: int
        b: str = 'x'

    class Child(Late):
        def __init__(self, a: int) -> None:
            super().__init__(a, 'child')

    # Nothing compiled yet: the class holds stand-ins, but every lookup sees the real thing.
    assert not inspect.isfunction(Late.__dict__['__init__'])
    assert str(inspect.signature(Late)) == "(a: 'int', b: 'str' = 'x') -> None"
    assert inspect.isfunction(Late.__dict__['__init__'])
    assert Late.__init__.__qualname__.endswith('Late.__init__')
    assert Child(1) == Child(1) and repr(Child(1)).endswith(".Child(a=1, b='child')")
    assert hash(Child(1)) == hash(Late(1, 'child'))
    for name in ('__init__', '__repr__', '__eq__', '__hash__'):
        assert inspect.isfunction(Late.__dict__[name]), name
    with pytest.raises(TypeError, match="non-default argument 'c' follows default argument"):

        @record
        class Bad:
            a: int = 1
            c: int


def _pair(**options: bool) -> tuple[type, type]:
    """The same class body as a record and as a dataclass, with the given class options."""

    def body(field: Any) -> type:
        class Sample:
            """A record with every kind of field the State classes use."""

            a: int
            b: tuple[int, ...] = field(default_factory=tuple)
            hidden: str = field(default='h', repr=False)
            uncompared: int = field(default=0, compare=False)
            kw: str = field(default='k', kw_only=True)
            derived: int = field(default=-1, init=False)
            calls: ClassVar[list[str]] = []

            def __post_init__(self) -> None:
                type(self).calls.append('post_init')
                object.__setattr__(self, 'derived', self.a * 2)

        return Sample

    return record(**options)(body(globals()['field'])), dataclasses.dataclass(**options)(
        body(dataclasses.field)
    )


@pytest.mark.parametrize(
    'options',
    [{}, {'frozen': True}, {'frozen': True, 'eq': False}, {'eq': False}, {'repr': False}],
)
def test_options_fields_and_post_init_behave_as_in_a_dataclass(options: dict[str, bool]) -> None:
    rec, dc = _pair(**options)
    assert str(inspect.signature(rec)) == str(inspect.signature(dc))
    assert rec.__match_args__ == dc.__match_args__ == ('a', 'b', 'hidden', 'uncompared')
    left, right = rec(1, (2,), kw='x'), rec(1, (2,), uncompared=5, kw='x')
    same_dc = dc(1, (2,), kw='x'), dc(1, (2,), uncompared=5, kw='x')
    assert left.derived == 2 and rec.calls == ['post_init', 'post_init']
    assert (left == right) is (same_dc[0] == same_dc[1])
    assert (rec.__hash__ is None) is (dc.__hash__ is None)
    if rec.__hash__ is not None and options.get('eq', True):
        assert hash(left) == hash(right)  # the uncompared field is not hashed either
    if options.get('repr', True):
        assert repr(left).split('.')[-1] == repr(same_dc[0]).split('.')[-1]
    assert [(f.name, f.init, f.repr, f.compare, f.kw_only) for f in dataclasses.fields(rec)] == [
        (f.name, f.init, f.repr, f.compare, f.kw_only) for f in dataclasses.fields(dc)
    ]
    params, dc_params = rec.__dataclass_params__, dc.__dataclass_params__
    for name in ('init', 'repr', 'eq', 'frozen'):
        assert getattr(params, name) == getattr(dc_params, name), name
    changed = dataclasses.replace(left, a=3)
    assert (changed.a, changed.derived, changed.kw) == (3, 6, 'x')
    with pytest.raises(ValueError, match='init=False'):
        dataclasses.replace(left, derived=1)
    if options.get('frozen'):
        with pytest.raises(dataclasses.FrozenInstanceError):
            left.a = 2  # type: ignore[misc]


def test_the_class_body_s_own_methods_are_kept_and_hash_follows_dataclasses_rules() -> None:
    @record(frozen=True, init=False, repr=False)
    class Own:
        name: str

        def __init__(self, name: str) -> None:
            object.__setattr__(self, 'name', name.upper())

        def __repr__(self) -> str:
            return f'<{self.name}>'

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own) and other.name.lower() == self.name.lower()

    # A body that defines __eq__ alone gets a generated __hash__ when frozen, as a dataclass.
    assert Own('a') == Own('A') and repr(Own('a')) == '<A>' and hash(Own('a')) == hash(('A',))
    with pytest.raises(TypeError, match='cannot overwrite attribute __setattr__'):

        @record(frozen=True)
        class Guarded:
            a: int

            def __setattr__(self, name: str, value: object) -> None:
                super().__setattr__(name, value)

    with pytest.raises(ValueError, match='use default_factory'):

        @record
        class Shared:
            items: list[int] = []

    with pytest.raises(TypeError):
        record(order=True)  # type: ignore[call-overload]


def test_subclassing_a_record_with_dataclass_keeps_fields_post_init_and_frozenness() -> None:
    @record(frozen=True)
    class Base:
        a: int
        b: int = field(default=1, kw_only=True)

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError('negative')

    @dataclasses.dataclass(frozen=True)
    class Sub(Base):
        c: str = 'c'

    assert [f.name for f in dataclasses.fields(Sub)] == ['a', 'b', 'c']
    sub = Sub(1, 'x', b=2)
    assert (sub.a, sub.b, sub.c) == (1, 2, 'x') and sub == Sub(1, 'x', b=2) and sub != Base(1, b=2)
    with pytest.raises(ValueError, match='negative'):
        Sub(-1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.c = 'y'  # type: ignore[misc]
    with pytest.raises(TypeError, match='non-frozen dataclass from a frozen one'):

        @dataclasses.dataclass
        class Thawed(Base):
            d: int = 0
