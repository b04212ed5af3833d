"""Make ``import charm`` find this example's src/charm.py, even next to other charms.

Both example charms have a module called ``charm``. When their tests run in one pytest
process (the repository's whole suite), whichever was imported first would otherwise be
found by the other's tests; and ``ops.testing`` locates a charm's charmcraft.yaml through
``sys.modules[CharmClass.__module__]``, so the right module must also be registered while
each test runs. So this conftest puts src/ first on ``sys.path`` and imports this example's
modules once, then re-registers those very module objects under their names in
``sys.modules`` before each test module here is imported and around each test.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SRC = Path(__file__).resolve().parents[2] / 'src'
STEMS = sorted(path.stem for path in SRC.glob('*.py'))


def _claim_path() -> None:
    src = str(SRC)
    while src in sys.path:
        sys.path.remove(src)
    sys.path.insert(0, src)


def _import_ours() -> dict[str, ModuleType]:
    _claim_path()
    for stem in STEMS:
        module = sys.modules.get(stem)
        if module is not None and getattr(module, '__file__', None) != str(SRC / f'{stem}.py'):
            del sys.modules[stem]  # another example's module of the same name
    return {stem: importlib.import_module(stem) for stem in STEMS}


MODULES = _import_ours()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> None:
    """Just before a test module of this directory is imported, register our modules."""
    _claim_path()
    sys.modules.update(MODULES)


@pytest.fixture(autouse=True)
def _our_charm_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep our modules registered under their names while each test here runs."""
    for stem, module in MODULES.items():
        monkeypatch.setitem(sys.modules, stem, module)
    yield
