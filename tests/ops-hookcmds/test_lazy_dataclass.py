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
from typing import ClassVar

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
