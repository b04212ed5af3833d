"""Build the API reference, HTML generated from the docstrings, with pdoc.

    python3 dev.py api-docs [--outdir build/api]

documents the modules charm authors import (``ops``, ``ops.model``, ``ops.pebble``,
``ops.testing``, ...) under those names. Each ``ops.<module>`` *is* a module of a
distribution underneath (``ops.pebble`` is ``ops_pebble``), so pdoc is given a view of
each: a module object named as charms import it, holding that module's public names.

It then checks the result: every public name of ops 3.9's API
(``tests/data/ops-3.9.0.json``) has its entry in the page of its module, and no page is
missing. It exits non-zero, listing what is wrong, otherwise.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import sys
import time
import types
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / 'tests' / 'data' / 'ops-3.9.0.json'

MODULES = (
    'ops',
    'ops.charm',
    'ops.framework',
    'ops.model',
    'ops.main',
    'ops.storage',
    'ops.log',
    'ops.lib',
    'ops.jujuversion',
    'ops.jujucontext',
    'ops.pebble',
    'ops.hookcmds',
    'ops.testing',
    'ops.tracing',
)
"""The public modules, as charms import them."""


def public_names(module: types.ModuleType) -> list[str]:
    """The module's public names: its ``__all__``, else what ``dir()`` shows without ``_``."""
    names = getattr(module, '__all__', None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith('_')]
    return [n for n in names if not n.startswith('_') and hasattr(module, n)]


def variable_docstrings(real: types.ModuleType, names: list[str]) -> dict[str, str]:
    """Docstrings of the module-level variables among ``names``, wherever they are assigned.

    pdoc reads a variable's docstring (the string literal under its assignment) from the
    source of the module it documents; a public module that re-exports a type alias or a
    TypeVar from a private one would lose it.
    """
    import pdoc.doc_ast

    top = real.__name__.partition('.')[0]
    found: dict[str, str] = {}
    for module in [m for n, m in list(sys.modules.items()) if n == top or n.startswith(top + '.')]:
        if not isinstance(module, types.ModuleType) or not getattr(module, '__file__', None):
            continue
        try:
            docstrings = pdoc.doc_ast.walk_tree(module).var_docstrings
        except (OSError, TypeError, SyntaxError):
            continue
        for name in names:
            if name in docstrings and name not in found:
                found[name] = docstrings[name]
    return found


def view(name: str) -> types.ModuleType | None:
    """A module named ``name`` holding the public names of what ``import name`` gives.

    Returns ``None`` for an optional module whose distribution is not installed
    (``ops.tracing`` is ``None`` without ops-tracing).
    """
    parent, _, attr = name.rpartition('.')
    real = importlib.import_module(name)
    if parent and getattr(sys.modules[parent], attr, real) is None:
        return None
    names = public_names(real)
    doc = types.ModuleType(name, real.__doc__)
    for n in names:
        value = getattr(real, n)
        if isinstance(value, types.ModuleType):
            continue  # submodules have pages of their own
        setattr(doc, n, value)
    doc.__all__ = [n for n in names if hasattr(doc, n)]  # type: ignore[attr-defined]
    doc.__file__ = getattr(real, '__file__', None)
    doc.__ops_variable_docstrings__ = variable_docstrings(real, names)  # type: ignore[attr-defined]
    return doc


def build(outdir: Path) -> dict[str, set[str]]:
    """Write the HTML pages; return each documented module's documented names."""
    import pdoc.doc
    import pdoc.render

    class ViewDoc(pdoc.doc.Module):
        """pdoc's module documentation, with the variable docstrings the view carries."""

        @functools.cached_property
        def _var_docstrings(self) -> dict[str, str]:
            return {**super()._var_docstrings, **self.obj.__ops_variable_docstrings__}

    pdoc.render.configure(docformat='google', show_source=False, search=True)
    modules: dict[str, pdoc.doc.Module] = {}
    with warnings.catch_warnings():
        # String annotations naming TYPE_CHECKING-only imports cannot be evaluated; pdoc
        # then shows them as written, which is what the reader needs anyway.
        warnings.simplefilter('ignore')
        for name in MODULES:
            viewed = view(name)
            if viewed is not None:
                modules[name] = ViewDoc(viewed)
        outdir.mkdir(parents=True, exist_ok=True)
        for name, doc in modules.items():
            page = outdir / f'{name.replace(".", "/")}.html'
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(pdoc.render.html_module(doc, modules), encoding='utf-8')
        (outdir / 'index.html').write_text(pdoc.render.html_index(modules), encoding='utf-8')
        (outdir / 'search.js').write_text(pdoc.render.search_index(modules), encoding='utf-8')
    return {name: {m.name for m in doc.members.values()} for name, doc in modules.items()}


def check(outdir: Path, documented: dict[str, set[str]]) -> list[str]:
    """What of ops 3.9's public API the reference lacks."""
    reference = json.loads(REFERENCE.read_text())
    problems = []
    for module, names in reference.items():
        if module not in documented:
            problems.append(f'{module}: no page')
            continue
        page = (outdir / f'{module.replace(".", "/")}.html').read_text(encoding='utf-8')
        for name in names:
            if f'{module}.{name}' in documented or name.startswith('__'):
                continue  # a submodule has its own page; dunders (__version__) go unlisted
            if name not in documented[module] or f'id="{name}"' not in page:
                problems.append(f'{module}.{name}: not documented')
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build, check, report."""
    parser = argparse.ArgumentParser(description=(__doc__ or '').split('\n\n')[0])
    parser.add_argument('--outdir', type=Path, default=REPO / 'build' / 'api')
    args = parser.parse_args(argv)
    started = time.monotonic()
    documented = build(args.outdir)
    problems = check(args.outdir, documented)
    for problem in problems:
        print(f'api-docs: {problem}', file=sys.stderr)
    total = sum(len(names) for names in documented.values())
    print(
        f'API reference: {len(documented)} modules, {total} names, in {args.outdir} '
        f'({time.monotonic() - started:.0f} s); open {args.outdir / "index.html"}'
    )
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
