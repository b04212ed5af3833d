"""Helpers for the framework tests: frameworks over real SQLite files, one per "dispatch"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ops.framework import Framework
from ops.storage import SQLiteStorage

MakeFramework = Callable[..., Framework]


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """The path of a fresh unit state file."""
    return tmp_path / '.unit-state.db'


@pytest.fixture
def make_framework(state_file: Path, tmp_path: Path) -> Iterator[MakeFramework]:
    """Build a Framework over ``state_file``; every framework built is closed at teardown."""
    made: list[Framework] = []

    def make(**kwargs: object) -> Framework:
        framework = Framework(SQLiteStorage(state_file), tmp_path, None, None, **kwargs)  # type: ignore[arg-type]
        made.append(framework)
        return framework

    yield make
    for framework in made:
        framework.close()
