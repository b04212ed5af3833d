"""Running commands in the workload container over Pebble's exec websockets.

The websockets are this package's own (``_websocket``), imported when the first command
runs, so that importing the client stays light.

How a wait ends: Pebble closes the ``control`` websocket as soon as the process exits, and
finishes the exec's change once all of its output has been sent. So ``wait()`` first waits
for ``control`` to close, then for the change, within one deadline (the exec's timeout
plus a second, as in ops 3.9). Whatever fails first (a protocol violation on any of the
websockets, a broken connection, the deadline) tears all the websockets down, which wakes
every thread blocked on them, and is what the caller sees.
"""

from __future__ import annotations

import builtins
import codecs
import io
import json
import signal as signal_module
import threading
import time
import warnings
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, AnyStr, BinaryIO, Generic, cast

from ._args import path_str
from ._changes import Change, ChangeID
from ._errors import ChangeError, ConnectionError, ExecError, TimeoutError
from ._exports import publish
from ._timeconv import format_duration
from ._transport_api import ExecOptions

# How long to wait on the control websocket before asking Pebble whether the change is done.
_CONTROL_SLICE = 1.0

if TYPE_CHECKING:
    from ._client import Client
    from ._transport import SocketTransport
    from ._websocket import ExecWebSocket

_END = json.dumps({'command': 'end'})
_CHUNK = 1 << 20
_TEXT_CHUNK = 64 * 1024
_FEEDER = 'pebble-exec-stdin'


def signal_name(sig: int | str) -> str:
    """Return the name Pebble expects (``'SIGTERM'``) for a signal number or name.

    Raises:
        ValueError: for an unknown signal number.
    """
    if isinstance(sig, int):
        return signal_module.Signals(sig).name
    return sig


class WebSocketWriter(io.BufferedIOBase):
    """A writable binary stream that sends each write as a BINARY frame.

    Closing it sends Pebble's end-of-input message.
    """

    def __init__(self, ws: ExecWebSocket):
        super().__init__()
        self._ws = ws

    def writable(self) -> bool:
        """Always True."""
        return True

    def write(self, data: Any) -> int:
        """Send ``data`` to the process."""
        chunk = bytes(data)
        if chunk:
            self._ws.send_binary(chunk)
        return len(chunk)

    def close(self) -> None:
        """Tell the process its input has ended."""
        if not self.closed:
            try:
                self._ws.send_text(_END)
            except Exception:  # the connection may be gone already; nothing to tell
                pass
        super().close()


class WebSocketReader(io.RawIOBase):
    """A readable binary stream of the output Pebble sends on one websocket.

    Args:
        ws: The connected websocket.
        deadline: A ``time.monotonic()`` value after which reading raises
            :class:`TimeoutError`, or ``None`` to wait as long as it takes.

    Reading raises :class:`ProtocolError` for anything that is not what Pebble sends and
    :class:`ConnectionError` if the connection breaks in the middle of a message.
    """

    def __init__(self, ws: ExecWebSocket, deadline: float | None = None):
        super().__init__()
        self._ws = ws
        self._deadline = deadline

    def readable(self) -> bool:
        """Always True."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read the next bytes of output into ``buffer``; 0 at the end."""
        try:
            return self._ws.read_data(memoryview(buffer).cast('B'), self._deadline)
        except TimeoutError:
            raise
        except builtins.TimeoutError:
            raise TimeoutError('timed out waiting for the output of the command') from None


class ExecProcess(Generic[AnyStr]):
    """A command started by :meth:`Client.exec`.

    Attributes:
        stdin: A writable stream to the process's standard input, when ``exec`` was not
            given ``stdin``; close it to signal the end of input.
        stdout: A readable stream of standard output, when ``exec`` was not given ``stdout``.
        stderr: A readable stream of standard error, when ``exec`` was given neither
            ``stderr`` nor ``combine_stderr=True``.
    """

    def __init__(
        self,
        stdin: IO[AnyStr] | None,
        stdout: IO[AnyStr] | None,
        stderr: IO[AnyStr] | None,
        client: Client,
        timeout: float | None,
        control_ws: Any,
        stdio_ws: Any,
        stderr_ws: Any,
        command: list[str],
        encoding: str | None,
        change_id: Any,
        cancel_stdin: Callable[[], None] | None,
        cancel_reader: Callable[[], None] | int | None,
        threads: list[threading.Thread],
    ):
        self.stdin: IO[AnyStr] | None = stdin
        self.stdout: IO[AnyStr] | None = stdout
        self.stderr: IO[AnyStr] | None = stderr
        self._client = client
        self._timeout = timeout
        self._control_ws = control_ws
        self._stdio_ws = stdio_ws
        self._stderr_ws = stderr_ws
        self._command = command
        self._encoding = encoding
        self._change_id = change_id
        self._cancel_stdin = cancel_stdin
        self._cancel_reader = cancel_reader
        self._threads = threads
        self._waited = False
        self._failure: BaseException | None = None
        self._failure_lock = threading.Lock()

    def __del__(self) -> None:
        if not getattr(self, '_waited', True):
            program = self._command[0] if self._command else '?'
            warnings.warn(
                f'ExecProcess for {program!r} was never waited on; call wait() or wait_output()',
                ResourceWarning,
                stacklevel=1,
            )

    # -- failing and tearing down -----------------------------------------------------------

    def _fail(self, error: BaseException) -> None:
        """Record the first failure of a helper thread and wake everything blocked."""
        with self._failure_lock:
            if self._failure is None:
                self._failure = error
        self._teardown()

    def _teardown(self) -> None:
        for ws in (self._control_ws, self._stdio_ws, self._stderr_ws):
            if ws is not None:
                ws.shutdown()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _join(self, timeout: float, *, output_only: bool = False) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if output_only and thread.name == _FEEDER:
                continue  # the process may never read its input: no reason to wait for it
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    # -- waiting ----------------------------------------------------------------------------

    def wait(self) -> None:
        """Wait for the command to finish.

        Raises:
            ChangeError: if Pebble could not run it or it timed out.
            ExecError: if it exited with a non-zero code.
            TimeoutError: if it did not finish within the ``exec`` timeout plus a second
                (for example because a child it left behind keeps its output open).
            ProtocolError: if Pebble's websockets carried something that is not Pebble's
                protocol.
        """
        exit_code = self._wait()
        if exit_code != 0:
            raise ExecError(self._command, exit_code, None, None)

    def _wait(self) -> int:
        self._waited = True
        limit = None if self._timeout is None else self._timeout + 1
        deadline = None if limit is None else time.monotonic() + limit
        try:
            change = self._wait_change(deadline, limit)
        except BaseException:
            self._teardown()
            self._join(1.0)
            raise
        if self._cancel_stdin is not None:
            self._cancel_stdin()
        # The output copiers end at Pebble's end-of-output message, which Pebble has sent
        # by the time the change is ready; then nothing is left to wait for.
        self._join(self._client.timeout, output_only=True)
        self._teardown()
        self._join(1.0)
        self._raise_failure()
        if change.err:
            raise ChangeError(change.err, change)
        if not change.tasks:
            return -1
        return int(change.tasks[0].data.get('exit-code', -1))

    def _wait_change(self, deadline: float | None, limit: float | None) -> Change:
        timed_out = TimeoutError(
            f'timed out waiting for change {self._change_id} ({limit} seconds)'
        )
        try:
            if self._control_ws is not None and hasattr(self._control_ws, 'wait_closed'):
                self._wait_control_closed(deadline)
            self._raise_failure()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise timed_out
            return self._client.wait_change(self._change_id, timeout=remaining)
        except builtins.TimeoutError as e:
            if self._failure is not None:
                raise self._failure from None
            raise timed_out from e

    def _wait_control_closed(self, deadline: float | None) -> None:
        """Wait for Pebble to close the control websocket, as it does when the process exits.

        The real Pebble does not always close it when the process ends before the websockets
        are connected (seen with ``true`` on a loaded machine: the change is done, the socket
        stays open), so the wait is taken in slices and ends as soon as the change is ready.
        """
        ws = self._control_ws
        while True:
            now = time.monotonic()
            piece = now + _CONTROL_SLICE
            try:
                ws.wait_closed(piece if deadline is None else min(deadline, piece))
                return
            except builtins.TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
            if self._client.get_change(self._change_id).ready:
                return

    def wait_output(self) -> tuple[AnyStr, AnyStr | None]:
        """Wait for the command to finish and return its output.

        Returns:
            ``(stdout, stderr)``; ``stderr`` is ``None`` when ``combine_stderr`` was used.
            They are ``str`` if ``exec`` had an ``encoding``, else ``bytes``.

        Raises:
            TypeError: if ``exec`` was given a ``stdout`` stream (the output went there).
            ChangeError, ExecError, TimeoutError, ProtocolError: as :meth:`wait`; the
                :class:`ExecError` carries the output.
            UnicodeDecodeError: if the output is not valid in the ``exec`` encoding.
        """
        if self.stdout is None:
            raise TypeError(
                "can't use wait_output() when exec was called with the stdout argument; "
                'use wait() instead'
            )
        text = self._encoding is not None
        out: Any = io.StringIO() if text else io.BytesIO()
        err: Any = None
        self._threads.append(self._drain(self.stdout, out, 'stdout'))
        if self.stderr is not None:
            err = io.StringIO() if text else io.BytesIO()
            self._threads.append(self._drain(self.stderr, err, 'stderr'))
        exit_code = self._wait()
        out_value = out.getvalue()
        err_value = err.getvalue() if err is not None else None
        if exit_code != 0:
            raise ExecError(self._command, exit_code, out_value, err_value)
        return out_value, err_value

    def _drain(self, stream: IO[Any], into: IO[Any], name: str) -> threading.Thread:
        size = _TEXT_CHUNK if self._encoding is not None else _CHUNK

        def drain() -> None:
            try:
                while True:
                    chunk = stream.read(size)
                    if not chunk:
                        break
                    into.write(chunk)
            except BaseException as e:  # surfaced by wait_output in the caller's thread
                self._fail(e)

        thread = threading.Thread(target=drain, name=f'pebble-exec-{name}', daemon=True)
        thread.start()
        return thread

    def send_signal(self, sig: int | str) -> None:
        """Send a signal to the process, such as ``signal.SIGTERM`` or ``'SIGHUP'``.

        Raises:
            ConnectionError: if the process has exited (Pebble then closes its control
                connection) or the connection to Pebble broke.
        """
        name = signal_name(sig)
        payload = {'command': 'signal', 'signal': {'name': name}}
        try:
            self._control_ws.send_text(json.dumps(payload, sort_keys=True))
        except Exception as e:
            program = self._command[0] if self._command else '?'
            raise ConnectionError(
                f'cannot send {name} to {program!r}: the process has exited or its '
                f'connection to Pebble closed ({e})'
            ) from e


def start_feeder(
    process: ExecProcess[Any],
    ws: ExecWebSocket,
    source: Any,
    encoding: str | None,
    cancelled: threading.Event,
) -> threading.Thread:
    """Start a thread sending ``source`` (str, bytes or a readable stream) as stdin, then EOF."""

    def feed() -> None:
        try:
            if isinstance(source, str):
                data = source.encode(encoding or 'utf-8')
            elif isinstance(source, (bytes, bytearray)):
                data = bytes(source)
            else:
                data = None
            if data is not None:
                for start in range(0, len(data), _CHUNK):
                    if cancelled.is_set():
                        return
                    ws.send_binary(data[start : start + _CHUNK])
            else:
                encoder = codecs.getincrementalencoder(encoding or 'utf-8')()
                while not cancelled.is_set():
                    chunk = source.read(_TEXT_CHUNK)
                    if not chunk:
                        break
                    if isinstance(chunk, str):
                        chunk = encoder.encode(chunk)
                    if chunk:
                        ws.send_binary(chunk)
            ws.send_text(_END)
        except Exception:  # the process ended or the connection closed: stop feeding
            pass

    thread = threading.Thread(target=feed, name=_FEEDER, daemon=True)
    thread.start()
    return thread


def start_copier(
    process: ExecProcess[Any], reader: io.RawIOBase, dest: Any, encoding: str | None
) -> threading.Thread:
    """Start a thread copying process output from ``reader`` into the stream ``dest``.

    Output is written as it arrives; with an ``encoding`` it is decoded incrementally. A
    failure (a protocol violation, undecodable output) is reported by ``wait()``.
    """
    decoder = codecs.getincrementaldecoder(encoding)() if encoding is not None else None

    def copy() -> None:
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        try:
            while True:
                count = reader.readinto(buffer)
                if not count:
                    break
                if decoder is not None:
                    dest.write(decoder.decode(view[:count]))
                else:
                    dest.write(bytes(view[:count]))
            if decoder is not None:
                tail = decoder.decode(b'', final=True)
                if tail:
                    dest.write(tail)
        except BaseException as e:
            process._fail(e)

    thread = threading.Thread(target=copy, name='pebble-exec-output', daemon=True)
    thread.start()
    return thread


def start_exec(
    client: Client,
    command: list[str],
    *,
    service_context: str | None,
    environment: dict[str, str] | None,
    working_dir: Any,
    timeout: float | None,
    user_id: int | None,
    user: str | None,
    group_id: int | None,
    group: str | None,
    stdin: Any,
    stdout: Any,
    stderr: Any,
    encoding: str | None,
    combine_stderr: bool,
) -> ExecProcess[Any]:
    """Start a command for :meth:`Client.exec`: check the arguments, build the
    ``POST /v1/exec`` request and have the client's transport start it (see that method
    for the arguments).
    """
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        raise TypeError(f'command must be a list of str, not {type(command).__name__}')
    if not command:
        raise ValueError('command must not be empty; give the program and its arguments')
    if isinstance(stdin, str) and encoding is None:
        raise ValueError('stdin is a str but encoding is None; give an encoding or bytes')
    if isinstance(stdin, bytes) and encoding is not None:
        raise ValueError('stdin is bytes but an encoding is set; pass encoding=None')
    if stdin is not None and not isinstance(stdin, (str, bytes, bytearray)):
        if not hasattr(stdin, 'read'):
            raise TypeError(
                f'stdin must be str, bytes or a readable file object, not {type(stdin).__name__}'
            )
    if combine_stderr and stderr is not None:
        raise ValueError('stderr must be None when combine_stderr is True')
    if encoding is not None:
        codecs.lookup(encoding)  # an unknown encoding fails here, before anything runs
    body = {
        'command': command,
        'service-context': service_context,
        'environment': environment or {},
        'working-dir': None if working_dir is None else path_str(working_dir, 'working_dir'),
        'timeout': format_duration(timeout) if timeout is not None else None,
        'user-id': user_id,
        'user': user,
        'group-id': group_id,
        'group': group,
        'split-stderr': not combine_stderr,
    }
    options = ExecOptions(command, timeout, stdin, stdout, stderr, encoding, combine_stderr)
    return client._transport.start_exec(client, body, options)


def exec_over_websockets(
    client: Client, transport: SocketTransport, body: dict[str, Any], options: ExecOptions
) -> ExecProcess[Any]:
    """Start a command with ``POST /v1/exec``, connect its websockets and wire the
    process's streams as ``options`` asks (the socket transport's exec)."""
    from ._websocket import connect

    command = options.command
    timeout = options.timeout
    stdin, stdout, stderr = options.stdin, options.stdout, options.stderr
    encoding = options.encoding
    combine_stderr = options.combine_stderr
    resp = client._request('POST', '/v1/exec', body=body)
    change_id, task_id = _started(resp)
    opened: list[ExecWebSocket] = []
    try:
        control_ws = connect(transport, task_id, 'control')
        opened.append(control_ws)
        stdio_ws = connect(transport, task_id, 'stdio')
        opened.append(stdio_ws)
        stderr_ws = None
        if not combine_stderr:
            stderr_ws = connect(transport, task_id, 'stderr')
            opened.append(stderr_ws)
    except Exception as e:
        for ws in opened:
            ws.shutdown()
        try:
            change = client.wait_change(change_id, timeout=client.timeout)
        except Exception:
            change = None
        if change is not None and change.err:
            raise ChangeError(change.err, change) from e
        raise ConnectionError(f'unexpected error connecting to websockets: {e}') from e
    # Reading an output stream directly is bounded like waiting (plus the client's timeout
    # for the output still in flight).
    deadline = time.monotonic() + timeout + 1 + client.timeout if timeout else None
    text = encoding is not None
    threads: list[threading.Thread] = []
    cancelled = threading.Event()
    process: ExecProcess[Any] = ExecProcess(
        stdin=None,
        stdout=None,
        stderr=None,
        client=client,
        timeout=timeout,
        control_ws=control_ws,
        stdio_ws=stdio_ws,
        stderr_ws=stderr_ws,
        command=command,
        encoding=encoding,
        change_id=change_id,
        cancel_stdin=cancelled.set,
        cancel_reader=None,
        threads=threads,
    )

    if stdin is None:
        writer = WebSocketWriter(stdio_ws)
        stdin_stream: Any = writer
        if text:
            stdin_stream = io.TextIOWrapper(
                cast('BinaryIO', writer), encoding=encoding, newline='', write_through=True
            )
        process.stdin = stdin_stream
    else:
        threads.append(start_feeder(process, stdio_ws, stdin, encoding, cancelled))

    def readable(ws: ExecWebSocket) -> Any:
        buffered = io.BufferedReader(WebSocketReader(ws, deadline), _TEXT_CHUNK)
        if not text:
            return buffered
        wrapper = io.TextIOWrapper(buffered, encoding=encoding, newline='')
        wrapper._CHUNK_SIZE = _TEXT_CHUNK  # type: ignore[attr-defined]
        return wrapper

    if stdout is None:
        process.stdout = readable(stdio_ws)
    else:
        threads.append(
            start_copier(process, WebSocketReader(stdio_ws, deadline), stdout, encoding)
        )
    if stderr_ws is not None:
        if stderr is None:
            process.stderr = readable(stderr_ws)
        else:
            threads.append(
                start_copier(process, WebSocketReader(stderr_ws, deadline), stderr, encoding)
            )
    return process


def _started(resp: dict[str, Any]) -> tuple[ChangeID, str]:
    """The change and task ids from the answer to ``POST /v1/exec``."""
    from ._errors import ProtocolError

    result = resp.get('result')
    change = resp.get('change')
    task_id = result.get('task-id') if isinstance(result, dict) else None
    if not isinstance(change, str) or not isinstance(task_id, str):
        raise ProtocolError('the answer to POST /v1/exec has no change id or task id')
    return ChangeID(change), task_id


publish(__name__)
