"""Files in the workload container: file info, and the multipart format push/pull use."""

from __future__ import annotations

import datetime
import enum
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

from ._args import raise_item_error
from ._errors import ProtocolError
from ._exports import publish
from ._timeconv import parse_timestamp
from ._value_object import ValueObject


class FileType(enum.Enum):
    """The type of a file system entry."""

    FILE = 'file'
    DIRECTORY = 'directory'
    SYMLINK = 'symlink'
    SOCKET = 'socket'
    NAMED_PIPE = 'named-pipe'
    DEVICE = 'device'
    UNKNOWN = 'unknown'


class FileInfo(ValueObject):
    """What :meth:`Client.list_files` reports about one file system entry.

    Attributes:
        path: The full path.
        name: The base name.
        type: A :class:`FileType`, or the raw string for unknown types.
        size: The size in bytes (regular files only, else ``None``).
        permissions: The permission bits, such as ``0o644``.
        last_modified: The modification time.
        user_id: The owner's UID.
        user: The owner's name.
        group_id: The group's GID.
        group: The group's name.
    """

    _fields = (
        'path', 'name', 'type', 'size', 'permissions', 'last_modified', 'user_id', 'user',
        'group_id', 'group',
    )  # fmt: skip

    def __init__(
        self,
        path: str,
        name: str,
        type: FileType | str,
        size: int | None,
        permissions: int,
        last_modified: datetime.datetime,
        user_id: int | None,
        user: str | None,
        group_id: int | None,
        group: str | None,
    ):
        self.path = path
        self.name = name
        self.type = type
        self.size = size
        self.permissions = permissions
        self.last_modified = last_modified
        self.user_id = user_id
        self.user = user
        self.group_id = group_id
        self.group = group

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileInfo:
        """Build from the API's JSON object."""
        try:
            file_type: FileType | str = FileType(d['type'])
        except ValueError:
            file_type = d['type']
        return cls(
            path=d['path'],
            name=d['name'],
            type=file_type,
            size=d.get('size'),
            permissions=int(d['permissions'], 8),
            last_modified=parse_timestamp(d['last-modified']),
            user_id=d.get('user-id'),
            user=d.get('user'),
            group_id=d.get('group-id'),
            group=d.get('group'),
        )


# ---------------------------------------------------------------------------------------------
# multipart/form-data, streamed both ways

_HEADER_LIMIT = 64 * 1024
_MAX_RESPONSE_PART = 8 * 1024 * 1024
_BLANKS = b' \t'
#: Pulled files up to this size stay in memory; larger ones go to a temporary file.
SPOOL_LIMIT = 4 * 1024 * 1024
_PARAM = re.compile(r';\s*([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def quote_param(value: str) -> str:
    """Quote a Content-Disposition parameter value (escaping backslashes and quotes)."""
    return '"' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'


def parse_header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split a header such as ``form-data; name="files"; filename="/x"`` into its parts.

    Returns:
        The main value (lower-cased) and the parameters (names lower-cased, values unquoted).
    """
    main, _, rest = value.partition(';')
    params: dict[str, str] = {}
    for match in _PARAM.finditer(';' + rest):
        name, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1]
            if '\\' in raw:
                raw = re.sub(r'\\(.)', r'\1', raw)
        params[name] = raw
    return main.strip().lower(), params


def multipart_boundary(content_type: str) -> str:
    """Return the boundary of a ``multipart/form-data`` content type.

    Raises:
        ProtocolError: if the type is not multipart/form-data or has no boundary.
    """
    main, params = parse_header_params(content_type)
    if main != 'multipart/form-data':
        raise ProtocolError(f"expected Content-Type 'multipart/form-data', got {content_type!r}")
    boundary = params.get('boundary', '')
    if not boundary:
        raise ProtocolError(f'invalid boundary in Content-Type {content_type!r}')
    return boundary


def iter_multipart(
    read: Callable[[int], bytes | bytearray], boundary: str, chunk_size: int = 1 << 20
) -> Iterator[tuple[str, Any]]:
    """Parse a multipart body incrementally, in time linear in its size.

    Yields events: ``('headers', {name: value})`` at the start of each part (names
    lower-cased), then ``('data', memoryview)`` for its content in pieces (views of the
    chunks ``read`` returned, which are never modified afterwards, so they stay valid), then
    ``('end', None)``. Content is not copied on its way through, and memory use is bounded
    by ``chunk_size`` plus the boundary length.

    Args:
        read: Reads up to n bytes; returns an empty result at the end of the body. Each call
            must return a new object (later chunks must not overwrite earlier ones).
        boundary: The boundary from the Content-Type header.
        chunk_size: How much to read at a time.

    Raises:
        ProtocolError: if the body is truncated or malformed.
    """
    dash_boundary = b'--' + boundary.encode('latin-1')
    delimiter = b'\r\n' + dash_boundary
    # The longest piece of input that may be the start of a delimiter split across two reads.
    keep = len(delimiter) - 1
    buf: bytes | bytearray = b''
    view = memoryview(buf)
    pos = 0  # buf[pos:] is the input not parsed yet
    eof = False

    def next_chunk() -> bytes | bytearray:
        nonlocal eof
        if eof:
            return b''
        chunk = read(chunk_size)
        if not chunk:
            eof = True
        return chunk

    def more() -> bool:
        """Append the next chunk to the unparsed input; False at the end of the body."""
        nonlocal buf, view, pos
        chunk = next_chunk()
        if not chunk:
            return False
        if pos < len(buf):
            # Only part headers and boundary lines get here: a short unparsed rest.
            chunk = bytes(view[pos:]) + chunk
        buf, view, pos = chunk, memoryview(chunk), 0
        return True

    # Preamble: everything before the first delimiter is ignored. The first delimiter may
    # open the body without the CRLF that precedes every other one.
    while len(buf) - pos < len(dash_boundary) and more():
        pass
    if buf.startswith(dash_boundary, pos):
        pos += len(dash_boundary)
    else:
        while True:
            index = buf.find(delimiter, pos)
            if index >= 0:
                pos = index + len(delimiter)
                break
            if len(buf) - pos > _HEADER_LIMIT:
                raise ProtocolError('malformed multipart body: no boundary found at the start')
            if not more():
                raise ProtocolError('malformed multipart body: it ended before the first boundary')
    while True:
        while len(buf) - pos < 2 and more():
            pass
        if buf.startswith(b'--', pos):
            return
        # Tolerate spaces/tabs after the boundary marker, then expect CRLF.
        while True:
            index = pos
            while index < len(buf) and buf[index] in _BLANKS:
                index += 1
            if len(buf) - index >= 2:
                if buf.startswith(b'\r\n', index):
                    pos = index + 2
                    break
                raise ProtocolError('malformed multipart body: bad line after a boundary')
            if not more():
                raise ProtocolError('malformed multipart body: bad line after a boundary')
        while True:
            if buf.startswith(b'\r\n', pos):
                head = b''  # a part without headers
                pos += 2
                break
            end = buf.find(b'\r\n\r\n', pos)
            if end >= 0:
                head = bytes(view[pos:end])
                pos = end + 4
                break
            if len(buf) - pos > _HEADER_LIMIT:
                raise ProtocolError('malformed multipart body: part headers are too long')
            if not more():
                raise ProtocolError('malformed multipart body: it ended inside part headers')
        headers: dict[str, str] = {}
        if head:
            for line in head.decode('utf-8', 'replace').split('\r\n'):
                name, sep, value = line.partition(':')
                if not sep:
                    raise ProtocolError(f'malformed multipart body: bad header line {line!r}')
                headers[name.strip().lower()] = value.strip()
        yield 'headers', headers
        while True:
            index = buf.find(delimiter, pos)
            if index >= 0:
                if index > pos:
                    yield 'data', view[pos:index]
                pos = index + len(delimiter)
                break
            safe = len(buf) - keep
            if safe > pos:
                yield 'data', view[pos:safe]
                pos = safe
            # buf[pos:] is shorter than a delimiter but may be the start of one. Rather than
            # copy the next chunk behind it, look for a delimiter across the seam first.
            tail = bytes(view[pos:])
            chunk = next_chunk()
            if not chunk:
                raise ProtocolError('malformed multipart body: truncated inside a part')
            if len(chunk) < keep:
                buf = tail + chunk  # a short read: copying it is cheap
                view, pos = memoryview(buf), 0
                continue
            buf, view = chunk, memoryview(chunk)
            if tail:
                probe = tail + bytes(view[:keep])
                index = probe.find(delimiter)  # if found, it starts within tail
                if index >= 0:
                    if index:
                        yield 'data', memoryview(tail)[:index]
                    pos = index + len(delimiter) - len(tail)
                    break
                yield 'data', memoryview(tail)
            pos = 0
        yield 'end', None


def multipart_head(boundary: str, headers: list[tuple[str, str]], first: bool) -> bytes:
    """Return the delimiter and headers that start one part of a multipart body."""
    lead = b'' if first else b'\r\n'
    lines = ''.join(f'{name}: {value}\r\n' for name, value in headers)
    return lead + f'--{boundary}\r\n{lines}\r\n'.encode()


def multipart_tail(boundary: str) -> bytes:
    """Return the closing delimiter of a multipart body."""
    return f'\r\n--{boundary}--\r\n'.encode()


class PullSpool:
    """Holds a pulled file's content: in memory while it is small, in a temporary file past that.

    A small file never touches the disk (nor imports :mod:`tempfile`); a large one never
    holds more than :data:`SPOOL_LIMIT` bytes in memory.
    """

    def __init__(self, limit: int = SPOOL_LIMIT):
        self._limit = limit
        self._pieces: list[bytes | bytearray | memoryview] = []
        self._size = 0
        self._file: IO[bytes] | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data``, which must not change afterwards (it is kept, not copied)."""
        if self._file is not None:
            self._file.write(data)
            return
        self._pieces.append(data)
        self._size += len(data)
        if self._size > self._limit:
            import tempfile

            self._file = tempfile.TemporaryFile()
            for piece in self._pieces:
                self._file.write(piece)
            self._pieces = []

    def getfile(self) -> IO[bytes]:
        """Return the content as a binary file positioned at its start (call once)."""
        if self._file is not None:
            self._file.seek(0)
            return self._file
        pieces, self._pieces = self._pieces, []
        # BytesIO shares a bytes object rather than copying it.
        return io.BytesIO(b''.join(pieces))

    def close(self) -> None:
        """Release the content (after a failure)."""
        self._pieces = []
        if self._file is not None:
            self._file.close()


def _fresh_chunks(response: Any) -> Callable[[int], bytes | bytearray]:
    """Return a ``read`` for :func:`iter_multipart` that fills a new buffer per call.

    ``readinto`` puts the body straight into that buffer, where ``read`` of a chunked body
    would copy it once more to join the HTTP chunks.
    """
    readinto = getattr(response, 'readinto', None)
    if readinto is None:
        return cast('Callable[[int], bytes]', response.read)

    def read(amount: int) -> bytearray:
        buffer = bytearray(amount)
        got = readinto(buffer)
        del buffer[got:]
        return buffer

    return read


def read_pull_body(response: Any, path: str, content: Any, chunk_size: int = 1 << 20) -> None:
    """Parse a ``/v1/files?action=read`` multipart response, writing the file into ``content``.

    Args:
        response: The HTTP response, its body unread (``read`` and optionally ``readinto``).
        path: The path that was asked for.
        content: Receives the file's content through ``write``, in pieces that it may keep
            (they are never modified afterwards), such as a :class:`PullSpool`.
        chunk_size: How much of the body to read at a time.

    Raises:
        PathError: for the error Pebble reported for ``path``.
        ProtocolError: for a malformed or unexpected multipart body.
    """
    boundary = multipart_boundary(response.content_type)
    files = 0
    envelope: bytearray | None = None
    target: str | None = None
    for event, value in iter_multipart(_fresh_chunks(response), boundary, chunk_size):
        if event == 'headers':
            disposition, params = parse_header_params(value.get('content-disposition', ''))
            if disposition != 'form-data':
                raise ProtocolError(
                    f'invalid Content-Disposition in multipart part: {disposition!r}'
                )
            name = params.get('name')
            if name == 'files':
                filename = params.get('filename')
                if not filename:
                    raise ProtocolError('multipart "files" part has no filename')
                if filename != path:
                    raise ProtocolError(f'path not expected in multipart response: {filename!r}')
                files += 1
                target = 'files'
            elif name == 'response':
                envelope = bytearray()
                target = 'response'
            else:
                raise ProtocolError(f'unexpected part name {name!r} in multipart response')
        elif event == 'data':
            if target == 'files':
                if files == 1:
                    content.write(value)
            elif envelope is not None:
                envelope += value
                if len(envelope) > _MAX_RESPONSE_PART:
                    raise ProtocolError('"response" part of the multipart body is too large')
    if envelope is None:
        raise ProtocolError('no "response" field in multipart body')
    try:
        resp = json.loads(bytes(envelope))
    except ValueError as e:
        raise ProtocolError(f'malformed JSON in the multipart "response" part: {e}') from None
    if not isinstance(resp, dict):
        raise ProtocolError('the multipart "response" part is not a JSON object')
    raise_item_error(resp.get('result'), path)
    if files == 0:
        raise ProtocolError('no file content in multipart response')
    if files > 1:
        raise ProtocolError('single file request resulted in a multi-file response')


def push_body(
    boundary: str,
    request: dict[str, Any],
    path: str,
    source: Any,
    encoding: str,
    chunk_size: int = 1 << 20,
) -> Iterator[bytes | bytearray | memoryview]:
    """Return the multipart body of a ``/v1/files`` write, streaming ``source`` in pieces.

    ``source`` is str (encoded with ``encoding``), bytes-like, or a readable text or binary
    stream. What can fail before any content is read (the metadata's JSON, the encoding's
    name) fails here, before anything is sent. No piece is larger than ``chunk_size``
    except a bytes-like source, which is passed on whole as a view (no copy). A piece is
    only valid until the next one is asked for: a binary stream is read into one reused
    buffer.

    Raises:
        TypeError: if the metadata cannot be encoded as JSON.
        LookupError: for an unknown encoding.
    """
    import codecs

    first = (
        multipart_head(
            boundary,
            [
                ('Content-Type', 'application/json'),
                ('Content-Disposition', 'form-data; name="request"'),
            ],
            first=True,
        )
        + json.dumps(request).encode()
        + multipart_head(
            boundary,
            [
                ('Content-Type', 'application/octet-stream'),
                (
                    'Content-Disposition',
                    f'form-data; name="files"; filename={quote_param(path)}',
                ),
            ],
            first=False,
        )
    )
    codecs.lookup(encoding)
    return _push_pieces(first, boundary, source, encoding, chunk_size)


def _push_pieces(
    first: bytes, boundary: str, source: Any, encoding: str, chunk_size: int
) -> Iterator[bytes | bytearray | memoryview]:
    yield first
    if isinstance(source, str):
        slices = (source[i : i + chunk_size] for i in range(0, len(source), chunk_size))
        yield from _encoded(slices, encoding)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        yield memoryview(source).cast('B')
    elif hasattr(source, 'readinto') and not isinstance(source, io.TextIOBase):
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        while True:
            count = source.readinto(buffer)
            if not count:
                break
            yield view[:count]
    else:
        yield from _encoded(_read_pieces(source, chunk_size), encoding)
    yield multipart_tail(boundary)


def _read_pieces(source: Any, chunk_size: int) -> Iterator[str | bytes]:
    while True:
        piece = source.read(chunk_size)
        if not piece:
            return
        yield piece


def _encoded(pieces: Iterator[str | bytes], encoding: str) -> Iterator[bytes]:
    """Encode the str pieces of a stream incrementally (bytes pieces pass as they are)."""
    import codecs

    encoder = codecs.getincrementalencoder(encoding)()
    for piece in pieces:
        if isinstance(piece, str):
            data = encoder.encode(piece)
            if data:
                yield data
        elif piece:
            yield piece
    tail = encoder.encode('', final=True)
    if tail:
        yield tail


publish(__name__)
