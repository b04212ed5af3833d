"""A misbehaving server gives a specific error with a message, never a hang or a bare exception."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import ops_pebble
import pytest
from ops_testing._pebble import PebbleServer


@pytest.fixture
def fast_client(server: PebbleServer) -> Iterator[ops_pebble.Client]:
    c = ops_pebble.Client(server.socket_path, timeout=1.0)
    c.get_system_info()  # keep-alive connection already open, as in real use
    yield c
    c.close()


def test_never_answering_times_out(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('never-answer', path='/v1/services')
    start = time.monotonic()
    with pytest.raises(
        ops_pebble.TimeoutError, match='timed out waiting for Pebble to answer GET /v1/services'
    ):
        fast_client.get_services()
    assert time.monotonic() - start < 3
    assert fast_client.get_system_info().version  # the next call works


def test_never_answering_a_push_times_out(
    server: PebbleServer, fast_client: ops_pebble.Client
) -> None:
    server.inject_fault('never-answer', path='/v1/files')
    with pytest.raises(ops_pebble.TimeoutError):
        fast_client.push('/x', 'data')


def test_closing_without_answer(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('close-before-response', path='/v1/services', count=2)
    with pytest.raises(
        ops_pebble.ConnectionError,
        match='closed the connection without answering GET /v1/services',
    ):
        fast_client.get_services()
    assert fast_client.get_services() == []


def test_closing_mid_response(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('close-mid-response', path='/v1/system-info')
    with pytest.raises(
        ops_pebble.ConnectionError, match='in the middle of the response to GET /v1/system-info'
    ):
        fast_client.get_system_info()
    assert fast_client.get_system_info().version


def test_malformed_json(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('malformed-json', path='/v1/plan')
    with pytest.raises(
        ops_pebble.ProtocolError, match='malformed JSON in the response to GET /v1/plan'
    ):
        fast_client.get_plan()


def test_wrong_content_type(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('wrong-content-type', path='/v1/checks')
    with pytest.raises(
        ops_pebble.ProtocolError, match="expected Content-Type 'application/json', got 'text/html"
    ):
        fast_client.get_checks()
    fast_client.push('/f', 'x')
    server.inject_fault('wrong-content-type', path='/v1/files')
    with pytest.raises(ops_pebble.ProtocolError, match='multipart/form-data'):
        fast_client.pull('/f')


def test_truncated_multipart(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    fast_client.push('/big', b'x' * 100_000)
    server.inject_fault('truncated-multipart', path='/v1/files')
    with pytest.raises(ops_pebble.ProtocolError, match='truncated'):
        fast_client.pull('/big')
    assert fast_client.pull('/big', encoding=None).read() == b'x' * 100_000


def test_multipart_without_response_part(
    server: PebbleServer, fast_client: ops_pebble.Client
) -> None:
    fast_client.push('/f', 'x')
    server.inject_fault('multipart-without-response', path='/v1/files')
    with pytest.raises(ops_pebble.ProtocolError, match='no "response" field'):
        fast_client.pull('/f')


def test_garbage_instead_of_http(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.inject_fault('garbage-status-line')
    with pytest.raises(ops_pebble.ProtocolError, match='invalid HTTP response'):
        fast_client.get_system_info()


def test_server_restart_is_survived(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    fast_client.push('/kept', 'still here')
    server.restart()
    assert fast_client.get_system_info().version
    assert fast_client.pull('/kept').read() == 'still here'


def test_server_gone(server: PebbleServer, fast_client: ops_pebble.Client) -> None:
    server.stop()
    with pytest.raises(ops_pebble.ConnectionError, match='socket not found'):
        fast_client.get_system_info()


def test_nobody_listening(workdir: str) -> None:
    path = os.path.join(workdir, 'dead.socket')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.close()  # the file stays, nobody listens
    with pytest.raises(ops_pebble.ConnectionError, match='connection refused'):
        ops_pebble.Client(path, timeout=1).get_system_info()


def test_unknown_fault_kind_is_rejected(server: PebbleServer) -> None:
    with pytest.raises(ValueError, match='unknown fault'):
        server.inject_fault('explode')
