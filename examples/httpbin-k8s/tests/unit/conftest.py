"""Make ``import charm`` find this example's src/charm.py.

Both example charms have a module called ``charm``. When their tests run in one pytest
process (the repository's whole suite), whichever was imported first would otherwise be
found by the other's tests. So this directory's src/ is put first on ``sys.path``, and any
``charm`` module imported from elsewhere is dropped from ``sys.modules``, when this conftest
is loaded and again just before each test module here is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / 'src'


def use_this_charm() -> None:
    """Make ``import charm`` resolve to this example's charm module."""
    src = str(SRC)
    while src in sys.path:
        sys.path.remove(src)
    sys.path.insert(0, src)
    module = sys.modules.get('charm')
    if module is not None and Path(getattr(module, '__file__', '') or '').parent != SRC:
        del sys.modules['charm']


use_this_charm()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> None:
    """Just before a test module of this directory is collected (imported), claim ``charm``."""
    use_this_charm()
