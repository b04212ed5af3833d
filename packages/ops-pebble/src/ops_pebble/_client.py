"""The Pebble client: one object composing every API area over one transport."""

from __future__ import annotations

import codecs
import datetime
import functools
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO, TypeVar, cast, overload

from ._args import names as _names
from ._args import owner_fields as _owner_fields
from ._args import path_str as _path_str
from ._args import permissions as _permissions
from ._args import raise_item_error as _raise_item_error
from ._changes import Change, ChangeID, ChangeState, SystemInfo, Warning, WarningState
from ._checks import CheckInfo, CheckLevel
from ._errors import (
    APIError,
    ChangeError,
    ConnectionError,
    ProtocolError,
    TimeoutError,
)
from ._exec import ExecProcess, signal_name, start_exec
from ._exports import publish
from ._files import FileInfo
from ._identities import Identity, IdentityDict
from ._layer import Layer, LayerDict, Plan
from ._notices import Notice, NoticesUsers, NoticeType
from ._services import ServiceInfo
from ._timeconv import format_duration

if TYPE_CHECKING:
    from pathlib import PurePath

    from ._transport_api import Transport

_CHUNK = 1 << 20
_T = TypeVar('_T')


#: What building a call's result from an answer of the wrong shape raises.
_SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError, RecursionError)


def _unexpected(what: str, e: BaseException) -> ProtocolError:
    """The error for an answer of the wrong shape (see :func:`_shaped`)."""
    detail = f'{type(e).__name__}: {e}'[:200]
    return ProtocolError(f'unexpected answer from Pebble to {what} ({detail})')


def _shaped(what: str, build: Callable[[], _T]) -> _T:
    """Build the result of a call from Pebble's answer, which must have the expected shape.

    Raises:
        ProtocolError: if the answer is well-formed JSON of another shape (a list where an
            object belongs, a missing field, a value of the wrong type, a bad timestamp).
    """
    try:
        return build()
    except _SHAPE_ERRORS as e:
        raise _unexpected(what, e) from None


def _change(resp: dict[str, Any]) -> Change:
    return Change.from_dict(resp['result'])


def _text(value: Any) -> str:
    """A value Pebble sends as a JSON string."""
    if not isinstance(value, str):
        raise TypeError(f'expected a string, got {type(value).__name__}')
    return value


class Client:
    """A Pebble client talking HTTP/1.1 to the daemon's unix socket.

    Connections are kept alive and reused; every call is bounded by ``timeout`` (for
    connecting and for each read; calls that wait, like :meth:`wait_change`, loop).

    Args:
        socket_path: Path of Pebble's unix socket.
        opener: Accepted for compatibility with code written for ``urllib`` openers; when
            given, JSON requests are sent through it (``opener.open(request, timeout=...)``)
            instead of the built-in transport.
        base_url: The URL prefix for requests (the host part is ignored by Pebble).
        timeout: Seconds to wait when connecting and for each read.
        transport: What carries the calls to Pebble (see :mod:`ops_pebble.transport`); by
            default a :class:`~ops_pebble.transport.SocketTransport` on ``socket_path``.

    Raises:
        TypeError: if ``socket_path`` is not a str.
    """

    def __init__(
        self,
        socket_path: str,
        opener: Any = None,
        base_url: str = 'http://localhost',
        timeout: float = 5.0,
        *,
        transport: Transport | None = None,
    ):
        if type(socket_path) is not str:
            if not isinstance(socket_path, (str, os.PathLike)):
                raise TypeError(f'socket_path must be a str, not {type(socket_path).__name__}')
            socket_path = os.fspath(socket_path)
        self.socket_path: str = socket_path
        self.opener = opener
        self.base_url = base_url
        self._transport_obj: Transport | None = transport
        self._timeout = timeout
        if transport is not None:
            transport.timeout = timeout

    @property
    def timeout(self) -> float:
        """Seconds to wait when connecting and for each read (shared with the transport)."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._timeout = value
        transport = self.__dict__.get('_transport_obj')
        if transport is not None:
            transport.timeout = value

    @property
    def _transport(self) -> Transport:
        # __dict__: subclasses that skip __init__ (as ops 3.9's tests' MockClient does) still
        # get the socket transport.
        transport: Transport | None = self.__dict__.get('_transport_obj')
        return transport if transport is not None else self._default_transport()

    def _default_transport(self) -> Transport:
        with self.__dict__.setdefault('_transport_lock', threading.Lock()):
            transport: Transport | None = self.__dict__.get('_transport_obj')
            if transport is None:
                from ._transport import SocketTransport

                base_url = getattr(self, 'base_url', 'http://localhost')
                transport = SocketTransport(self.socket_path, base_url, self.timeout)
                self._transport_obj = transport
            transport.timeout = self.timeout
            return transport

    def close(self) -> None:
        """Close idle connections (the client stays usable and reconnects when needed)."""
        if self._transport_obj is not None:
            self._transport_obj.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        if self.opener is not None:
            return self._request_via_opener(method, path, query, body, timeout)
        return self._transport.request(method, path, query, body, timeout)

    def _request_via_opener(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        body: Any,
        timeout: float | None,
    ) -> dict[str, Any]:
        import urllib.error
        import urllib.parse
        import urllib.request

        url = self.base_url + path
        if query:
            url += '?' + urllib.parse.urlencode(query, doseq=True)
        headers = {'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        request = urllib.request.Request(url, method=method, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as e:
            try:
                error_body = json.loads(e.read())
                message = error_body['result']['message']
            except Exception as parse_error:
                error_body = {}
                message = f'{type(parse_error).__name__} - {parse_error}'
            raise APIError(error_body, e.code, e.reason, message) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, FileNotFoundError):
                raise ConnectionError(
                    f'Could not connect to Pebble: socket not found at {self.socket_path!r} '
                    '(container restarted?)'
                ) from None
            raise ConnectionError(str(e.reason)) from e
        content_type = response.headers.get_content_type()
        if content_type != 'application/json':
            raise ProtocolError(f"expected Content-Type 'application/json', got {content_type!r}")
        try:
            return cast('dict[str, Any]', json.loads(response.read()))
        except ValueError as e:
            raise ProtocolError(
                f'malformed JSON in the response to {method} {path}: {e}'
            ) from None

    # -- system, warnings -------------------------------------------------------------------

    def get_system_info(self) -> SystemInfo:
        """Return Pebble's version information."""
        resp = self._request('GET', '/v1/system-info')
        try:
            return SystemInfo.from_dict(resp['result'])
        except _SHAPE_ERRORS as e:
            raise _unexpected('GET /v1/system-info', e) from None

    def get_warnings(self, select: WarningState = WarningState.PENDING) -> list[Warning]:
        """Return warnings (legacy API: current Pebble answers with :class:`APIError` 404)."""
        resp = self._request('GET', '/v1/warnings', {'select': select.value})
        return _shaped(
            'GET /v1/warnings', lambda: [Warning.from_dict(w) for w in resp['result'] or []]
        )

    def ack_warnings(self, timestamp: datetime.datetime) -> int:
        """Acknowledge warnings up to ``timestamp``; return how many (legacy API)."""
        body = {'action': 'okay', 'timestamp': timestamp.isoformat()}
        resp = self._request('POST', '/v1/warnings', body=body)
        return _shaped('POST /v1/warnings', lambda: int(resp['result']))

    # -- changes ----------------------------------------------------------------------------

    def get_changes(
        self, select: ChangeState = ChangeState.IN_PROGRESS, service: str | None = None
    ) -> list[Change]:
        """Return changes, filtered by state and optionally by the service they affect."""
        query: dict[str, Any] = {'select': select.value}
        if service is not None:
            query['for'] = service
        resp = self._request('GET', '/v1/changes', query)
        return _shaped(
            'GET /v1/changes', lambda: [Change.from_dict(c) for c in resp['result'] or []]
        )

    def get_change(self, change_id: ChangeID) -> Change:
        """Return one change by its id."""
        resp = self._request('GET', f'/v1/changes/{change_id}')
        return _shaped('GET /v1/changes/{id}', lambda: Change.from_dict(resp['result']))

    def abort_change(self, change_id: ChangeID) -> Change:
        """Abort a change and return it."""
        resp = self._request('POST', f'/v1/changes/{change_id}', body={'action': 'abort'})
        return _shaped('POST /v1/changes/{id}', lambda: Change.from_dict(resp['result']))

    def wait_change(
        self, change_id: ChangeID, timeout: float | None = 30.0, delay: float = 0.1
    ) -> Change:
        """Wait for a change to be ready and return it.

        Args:
            change_id: The change to wait for.
            timeout: Seconds to wait in all (``None`` waits as long as it takes).
            delay: The polling interval used with servers that lack the wait endpoint.

        Raises:
            TimeoutError: if the change is not ready within ``timeout``.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            this_timeout = max(self.timeout - 1, 1)
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                this_timeout = min(this_timeout, remaining)
            query = {'timeout': format_duration(this_timeout)}
            try:
                resp = self._request(
                    'GET',
                    f'/v1/changes/{change_id}/wait',
                    query,
                    timeout=this_timeout + self.timeout,
                )
            except APIError as e:
                if e.code == 404 and 'cannot find change' not in e.message:
                    return self._poll_change(change_id, deadline, delay, timeout)
                if e.code == 504:
                    continue
                raise
            return _shaped('GET /v1/changes/{id}/wait', functools.partial(_change, resp))
        raise TimeoutError(f'timed out waiting for change {change_id} ({timeout} seconds)')

    def _poll_change(
        self, change_id: ChangeID, deadline: float | None, delay: float, timeout: float | None
    ) -> Change:
        while deadline is None or time.monotonic() < deadline:
            change = self.get_change(change_id)
            if change.ready:
                return change
            time.sleep(delay)
        raise TimeoutError(f'timed out waiting for change {change_id} ({timeout} seconds)')

    # -- services ---------------------------------------------------------------------------

    def _services_action(
        self, action: str, services: Iterable[str], timeout: float | None, delay: float
    ) -> ChangeID:
        names = _names(services, 'services')
        resp = self._request('POST', '/v1/services', body={'action': action, 'services': names})
        change_id = _shaped('POST /v1/services', lambda: ChangeID(_text(resp['change'])))
        if timeout:
            raw = resp.get('result')
            if isinstance(raw, dict) and self._transport.passes_objects:
                # In-process, the answer carries the change: a finished one without error
                # (the usual case) needs no Change object, nor a wait.
                if raw.get('ready') and not raw.get('err'):
                    return change_id
            change = self.wait_change(change_id, timeout=timeout, delay=delay)
            if change.err:
                raise ChangeError(change.err, change)
        return change_id

    def autostart_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """Start the services marked ``startup: enabled``; wait up to ``timeout`` (0: don't)."""
        return self._services_action('autostart', [], timeout, delay)

    def replan_services(self, timeout: float = 30.0, delay: float = 0.1) -> ChangeID:
        """Apply the current plan: restart changed services, start enabled ones."""
        return self._services_action('replan', [], timeout, delay)

    def start_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Start services by name; wait up to ``timeout`` (0: return at once).

        Raises:
            TypeError: if ``services`` is not a list of str.
            APIError: for unknown services.
            ChangeError: if starting failed.
        """
        return self._services_action('start', services, timeout, delay)

    def stop_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Stop services by name (see :meth:`start_services`)."""
        return self._services_action('stop', services, timeout, delay)

    def restart_services(
        self, services: Iterable[str], timeout: float = 30.0, delay: float = 0.1
    ) -> ChangeID:
        """Restart services by name (see :meth:`start_services`)."""
        return self._services_action('restart', services, timeout, delay)

    def get_services(self, names: Iterable[str] | None = None) -> list[ServiceInfo]:
        """Return the status of the named services (all if ``names`` is None)."""
        query = None
        if names is not None:
            query = {'names': ','.join(_names(names, 'names'))}
        resp = self._request('GET', '/v1/services', query)
        return _shaped(
            'GET /v1/services',
            lambda: [
                # A transport that passes objects may answer ServiceInfo objects.
                s if isinstance(s, ServiceInfo) else ServiceInfo.from_dict(s)
                for s in resp['result'] or []
            ],
        )

    # -- layers and plan --------------------------------------------------------------------

    def add_layer(
        self, label: str, layer: str | LayerDict | Layer, *, combine: bool = False
    ) -> None:
        """Add a configuration layer (or combine it into the layer of that label).

        Raises:
            TypeError: if ``label`` is not a str or ``layer`` is not YAML, a dict or a Layer.
            APIError: if Pebble rejects the layer.
        """
        if not isinstance(label, str):
            raise TypeError(f'label must be a str, not {type(label).__name__}')
        if not isinstance(layer, (str, dict, Layer)):
            raise TypeError(f'layer must be str, dict or pebble.Layer, not {type(layer).__name__}')
        layer_value: Any = layer
        if not isinstance(layer, str) and not self._transport.passes_objects:
            layer_value = (layer if isinstance(layer, Layer) else Layer(layer)).to_yaml()
        body = {
            'action': 'add',
            'combine': combine,
            'label': label,
            'format': 'yaml',
            'layer': layer_value,
        }
        self._request('POST', '/v1/layers', body=body)

    def get_plan(self) -> Plan:
        """Return the combined plan."""
        import yaml

        resp = self._request('GET', '/v1/plan', {'format': 'yaml'})
        if isinstance(resp.get('result'), Plan):
            return cast('Plan', resp['result'])  # from a transport that passes objects
        try:
            return _shaped('GET /v1/plan', lambda: Plan(_text(resp['result'])))
        except yaml.YAMLError as e:
            raise ProtocolError(f'the plan from Pebble is not valid YAML: {e}') from None

    # -- files ------------------------------------------------------------------------------

    @overload
    def pull(self, path: str | PurePath, *, encoding: None) -> BinaryIO: ...

    @overload
    def pull(self, path: str | PurePath, *, encoding: str = 'utf-8') -> TextIO: ...

    def pull(self, path: str | PurePath, *, encoding: str | None = 'utf-8') -> BinaryIO | TextIO:
        """Read a file from the workload (held in memory if small, else in a temporary file).

        Args:
            path: The absolute path to read.
            encoding: Decode with this encoding; ``None`` returns a binary file.

        Returns:
            A readable file object positioned at the start; close it when done.

        Raises:
            TypeError: if ``path`` is not a str or PurePath.
            PathError: if the file cannot be read (missing, a directory, no permission), or
                cannot be kept locally (the temporary directory is full or read-only).
            ProtocolError: if the response is not a valid multipart body.
        """
        content = self._transport.read_file(_path_str(path))
        if encoding is None:
            return cast('BinaryIO', content)
        return cast('TextIO', io.TextIOWrapper(content, encoding=encoding, newline=''))

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
        """Write a file to the workload, streaming ``source`` in chunks.

        Args:
            path: The absolute path to write.
            source: The content: str (encoded with ``encoding``), bytes, or a readable
                file object (text or binary).
            encoding: Encoding for str content.
            make_dirs: Create missing parent directories.
            permissions: Permission bits such as ``0o600`` (Pebble's default is 0o644).
            user_id: Owner UID.
            user: Owner user name.
            group_id: Owner GID.
            group: Owner group name.

        Raises:
            TypeError: if ``path`` is not a str or PurePath, or ``source`` is not str, bytes
                or a readable file object (checked before anything is sent).
            PathError: if Pebble cannot write the file.
        """
        path = _path_str(path)
        if not isinstance(source, (str, bytes, bytearray, memoryview)) and not hasattr(
            source, 'read'
        ):
            raise TypeError(
                f'source must be str, bytes or a readable file object, not {type(source).__name__}'
            )
        item: dict[str, Any] = {'path': path}
        if make_dirs:
            item['make-dirs'] = True
        item.update(_permissions(permissions))
        item.update(_owner_fields(user_id, user, group_id, group))
        request = {'action': 'write', 'files': [item]}
        codecs.lookup(encoding)  # an unknown encoding fails before anything is sent
        resp = self._transport.write_file(request, path, source, encoding)
        _raise_item_error(resp.get('result'), path)

    def list_files(
        self, path: str | PurePath, *, pattern: str | None = None, itself: bool = False
    ) -> list[FileInfo]:
        """List a directory (or describe one file).

        Args:
            path: An absolute path.
            pattern: Only entries whose name matches this glob.
            itself: Describe the directory itself rather than its contents.

        Raises:
            TypeError: if ``path`` is not a str or PurePath.
            APIError: if the path does not exist or cannot be read (Pebble's error kind is in
                ``body['result']['kind']``).
        """
        query: dict[str, Any] = {'path': _path_str(path)}
        if pattern:
            query['pattern'] = pattern
        if itself:
            query['itself'] = 'true'
        query['action'] = 'list'
        resp = self._request('GET', '/v1/files', query)
        return _shaped(
            'GET /v1/files', lambda: [FileInfo.from_dict(d) for d in resp['result'] or []]
        )

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
        """Create a directory.

        Raises:
            TypeError: if ``path`` is not a str or PurePath.
            PathError: if it exists (without ``make_parents``) or cannot be created.
        """
        path = _path_str(path)
        item: dict[str, Any] = {'path': path}
        if make_parents:
            item['make-parents'] = True
        item.update(_permissions(permissions))
        item.update(_owner_fields(user_id, user, group_id, group))
        resp = self._request('POST', '/v1/files', body={'action': 'make-dirs', 'dirs': [item]})
        _raise_item_error(resp.get('result'), path)

    def remove_path(self, path: str | PurePath, *, recursive: bool = False) -> None:
        """Remove a file or directory.

        Raises:
            TypeError: if ``path`` is not a str or PurePath.
            PathError: if it does not exist (unless ``recursive``) or is a non-empty
                directory removed without ``recursive``.
        """
        path = _path_str(path)
        item: dict[str, Any] = {'path': path}
        if recursive:
            item['recursive'] = True
        resp = self._request('POST', '/v1/files', body={'action': 'remove', 'paths': [item]})
        _raise_item_error(resp.get('result'), path)

    # -- exec -------------------------------------------------------------------------------

    @overload
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
        stdin: str | TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        encoding: str = 'utf-8',
        combine_stderr: bool = False,
    ) -> ExecProcess[str]: ...

    @overload
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
        stdin: bytes | BinaryIO | None = None,
        stdout: BinaryIO | None = None,
        stderr: BinaryIO | None = None,
        encoding: None = None,
        combine_stderr: bool = False,
    ) -> ExecProcess[bytes]: ...

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
        """Run a command in the workload and return the running process.

        Args:
            command: The program and its arguments (a non-empty list of str).
            service_context: Run with the environment, user, group and working directory of
                this service (explicit arguments override it).
            environment: Extra environment variables.
            working_dir: The working directory.
            timeout: Seconds after which Pebble kills the command (``wait`` then raises
                :class:`ChangeError`).
            user_id: Run as this UID.
            user: Run as this user.
            group_id: Run with this GID.
            group: Run with this group.
            stdin: Input: str (needs ``encoding``), bytes (needs ``encoding=None``) or a
                readable stream. ``None`` makes ``process.stdin`` a writable stream.
            stdout: A stream to copy standard output to; ``None`` makes
                ``process.stdout`` readable.
            stderr: A stream to copy standard error to; ``None`` makes ``process.stderr``
                readable (unless ``combine_stderr``).
            encoding: Text encoding for the streams; ``None`` for bytes.
            combine_stderr: Send standard error to standard output.

        Raises:
            TypeError: if ``command`` is not a list of str.
            ValueError: for an empty command or inconsistent stream arguments.
            APIError: if Pebble cannot start the command (e.g. executable not found).
        """
        return start_exec(
            self,
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

    def send_signal(self, sig: int | str, services: Iterable[str]) -> None:
        """Send a signal (number or name such as ``'SIGHUP'``) to running services.

        Raises:
            TypeError: if ``services`` is not a list of str.
            APIError: if a service is unknown or not running.
        """
        names = _names(services, 'services')
        self._request('POST', '/v1/signals', body={'signal': signal_name(sig), 'services': names})

    # -- checks -----------------------------------------------------------------------------

    def get_checks(
        self, level: CheckLevel | None = None, names: Iterable[str] | None = None
    ) -> list[CheckInfo]:
        """Return the status of checks, optionally filtered by level and names."""
        query: dict[str, Any] = {}
        if level is not None:
            query['level'] = level.value
        if names:
            query['names'] = _names(names, 'names')
        resp = self._request('GET', '/v1/checks', query)
        return _shaped(
            'GET /v1/checks', lambda: [CheckInfo.from_dict(c) for c in resp['result'] or []]
        )

    def _checks_action(self, action: str, checks: Iterable[str]) -> list[str]:
        names = _names(checks, 'checks')
        resp = self._request('POST', '/v1/checks', body={'action': action, 'checks': names})
        return _shaped(
            'POST /v1/checks',
            lambda: [_text(n) for n in (resp.get('result') or {}).get('changed') or []],
        )

    def start_checks(self, checks: Iterable[str]) -> list[str]:
        """Start checks by name; return the names that were actually started."""
        return self._checks_action('start', checks)

    def stop_checks(self, checks: Iterable[str]) -> list[str]:
        """Stop checks by name; return the names that were actually stopped."""
        return self._checks_action('stop', checks)

    # -- notices ----------------------------------------------------------------------------

    def notify(
        self,
        type: NoticeType,
        key: str,
        *,
        data: dict[str, str] | None = None,
        repeat_after: datetime.timedelta | None = None,
    ) -> str:
        """Record an occurrence of a notice and return the notice's id.

        Args:
            type: The notice type (only ``NoticeType.CUSTOM`` is accepted by Pebble).
            key: The key, in ``example.com/path`` form.
            data: String data to attach.
            repeat_after: Count this occurrence as a repeat only after this long.
        """
        body: dict[str, Any] = {
            'action': 'add',
            'type': type.value if isinstance(type, NoticeType) else type,
            'key': key,
        }
        if data is not None:
            body['data'] = data
        if repeat_after is not None:
            body['repeat-after'] = format_duration(repeat_after.total_seconds())
        resp = self._request('POST', '/v1/notices', body=body)
        return _shaped('POST /v1/notices', lambda: _text(resp['result']['id']))

    def get_notice(self, id: str) -> Notice:
        """Return one notice by id.

        Raises:
            APIError: with code 404 if there is no such notice.
        """
        resp = self._request('GET', f'/v1/notices/{id}')
        return _shaped('GET /v1/notices/{id}', lambda: Notice.from_dict(resp['result']))

    def get_notices(
        self,
        *,
        users: NoticesUsers | None = None,
        user_id: int | None = None,
        types: Iterable[NoticeType | str] | None = None,
        keys: Iterable[str] | None = None,
    ) -> list[Notice]:
        """Return notices matching all the given filters, oldest repeat first."""
        query: dict[str, Any] = {}
        if users is not None:
            query['users'] = users.value
        if user_id is not None:
            query['user-id'] = user_id
        if types is not None:
            query['types'] = [t.value if isinstance(t, NoticeType) else t for t in types]
        if keys is not None:
            query['keys'] = list(keys)
        resp = self._request('GET', '/v1/notices', query)
        return _shaped(
            'GET /v1/notices', lambda: [Notice.from_dict(n) for n in resp['result'] or []]
        )

    # -- identities -------------------------------------------------------------------------

    def get_identities(self) -> dict[str, Identity]:
        """Return every identity by name."""
        resp = self._request('GET', '/v1/identities')
        return _shaped(
            'GET /v1/identities',
            lambda: {
                _text(name): Identity.from_dict(d)
                for name, d in (resp.get('result') or {}).items()
            },
        )

    def replace_identities(self, identities: Mapping[str, IdentityDict | Identity | None]) -> None:
        """Add or replace identities; a ``None`` value removes that identity.

        A dict is sent as given, so identity types this client does not model (such as
        ``cert``) reach Pebble, which validates them.

        Raises:
            APIError: if Pebble refuses an identity.
        """
        body: dict[str, Any] = {}
        for name, identity in identities.items():
            if isinstance(identity, Identity):
                body[name] = identity.to_dict()
            else:
                body[name] = identity
        self._request('POST', '/v1/identities', body={'action': 'replace', 'identities': body})

    def remove_identities(self, identities: Iterable[str]) -> None:
        """Remove identities by name.

        Raises:
            TypeError: if ``identities`` is not a list of str.
        """
        names = _names(identities, 'identities')
        body = {'action': 'remove', 'identities': dict.fromkeys(names)}
        self._request('POST', '/v1/identities', body=body)

    # -- logs (not part of the ops API; used by the command line) -----------------------------

    def _get_logs(self, services: Iterable[str] = (), n: int = 30) -> list[dict[str, Any]]:
        query: dict[str, Any] = {'n': n}
        names = list(services)
        if names:
            query['services'] = names
        return self._transport.read_logs(query)


publish(__name__)
