"""Public names imported on first use, for the curated public modules and packages.

A hook imports ``ops`` but uses a small part of it: a machine charm's ``update-status``
never touches containers, secrets, relations or cloud specs. The public modules therefore
list their names in ``__all__`` as usual but import the private module defining a name
only when the name is first looked up (PEP 562 module ``__getattr__``); the value is then
stored in the module, so later lookups are plain attribute reads. ``from X import *``,
``dir()``, ``mock.patch`` and pickling see the same objects as with eager imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ['lazy_exports']


def lazy_exports(
    module_name: str,
    table: Mapping[str, str] | Callable[[], Mapping[str, str]],
    submodules: Collection[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build the ``__getattr__`` and ``__dir__`` of module ``module_name``.

    Args:
        module_name: the ``__name__`` of the public module.
        table: public name -> module that defines it (relative names such as ``'._cloud'``
            are resolved against ``module_name``'s package), or a function returning that
            mapping, called once, on the first lookup.
        submodules: for a package, the names of its submodules that ``package.<name>``
            should import on first use (as an eager ``import`` of them used to provide).

    Returns:
        ``(__getattr__, __dir__)``, to be assigned at the module's top level.
    """

    resolved: list[Mapping[str, str]] = [table] if isinstance(table, Mapping) else []

    def names() -> Mapping[str, str]:
        if not resolved:
            assert callable(table)
            resolved.append(table())
        return resolved[0]

    def __getattr__(name: str) -> Any:
        if name.startswith('_') and name not in submodules:
            # Public names never start with '_'. ``from . import _private`` asks the package
            # for the attribute before importing the submodule; answering from the table
            # would import every public module first.
            raise AttributeError(f'module {module_name!r} has no attribute {name!r}')
        source = names().get(name)
        module = sys.modules[module_name]
        if source is None:
            if name in submodules:
                return importlib.import_module(f'{module_name}.{name}')
            raise AttributeError(f'module {module_name!r} has no attribute {name!r}')
        value = getattr(importlib.import_module(source, module.__package__), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[module_name]), *names(), *submodules})

    return __getattr__, __dir__
