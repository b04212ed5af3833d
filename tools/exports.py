"""Generate each distribution's ``_exports.py`` from the declarations of its public modules.

A distribution declares its public names once, in each public module, as the imports of
its ``if TYPE_CHECKING:`` block; the module ends with ``_exports.install(globals())``::

    \"\"\"The Juju model as a charm sees it (``ops.model``).\"\"\"

    from typing import TYPE_CHECKING

    from . import _exports

    if TYPE_CHECKING:
        from ._relation import Relation as Relation, RelationData as RelationData
        from .jujuversion import JujuVersion as JujuVersion

    _exports.install(globals())

Type checkers read the imports (``X as X`` is an explicit re-export). This tool reads the
same imports and writes ``<package>/_exports.py``: the table of where each public name comes
from, which ``install`` turns into the module's ``__all__`` and a ``__getattr__`` that
imports a name's private module only when the name is first used, and the public home of
each class and function, which ``publish(__name__)`` (the last line of every private module
that defines a public class or function) writes into their ``__module__``.

The forms of a declaration (inside ``if TYPE_CHECKING:``):

``from M import a as a``, ``from . import sub as sub``, ``import pkg as name``
    a public name: in ``__all__`` and re-exported for type checkers.
``from M import a as b``
    public name ``b`` for ``M.a``.
``from M import *``
    every name in the ``__all__`` of public module ``M``.
``from M import a``, ``from . import sub`` (no ``as``)
    reachable as an attribute (``sub`` imported on first use) but not in ``__all__`` and
    not re-exported: a name kept for compatibility, or a submodule.
``# optional`` at the end of a module import's line
    ``None`` when that module cannot be imported (``ops.tracing`` without ops-tracing).
``# not in __all__`` at the end of an import's line
    re-exported for type checkers, but left out of ``__all__`` (and so of star imports).

Names that start with ``_`` (but not dunders) are never in ``__all__``. What a public module
defines itself at its top level (a constant, a class, ``__version__``) is public too, unless
its name starts with ``_``.

The *home* of a public class or function is the public module that imports it from its
private module; every other public module re-exports it from there. Each object has one
home. Its ``__module__`` becomes the home's name, or, when the ``ops`` distribution is
installed, the name ``ops`` gives that module (``ops.model`` for ``ops_core.model``, from
``ops/_alias.py``), so reprs and tracebacks say ``ops.model.Relation``.

A private module that imports names only for type checking (``if TYPE_CHECKING:``, to keep
import time down or to break an import cycle) would leave them undefined at run time, and
``typing.get_type_hints`` on its public functions and classes would raise ``NameError``. So
the index also lists those names (``HINTS``, followed through re-exports to the module that
defines each), and ``publish`` binds each one in the module as soon as its defining module
is loaded, by whatever imports it: no import is added, and the hints of everything whose
modules are loaded resolve.

Usage, from the repository root::

    python tools/exports.py           # rewrite every _exports.py
    python tools/exports.py --check   # exit status 1 if one is out of date (a test runs it)
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import difflib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATED = '_exports.py'


class DeclarationError(Exception):
    """A declaration this tool cannot turn into an index (the message says where and why)."""


@dataclasses.dataclass
class Export:
    """One name of a public module.

    Attributes:
        source: the module the value comes from ('' when the public module defines it).
        attribute: the attribute of ``source`` (None when the value is the module itself).
        listed: whether the name is in ``__all__``.
        optional: a module that may be missing (the name is then None).
    """

    source: str
    attribute: str | None
    listed: bool
    optional: bool = False
    # Where the value is finally taken from at run time: a re-export from another public
    # module of the same distribution goes straight to that module's source, so that using
    # a name loads no public module in between.
    origin: tuple[str, str | None] | None = None

    def encode(self, name: str) -> str:
        """The index entry: ``''`` (defined here), ``'mod'``, ``'mod:attr'``, ``'@mod'``;
        ``'-'`` in front when not in ``__all__``, ``'?'`` in front of an optional module."""
        source, attribute = self.origin or (self.source, self.attribute)
        if not source:
            text = ''
        elif attribute is None:
            text = ('?' if self.optional else '') + '@' + source
        elif attribute == name:
            text = source
        else:
            text = f'{source}:{attribute}'
        return text if self.listed else '-' + text


@dataclasses.dataclass
class Module:
    """A module of one of the packages, parsed."""

    name: str
    path: Path
    package: str  # the import package (distribution) it belongs to
    tree: ast.Module
    lines: list[str]

    @property
    def is_package(self) -> bool:
        return self.path.name == '__init__.py'

    @property
    def is_public(self) -> bool:
        return not any(part.startswith('_') for part in self.name.split('.')[1:])

    @property
    def installs(self) -> bool:
        """Whether the module ends with ``install(globals())``."""
        return any(_is_call(node, 'install', 'globals') for node in self.tree.body)

    @property
    def publishes(self) -> bool:
        """Whether the module calls ``publish(__name__)``."""
        return any(_is_call(node, 'publish', '__name__') for node in self.tree.body)

    def where(self, node: ast.AST) -> str:
        return f'{_shown(self.path)}:{getattr(node, "lineno", "?")}'


def _is_call(node: ast.stmt, function: str, argument: str | None = None) -> bool:
    """Whether ``node`` is the statement ``function(...)`` (with ``argument`` if given:
    a name, or a call of a name such as ``globals()``)."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    call = node.value
    func = call.func
    named = isinstance(func, ast.Name) and func.id == function
    # ``_exports.install(globals())``: the module's own ``_exports``, under a private name
    # so that type checkers do not take ``install`` for one of the module's public names.
    qualified = (
        isinstance(func, ast.Attribute)
        and func.attr == function
        and isinstance(func.value, ast.Name)
        and func.value.id == '_exports'
    )
    if not (named or qualified):
        return False
    if argument is None:
        return True
    if len(call.args) != 1:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call):
        arg = arg.func
    return isinstance(arg, ast.Name) and arg.id == argument


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == 'TYPE_CHECKING') or (
        isinstance(test, ast.Attribute) and test.attr == 'TYPE_CHECKING'
    )


def discover(repo: Path = REPO) -> dict[str, Module]:
    """Every module of every package under ``packages/*/src``, by dotted name."""
    modules: dict[str, Module] = {}
    for init in sorted(repo.glob('packages/*/src/*/__init__.py')):
        root = init.parent
        for path in sorted(root.rglob('*.py')):
            if '__pycache__' in path.parts:
                continue
            parts = [root.name, *path.relative_to(root).with_suffix('').parts]
            if parts[-1] == '__init__':
                parts.pop()
            name = '.'.join(parts)
            text = path.read_text()
            modules[name] = Module(name, path, root.name, ast.parse(text), text.splitlines())
    return modules


class Index:
    """The public names of every installing module, their sources and their homes."""

    def __init__(self, modules: dict[str, Module], aliases: dict[str, str]) -> None:
        self.modules = modules
        self.aliases = aliases
        self.exports: dict[str, dict[str, Export]] = {}
        self.homes: dict[str, dict[str, str]] = {}
        self._busy: set[str] = set()
        for module in modules.values():
            if module.installs:
                if not module.is_public:
                    raise DeclarationError(f'{_shown(module.path)}: a private module cannot install()')
                self.names_of(module.name)
        self._find_homes()
        self.hints = {m.name: self._hints_of(m) for m in modules.values() if m.publishes}

    # -- reading declarations ---------------------------------------------------------------

    def names_of(self, module_name: str) -> dict[str, Export]:
        """The exports of public module ``module_name`` (parsed once)."""
        if module_name in self.exports:
            return self.exports[module_name]
        module = self.modules.get(module_name)
        if module is None or not module.installs:
            raise DeclarationError(
                f'{module_name} is not a module that declares its names with install()'
            )
        if module_name in self._busy:
            raise DeclarationError(f'{module_name}: star imports go round in a circle')
        self._busy.add(module_name)
        table: dict[str, Export] = {}
        for node in module.tree.body:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for statement in node.body:
                    self._declare(module, statement, table)
            else:
                for name in _defined_names(node):
                    if _listed(name) and name not in _NOT_EXPORTED:
                        table[name] = Export('', name, listed=True)
        self._busy.discard(module_name)
        for export in table.values():
            export.origin = self._origin(module, export)
        self.exports[module_name] = dict(sorted(table.items()))
        return self.exports[module_name]

    def _origin(self, module: Module, export: Export) -> tuple[str, str | None]:
        """Follow re-exports through public modules of ``module``'s own distribution."""
        source, attribute = export.source, export.attribute
        other = self.modules.get(source)
        if (
            attribute is None
            or other is None
            or other.package != module.package
            or not other.installs
            or source == module.name
        ):
            return source, attribute
        upstream = self.names_of(source).get(attribute)
        if upstream is None:
            raise DeclarationError(f'{module.name} re-exports {source}.{attribute}, undeclared')
        if not upstream.source:
            return source, attribute  # defined in that public module itself
        assert upstream.origin is not None
        return upstream.origin

    def _declare(self, module: Module, node: ast.stmt, table: dict[str, Export]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is None:
                    raise DeclarationError(
                        f'{module.where(node)}: write "import {alias.name} as NAME"'
                    )
                line = module.lines[node.lineno - 1]
                listed = _listed(alias.asname) and '# not in __all__' not in line
                table[alias.asname] = Export(
                    alias.name, None, listed, optional='# optional' in line
                )
            return
        if not isinstance(node, ast.ImportFrom):
            raise DeclarationError(
                f'{module.where(node)}: only imports belong in the TYPE_CHECKING declaration'
            )
        source = _absolute(module, node)
        optional = '# optional' in module.lines[node.lineno - 1]
        unlisted = '# not in __all__' in module.lines[node.lineno - 1]
        for alias in node.names:
            if alias.name == '*':
                for name, export in self.names_of(source).items():
                    if export.listed:
                        table.setdefault(name, Export(source, name, listed=True))
                continue
            bound = alias.asname or alias.name
            listed = alias.asname is not None and _listed(bound) and not unlisted
            submodule = f'{source}.{alias.name}'
            if submodule in self.modules:
                table[bound] = Export(submodule, None, listed, optional=optional)
            else:
                table[bound] = Export(source, alias.name, listed)

    def _hints_of(self, module: Module) -> dict[str, str]:
        """The names private ``module`` imports for type checking only, and their sources.

        ``publish`` binds each one in the module once its source is loaded (never importing
        it), so that ``typing.get_type_hints`` resolves annotations that name them. A name
        re-exported by a public module of ours is followed to the module that defines it,
        whose ``__dict__`` holds it as soon as it is defined.
        """
        defined = {name for node in module.tree.body for name in _defined_names(node)}
        hints: dict[str, str] = {}
        for node in module.tree.body:
            if not (isinstance(node, ast.If) and _is_type_checking(node.test)):
                continue
            for statement in node.body:
                if not isinstance(statement, ast.ImportFrom):
                    continue
                source = _absolute(module, statement)
                for alias in statement.names:
                    bound = alias.asname or alias.name
                    if alias.name == '*' or bound in defined:
                        continue
                    if f'{source}.{alias.name}' in self.modules:
                        continue  # a submodule, not a name
                    origin = (source, alias.name)
                    public = self.modules.get(source)
                    if public is not None and public.installs:
                        export = self.names_of(source).get(alias.name)
                        if export is not None and export.source and export.attribute:
                            assert export.origin is not None
                            origin = (export.origin[0], export.origin[1] or alias.name)
                    hints[bound] = f'{origin[0]}:{origin[1]}'
        return dict(sorted(hints.items()))

    # -- homes -------------------------------------------------------------------------------

    def _find_homes(self) -> None:
        for public, table in self.exports.items():
            package = self.modules[public].package
            for name, export in table.items():
                if export.attribute is None or not export.source:
                    continue
                source = self.modules.get(export.source)
                if source is None:
                    continue  # another distribution's module that is not ours to check
                if source.package != package:
                    if not source.is_public:
                        raise DeclarationError(
                            f'{public}.{name} comes from {export.source}, a private module of '
                            'another distribution: import it from that distribution\'s public '
                            'module'
                        )
                    continue
                if source.is_public:
                    continue  # a re-export from the home
                homes = self.homes.setdefault(export.source, {})
                other = homes.get(export.attribute)
                if other is not None and other != public:
                    raise DeclarationError(
                        f'{export.source}.{export.attribute} is declared in both {other} and '
                        f'{public}; import it from the one that is its home in the other'
                    )
                homes[export.attribute] = public
        for private, names in self.homes.items():
            module = self.modules[private]
            if not module.publishes:
                raise DeclarationError(
                    f'{_shown(module.path)} defines public names '
                    f'({", ".join(sorted(names))}): end it with "publish(__name__)" '
                    f'(from {_relative_exports(module)} import publish)'
                )
        for module in self.modules.values():
            if module.publishes and module.name not in self.homes:
                raise DeclarationError(
                    f'{_shown(module.path)} calls publish() but no public module '
                    'declares a name of it: remove the call'
                )

    # -- output ------------------------------------------------------------------------------

    def render(self, package: str) -> str:
        """The text of ``package``'s ``_exports.py``."""
        names = {m: t for m, t in self.exports.items() if self.modules[m].package == package}
        homes = {
            m: dict(sorted(t.items()))
            for m, t in sorted(self.homes.items())
            if self.modules[m].package == package
        }
        aliases = {
            public: alias
            for public, alias in sorted(self.aliases.items())
            if public.split('.')[0] == package
        }
        out = [_HEADER.format(package=package)]
        out.append('#: Public module -> {name: where its value comes from} (see install()).')
        out.append('NAMES: dict[str, dict[str, str]] = {')
        for module_name in sorted(names):
            out.append(f'    {module_name!r}: {{')
            for name, export in names[module_name].items():
                out.append(f'        {name!r}: {export.encode(name)!r},')
            out.append('    },')
        out.append('}')
        out.append('')
        hints = {
            m: t for m, t in sorted(self.hints.items()) if t and self.modules[m].package == package
        }
        out += _nested_table(
            'HOMES', 'Private module -> {name: the public module that is its home}.', homes
        )
        out += _nested_table(
            'HINTS',
            'Private module -> {name imported for type checking only: module:attribute}.',
            hints,
        )
        out.append("#: Public module -> the name it has under ``ops``, used when ops is installed.")
        out.append('ALIASES: dict[str, str] = {')
        for public, alias in aliases.items():
            out.append(f'    {public!r}: {alias!r},')
        out.append('}')
        out.append(_RUNTIME)
        return '\n'.join(out)

    def packages(self) -> list[str]:
        return sorted({self.modules[m].package for m in self.exports})


def _nested_table(name: str, comment: str, table: dict[str, dict[str, str]]) -> list[str]:
    """The lines of ``NAME: dict[str, dict[str, str]] = {...}``, then a blank line."""
    out = [f'#: {comment}', f'{name}: dict[str, dict[str, str]] = {{']
    for module_name, entries in table.items():
        out.append(f'    {module_name!r}: {{')
        out.extend(f'        {key!r}: {value!r},' for key, value in entries.items())
        out.append('    },')
    return [*out, '}', '']


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is in it."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def _relative_exports(module: Module) -> str:
    depth = len(module.name.split('.')) - (0 if module.is_package else 1)
    return '.' * depth + '_exports'


# Names a public module may define at its top level without making them public.
_NOT_EXPORTED = frozenset({'TYPE_CHECKING', '__all__', '__getattr__', '__dir__'})


def _listed(name: str) -> bool:
    return not name.startswith('_') or (name.startswith('__') and name.endswith('__'))


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ''
    parts = module.name.split('.')
    base = parts if module.is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return '.'.join([*base, node.module] if node.module else base)


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.name]
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def read_aliases(modules: dict[str, Module]) -> dict[str, str]:
    """Public module of a distribution -> its name under ``ops`` (from ``ops/_alias.py``).

    ``ALIASES`` maps ``ops.model`` to ``ops_core.model``; the ``become(...)`` call of each
    ``ops/<name>.py`` adds the submodules registered with it (``ops.testing.state``).
    """
    alias_module = modules.get('ops._alias')
    if alias_module is None:
        return {}
    table: dict[str, str] = {}
    for node in alias_module.tree.body:
        target: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, 'value', None)
        if isinstance(target, ast.Name) and target.id == 'ALIASES' and value is not None:
            table = ast.literal_eval(value)
    out = {module: alias for alias, module in table.items()}
    for alias, module_name in table.items():
        module = modules.get(alias)
        if module is None:
            continue
        for node in module.tree.body:
            if _is_call(node, 'become'):
                assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                for keyword in node.value.keywords:
                    if keyword.arg == 'submodules':
                        for sub in ast.literal_eval(keyword.value):
                            out[f'{module_name}.{sub}'] = f'{alias}.{sub}'
    return out


_HEADER = '''\
"""Where each public name of ``{package}`` comes from, and where each class lives.

Generated by ``tools/exports.py`` from the declarations of the public modules (the imports
of their ``if TYPE_CHECKING:`` block); do not edit: change a declaration and run
``python tools/exports.py`` (``tests/meta/test_exports.py`` checks that this file is
current). ``install(globals())`` ends each public module and ``publish(__name__)`` each
private module that defines a public class or function.
"""

# Imports nothing at import time: ``import {package}`` costs this module and no other.
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
'''

_RUNTIME = '''

def install(namespace: 'dict[str, Any]') -> None:
    """Give the public module whose globals are ``namespace`` the names it declares.

    Sets ``__all__``, and a ``__getattr__`` (PEP 562) that imports a name's module the first
    time the name is read and then keeps the value in the module, so later reads are plain
    attribute reads; ``dir()`` lists the declared names. Classes and functions the module
    defines itself get their public home now.
    """
    module_name: str = namespace['__name__']
    table = NAMES[module_name]
    namespace['__all__'] = [name for name, source in table.items() if source[:1] != '-']
    for name, source in table.items():
        if source in ('', '-'):
            _rehome(namespace[name], module_name, module_name)

    def __getattr__(name: str) -> 'Any':
        source = table.get(name, '').lstrip('-')
        if not source:
            raise AttributeError(f'module {module_name!r} has no attribute {name!r}')
        value = _load(source, name)
        namespace[name] = value
        _bind_hints()
        return value

    def __dir__() -> 'list[str]':
        dunders = (name for name in namespace if name[:2] == '__' == name[-2:])
        return sorted({*table, *dunders})

    namespace['__getattr__'] = __getattr__
    namespace['__dir__'] = __dir__


def publish(module_name: str) -> None:
    """Give the public classes and functions of private module ``module_name`` their home.

    Their ``__module__`` (and that of their methods and nested classes) becomes the public
    module that declares them, so that reprs, tracebacks, pickles and documentation name
    ``ops.model.Relation`` rather than ``ops_core._model._relation.Relation``. Class annotations
    written as strings become ``typing.ForwardRef`` objects bound to the private module, so
    that ``typing.get_type_hints`` still resolves them there.

    The names the module imports only for type checking (``HINTS``) are bound in it as soon
    as the module defining each is loaded (this never imports anything), for the same
    reason: ``get_type_hints`` evaluates annotations in the module's globals.
    """
    namespace = sys.modules[module_name].__dict__
    for name, public in HOMES.get(module_name, {}).items():
        if name in namespace:
            _rehome(namespace[name], public, module_name)
    for name, source in HINTS.get(module_name, {}).items():
        if name not in namespace:
            origin, _, attribute = source.partition(':')
            _HINTS_WAITING.setdefault(origin, []).append((namespace, name, attribute))
    _bind_hints()


#: Module -> the (namespace, name, attribute) of the hints waiting for it to be loaded.
_HINTS_WAITING: 'dict[str, list[tuple[dict[str, Any], str, str]]]' = {}


def _bind_hints() -> None:
    for origin in [o for o in _HINTS_WAITING if o in sys.modules]:
        defined = sys.modules[origin].__dict__  # not its __getattr__, which would import
        waiting = []
        for namespace, name, attribute in _HINTS_WAITING.pop(origin):
            if attribute in defined:
                namespace.setdefault(name, defined[attribute])
            else:  # still being imported
                waiting.append((namespace, name, attribute))
        if waiting:
            _HINTS_WAITING[origin] = waiting


def _load(source: str, name: str) -> 'Any':
    optional = source[:1] == '?'
    source = source.lstrip('?')
    if source[:1] == '@':
        try:
            __import__(source[1:])
        except ImportError:
            if optional:
                return None
            raise
        return sys.modules[source[1:]]
    module_name, _, attribute = source.partition(':')
    __import__(module_name)
    return getattr(sys.modules[module_name], attribute or name)


def _rehome(obj: 'Any', public: str, private: str) -> None:
    is_class = isinstance(obj, type)
    if not (is_class or hasattr(obj, '__code__')) or getattr(obj, '__module__', None) != private:
        return
    obj.__module__ = _home(public)
    if not is_class:
        return
    for member in list(vars(obj).values()):
        if isinstance(member, property):
            for function in (member.fget, member.fset, member.fdel):
                _rehome(function, public, private)
        else:
            _rehome(getattr(member, '__func__', member), public, private)
    annotations = obj.__dict__.get('__annotations__')
    if isinstance(annotations, dict) and any(isinstance(v, str) for v in annotations.values()):
        import typing

        for key, value in annotations.items():
            if isinstance(value, str):
                annotations[key] = _forward_ref(typing, value, private)


def _forward_ref(typing: 'Any', text: str, module: str) -> 'Any':
    try:
        return typing.ForwardRef(text, is_argument=False, module=module, is_class=True)
    except TypeError:  # a Python whose ForwardRef has no is_class
        return typing.ForwardRef(text, is_argument=False, module=module)


_ops: 'list[bool]' = []


def _home(public: str) -> str:
    alias = ALIASES.get(public)
    if alias is None:
        return public
    if not _ops:
        _ops.append('ops' in sys.modules or _findable('ops'))
    return alias if _ops[0] else public


def _findable(name: str) -> bool:
    for finder in sys.meta_path:
        find_spec = getattr(finder, 'find_spec', None)
        try:
            if find_spec is not None and find_spec(name, None) is not None:
                return True
        except Exception:  # a finder that cannot answer does not know the module
            continue
    return False
'''


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) every distribution's ``_exports.py``."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='only say whether they are current')
    args = parser.parse_args(argv)
    modules = discover()
    try:
        index = Index(modules, read_aliases(modules))
    except DeclarationError as exc:
        print(f'tools/exports.py: {exc}', file=sys.stderr)
        return 2
    stale: list[str] = []
    for package in index.packages():
        root = modules[package].path.parent
        target = root / GENERATED
        text = index.render(package)
        current = target.read_text() if target.exists() else ''
        if current == text:
            continue
        stale.append(str(target.relative_to(REPO)))
        if args.check:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), str(target), 'generated', lineterm=''
            )
            print('\n'.join(list(diff)[:60]), file=sys.stderr)
        else:
            target.write_text(text)
    if args.check and stale:
        print(
            f'tools/exports.py: out of date: {", ".join(stale)}; run python tools/exports.py',
            file=sys.stderr,
        )
        return 1
    for path in stale:
        print(f'wrote {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
