"""Keep each example charm's own ``charm`` module in place while its tests run.

Every example has a module called ``charm`` (and may share other module names). When the
examples' tests run in one pytest process (the repository's whole suite), whichever was
imported first would otherwise be found by the others' tests; and ``ops.testing`` finds a
charm's charmcraft.yaml through ``sys.modules[CharmClass.__module__]``, so the right module
must also be registered while each test runs. So each example's ``src/`` modules are
imported once, and those very module objects are put back under their names in
``sys.modules`` just before each test module of that example is imported and around each
of its tests. (An example copied out of this repository needs none of this.)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parent
_modules_by_example: dict[Path, dict[str, ModuleType]] = {}


def _example_of(path: Path) -> Path | None:
    try:
        relative = path.resolve().relative_to(EXAMPLES)
    except ValueError:
        return None
    root = EXAMPLES / relative.parts[0]
    return root if (root / 'src').is_dir() else None


def _claim(example: Path) -> dict[str, ModuleType]:
    """Put the example's src/ first on sys.path and its modules in sys.modules."""
    src = example / 'src'
    while str(src) in sys.path:
        sys.path.remove(str(src))
    sys.path.insert(0, str(src))
    modules = _modules_by_example.get(example)
    if modules is None:
        stems = sorted(path.stem for path in src.glob('*.py'))
        for stem in stems:
            module = sys.modules.get(stem)
            if module is not None and getattr(module, '__file__', None) != str(src / f'{stem}.py'):
                del sys.modules[stem]  # another example's module of the same name
        modules = _modules_by_example[example] = {
            stem: importlib.import_module(stem) for stem in stems
        }
    sys.modules.update(modules)
    return modules


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> None:
    """Just before a test module of an example is imported, register that example's modules."""
    example = _example_of(module_path)
    if example is not None:
        _claim(example)


@pytest.fixture(autouse=True)
def _example_charm_modules(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Keep the example's modules registered under their names while each of its tests runs."""
    example = _example_of(request.path)
    if example is not None:
        for stem, module in _claim(example).items():
            monkeypatch.setitem(sys.modules, stem, module)
    yield
