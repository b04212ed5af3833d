"""The ``ops`` meta-package: every ``ops.*`` module *is* the underlying module."""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
import textwrap
from unittest import mock

import ops
import pytest

_ALIASES = {
    'ops.charm': 'ops_core.charm',
    'ops.framework': 'ops_core.framework',
    'ops.model': 'ops_core.model',
    'ops.main': 'ops_core.main',
    'ops.storage': 'ops_core.storage',
    'ops.log': 'ops_core.log',
    'ops.jujuversion': 'ops_core.jujuversion',
    'ops.jujucontext': 'ops_core.jujucontext',
    'ops.lib': 'ops_core.lib',
    'ops.pebble': 'ops_pebble',
    'ops.hookcmds': 'ops_hookcmds',
    'ops.testing': 'ops_testing',
}


@pytest.mark.parametrize(('alias', 'target'), sorted(_ALIASES.items()))
def test_each_ops_module_is_the_underlying_module(alias: str, target: str) -> None:
    assert importlib.import_module(alias) is importlib.import_module(target)
    assert sys.modules[alias] is sys.modules[target]


def test_from_import_gives_the_same_objects() -> None:
    import ops_core.model
    from ops.model import __all__ as model_names

    for name in model_names:
        assert getattr(importlib.import_module('ops.model'), name) is getattr(ops_core.model, name)


def test_ops_main_is_callable_and_also_the_module() -> None:
    import ops.main  # must not replace the callable with the module
    import ops_core.main

    assert callable(ops.main)
    assert ops.main.main is ops_core.main.main
    from ops.main import main

    assert main is ops_core.main.main


def test_mock_patch_through_ops_name_changes_the_real_module() -> None:
    import ops_core.storage

    sentinel = object()
    with mock.patch('ops.storage.__doc__', sentinel):
        assert ops_core.storage.__doc__ is sentinel
    assert ops_core.storage.__doc__ is not sentinel


def test_submodules_of_aliased_packages_resolve_to_the_same_objects() -> None:
    import ops_testing

    testing = importlib.import_module('ops.testing')
    assert testing is ops_testing
    for name in ('errors', 'state', 'context'):
        real = f'ops_testing.{name}'
        try:
            importlib.import_module(real)
        except ModuleNotFoundError:
            continue  # not built yet
        assert importlib.import_module(f'ops.testing.{name}') is sys.modules[real]


def test_ops_pebble_is_loaded_on_first_touch_only() -> None:
    code = textwrap.dedent(
        """
        import sys
        import ops
        assert 'ops_pebble' not in sys.modules
        from ops import pebble
        import ops_pebble
        assert pebble is ops_pebble is ops.pebble
        print('ok')
        """
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'ok'


def test_ops_testing_without_the_distribution_says_what_to_install() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules['ops_testing'] = None  # as if ops-testing were not installed
        import ops
        try:
            import ops.testing
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert 'pip install ops[testing]' in out.stdout, out.stdout + out.stderr


def test_pickling_an_enum_through_either_name_round_trips() -> None:
    import ops_core

    for name in ops_core.__all__:
        obj = getattr(ops, name)
        if isinstance(obj, type):
            assert pickle.loads(pickle.dumps(obj)) is obj


def test_submodules_are_attributes_of_ops_without_importing_them_first() -> None:
    code = textwrap.dedent(
        """
        import ops
        import ops_core.charm, ops_core.storage
        assert ops.charm is ops_core.charm
        assert ops.storage is ops_core.storage
        assert ops.jujuversion.JujuVersion is ops.JujuVersion
        print('ok')
        """
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_dir_of_ops_is_its_public_surface_without_helper_leakage() -> None:
    names = dir(ops)
    for leaked in ('Any', 'TYPE_CHECKING', 'annotations', '_alias', '_incidental', '_Main'):
        assert leaked not in names
    for public in ('CharmBase', 'ActiveStatus', 'main', 'pebble', 'testing', '__version__'):
        assert public in names
    assert set(ops.__all__) <= set(names)


def test_ops_modules_are_real_files_for_type_checkers() -> None:
    # Pyright warns 'Import "ops.charm" could not be resolved from source' for a module that
    # exists only as a .pyi stub; each ops.<module> is a .py file.
    from pathlib import Path

    package = Path(ops.__file__).parent
    for alias in _ALIASES:
        assert (package / f'{alias[4:]}.py').is_file(), alias
    assert not list(package.glob('*.pyi'))
