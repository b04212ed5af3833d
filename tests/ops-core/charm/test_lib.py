"""ops.lib: finding opslib libraries on sys.path without importing them, then use()."""

from __future__ import annotations

import sys
from pathlib import Path

import ops.lib
import pytest


def _write_lib(root: Path, top: str, name: str, api: object, patch: int, author: str) -> None:
    pkg = root / top / 'opslib' / name
    pkg.mkdir(parents=True)
    (pkg / '__init__.py').write_text(
        f'LIBNAME = {name!r}\nLIBAPI = {api!r}\nLIBPATCH = {patch}\nLIBAUTHOR = {author!r}\n'
        f'WHICH = {top!r}\n'
    )


@pytest.fixture
def lib_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write_lib(tmp_path, 'first', 'mysql', 2, 1, 'alice@example.com')
    _write_lib(tmp_path, 'second', 'mysql', 2, 3, 'alice@example.com')
    _write_lib(tmp_path, 'third', 'mysql', 1, 9, 'alice@example.com')
    _write_lib(tmp_path, 'broken', 'bad', 'x', 0, 'alice@example.com')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr('ops_core._charm._lib._libraries', None)
    return tmp_path


def test_use_picks_the_highest_patch(lib_path: Path) -> None:
    with pytest.warns(DeprecationWarning):
        mod = ops.lib.use('mysql', 2, 'alice@example.com')
    assert mod.WHICH == 'second'
    with pytest.warns(DeprecationWarning):
        assert ops.lib.use('mysql', 1, 'alice@example.com').WHICH == 'third'
    assert 'bad' not in sys.modules


def test_missing_library_says_which_apis_exist(lib_path: Path) -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(ImportError, match='have API 1, 2'):
        ops.lib.use('mysql', 3, 'alice@example.com')


@pytest.mark.parametrize(
    ('args', 'exc'),
    [
        ((1, 2, 'a@b.c'), TypeError),
        (('mysql', '2', 'a@b.c'), TypeError),
        (('mysql', 2, 3), TypeError),
        (('My-Lib', 1, 'a@b.c'), ValueError),
        (('mysql', -1, 'a@b.c'), ValueError),
        (('mysql', 1, 'bob'), ValueError),
    ],
)
def test_bad_arguments(args: tuple[object, object, object], exc: type[Exception]) -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(exc):
        ops.lib.use(*args)  # type: ignore[arg-type]


def test_autoimport_rescans(lib_path: Path) -> None:
    with pytest.warns(DeprecationWarning):
        ops.lib.autoimport()
    _write_lib(lib_path, 'fourth', 'mysql', 2, 7, 'alice@example.com')
    with pytest.warns(DeprecationWarning):
        assert ops.lib.use('mysql', 2, 'alice@example.com').WHICH == 'second'
    with pytest.warns(DeprecationWarning):
        ops.lib.autoimport()
    with pytest.warns(DeprecationWarning):
        assert ops.lib.use('mysql', 2, 'alice@example.com').WHICH == 'fourth'
