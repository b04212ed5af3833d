"""The streaming multipart parser: any split of the input parses the same; damage is reported."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ops_pebble import ProtocolError
from ops_pebble._files import iter_multipart, multipart_head, multipart_tail, parse_header_params

BOUNDARY = '0123456789abcdef0123456789abcdef'


def build(parts: list[bytes]) -> bytes:
    body = b''
    for index, content in enumerate(parts):
        body += multipart_head(
            BOUNDARY,
            [('Content-Disposition', f'form-data; name="files"; filename="/f{index}"')],
            index == 0,
        )
        body += content
    return body + multipart_tail(BOUNDARY)


def parse(data: bytes, read_size: int) -> list[tuple[dict[str, str], bytes]]:
    stream = io.BytesIO(data)
    parts: list[tuple[dict[str, str], bytes]] = []
    for event, value in iter_multipart(
        lambda n: stream.read(min(n, read_size)), BOUNDARY, chunk_size=read_size
    ):
        if event == 'headers':
            parts.append((value, b''))
        elif event == 'data':
            headers, content = parts[-1]
            parts[-1] = (headers, content + value)
    return parts


# Content that likes to look like the delimiter: CR, LF, dashes and pieces of the boundary.
tricky = st.lists(
    st.sampled_from([b'\r', b'\n', b'-', b'--', b'\r\n--', BOUNDARY[:10].encode(), b'x', b'\x00']),
    max_size=40,
).map(b''.join)


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky, min_size=1, max_size=4), st.integers(min_value=1, max_value=64))
def test_any_read_size_gives_the_same_parts(contents: list[bytes], read_size: int) -> None:
    parts = parse(build(contents), read_size)
    assert [content for _, content in parts] == contents
    assert [parse_header_params(h['content-disposition'])[1]['filename'] for h, _ in parts] == [
        f'/f{i}' for i in range(len(contents))
    ]


@settings(max_examples=100, deadline=None)
@given(tricky, st.integers(min_value=1, max_value=32), st.data())
def test_truncation_is_always_reported(
    content: bytes, read_size: int, data: st.DataObject
) -> None:
    full = build([content])
    cut = data.draw(st.integers(min_value=0, max_value=len(full) - len(b'--\r\n') - 1))
    with pytest.raises(ProtocolError, match='malformed multipart body'):
        parse(full[:cut], read_size)


def test_whitespace_after_boundary_is_tolerated() -> None:
    data = f'--{BOUNDARY} \t\r\nContent-Disposition: form-data; name="response"\r\n\r\n{{}}\r\n--{BOUNDARY}--\r\n'
    assert parse(data.encode(), 7) == [
        ({'content-disposition': 'form-data; name="response"'}, b'{}')
    ]


def test_escaped_quotes_in_parameters() -> None:
    main, params = parse_header_params(r'form-data; name="files"; filename="/a \"b\" \\c"')
    assert main == 'form-data' and params['filename'] == '/a "b" \\c'


# Reads at least as long as the delimiter take the parser's no-copy path across read seams.
KEEP = len(f'\r\n--{BOUNDARY}') - 1


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky, min_size=1, max_size=3), st.integers(min_value=KEEP, max_value=4 * KEEP))
def test_long_reads_give_the_same_parts(contents: list[bytes], read_size: int) -> None:
    assert [content for _, content in parse(build(contents), read_size)] == contents


@pytest.mark.parametrize('read_size', [KEEP, KEEP + 1, 2 * KEEP + 3, 100])
def test_a_delimiter_split_at_every_offset_of_a_read(read_size: int) -> None:
    for length in range(3 * read_size):
        content = bytes(i % 251 for i in range(length))
        assert [c for _, c in parse(build([content, b'next']), read_size)] == [content, b'next']


def test_data_pieces_are_views_of_the_chunks_read() -> None:
    """Content is handed on without copies, and a piece stays valid after later reads."""
    content = os.urandom(3000)
    stream = io.BytesIO(build([content]))
    pieces = [
        value
        for event, value in iter_multipart(lambda n: stream.read(n), BOUNDARY, chunk_size=1000)
        if event == 'data'
    ]
    assert all(isinstance(piece, memoryview) for piece in pieces)
    assert b''.join(pieces) == content
