"""Handles, handle kinds and Object identity."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from ops.framework import Framework, Handle, HandleKind, Object, ObjectEvents, StoredStateData

MakeFramework = Callable[..., Framework]


@pytest.mark.parametrize(
    ('parent', 'kind', 'key', 'path'),
    [
        (None, 'Framework', None, 'Framework'),
        (None, 'StoredStateData', '_stored', 'StoredStateData[_stored]'),
        ('MyCharm', 'on', None, 'MyCharm/on'),
        ('MyCharm/on', 'install', '1', 'MyCharm/on/install[1]'),
        ('MyCharm', 'MyLib', 'db', 'MyCharm/MyLib[db]'),
        ('MyCharm', 'on', '', 'MyCharm/on'),
    ],
)
def test_handle_paths(parent: str | None, kind: str, key: str | None, path: str) -> None:
    parent_handle = Handle.from_path(parent) if parent else None
    handle = Handle(parent_handle, kind, key)
    assert handle.path == path
    assert str(handle) == path
    assert (handle.parent, handle.kind, handle.key) == (parent_handle, kind, key)
    again = Handle.from_path(path)
    assert again == handle and hash(again) == hash(handle)
    assert again.path == path


def test_nest_builds_a_child_handle() -> None:
    handle = Handle(None, 'MyCharm', None).nest('MyLib', 'db').nest('on', None)
    assert handle.path == 'MyCharm/MyLib[db]/on'
    assert handle.parent is not None and handle.parent.key == 'db'
    assert Handle(None, 'a', None) != Handle(None, 'b', None)


@pytest.mark.parametrize('path', ['a[b', 'a[b]c', 'a/b[c[d]]', 'x]/y[1'])
def test_invalid_handle_paths_are_rejected(path: str) -> None:
    with pytest.raises(RuntimeError, match='invalid handle path'):
        Handle.from_path(path)


def test_handle_kind_is_the_class_name_unless_set() -> None:
    class MyCharm(Object):
        pass

    class MyCharm2(MyCharm):
        pass

    class Lib(Object):
        handle_kind = 'custom'

    class SubLib(Lib):
        pass

    assert isinstance(Object.__dict__['handle_kind'], HandleKind)
    assert MyCharm.handle_kind == 'MyCharm'
    assert MyCharm2.handle_kind == 'MyCharm2'
    assert SubLib.handle_kind == 'custom'
    assert ObjectEvents.handle_kind == 'on'
    assert StoredStateData.handle_kind == 'StoredStateData'
    assert Framework.handle_kind == 'Framework'


def test_objects_get_handles_from_their_parent(make_framework: MakeFramework) -> None:
    framework = make_framework()

    class MyCharm(Object):
        pass

    class MyLib(Object):
        pass

    charm = MyCharm(framework, None)
    lib = MyLib(charm, 'db')
    assert framework.handle.path == 'Framework'
    assert charm.handle.path == 'MyCharm'
    assert lib.handle.path == 'MyCharm/MyLib[db]'
    assert lib.framework is framework
    assert lib.model is framework.model


def test_two_objects_with_the_same_handle_raise_naming_the_path(
    make_framework: MakeFramework,
) -> None:
    framework = make_framework()

    class MyCharm(Object):
        pass

    class MyLib(Object):
        pass

    charm = MyCharm(framework, None)
    first = MyLib(charm, 'db')
    with pytest.raises(RuntimeError, match=r'two objects claiming to be MyCharm/MyLib\[db\]'):
        MyLib(charm, 'db')
    MyLib(charm, 'other')
    del first
    gc.collect()
    MyLib(charm, 'db')  # the first one is gone, so the path is free again


def test_an_object_needs_an_object_or_framework_parent() -> None:
    with pytest.raises(TypeError, match='parent'):
        Object('not an object', None)  # type: ignore[arg-type]
