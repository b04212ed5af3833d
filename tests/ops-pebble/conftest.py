"""Fixtures: a real Pebble-compatible server on a unix socket, over a fresh in-memory model."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import ops_pebble
import pytest
from ops_testing._pebble import PebbleModel, PebbleServer


@pytest.fixture
def workdir() -> Iterator[str]:
    # Unix socket paths are limited to ~107 bytes, so keep them short (not under tmp_path).
    path = tempfile.mkdtemp(prefix='pb-', dir='/tmp')
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def model(workdir: str) -> PebbleModel:
    return PebbleModel(os.path.join(workdir, 'root'), name='app')


@pytest.fixture
def server(model: PebbleModel, workdir: str) -> Iterator[PebbleServer]:
    with PebbleServer(model, os.path.join(workdir, 'pebble.socket'), change_delay=0.02) as srv:
        yield srv


@pytest.fixture
def client(server: PebbleServer) -> Iterator[ops_pebble.Client]:
    c = ops_pebble.Client(server.socket_path, timeout=3.0)
    yield c
    c.close()
