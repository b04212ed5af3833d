"""The deprecated ``opslib`` library mechanism (``ops.lib.use`` and ``ops.lib.autoimport``).

A library is a package ``<top>/opslib/<lib>/`` on ``sys.path`` whose ``__init__.py`` declares,
near the top, ``LIBNAME`` (str), ``LIBAPI`` (int), ``LIBPATCH`` (int) and ``LIBAUTHOR``
(an email address). Those lines are read without importing the package; the package is
imported only when a charm asks for it with :func:`use`.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .._exports import publish

logger = logging.getLogger('ops.lib')

_HEADER_LINES = 99  # the declarations must appear within the first lines of __init__.py
_NAME_RE = re.compile(r'^[a-z][a-z0-9]*$')
_AUTHOR_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DECL_RE = re.compile(r'^(LIBNAME|LIBAPI|LIBPATCH|LIBAUTHOR)\s*=\s*(.+?)\s*(#.*)?$')
_DEPRECATED = 'ops.lib is deprecated, prefer charm libraries instead'


@dataclass(frozen=True)
class _Lib:
    name: str
    api: int
    patch: int
    author: str
    module_name: str
    init_path: Path


# (name, author, api) -> the highest-patch library found; None until the first scan.
_libraries: dict[tuple[str, str, int], _Lib] | None = None
_loaded: dict[Path, ModuleType] = {}


def _parse(module_name: str, init_path: Path) -> _Lib | None:
    """Read a library's declarations; None (with a debug log) if it is not a valid library."""
    found: dict[str, object] = {}
    try:
        with init_path.open(encoding='utf-8') as f:
            for _, line in zip(range(_HEADER_LINES), f, strict=False):
                match = _DECL_RE.match(line)
                if match is None:
                    continue
                try:
                    found[match.group(1)] = ast.literal_eval(match.group(2))
                except (ValueError, SyntaxError):
                    logger.debug('      Bad value for %s in %r', match.group(1), module_name)
                    return None
    except (OSError, UnicodeDecodeError) as exc:
        logger.debug('      Cannot read %s: %s', init_path, exc)
        return None
    missing = [k for k in ('LIBNAME', 'LIBAPI', 'LIBPATCH', 'LIBAUTHOR') if k not in found]
    if missing:
        logger.debug('      Missing %s', ', '.join(missing))
        return None
    name, api, patch, author = (
        found['LIBNAME'],
        found['LIBAPI'],
        found['LIBPATCH'],
        found['LIBAUTHOR'],
    )
    if not isinstance(name, str) or not isinstance(author, str):
        logger.debug('      Bad type for name or author: expected str')
        return None
    if not isinstance(api, int) or not isinstance(patch, int):
        logger.debug('      Bad type for API or patch: expected int')
        return None
    if api < 0 or patch < 0 or not _NAME_RE.match(name) or not _AUTHOR_RE.match(author):
        logger.debug('      Invalid declarations in %r', module_name)
        return None
    return _Lib(name, api, patch, author, module_name, init_path)


def autoimport() -> None:
    """Scan ``sys.path`` for ``opslib`` libraries and remember the newest patch of each.

    :func:`use` does this on its first call; call it again after changing ``sys.path``.

    Deprecated: prefer charm libraries (``charmcraft fetch-lib``).
    """
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    _scan()


def _scan() -> None:
    global _libraries
    libraries: dict[tuple[str, str, int], _Lib] = {}
    for entry in sys.path:
        root = Path(entry or '.')
        if not root.is_dir():
            continue
        logger.debug('Looking for ops.lib packages under %r', str(root))
        try:
            candidates = sorted(root.glob('*/opslib/*/__init__.py'))
        except OSError:
            continue
        for init_path in candidates:
            top, lib_dir = init_path.parent.parent.parent.name, init_path.parent.name
            if not top.isidentifier() or not lib_dir.isidentifier():
                continue
            module_name = f'{top}.opslib.{lib_dir}'
            lib = _parse(module_name, init_path)
            if lib is None:
                continue
            logger.debug(
                '    Found library %s by %s, API %d, patch %d',
                lib.name,
                lib.author,
                lib.api,
                lib.patch,
            )
            key = (lib.name, lib.author, lib.api)
            if key not in libraries or libraries[key].patch < lib.patch:
                libraries[key] = lib
    _libraries = libraries


def use(name: str, api: int, author: str) -> ModuleType:
    """Import and return the newest patch of library ``name`` at API version ``api``.

    Args:
        name: the library's name (lowercase letters and digits, starting with a letter).
        api: the API version wanted.
        author: the email address of the library's author.

    Raises:
        TypeError: if ``name`` or ``author`` is not a str, or ``api`` is not an int.
        ValueError: if ``name``, ``api`` or ``author`` is malformed.
        ImportError: if no library with that name, author and API is on ``sys.path``.

    Deprecated: prefer charm libraries (``charmcraft fetch-lib``).
    """
    warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
    if not isinstance(name, str):
        raise TypeError(f'invalid library name: {name!r} (must be a str)')
    if not isinstance(author, str):
        raise TypeError(f'invalid library author: {author!r} (must be a str)')
    if not isinstance(api, int) or isinstance(api, bool):
        raise TypeError(f'invalid library API: {api!r} (must be an int)')
    if not _NAME_RE.match(name):
        raise ValueError(
            f'invalid library name: {name!r} (lowercase letters and digits only, '
            'starting with a letter)'
        )
    if api < 0:
        raise ValueError(f'invalid library api: {api} (must be >= 0)')
    if not _AUTHOR_RE.match(author):
        raise ValueError(f'invalid library author email: {author!r}')
    if _libraries is None:
        _scan()
    assert _libraries is not None
    lib = _libraries.get((name, author, api))
    if lib is None:
        have = sorted(k[2] for k in _libraries if k[0] == name and k[1] == author)
        hint = f' (have API {", ".join(map(str, have))})' if have else ''
        raise ImportError(
            f'cannot find library "{name}" from "{author}" with API version {api}{hint}; '
            'check that its package is on sys.path',
            name=name,
        )
    return _load(lib)


def _load(lib: _Lib) -> ModuleType:
    module = _loaded.get(lib.init_path)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(
        lib.module_name, lib.init_path, submodule_search_locations=[str(lib.init_path.parent)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f'cannot load library {lib.name!r} from {lib.init_path}', name=lib.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _loaded[lib.init_path] = module
    return module


publish(__name__)
