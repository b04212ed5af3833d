"""Workload containers (`Container`, `ContainerMapping`) and their Pebble-backed helpers.

``ops_pebble`` is imported only when a container's Pebble client is first used, so a
machine charm never loads it.
"""

from __future__ import annotations

import logging
import os
import pathlib
import posixpath
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO, overload

import ops_core.tracing_hook as tracing_hook

from ._exports import publish
from ._model._errors import ModelError
from ._model._security import log_security_event

if TYPE_CHECKING:
    from ops_pebble import (
        CheckInfo,
        CheckLevel,
        Client,
        ExecProcess,
        FileInfo,
        Layer,
        LayerDict,
        Notice,
        NoticesUsers,
        NoticeType,
        Plan,
        ServiceInfo,
    )

    from ._model._backend import Backend

__all__ = [
    'CheckInfoMapping',
    'Container',
    'ContainerMapping',
    'LazyCheckInfo',
    'LazyNotice',
    'MultiPushPullError',
    'ServiceInfoMapping',
]

# ops 3.9 logs these from ops.model; charms' tests capture that logger (caplog, assertLogs).
_logger = logging.getLogger('ops.model')

CONTAINERS_ROOT = '/charm/containers'
"""Where Juju mounts each container's Pebble socket: ``<root>/<name>/pebble.socket``."""


def default_pebble_client(container_name: str) -> Client:
    """Production Pebble client of a container: ``ops_pebble.Client`` on its socket."""
    import ops_pebble

    return ops_pebble.Client(socket_path=f'{CONTAINERS_ROOT}/{container_name}/pebble.socket')


class MultiPushPullError(Exception):
    """Some files of a :meth:`Container.push_path`/:meth:`Container.pull_path` failed.

    Attributes:
        message: What was being done.
        errors: ``(source path, exception)`` for each file that failed.
    """

    def __init__(self, message: str, errors: list[tuple[str, Exception]]):
        super().__init__(message, errors)
        self.message = message
        self.errors = errors

    def __str__(self) -> str:
        return f'{self.message} ({len(self.errors)} errors): {self.errors[0][1]}, ...'

    def __repr__(self) -> str:
        return f'MultiPushPullError({self.message!r}, {len(self.errors)} errors)'


class ServiceInfoMapping(Mapping[str, 'ServiceInfo']):
    """Pebble service statuses by service name (read-only)."""

    def __init__(self, services: Iterable[ServiceInfo]):
        self._services = {s.name: s for s in services}

    def __getitem__(self, key: str) -> ServiceInfo:
        return self._services[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._services)

    def __len__(self) -> int:
        return len(self._services)

    def __repr__(self) -> str:
        return repr(self._services)


class CheckInfoMapping(Mapping[str, 'CheckInfo']):
    """Pebble health-check statuses by check name (read-only)."""

    def __init__(self, checks: Iterable[CheckInfo]):
        self._checks = {c.name: c for c in checks}

    def __getitem__(self, key: str) -> CheckInfo:
        return self._checks[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def __repr__(self) -> str:
        return repr(self._checks)


class ContainerMapping(Mapping[str, 'Container']):
    """This unit's containers by name (from the metadata); use :attr:`Unit.containers`."""

    def __init__(
        self,
        names: Iterable[str],
        backend: Backend,
        *,
        pebble_client_factory: Callable[[str], Client] | None = None,
    ):
        self._containers = {
            name: Container(name, backend, _pebble_client_factory=pebble_client_factory)
            for name in names
        }

    def __getitem__(self, key: str) -> Container:
        return self._containers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._containers)

    def __len__(self) -> int:
        return len(self._containers)

    def __repr__(self) -> str:
        return repr(self._containers)


class Container:
    """A workload container of this unit, driven through its Pebble.

    Get one from :meth:`Unit.get_container` or :attr:`Unit.containers`.

    Attributes:
        name: The container name from the metadata.
    """

    def __init__(
        self,
        name: str,
        backend: Backend,
        pebble_client: Client | None = None,
        *,
        _pebble_client_factory: Callable[[str], Client] | None = None,
    ):
        self.name: str = name
        self._backend = backend
        self._client = pebble_client
        self._client_factory = _pebble_client_factory or default_pebble_client

    def __repr__(self) -> str:
        return f'<ops.model.Container {self.name}>'

    @property
    def pebble(self) -> Client:
        """The low-level Pebble client (created on first use)."""
        if self._client is None:
            self._client = self._client_factory(self.name)
        return self._client

    @property
    def _calls(self) -> Client:
        """The client that this container's own methods call: :attr:`pebble`, traced when
        a tracer is installed (:mod:`ops_core.tracing_hook`)."""
        client = self.pebble
        tracer = tracing_hook.hook
        if tracer is None:
            return client
        return tracer.pebble_client(client)  # type: ignore[no-any-return]

    @property
    def _pebble(self) -> Client:
        """ops 3.9's private name for the container's Pebble client, which charms call
        (mysql-k8s); traced like the container's own calls when a tracer is installed."""
        return self._calls

    # -- connectivity and services -------------------------------------------------

    def can_connect(self) -> bool:
        """Whether Pebble answers right now (a point-in-time check, not a guarantee)."""
        import ops_pebble

        try:
            self._calls.get_system_info()
        except (ops_pebble.ConnectionError, ops_pebble.APIError, FileNotFoundError) as exc:
            _logger.debug('Pebble API is not ready; %s: %s', type(exc).__name__, exc)
            return False
        except ops_pebble.Error as exc:
            _logger.warning('Pebble API is not ready; %s: %s', type(exc).__name__, exc)
            return False
        return True

    def autostart(self) -> None:
        """Start every service marked ``startup: enabled``."""
        self._calls.autostart_services()

    def replan(self) -> None:
        """Restart changed services and start ``startup: enabled`` ones."""
        self._calls.replan_services()

    @staticmethod
    def _need_names(method: str, names: tuple[str, ...]) -> None:
        if not names:
            raise TypeError(f'{method} expected at least 1 argument, got 0')

    def start(self, *service_names: str) -> None:
        """Start the named services.

        Raises:
            TypeError: if no name is given.
        """
        self._need_names('start', service_names)
        self._calls.start_services(service_names)

    def restart(self, *service_names: str) -> None:
        """Restart the named services (starting them if stopped).

        Raises:
            TypeError: if no name is given.
        """
        import ops_pebble

        self._need_names('restart', service_names)
        try:
            self._calls.restart_services(service_names)
        except ops_pebble.APIError as exc:
            if exc.code != 400:
                raise
            # Old Pebble without the "restart" action: stop the running ones, then start all.
            running = [
                s.name for s in self.get_services(*service_names).values() if s.is_running()
            ]
            if running:
                self._calls.stop_services(running)
            self._calls.start_services(service_names)

    def stop(self, *service_names: str) -> None:
        """Stop the named services.

        Raises:
            TypeError: if no name is given.
        """
        self._need_names('stop', service_names)
        self._calls.stop_services(service_names)

    def add_layer(
        self, label: str, layer: str | LayerDict | Layer, *, combine: bool = False
    ) -> None:
        """Add a Pebble configuration layer (YAML text, dict or ``Layer``).

        Args:
            label: The layer's label (with ``combine``, the layer to merge into).
            layer: The layer.
            combine: Merge into an existing layer of that label instead of failing.
        """
        self._calls.add_layer(label, layer, combine=combine)

    def get_plan(self) -> Plan:
        """The combined configuration of all layers (reflects ``add_layer`` at once)."""
        return self._calls.get_plan()

    def get_services(self, *service_names: str) -> ServiceInfoMapping:
        """The status of the named services (all if none are named), by name."""
        return ServiceInfoMapping(self._calls.get_services(service_names or None))

    def get_service(self, service_name: str) -> ServiceInfo:
        """The status of one service.

        Raises:
            ModelError: if there is no such service in the plan.
        """
        services = self.get_services(service_name)
        if service_name not in services:
            raise ModelError(f'service {service_name!r} not found')
        return services[service_name]

    def get_checks(self, *check_names: str, level: CheckLevel | None = None) -> CheckInfoMapping:
        """The status of the named health checks (all if none), optionally of one level."""
        return CheckInfoMapping(self._calls.get_checks(level=level, names=check_names or None))

    def get_check(self, check_name: str) -> CheckInfo:
        """The status of one health check.

        Raises:
            ModelError: if there is no such check.
        """
        checks = self.get_checks(check_name)
        if check_name not in checks:
            raise ModelError(f'check {check_name!r} not found')
        return checks[check_name]

    def start_checks(self, *check_names: str) -> list[str]:
        """Start the named checks; returns those that were not already running.

        Raises:
            TypeError: if no name is given.
        """
        self._need_names('start_checks', check_names)
        return self._calls.start_checks(check_names)

    def stop_checks(self, *check_names: str) -> list[str]:
        """Stop the named checks; returns those that were running (each is logged as a
        security event, since it disables monitoring).

        Raises:
            TypeError: if no name is given.
        """
        self._need_names('stop_checks', check_names)
        stopped = self._calls.stop_checks(check_names)
        for name in stopped:
            log_security_event(
                self._backend,
                'WARN',
                f'sys_monitor_disabled:{self._backend.unit_name},{name}',
                f'Stopped check {name}',
            )
        return stopped

    def send_signal(self, sig: int | str, *service_names: str) -> None:
        """Send a signal (``'SIGHUP'``, ``1``, ``signal.SIGHUP``) to the named services.

        Raises:
            TypeError: if no service name is given.
        """
        self._need_names('send_signal', service_names)
        self._calls.send_signal(sig, service_names)

    # -- notices ---------------------------------------------------------------------

    def get_notice(self, id: str) -> Notice:
        """One Pebble notice by id.

        Raises:
            ModelError: if there is no such notice.
        """
        import ops_pebble

        try:
            return self._calls.get_notice(id)
        except ops_pebble.APIError as exc:
            if exc.code == 404:
                raise ModelError(f'notice {id!r} not found') from exc
            raise

    def get_notices(
        self,
        *,
        users: NoticesUsers | None = None,
        user_id: int | None = None,
        types: Iterable[NoticeType | str] | None = None,
        keys: Iterable[str] | None = None,
    ) -> list[Notice]:
        """Pebble notices matching all the given filters."""
        return self._calls.get_notices(users=users, user_id=user_id, types=types, keys=keys)

    # -- files -----------------------------------------------------------------------

    @overload
    def pull(self, path: str | pathlib.PurePath, *, encoding: None) -> BinaryIO: ...

    @overload
    def pull(self, path: str | pathlib.PurePath, *, encoding: str = 'utf-8') -> TextIO: ...

    def pull(
        self, path: str | pathlib.PurePath, *, encoding: str | None = 'utf-8'
    ) -> BinaryIO | TextIO:
        """Open a file of the workload for reading (text, or bytes with ``encoding=None``).

        Raises:
            ops_pebble.PathError: if it does not exist or is not a file.
        """
        if encoding is None:
            return self._calls.pull(str(path), encoding=None)
        return self._calls.pull(str(path), encoding=encoding)

    def push(
        self,
        path: str | pathlib.PurePath,
        source: str | bytes | IO[str] | IO[bytes],
        *,
        encoding: str = 'utf-8',
        make_dirs: bool = False,
        permissions: int | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
    ) -> None:
        """Write a file in the workload (see ``ops_pebble.Client.push``)."""
        self._calls.push(
            str(path),
            source,
            encoding=encoding,
            make_dirs=make_dirs,
            permissions=permissions,
            user_id=user_id,
            user=user,
            group_id=group_id,
            group=group,
        )

    def list_files(
        self, path: str | pathlib.PurePath, *, pattern: str | None = None, itself: bool = False
    ) -> list[FileInfo]:
        """The entries of a workload directory (or the path itself with ``itself``)."""
        return self._calls.list_files(str(path), pattern=pattern, itself=itself)

    def make_dir(
        self,
        path: str | pathlib.PurePath,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
    ) -> None:
        """Create a directory in the workload."""
        self._calls.make_dir(
            str(path),
            make_parents=make_parents,
            permissions=permissions,
            user_id=user_id,
            user=user,
            group_id=group_id,
            group=group,
        )

    def remove_path(self, path: str | pathlib.PurePath, *, recursive: bool = False) -> None:
        """Remove a file or (with ``recursive``) a directory tree in the workload."""
        self._calls.remove_path(str(path), recursive=recursive)

    def _stat(self, path: str | pathlib.PurePath) -> FileInfo | None:
        import ops_pebble

        try:
            files = self._calls.list_files(str(path), itself=True)
        except ops_pebble.APIError as exc:
            if exc.code == 404:
                return None
            raise
        return files[0] if files else None

    def exists(self, path: str | pathlib.PurePath) -> bool:
        """Whether ``path`` exists in the workload."""
        return self._stat(path) is not None

    def isdir(self, path: str | pathlib.PurePath) -> bool:
        """Whether ``path`` is a directory in the workload."""
        import ops_pebble

        info = self._stat(path)
        return info is not None and info.type is ops_pebble.FileType.DIRECTORY

    def push_path(
        self,
        source_path: str | pathlib.Path | Iterable[str | pathlib.Path],
        dest_dir: str | pathlib.PurePath,
    ) -> None:
        """Copy local files or directory trees into workload directory ``dest_dir``.

        A directory is copied with its name (``/foo`` → ``<dest>/foo/...``); ``/foo/*``
        copies its contents. Only regular files and directories are copied. Every file
        is attempted; failures are reported together at the end.

        Raises:
            MultiPushPullError: if any file could not be pushed.
        """
        dest = pathlib.PurePosixPath(dest_dir)
        errors: list[tuple[str, Exception]] = []
        for source in _as_paths(source_path):
            for local, relative, is_dir in _walk_local(source, errors):
                target = str(dest / relative)
                try:
                    if is_dir:
                        self._calls.make_dir(target, make_parents=True)
                        continue
                    mode = stat.S_IMODE(os.stat(local).st_mode)
                    with open(local, 'rb') as f:
                        self._calls.push(target, f, make_dirs=True, permissions=mode)
                except Exception as exc:  # collected, re-raised below
                    errors.append((str(local), exc))
        if errors:
            raise MultiPushPullError('failed to push one or more files', errors)

    def pull_path(
        self,
        source_path: str | pathlib.PurePath | Iterable[str | pathlib.PurePath],
        dest_dir: str | pathlib.Path,
    ) -> None:
        """Copy workload files or directory trees into local directory ``dest_dir``.

        Paths work as for :meth:`push_path` (absolute workload paths). Nothing is ever
        written outside ``dest_dir``: an entry Pebble lists that does not lie under the
        directory being listed (``..`` segments, another absolute path) is refused with
        :class:`ops.pebble.ProtocolError`, and no symbolic link below ``dest_dir`` is
        followed (one found there is an error for the files under it).

        Raises:
            MultiPushPullError: if any file could not be pulled.
        """
        import ops_pebble

        from ._pull_tree import LocalTree, child_path, clean_workload_path

        tree = LocalTree(dest_dir)
        errors: list[tuple[str, Exception]] = []
        for source in _as_paths(source_path):
            text = str(source)
            try:
                if text.endswith('/*') or clean_workload_path(text) == '/':
                    prefix = clean_workload_path(text[:-2] or '/' if text.endswith('/*') else text)
                    entries = self._calls.list_files(prefix)
                else:
                    entries = self._calls.list_files(text, itself=True)
                    prefix = posixpath.dirname(clean_workload_path(text))
            except ops_pebble.Error as exc:
                errors.append((text, exc))
                continue
            stack = [(info, prefix, '') for info in entries]
            while stack:
                info, parent, parent_local = stack.pop()
                below = child_path(info.path, parent)
                if below is None:
                    errors.append((str(info.path), _outside(info.path, parent)))
                    continue
                local = f'{parent_local}/{below}' if parent_local else below
                try:
                    if info.type is ops_pebble.FileType.DIRECTORY:
                        tree.make_dir(local)
                        children = self._calls.list_files(info.path)
                        stack.extend((child, info.path, local) for child in children)
                    elif info.type is ops_pebble.FileType.FILE:
                        with self._calls.pull(info.path, encoding=None) as src:
                            tree.write_file(local, src)
                except Exception as exc:  # collected, re-raised below
                    errors.append((info.path, exc))
        if errors:
            raise MultiPushPullError('failed to pull one or more files', errors)

    # -- exec ------------------------------------------------------------------------

    def exec(
        self,
        command: list[str],
        *,
        service_context: str | None = None,
        environment: dict[str, str] | None = None,
        working_dir: str | None = None,
        timeout: float | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
        stdin: str | bytes | TextIO | BinaryIO | None = None,
        stdout: TextIO | BinaryIO | None = None,
        stderr: TextIO | BinaryIO | None = None,
        encoding: str | None = 'utf-8',
        combine_stderr: bool = False,
    ) -> ExecProcess[Any]:
        """Run a command in the workload (see ``ops_pebble.Client.exec``)."""
        if service_context is not None:
            from ._model._jujuversion import JujuVersion

            version = JujuVersion(self._backend.juju_version)
            if not version.supports_exec_service_context:
                raise RuntimeError(
                    f'exec with service_context needs Juju 3.1.6 or later (not 3.2.0); '
                    f'this is Juju {version}'
                )
        client: Any = self._calls  # the overloads are chosen by the caller's arguments
        process: ExecProcess[Any] = client.exec(
            command,
            service_context=service_context,
            environment=environment,
            working_dir=working_dir,
            timeout=timeout,
            user_id=user_id,
            user=user,
            group_id=group_id,
            group=group,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            encoding=encoding,
            combine_stderr=combine_stderr,
        )
        return process


def _outside(path: object, parent: str) -> Exception:
    import ops_pebble

    shown = repr(path) if isinstance(path, str) and len(path) <= 300 else 'an invalid path'
    return ops_pebble.ProtocolError(
        f'Pebble listed {shown} in {parent!r}, which does not lie under it (only clean '
        f'absolute paths below the listed directory are pulled); nothing was written for it'
    )


def _as_paths(
    source: str | pathlib.PurePath | Iterable[str | pathlib.PurePath],
) -> list[str | pathlib.PurePath]:
    if isinstance(source, (str, pathlib.PurePath)):
        return [source]
    return list(source)


def _walk_local(
    source: str | pathlib.PurePath, errors: list[tuple[str, Exception]]
) -> Iterator[tuple[pathlib.Path, pathlib.PurePosixPath, bool]]:
    """Yield ``(local path, path relative to the destination, is directory)``."""
    text = str(source)
    if text.endswith('/*'):
        root = pathlib.Path(text[:-2])
        prefix = root
        try:
            tops = sorted(root.iterdir())
        except OSError as exc:
            errors.append((text, exc))
            return
    else:
        path = pathlib.Path(text)
        prefix = path.parent
        if not path.exists():
            errors.append((text, FileNotFoundError(f'no such local path: {text}')))
            return
        tops = [path]
    stack = list(reversed(tops))
    while stack:
        path = stack.pop()
        relative = pathlib.PurePosixPath(path.relative_to(prefix).as_posix())
        if path.is_symlink():
            continue
        if path.is_dir():
            yield path, relative, True
            try:
                stack.extend(sorted(path.iterdir(), reverse=True))
            except OSError as exc:
                errors.append((str(path), exc))
        elif path.is_file():
            yield path, relative, False


class LazyCheckInfo:
    """A check's status, fetched from Pebble on first use of an attribute other than ``name``.

    Used as ``event.info`` of ``pebble-check-failed``/``-recovered`` events.
    """

    def __init__(self, container: Container, name: str):
        self._container = container
        self.name = name
        self._info: CheckInfo | None = None

    def _load(self) -> CheckInfo:
        if self._info is None:
            self._info = self._container.get_check(self.name)
        return self._info

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith('_'):
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f'LazyCheckInfo(container={self._container.name!r}, name={self.name!r})'


class LazyNotice:
    """A Pebble notice whose ``id``, ``type`` and ``key`` are known and whose other fields
    are fetched from Pebble on first use. Used as ``event.notice`` of custom-notice events.
    """

    def __init__(self, container: Container, id: str, type: NoticeType | str, key: str):
        self._container = container
        self.id = id
        self.type: NoticeType | str = _notice_type(type)
        self.key = key
        self._notice: Notice | None = None

    def _load(self) -> Notice:
        if self._notice is None:
            self._notice = self._container.get_notice(self.id)
        return self._notice

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith('_'):
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        kind = self.type
        type_text = f'{type(kind).__name__}.{kind.name}' if hasattr(kind, 'name') else repr(kind)
        return f'LazyNotice(id={self.id!r}, type={type_text}, key={self.key!r})'


def _notice_type(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    import ops_pebble

    try:
        return ops_pebble.NoticeType(value)
    except ValueError:
        return value


publish(__name__)
