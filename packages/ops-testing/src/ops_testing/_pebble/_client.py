"""An in-memory Pebble client: the public method set of :class:`ops_pebble.Client`, working
directly on a :class:`PebbleModel` with the same exceptions and messages."""

from __future__ import annotations

import datetime
import io
import time
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO, cast

import ops_pebble
from ops_pebble import (
    Change,
    ChangeError,
    ChangeID,
    ChangeState,
    CheckInfo,
    CheckLevel,
    ExecProcess,
    FileInfo,
    Identity,
    IdentityDict,
    Layer,
    LayerDict,
    Notice,
    NoticesUsers,
    NoticeType,
    Plan,
    ServiceInfo,
    SystemInfo,
    WarningState,
)
from ops_pebble._args import names as _names
from ops_pebble._args import owner_fields as _owner_fields
from ops_pebble._args import path_str as _path_str
from ops_pebble._args import permissions as _permissions
from ops_pebble._exec import signal_name
from ops_pebble.transport import ExecOptions

from ._api import check_notice_request
from ._errors import api_error
from ._exec_sim import exec_request, run_exec
from ._model import PebbleModel

if TYPE_CHECKING:
    from pathlib import PurePath


def _file_permissions(permissions: int | None) -> dict[str, str]:
    """The wire form of ``permissions``; out of range is the error Pebble itself returns."""
    if isinstance(permissions, int) and not 0 <= permissions <= 0o777:
        raise ops_pebble.PathError(
            'generic-file-error', f'permissions not within 0o000 to 0o777: {oct(permissions)}'
        )
    return _permissions(permissions)


_CHUNK = 1 << 20


class InMemoryClient:
    """A Pebble client over a :class:`PebbleModel`, with :class:`ops_pebble.Client`'s methods.

    Args:
        model: The simulated Pebble.
        socket_path: Reported as the client's ``socket_path``.
        timeout: Reported as the client's ``timeout``.
    """

    def __init__(self, model: PebbleModel, socket_path: str = '', timeout: float = 5.0):
        self.model = model
        self.socket_path = socket_path
        self.timeout = timeout
        self.base_url = 'http://localhost'

    def close(self) -> None:
        """Release nothing: the in-memory client holds no connections (parity with Client)."""
        return None

    def _check_connection(self) -> None:
        if not self.model.can_connect:
            raise ops_pebble.ConnectionError(self.model.connect_error_message)

    # -- system, warnings, changes ----------------------------------------------------------

    def get_system_info(self) -> SystemInfo:
        """See :meth:`ops_pebble.Client.get_system_info`."""
        self._check_connection()
        return SystemInfo(self.model.version)

    def get_warnings(
        self, select: WarningState = WarningState.PENDING
    ) -> list[ops_pebble.Warning]:
        """See :meth:`ops_pebble.Client.get_warnings` (current Pebble has no warnings API)."""
        self._check_connection()
        raise api_error(404, 'not found')

    def ack_warnings(self, timestamp: datetime.datetime) -> int:
        """See :meth:`ops_pebble.Client.ack_warnings` (current Pebble has no warnings API)."""
        self._check_connection()
        raise api_error(404, 'not found')

    def get_changes(
        self, select: ChangeState = ChangeState.IN_PROGRESS, service: str | None = None
    ) -> list[Change]:
        """See :meth:`ops_pebble.Client.get_changes`."""
        self._check_connection()
        return [Change.from_dict(c) for c in self.model.list_changes(select.value, service)]

    def get_change(self, change_id: ChangeID) -> Change:
        """See :meth:`ops_pebble.Client.get_change`."""
        self._check_connection()
        return Change.from_dict(self.model.get_change(change_id))

    def abort_change(self, change_id: ChangeID) -> Change:
        """See :meth:`ops_pebble.Client.abort_change`."""
        self._check_connection()
        return Change.from_dict(self.model.abort_change(change_id))

    def wait_change(
        self, change_id: ChangeID, timeout: float | None = 30.0, delay: float = 0.1
    ) -> Change:
        """See :meth:`ops_pebble.Client.wait_change`."""
        self._check_connection()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.model.changed:
            while True:
                change = self.model.get_change(change_id)
                if change['ready']:
                    return Change.from_dict(change)
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise ops_pebble.TimeoutError(
                        f'timed out waiting for change {change_id} ({timeout} seconds)'
                    )
                self.model.changed.wait(remaining)

    # -- services ---------------------------------------------------------------------------

    def _services(
        self, action: str, services: Iterable[str], timeout: float | None, delay: float
    ) -> ChangeID:
        self._check_connection()
        names = _names(services, 'services')
        change_id = ChangeID(self.model.service_change(action, names))
        if timeout:
            # A finished change without error (the usual case) needs no Change object.
            raw = self.model.get_change(change_id)
            if raw['ready'] and not raw.get('err'):
                return change_id
            change = self.wait_change(change_id, timeout, delay)
            if change.err:
                raise ChangeError(change.err, change)
        return change_id

    def autostart_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """See :meth:`ops_pebble.Client.autostart_services`."""
        return self._services('autostart', [], timeout, delay)

    def replan_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """See :meth:`ops_pebble.Client.replan_services`."""
        return self._services('replan', [], timeout, delay)

    def start_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """See :meth:`ops_pebble.Client.start_services`."""
        return self._services('start', services, timeout, delay)

    def stop_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """See :meth:`ops_pebble.Client.stop_services`."""
        return self._services('stop', services, timeout, delay)

    def restart_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """See :meth:`ops_pebble.Client.restart_services`."""
        return self._services('restart', services, timeout, delay)

    def get_services(self, names: Iterable[str] | None = None) -> list[ServiceInfo]:
        """See :meth:`ops_pebble.Client.get_services`."""
        self._check_connection()
        wanted = _names(names, 'names') if names is not None else None
        return self.model.service_infos(wanted)

    # -- layers -----------------------------------------------------------------------------

    def add_layer(
        self, label: str, layer: str | LayerDict | Layer, *, combine: bool = False
    ) -> None:
        """See :meth:`ops_pebble.Client.add_layer`."""
        self._check_connection()
        if not isinstance(label, str):
            raise TypeError(f'label must be a str, not {type(label).__name__}')
        if not isinstance(layer, (str, dict, Layer)):
            raise TypeError(f'layer must be str, dict or pebble.Layer, not {type(layer).__name__}')
        self.model.add_layer(label, layer, combine=combine)

    def get_plan(self) -> Plan:
        """See :meth:`ops_pebble.Client.get_plan`."""
        self._check_connection()
        return self.model.plan()

    # -- files ------------------------------------------------------------------------------

    def pull(self, path: str | PurePath, *, encoding: str | None = 'utf-8') -> BinaryIO | TextIO:
        """See :meth:`ops_pebble.Client.pull`."""
        self._check_connection()
        source = self.model.fs.open_for_read(_path_str(path))
        if encoding is None:
            return cast('BinaryIO', source)
        return cast('TextIO', io.TextIOWrapper(source, encoding=encoding, newline=''))

    def push(
        self,
        path: str | PurePath,
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
        """See :meth:`ops_pebble.Client.push`."""
        self._check_connection()
        path = _path_str(path)
        mode = _file_permissions(permissions)
        owner = _owner_fields(user_id, user, group_id, group)

        def chunks() -> Iterable[bytes]:
            if isinstance(source, str):
                yield source.encode(encoding)
            elif isinstance(source, (bytes, bytearray)):
                yield bytes(source)
            else:
                while True:
                    chunk = source.read(_CHUNK)
                    if not chunk:
                        break
                    yield chunk.encode(encoding) if isinstance(chunk, str) else chunk

        data: bytes | None = None
        if isinstance(source, (bytes, bytearray)):
            data = bytes(source)
        elif isinstance(source, str):
            try:
                data = source.encode(encoding)
            except (UnicodeError, LookupError):
                data = None  # raised by the streaming path, after the path checks, as before
        self.model.fs.write(
            path,
            chunks(),
            make_dirs=make_dirs,
            permissions=int(mode['permissions'], 8) if mode else None,
            owner=owner,
            in_memory=data,
        )

    def list_files(
        self, path: str | PurePath, *, pattern: str | None = None, itself: bool = False
    ) -> list[FileInfo]:
        """See :meth:`ops_pebble.Client.list_files`."""
        self._check_connection()
        try:
            infos = self.model.fs.list(_path_str(path), pattern=pattern, itself=itself)
        except ops_pebble.PathError as e:
            code = {'not-found': 404, 'permission-denied': 403}.get(e.kind, 400)
            raise api_error(code, e.message, e.kind) from None
        return [FileInfo.from_dict(i) for i in infos]

    def make_dir(
        self,
        path: str | PurePath,
        *,
        make_parents: bool = False,
        permissions: int | None = None,
        user_id: int | None = None,
        user: str | None = None,
        group_id: int | None = None,
        group: str | None = None,
    ) -> None:
        """See :meth:`ops_pebble.Client.make_dir`."""
        self._check_connection()
        mode = _file_permissions(permissions)
        self.model.fs.make_dir(
            _path_str(path),
            make_parents=make_parents,
            permissions=int(mode['permissions'], 8) if mode else None,
            owner=_owner_fields(user_id, user, group_id, group),
        )

    def remove_path(self, path: str | PurePath, *, recursive: bool = False) -> None:
        """See :meth:`ops_pebble.Client.remove_path`."""
        self._check_connection()
        self.model.fs.remove(_path_str(path), recursive=recursive)

    # -- exec -------------------------------------------------------------------------------

    def exec(
        self,
        command: list[str],
        *,
        service_context: str | None = None,
        environment: dict[str, str] | None = None,
        working_dir: str | PurePath | None = None,
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
        """See :meth:`ops_pebble.Client.exec`; the command is simulated by the model's handlers."""
        self._check_connection()
        if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
            raise TypeError(f'command must be a list of str, not {type(command).__name__}')
        if not command:
            raise ValueError('command must not be empty; give the program and its arguments')
        if isinstance(stdin, str) and encoding is None:
            raise ValueError('stdin is a str but encoding is None; give an encoding or bytes')
        if isinstance(stdin, bytes) and encoding is not None:
            raise ValueError('stdin is bytes but an encoding is set; pass encoding=None')
        if combine_stderr and stderr is not None:
            raise ValueError('stderr must be None when combine_stderr is True')
        if working_dir is not None:
            working_dir = _path_str(working_dir, 'working_dir')
        request = exec_request(
            self.model,
            command,
            service_context=service_context,
            environment=environment,
            working_dir=working_dir,
            timeout=timeout,
            user_id=user_id,
            user=user,
            group_id=group_id,
            group=group,
        )
        options = ExecOptions(
            list(command), timeout, stdin, stdout, stderr, encoding, combine_stderr
        )
        return run_exec(self.model, request, options)

    def send_signal(self, sig: int | str, services: Iterable[str]) -> None:
        """See :meth:`ops_pebble.Client.send_signal`."""
        self._check_connection()
        names = _names(services, 'services')
        if not names:
            raise TypeError('send_signal expected at least 1 service name, got 0')
        self.model.send_signal(signal_name(sig), names)

    # -- checks -----------------------------------------------------------------------------

    def get_checks(
        self, level: CheckLevel | None = None, names: Iterable[str] | None = None
    ) -> list[CheckInfo]:
        """See :meth:`ops_pebble.Client.get_checks`."""
        self._check_connection()
        wanted = _names(names, 'names') if names else None
        infos = self.model.check_infos(level.value if level is not None else None, wanted)
        return [CheckInfo.from_dict(i) for i in infos]

    def start_checks(self, checks: Iterable[str]) -> list[str]:
        """See :meth:`ops_pebble.Client.start_checks`."""
        self._check_connection()
        return self.model.change_checks('start', _names(checks, 'checks'))

    def stop_checks(self, checks: Iterable[str]) -> list[str]:
        """See :meth:`ops_pebble.Client.stop_checks`."""
        self._check_connection()
        return self.model.change_checks('stop', _names(checks, 'checks'))

    # -- notices ----------------------------------------------------------------------------

    def notify(
        self,
        type: NoticeType,
        key: str,
        *,
        data: dict[str, str] | None = None,
        repeat_after: datetime.timedelta | None = None,
    ) -> str:
        """See :meth:`ops_pebble.Client.notify`."""
        self._check_connection()
        notice_type = type.value if isinstance(type, NoticeType) else type
        check_notice_request(notice_type, key, data)
        notice_id, _ = self.model.add_notice(
            notice_type,
            key,
            data=data,
            repeat_after=repeat_after.total_seconds() if repeat_after is not None else None,
        )
        return notice_id

    def get_notice(self, id: str) -> Notice:
        """See :meth:`ops_pebble.Client.get_notice`."""
        self._check_connection()
        return Notice.from_dict(self.model.get_notice(id))

    def get_notices(
        self,
        *,
        users: NoticesUsers | None = None,
        user_id: int | None = None,
        types: Iterable[NoticeType | str] | None = None,
        keys: Iterable[str] | None = None,
    ) -> list[Notice]:
        """See :meth:`ops_pebble.Client.get_notices`."""
        self._check_connection()
        type_values = (
            [t.value if isinstance(t, NoticeType) else t for t in types]
            if types is not None
            else None
        )
        notices = self.model.list_notices(
            types=type_values, keys=keys, user_id=user_id, all_users=users is not None
        )
        return [Notice.from_dict(n) for n in notices]

    # -- identities -------------------------------------------------------------------------

    def get_identities(self) -> dict[str, Identity]:
        """See :meth:`ops_pebble.Client.get_identities`."""
        self._check_connection()
        with self.model.lock:
            return {
                name: Identity.from_dict(d) for name, d in self.model.public_identities().items()
            }

    def replace_identities(self, identities: Mapping[str, IdentityDict | Identity | None]) -> None:
        """See :meth:`ops_pebble.Client.replace_identities`."""
        self._check_connection()
        body: dict[str, Any] = {}
        for name, identity in identities.items():
            body[name] = identity.to_dict() if isinstance(identity, Identity) else identity
        self.model.update_identities('replace', body)

    def remove_identities(self, identities: Iterable[str]) -> None:
        """See :meth:`ops_pebble.Client.remove_identities`."""
        self._check_connection()
        self.model.update_identities('remove', dict.fromkeys(_names(identities, 'identities')))
