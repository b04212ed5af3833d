"""The public names of each distribution: declared once, and what every user of them sees.

Each public module declares its names in its ``if TYPE_CHECKING:`` imports; ``tools/exports.py``
turns them into each distribution's ``_exports.py`` (see its docstring). These tests hold
the generated index to the declarations, the run-time modules to the index, each class to
its public home, and ``import ops``/``import ops_core`` to what they loaded before.
(tests/compat/test_typing.py holds the type checkers' view to the run-time ``__all__``.)
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import importlib
import importlib.util
import inspect
import json
import pickle
import subprocess
import sys
import textwrap
import typing
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import ops
import ops.pebble
import ops.testing
import ops_hookcmds
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PACKAGES = [
    'ops_hookcmds',
    'ops_pebble',
    'ops_core',
    'ops_testing',
    'ops_tracing',
    'scenario',
    'ops',
]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location('exports_tool', REPO / 'tools' / 'exports.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules['exports_tool'] = module
    spec.loader.exec_module(module)
    return module


def _index(package: str) -> Any:
    return importlib.import_module(f'{package}._exports')


def test_the_generated_indexes_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'exports.py'), '--check'],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize('package', PACKAGES)
def test_every_declared_name_resolves_and_all_lists_the_public_ones(package: str) -> None:
    for module_name, table in _index(package).NAMES.items():
        module = importlib.import_module(module_name)
        listed = [name for name, source in table.items() if not source.startswith('-')]
        assert module.__all__ == listed, module_name
        for name in table:
            value = getattr(module, name)
            assert value is not None or name == 'tracing', f'{module_name}.{name}'
        # dir() is the declared surface, without the machinery that provides it.
        names = dir(module)
        assert set(table) <= set(names)
        assert not {'TYPE_CHECKING', 'install', '_exports', 'annotations'} & set(names)


def _public_classes_and_functions(package: str) -> list[tuple[str, Any, str]]:
    index = _index(package)
    found: list[tuple[str, Any, str]] = []
    for private, names in index.HOMES.items():
        namespace = vars(importlib.import_module(private))
        for name, public in names.items():
            obj = namespace.get(name)
            # Classes and functions defined under that name (not an alias such as UnitID = int).
            if (isinstance(obj, type) or inspect.isfunction(obj)) and obj.__name__ == name:
                found.append((f'{private}.{name}', obj, index.ALIASES.get(public, public)))
    return found


@pytest.mark.parametrize('package', PACKAGES)
def test_each_class_and_function_names_its_public_home(package: str) -> None:
    # ops is installed here, so the homes are the names ops gives the modules.
    found = _public_classes_and_functions(package)
    for where, obj, home in found:
        assert obj.__module__ == home, where
        assert getattr(importlib.import_module(home), obj.__name__) is obj, where
        if isinstance(obj, type):
            defining = where.rsplit('.', 1)[0]
            for member in vars(obj).values():
                function = getattr(member, '__func__', member)
                # Its methods (not those generated elsewhere, such as a record's).
                if (
                    inspect.isfunction(function)
                    and function.__globals__.get('__name__') == defining
                ):
                    assert function.__module__ == home, f'{where}.{function.__name__}'
    assert found or package in ('scenario', 'ops')


def test_what_users_see_names_the_public_home() -> None:
    assert repr(ops.model.Relation) == "<class 'ops.model.Relation'>"
    assert repr(ops.pebble.Layer) == "<class 'ops.pebble.Layer'>"
    assert repr(ops.testing.State) == "<class 'ops.testing.State'>"
    assert repr(ops_hookcmds.Error) == "<class 'ops.hookcmds.Error'>"
    assert repr(ops.testing.errors.UncaughtCharmError) == (
        "<class 'ops.testing.errors.UncaughtCharmError'>"
    )
    import traceback

    lines = traceback.format_exception_only(ops.ModelError('no such relation'))
    assert lines == ['ops.model.ModelError: no such relation\n']


def test_without_ops_installed_the_home_is_the_distribution_module(tmp_path: Path) -> None:
    # A script with only ops-core and ops-pebble on its path (no ops) sees
    # ops_core.model.Relation, and pickles by that name.
    paths = [
        str(REPO / 'packages' / d / 'src') for d in ('ops-hookcmds', 'ops-core', 'ops-pebble')
    ]
    paths.append(str(Path(yaml.__file__).parent.parent))  # PyYAML, for ops_pebble
    code = (
        'import importlib.util, pickle, ops_core, ops_pebble\n'
        "assert importlib.util.find_spec('ops') is None\n"
        'print(ops_core.model.Relation.__module__, ops_pebble.Layer.__module__)\n'
        "status = pickle.loads(pickle.dumps(ops_core.ActiveStatus('x')))\n"
        'print(type(status).__module__, status.message)\n'
    )
    out = subprocess.run(
        [sys.executable, '-S', '-c', code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={'PYTHONPATH': ':'.join(paths), 'PATH': '/usr/bin:/bin'},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ['ops_core.model ops_pebble', 'ops_core.model x']


def test_homes_keep_pickles_copies_and_patches_working() -> None:
    status = ops.ActiveStatus('ready')
    assert pickle.loads(pickle.dumps(status)) == status
    assert pickle.loads(pickle.dumps(ops.model.Relation)) is ops.model.Relation
    assert pickle.loads(pickle.dumps(ops.pebble.ServiceStatus.ACTIVE)) is (
        ops.pebble.ServiceStatus.ACTIVE
    )
    state = ops.testing.State(leader=True, config={'a': 1})
    assert pickle.loads(pickle.dumps(state)) == state
    assert copy.deepcopy(state) == state
    port = ops.Port('tcp', 8080)
    assert pickle.loads(pickle.dumps(port)) == port
    assert dataclasses.replace(port, port=9090) == ops.Port('tcp', 9090)
    with mock.patch('ops.model.Unit.set_workload_version') as patched:
        assert ops.model.Unit.set_workload_version is patched
        assert ops.Unit.set_workload_version is patched
    assert ops.model.Unit.set_workload_version is not patched


def test_homes_keep_type_hints_resolving_in_the_defining_module() -> None:
    # Class annotations are strings resolved against the module named by __module__;
    # the public home does not have those names, so they are bound to the defining module.
    hints = typing.get_type_hints(ops.testing.Secret)
    assert hints['tracked_content'] == collections.abc.Mapping[str, str]
    assert typing.get_type_hints(ops.JujuContext)['hook_name'] is str
    assert typing.get_type_hints(ops_hookcmds.SecretInfo)['revision'] is int
    assert typing.get_type_hints(ops.Unit.set_workload_version) == {
        'version': str,
        'return': type(None),
    }

    @dataclasses.dataclass(frozen=True)
    class Mine(ops.testing.Secret):
        note: str = ''

    assert typing.get_type_hints(Mine)['note'] is str
    for package in PACKAGES:
        for where, obj, _ in _public_classes_and_functions(package):
            defining = where.rsplit('.', 1)[0]
            for value in (
                vars(obj).get('__annotations__', {}).values() if isinstance(obj, type) else ()
            ):
                if isinstance(value, typing.ForwardRef):
                    assert value.__forward_module__ == defining, where


def _loaded_by(statement: str) -> set[str]:
    code = f'import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))'
    out = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_imports_load_no_more_modules_than_before() -> None:
    # Before the one export mechanism, ``import ops_core`` loaded 6 modules beyond
    # ``import typing`` and ``import ops`` 32, 9 of them ours.
    baseline = _loaded_by('import typing')
    assert _loaded_by('import ops_core') - baseline == {'ops_core', 'ops_core._exports'}
    assert _loaded_by('import ops_hookcmds') == _loaded_by('pass') | {
        'ops_hookcmds',
        'ops_hookcmds._exports',
    }
    loaded = _loaded_by('import ops') - baseline
    ours = {m for m in loaded if m.split('.')[0] in ('ops', 'ops_core', 'ops_hookcmds')}
    assert ours == {
        'ops',
        'ops._alias',
        'ops._exports',
        'ops._incidental',
        'ops.main',
        'ops_core',
        'ops_core._exports',
        'ops_core.main',
    }
    assert len(loaded) <= 32, sorted(loaded)


# ---- the declarations tools/exports.py accepts and refuses ---------------------------------


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / 'packages' / name.split('/')[0] / 'src' / name.split('/', 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


_PUBLIC = """
    from typing import TYPE_CHECKING

    from . import _exports

    if TYPE_CHECKING:
        from ._impl import Thing as Thing
        from ._impl import helper
        from . import sub as sub

    VALUE = 1

    _exports.install(globals())
"""
_IMPL = """
    class Thing:
        pass

    def helper():
        pass

    publish(__name__)
"""


def test_the_tool_reads_each_form_of_declaration(tmp_path: Path) -> None:
    tool = _tool()
    repo = _repo(
        tmp_path,
        {
            'dist/pkg/__init__.py': _PUBLIC,
            'dist/pkg/_impl.py': _IMPL,
            'dist/pkg/sub.py': '"""A submodule."""\n',
        },
    )
    modules = tool.discover(repo)
    index = tool.Index(modules, {'pkg': 'alias'})
    assert {n: e.encode(n) for n, e in index.exports['pkg'].items()} == {
        'Thing': 'pkg._impl',
        'VALUE': '',
        'helper': '-pkg._impl',
        'sub': '@pkg.sub',
    }
    assert index.homes == {'pkg._impl': {'Thing': 'pkg', 'helper': 'pkg'}}
    text = index.render('pkg')
    namespace: dict[str, Any] = {}
    exec(compile(text, 'pkg/_exports.py', 'exec'), namespace)
    assert namespace['ALIASES'] == {'pkg': 'alias'}


@pytest.mark.parametrize(
    ('files', 'message'),
    [
        (
            {'dist/pkg/_impl.py': _IMPL.replace('publish(__name__)', '')},
            'dist/src/pkg/_impl.py defines public names (Thing, helper): end it with '
            '"publish(__name__)"',
        ),
        (
            {'dist/pkg/other.py': _PUBLIC.replace('from . import sub as sub', '')},
            'pkg._impl.Thing is declared in both pkg and pkg.other',
        ),
        (
            {
                'dist/pkg/__init__.py': _PUBLIC.replace('VALUE = 1', '').replace(
                    'from . import sub as sub', 'import os'
                )
            },
            'write "import os as NAME"',
        ),
        (
            {'dist/pkg/__init__.py': _PUBLIC.replace('from . import sub as sub', 'x = 1')},
            'only imports belong in the TYPE_CHECKING declaration',
        ),
        (
            {
                'other/two/__init__.py': _PUBLIC.replace('._impl', 'pkg._impl').replace(
                    'from . import sub as sub', ''
                )
            },
            'comes from pkg._impl, a private module of another distribution',
        ),
    ],
)
def test_the_tool_refuses_ambiguous_or_incomplete_declarations(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    tool = _tool()
    base = {
        'dist/pkg/__init__.py': _PUBLIC,
        'dist/pkg/_impl.py': _IMPL,
        'dist/pkg/sub.py': '"""A submodule."""\n',
    }
    repo = _repo(tmp_path, {**base, **files})
    with pytest.raises(tool.DeclarationError) as info:
        tool.Index(tool.discover(repo), {})
    assert message in str(info.value).replace(str(repo) + '/packages/', '')


def test_the_api_reference_names_public_classes_by_their_public_home() -> None:
    # pdoc (what docs/build_api.py uses) links each class in a signature or a base list by
    # its __module__; only private helpers (a mixin, the Backend protocol) may show a
    # private module.
    pytest.importorskip('pdoc')
    import re
    import warnings

    import pdoc.doc
    import pdoc.render

    spec = importlib.util.spec_from_file_location('build_api', REPO / 'docs' / 'build_api.py')
    assert spec is not None and spec.loader is not None
    build_api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_api)
    public = {
        name for package in PACKAGES for table in _index(package).NAMES.values() for name in table
    }
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for module in ('ops.model', 'ops.charm', 'ops.framework', 'ops.pebble', 'ops.testing'):
            html = pdoc.render.html_module(pdoc.doc.Module(build_api.view(module)), {})
            assert re.search(r'ops\.model\.Relation|ops\.charm\.|ops\.pebble\.', html), module
            private = set(re.findall(r'\bops_[a-z]+\._[a-z_]+\.([A-Za-z_]+)', html))
            assert not private & public, (module, sorted(private & public))
