"""``JujuStorage``: unit state kept by the Juju controller (``state-get``/``state-set``)."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import ops_core.tracing_hook as tracing_hook

from .._exports import publish
from ._errors import NoSnapshotError

_Notice = tuple[str, str, str]


def juju_backend_available() -> bool:
    """Return whether the controller-side state hook tools are available (``state-get``)."""
    import shutil

    return shutil.which('state-get') is not None


def _yaml_codec() -> tuple[Any, Any]:
    """Return (dumper, loader) classes: the safe ones plus support for tuples."""
    import yaml

    base_dumper: Any = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
    base_loader: Any = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)

    class _Dumper(base_dumper):  # type: ignore[misc]
        pass

    class _Loader(base_loader):  # type: ignore[misc]
        pass

    def represent_tuple(dumper: Any, data: tuple[Any, ...]) -> Any:
        return dumper.represent_sequence('tag:yaml.org,2002:python/tuple', data)

    def construct_tuple(loader: Any, node: Any) -> tuple[Any, ...]:
        return tuple(loader.construct_sequence(node, deep=True))

    _Dumper.add_representer(tuple, represent_tuple)
    _Loader.add_constructor('tag:yaml.org,2002:python/tuple', construct_tuple)
    return _Dumper, _Loader


_codec: tuple[Any, Any] | None = None


def _get_codec() -> tuple[Any, Any]:
    global _codec
    if _codec is None:
        _codec = _yaml_codec()
    return _codec


class _JujuStorageBackend:
    """Runs ``state-get``, ``state-set`` and ``state-delete`` with YAML-encoded values."""

    @staticmethod
    def _tool(name: str) -> str:
        import shutil

        path = shutil.which(name)
        if path is None:
            raise FileNotFoundError(name)
        return path

    @classmethod
    def _run(cls, argv: list[str], key: str | None, **kwargs: Any) -> str:
        """Run a ``state-*`` tool (a tracing span when a tracer is installed); its stdout."""
        import subprocess

        argv = [cls._tool(argv[0]), *argv[1:]]
        tracer = tracing_hook.hook
        if tracer is None:
            return subprocess.run(argv, encoding='utf-8', check=True, **kwargs).stdout or ''
        command = os.path.basename(argv[0])
        with tracer.hook_command(command, [('key', key)] if key is not None else []):
            return subprocess.run(argv, encoding='utf-8', check=True, **kwargs).stdout or ''

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (simple types, tuples included) under ``key``."""
        import yaml

        dumper, _ = _get_codec()
        inner = yaml.dump(value, Dumper=dumper, default_flow_style=None)
        outer = yaml.dump({key: inner}, Dumper=dumper, default_style='|', default_flow_style=False)
        self._run(['state-set', '--file', '-'], key, input=outer)

    def get(self, key: str) -> Any:
        """Return the value stored under ``key``.

        Raises:
            KeyError: if nothing is stored under ``key``.
        """
        import subprocess

        import yaml

        out = self._run(['state-get', key], key, stdout=subprocess.PIPE)
        if out in ('', '\n'):
            raise KeyError(key)
        _, loader = _get_codec()
        return yaml.load(out, Loader=loader)

    def delete(self, key: str) -> None:
        """Delete ``key`` (no error if absent)."""
        self._run(['state-delete', key], key)


class JujuStorage:
    """Snapshots and notices kept in Juju's controller-side unit state.

    Used by charms that pass ``use_juju_for_storage=True`` to ``ops.main`` (podspec
    charms). Juju applies the changes only if the hook succeeds, so :meth:`commit` and
    :meth:`close` do nothing.

    Args:
        backend: the object running the hook tools; the default runs ``state-get``,
            ``state-set`` and ``state-delete`` from ``PATH``.
    """

    NOTICE_KEY = '#notices#'

    def __init__(self, backend: _JujuStorageBackend | None = None):
        self._backend = backend if backend is not None else _JujuStorageBackend()

    def close(self) -> None:
        """Nothing to do: Juju saves the state when the hook ends successfully."""

    def commit(self) -> None:
        """Nothing to do: Juju saves the state when the hook ends successfully."""

    def save_snapshot(self, handle_path: str, snapshot_data: Any) -> None:
        """Save ``snapshot_data`` under ``handle_path``.

        Args:
            handle_path: the handle path key.
            snapshot_data: the data (simple builtin types).
        """
        self._backend.set(handle_path, snapshot_data)

    def load_snapshot(self, handle_path: str) -> Any:
        """Return the data saved under ``handle_path``.

        Raises:
            NoSnapshotError: if nothing is saved under that path.
        """
        try:
            return self._backend.get(handle_path)
        except KeyError:
            raise NoSnapshotError(handle_path) from None

    def drop_snapshot(self, handle_path: str) -> None:
        """Delete the data saved under ``handle_path``."""
        self._backend.delete(handle_path)

    def _load_notices(self) -> list[_Notice]:
        try:
            raw = self._backend.get(self.NOTICE_KEY)
        except KeyError:
            return []
        if raw is None:
            return []
        return [(str(n[0]), str(n[1]), str(n[2])) for n in raw]

    def _save_notices(self, notices: list[_Notice]) -> None:
        self._backend.set(self.NOTICE_KEY, notices)

    def save_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Append a notice to the queue.

        Args:
            event_path: the event's handle path.
            observer_path: the observing object's handle path.
            method_name: the observing method's name.
        """
        notices = self._load_notices()
        notices.append((event_path, observer_path, method_name))
        self._save_notices(notices)

    def drop_notice(self, event_path: str, observer_path: str, method_name: str) -> None:
        """Remove the first queued notice equal to this one.

        Raises:
            ValueError: if no such notice is queued.
        """
        notices = self._load_notices()
        notices.remove((event_path, observer_path, method_name))
        self._save_notices(notices)

    def notices(self, event_path: str | None = None) -> Generator[_Notice, None, None]:
        """Yield the queued notices in insertion order, optionally only for one event path.

        Args:
            event_path: only the notices of this event; all notices when empty or ``None``.
        """
        for notice in self._load_notices():
            if event_path and notice[0] != event_path:
                continue
            yield notice


publish(__name__)
