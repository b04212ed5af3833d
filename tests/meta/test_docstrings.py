"""Every public name, and every public method and property of a public class, is documented."""

from __future__ import annotations

import importlib
import inspect

import pytest

PUBLIC_MODULES = [
    'ops_hookcmds',
    'ops_pebble',
    'ops_core',
    'ops_core.charm',
    'ops_core.framework',
    'ops_core.model',
    'ops_core.main',
    'ops_core.storage',
    'ops_core.log',
    'ops_core.jujuversion',
    'ops_core.jujucontext',
    'ops_core.lib',
    'ops_testing',
]


def _undocumented(modname: str) -> list[str]:
    module = importlib.import_module(modname)
    missing: list[str] = []
    for name in module.__all__:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not (obj.__doc__ or '').strip():
            missing.append(name)
        if not inspect.isclass(obj):
            continue
        for attr, value in vars(obj).items():
            if attr.startswith('_'):
                continue
            func = value.fget if isinstance(value, property) else getattr(value, '__func__', value)
            if inspect.isfunction(func) and not (func.__doc__ or '').strip():
                missing.append(f'{name}.{attr}')
    return missing


@pytest.mark.parametrize('modname', PUBLIC_MODULES)
def test_public_names_have_docstrings(modname: str) -> None:
    assert _undocumented(modname) == []
