"""The transport protocol a Client sends its calls through (public as ``ops_pebble.transport``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Protocol

from ops_hookcmds.sister import record

from ._exports import publish

if TYPE_CHECKING:
    from ._client import Client
    from ._exec import ExecProcess


@record
class ExecOptions:
    """How the caller of :meth:`Client.exec` wants the process's streams.

    Attributes:
        command: The program and its arguments.
        timeout: The exec's timeout in seconds, if any.
        stdin: The input (str, bytes or a readable stream), or ``None`` for a writable
            ``process.stdin``.
        stdout: A stream to copy standard output to, or ``None`` for a readable
            ``process.stdout``.
        stderr: A stream to copy standard error to, or ``None`` for a readable
            ``process.stderr`` (unless ``combine_stderr``).
        encoding: The streams' text encoding, ``None`` for bytes.
        combine_stderr: Whether standard error goes to standard output.
    """

    command: list[str]
    timeout: float | None
    stdin: Any
    stdout: Any
    stderr: Any
    encoding: str | None
    combine_stderr: bool


class Transport(Protocol):
    """What a :class:`~ops_pebble.Client` needs from whatever carries its calls to Pebble.

    Every method raises the client's errors: :class:`~ops_pebble.APIError` for an error
    answer, :class:`~ops_pebble.ConnectionError` when Pebble cannot be reached,
    :class:`~ops_pebble.TimeoutError` and :class:`~ops_pebble.ProtocolError` as they apply.
    """

    timeout: float
    """Seconds to wait for an answer (the client keeps it equal to its own)."""

    passes_objects: bool
    """Whether requests and answers stay Python objects end to end (an in-process
    transport): the client then sends a layer as the dict or :class:`Layer` it was given
    and accepts a :class:`Plan` as the plan, rather than YAML text, and takes a service
    change's state from the answer that started it (as its ``result``)."""

    def request(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one API request and return Pebble's response envelope.

        Args:
            method: ``'GET'`` or ``'POST'``.
            path: The URL path, such as ``'/v1/services'``.
            query: Query parameters; a list value means the parameter repeated.
            body: The request body (a JSON object's worth of plain data).
            timeout: Seconds to wait for this answer (default: :attr:`timeout`).
        """
        ...

    def read_file(self, path: str) -> IO[bytes]:
        """Return the content of one file, as a binary file positioned at its start.

        Raises:
            PathError: for the error Pebble reports for ``path``.
        """
        ...

    def write_file(
        self, request: dict[str, Any], path: str, source: Any, encoding: str
    ) -> dict[str, Any]:
        """Write one file and return Pebble's response envelope (per-path results).

        Args:
            request: The write request's metadata (``{'action': 'write', 'files': [...]}``).
            path: The file's path (the one item of ``request['files']``).
            source: The content: str (encoded with ``encoding``), bytes, or a readable
                text or binary stream.
            encoding: The encoding of str content.
        """
        ...

    def start_exec(
        self, client: Client, body: dict[str, Any], options: ExecOptions
    ) -> ExecProcess[Any]:
        """Start a command (``body`` is the ``POST /v1/exec`` request) and return it running.

        The transport connects the process's streams as ``options`` asks; ``client``
        is the client to wait on the exec's change with.
        """
        ...

    def read_logs(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return service log entries (``GET /v1/logs`` with ``query``)."""
        ...

    def close(self) -> None:
        """Release whatever the transport holds (it stays usable)."""
        ...


publish(__name__)
