"""Running commands in the workload container over Pebble's exec websockets.

``websocket`` (websocket-client) is imported only when the first command runs, so that
importing the client stays light.
"""

from __future__ import annotations

import codecs
import io
import json
import signal as signal_module
import threading
import time
import warnings
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, AnyStr, Generic

from ._changes import ChangeID
from ._errors import ChangeError, ConnectionError, ExecError, TimeoutError
from ._timeconv import format_duration

if TYPE_CHECKING:
    from ._client import Client

_END = json.dumps({'command': 'end'})
_CHUNK = 64 * 1024


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

    def __init__(self, ws: Any):
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
                self._ws.send(_END)
            except Exception:  # the connection may be gone already; nothing to tell
                pass
        super().close()


class WebSocketReader(io.RawIOBase):
    """A readable binary stream fed by the BINARY frames of a websocket until the end message.

    Args:
        ws: The connected websocket.
        deadline: A ``time.monotonic()`` value after which reading raises
            :class:`TimeoutError`, or ``None`` to wait as long as it takes.
    """

    def __init__(self, ws: Any, deadline: float | None = None):
        super().__init__()
        self._ws = ws
        self._deadline = deadline
        self._pending = b''
        self._eof = False

    def readable(self) -> bool:
        """Always True."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read the next bytes of output into ``buffer``; 0 at the end."""
        view = memoryview(buffer).cast('B')
        while not self._pending and not self._eof:
            self._receive()
        if not self._pending:
            return 0
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _receive(self) -> None:
        import websocket

        if self._deadline is not None:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError('timed out waiting for the output of the command')
            self._ws.settimeout(remaining)
        try:
            opcode, data = self._ws.recv_data()
        except websocket.WebSocketTimeoutException:
            raise TimeoutError('timed out waiting for the output of the command') from None
        except (websocket.WebSocketConnectionClosedException, OSError):
            self._eof = True
            return
        if opcode == websocket.ABNF.OPCODE_BINARY:
            self._pending = bytes(data)
        elif opcode == websocket.ABNF.OPCODE_TEXT:
            try:
                message = json.loads(data)
            except ValueError:
                return
            if isinstance(message, dict) and message.get('command') == 'end':
                self._eof = True
        elif opcode == websocket.ABNF.OPCODE_CLOSE:
            self._eof = True


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
        self._stdout_given = False

    def __del__(self) -> None:
        if not getattr(self, '_waited', True):
            program = self._command[0] if self._command else '?'
            warnings.warn(
                f'ExecProcess for {program!r} was never waited on; call wait() or wait_output()',
                ResourceWarning,
                stacklevel=1,
            )

    def wait(self) -> None:
        """Wait for the command to finish.

        Raises:
            ChangeError: if Pebble could not run it or it timed out.
            ExecError: if it exited with a non-zero code.
            TimeoutError: if it did not finish within the ``exec`` timeout (plus a second).
        """
        exit_code = self._wait()
        if exit_code != 0:
            raise ExecError(self._command, exit_code, None, None)

    def _wait(self) -> int:
        self._waited = True
        timeout = self._timeout + 1 if self._timeout else None
        try:
            change = self._client.wait_change(self._change_id, timeout=timeout)
        finally:
            if self._cancel_stdin is not None:
                self._cancel_stdin()
            for thread in self._threads:
                thread.join(timeout=self._client.timeout)
            self._close_websockets()
        if change.err:
            raise ChangeError(change.err, change)
        if not change.tasks:
            return -1
        return int(change.tasks[0].data.get('exit-code', -1))

    def _close_websockets(self) -> None:
        for ws in (self._control_ws, self._stdio_ws, self._stderr_ws):
            if ws is None:
                continue
            try:
                ws.shutdown()
            except Exception:  # already closed by the server: nothing left to release
                pass

    def wait_output(self) -> tuple[AnyStr, AnyStr | None]:
        """Wait for the command to finish and return its output.

        Returns:
            ``(stdout, stderr)``; ``stderr`` is ``None`` when ``combine_stderr`` was used.
            They are ``str`` if ``exec`` had an ``encoding``, else ``bytes``.

        Raises:
            TypeError: if ``exec`` was given a ``stdout`` stream (the output went there).
            ChangeError, ExecError, TimeoutError: as :meth:`wait`; the :class:`ExecError`
                carries the output.
        """
        if self.stdout is None:
            raise TypeError(
                "can't use wait_output() when exec was called with the stdout argument"
            )
        err_box: list[Any] = []
        err_thread: threading.Thread | None = None
        if self.stderr is not None:
            stderr_stream = self.stderr

            def drain() -> None:
                try:
                    err_box.append(stderr_stream.read())
                except Exception as e:  # surfaced in the caller's thread below
                    err_box.append(e)

            err_thread = threading.Thread(target=drain, name='pebble-exec-stderr', daemon=True)
            err_thread.start()
        out = self.stdout.read()
        err: Any = None
        if err_thread is not None:
            err_thread.join()
            err = err_box[0] if err_box else b''
            if isinstance(err, Exception):
                raise err
        exit_code = self._wait()
        if exit_code != 0:
            raise ExecError(self._command, exit_code, out, err)
        return out, err

    def send_signal(self, sig: int | str) -> None:
        """Send a signal to the process, such as ``signal.SIGTERM`` or ``'SIGHUP'``.

        Raises:
            ConnectionError: if the process's control connection is gone.
        """
        payload = {'command': 'signal', 'signal': {'name': signal_name(sig)}}
        try:
            self._control_ws.send(json.dumps(payload, sort_keys=True))
        except Exception as e:
            raise ConnectionError(f'cannot send signal to the process: {e}') from e


def connect_websocket(client: Client, task_id: str, name: str) -> Any:
    """Open one of an exec task's websockets (``control``, ``stdio`` or ``stderr``)."""
    import websocket

    sock = client._transport.connect_socket()
    ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=True)
    url = f'{client._ws_base}/v1/tasks/{task_id}/websocket/{name}'
    try:
        ws.connect(url, socket=sock, timeout=client.timeout)  # type: ignore[no-untyped-call]
    except BaseException:
        sock.close()
        raise
    return ws


def start_feeder(
    ws: Any, source: Any, encoding: str | None, cancelled: threading.Event
) -> threading.Thread:
    """Start a thread sending ``source`` (str, bytes or a readable stream) as stdin, then EOF."""

    def feed() -> None:
        try:
            if isinstance(source, str):
                ws.send_binary(source.encode(encoding or 'utf-8'))
            elif isinstance(source, (bytes, bytearray)):
                ws.send_binary(bytes(source))
            else:
                while not cancelled.is_set():
                    chunk = source.read(_CHUNK)
                    if not chunk:
                        break
                    if isinstance(chunk, str):
                        chunk = chunk.encode(encoding or 'utf-8')
                    ws.send_binary(chunk)
            ws.send(_END)
        except Exception:  # the process ended or the connection closed: stop feeding
            pass

    thread = threading.Thread(target=feed, name='pebble-exec-stdin', daemon=True)
    thread.start()
    return thread


def start_copier(
    reader: io.RawIOBase, dest: Any, text: bool, encoding: str | None
) -> threading.Thread:
    """Start a thread copying process output from ``reader`` into the stream ``dest``.

    Output is written as it arrives; with ``text`` it is decoded incrementally.
    """
    decoder = codecs.getincrementaldecoder(encoding or 'utf-8')() if text else None

    def copy() -> None:
        try:
            while True:
                chunk = reader.read(_CHUNK)
                if not chunk:
                    break
                dest.write(decoder.decode(chunk) if decoder is not None else chunk)
            if decoder is not None:
                tail = decoder.decode(b'', final=True)
                if tail:
                    dest.write(tail)
        except Exception:  # the connection closed: the copy ends with what arrived
            pass

    thread = threading.Thread(target=copy, name='pebble-exec-output', daemon=True)
    thread.start()
    return thread


def start_exec(
    client: Client,
    command: list[str],
    *,
    service_context: str | None,
    environment: dict[str, str] | None,
    working_dir: str | None,
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
    """Start a command for :meth:`Client.exec`: check arguments, POST ``/v1/exec``, connect
    the websockets and wire the process's streams (see that method for the arguments).
    """
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
    body = {
        'command': command,
        'service-context': service_context,
        'environment': environment or {},
        'working-dir': working_dir,
        'timeout': format_duration(timeout) if timeout is not None else None,
        'user-id': user_id,
        'user': user,
        'group-id': group_id,
        'group': group,
        'split-stderr': not combine_stderr,
    }
    resp = client._request('POST', '/v1/exec', body=body)
    change_id = ChangeID(resp['change'])
    task_id = resp['result']['task-id']
    opened: list[Any] = []
    try:
        control_ws = connect_websocket(client, task_id, 'control')
        opened.append(control_ws)
        stdio_ws = connect_websocket(client, task_id, 'stdio')
        opened.append(stdio_ws)
        stderr_ws = None
        if not combine_stderr:
            stderr_ws = connect_websocket(client, task_id, 'stderr')
            opened.append(stderr_ws)
    except Exception as e:
        for ws in opened:
            try:
                ws.shutdown()
            except Exception:  # best effort: we are already failing
                pass
        try:
            change = client.wait_change(change_id, timeout=client.timeout)
        except Exception:
            change = None
        if change is not None and change.err:
            raise ChangeError(change.err, change) from e
        raise ConnectionError(f'unexpected error connecting to websockets: {e}') from e
    deadline = time.monotonic() + timeout + 1 + client.timeout if timeout else None
    for ws in opened:
        ws.settimeout(None)
    text = encoding is not None
    threads: list[threading.Thread] = []
    cancelled = threading.Event()

    process_stdin: Any = None
    if stdin is None:
        writer = WebSocketWriter(stdio_ws)
        process_stdin = (
            io.TextIOWrapper(writer, encoding=encoding, newline='', write_through=True)
            if text
            else writer
        )
    else:
        threads.append(start_feeder(stdio_ws, stdin, encoding, cancelled))

    def readable(ws: Any) -> Any:
        raw = WebSocketReader(ws, deadline)
        buffered = io.BufferedReader(raw, 64 * 1024)
        if text:
            return io.TextIOWrapper(buffered, encoding=encoding, newline='')
        return buffered

    process_stdout: Any = None
    if stdout is None:
        process_stdout = readable(stdio_ws)
    else:
        threads.append(start_copier(WebSocketReader(stdio_ws, deadline), stdout, text, encoding))
    process_stderr: Any = None
    if stderr_ws is not None:
        if stderr is None:
            process_stderr = readable(stderr_ws)
        else:
            threads.append(
                start_copier(WebSocketReader(stderr_ws, deadline), stderr, text, encoding)
            )
    process: ExecProcess[Any] = ExecProcess(
        stdin=process_stdin,
        stdout=process_stdout,
        stderr=process_stderr,
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
    return process
