"""Exceptions raised by the unit state storages (kept free of sqlite3/yaml imports)."""

from __future__ import annotations

from .._exports import publish


class NoSnapshotError(Exception):
    """Nothing is saved under this handle path.

    Args:
        handle_path: the path that was looked up.
    """

    def __init__(self, handle_path: str):
        super().__init__(handle_path)
        self.handle_path = handle_path

    def __str__(self) -> str:
        return f'no snapshot data found for {self.handle_path} object'


class StateFileError(RuntimeError):
    """The unit state file cannot be used: it is corrupt, not a database, or locked.

    The message names the file and what to do about it. The original error is chained
    as ``__cause__``.

    Args:
        message: the explanation, naming the file.
        path: the state file.
    """

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


publish(__name__)
