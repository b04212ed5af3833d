"""The simulator's inputs and outputs: the charm directory and the state files."""

from __future__ import annotations

import importlib
import json
import pathlib
import sys
import traceback
from typing import TYPE_CHECKING, Any

import yaml

from .._charm_spec import yaml_problem
from ._event_args import UsageError

if TYPE_CHECKING:
    from .._state._state import State

__all__ = [
    'CharmImportError',
    'check_output_path',
    'charm_traceback',
    'load_charm',
    'read_state',
    'write_state',
]

_FORMATS = {'.json': 'json', '.yaml': 'yaml', '.yml': 'yaml'}
_METADATA_FILES = ('charmcraft.yaml', 'metadata.yaml')


class CharmImportError(Exception):
    """The charm's module raised while being imported (exit status 1, like a charm error).

    Attributes:
        error: the exception the charm's module raised.
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(f'importing src/charm.py raised {_one_line_exception(error)}')
        self.error = error


def _one_line_exception(error: BaseException) -> str:
    text = ' '.join(str(error).split())
    return f'{type(error).__name__}: {text}' if text else type(error).__name__


def load_charm(charm_dir: str, class_name: str | None = None) -> type[Any]:
    """The charm class of the charm in ``charm_dir`` (its ``src/charm.py``).

    ``src/`` and ``lib/`` are put first on ``sys.path``, as Juju's dispatch does, so that the
    charm module's own imports work. The class is the one ``CharmBase`` subclass in the
    module that no other one derives from, or the one named ``class_name``.

    Raises:
        UsageError: the directory, its metadata or its ``src/charm.py`` is missing, or the
            module has no (or more than one candidate) charm class.
        CharmImportError: importing the module raised.
    """
    from ops_core.charm import CharmBase

    root = pathlib.Path(charm_dir)
    if not root.is_dir():
        raise UsageError(f'charm directory {charm_dir!r} does not exist')
    if not any((root / name).is_file() for name in _METADATA_FILES):
        raise UsageError(f'{charm_dir!r} has no charmcraft.yaml or metadata.yaml; is it a charm?')
    source = root / 'src' / 'charm.py'
    if not source.is_file():
        raise UsageError(f'{charm_dir!r} has no src/charm.py; the charm code goes there')
    for sub in ('lib', 'src'):
        path = str((root / sub).resolve())
        if path not in sys.path:
            sys.path.insert(0, path)
    sys.modules.pop('charm', None)
    try:
        module = importlib.import_module('charm')
    except Exception as e:
        raise CharmImportError(e) from e
    candidates = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, CharmBase) and obj is not CharmBase
    ]
    if class_name is not None:
        for obj in candidates:
            if obj.__name__ == class_name:
                return obj
        names = ', '.join(sorted(c.__name__ for c in candidates)) or 'none'
        raise UsageError(f'src/charm.py has no charm class {class_name!r} (it has: {names})')
    most_derived = [
        c for c in candidates if not any(o is not c and issubclass(o, c) for o in candidates)
    ]
    if not most_derived:
        raise UsageError(f'{source} defines no ops.CharmBase subclass')
    if len(most_derived) > 1:
        names = ', '.join(sorted(c.__name__ for c in most_derived))
        raise UsageError(
            f'src/charm.py has several charm classes ({names}); pick one with --charm-class'
        )
    return most_derived[0]


def charm_traceback(error: BaseException, charm_dir: str) -> list[str]:
    """The frames of ``error``'s traceback that are in the charm's own files, one line each.

    When no frame is in the charm directory (the charm called a library that raised), the
    last three frames are given instead.
    """
    root = pathlib.Path(charm_dir).resolve()
    frames = traceback.extract_tb(error.__traceback__)
    lines: list[str] = []
    for frame in frames:
        try:
            where = pathlib.Path(frame.filename).resolve().relative_to(root)
        except ValueError:
            continue
        lines.append(_frame_line(str(where), frame))
    if not lines:
        lines = [_frame_line(frame.filename, frame) for frame in frames[-3:]]
    lines.append(_one_line_exception(error))
    return lines


def _frame_line(where: str, frame: traceback.FrameSummary) -> str:
    code = f': {frame.line.strip()}' if frame.line else ''
    return f'{where}:{frame.lineno} in {frame.name}{code}'


def _format_of(path: str, what: str) -> str:
    fmt = _FORMATS.get(pathlib.Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f'{what} {path!r} must end in .yaml, .yml or .json')
    return fmt


def read_state(path: str) -> State:
    """The State in a YAML or JSON file (the format follows the extension).

    The file holds the output of ``State.to_dict()``; the top-level ``$type`` may be left
    out, and an empty file is an empty State.

    Raises:
        UsageError: the file is missing, unreadable, not YAML/JSON, or not a valid State.
    """
    from .._state._state import State

    fmt = _format_of(path, 'state file')
    try:
        text = pathlib.Path(path).read_text()
    except OSError as e:
        raise UsageError(f'cannot read state file {path!r}: {e.strerror}') from None
    try:
        data = json.loads(text) if fmt == 'json' else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as e:
        raise UsageError(
            f'state file {path!r} is not valid {fmt.upper()}: {yaml_problem(e)}'
        ) from None
    if data is None:
        return State()
    if not isinstance(data, dict):
        raise UsageError(
            f'state file {path!r} must hold a mapping of State fields, not a {type(data).__name__}'
        )
    try:
        return State.from_dict(data)
    except Exception as e:
        raise UsageError(
            f'state file {path!r} is not a valid State: {_one_line_exception(e)}'
        ) from None


def check_output_path(path: str) -> None:
    """Check, before running anything, that a state can be written to ``path``.

    Raises:
        UsageError: the extension is not .yaml/.yml/.json or the directory does not exist.
    """
    _format_of(path, 'output file')
    parent = pathlib.Path(path).resolve().parent
    if not parent.is_dir():
        raise UsageError(f'cannot write {path!r}: directory {str(parent)!r} does not exist')


def write_state(path: str, state: State) -> None:
    """Write ``state`` to ``path`` as YAML or JSON (by the extension).

    Raises:
        UsageError: the file cannot be written.
    """
    data = state.to_dict()
    if _format_of(path, 'output file') == 'json':
        text = json.dumps(data, indent=2, sort_keys=True) + '\n'
    else:
        text = yaml.safe_dump(data, sort_keys=True, default_flow_style=False)
    try:
        pathlib.Path(path).write_text(text)
    except OSError as e:
        raise UsageError(f'cannot write {path!r}: {e.strerror}') from None
