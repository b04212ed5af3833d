"""``python -m ops_pebble`` run as a subprocess against the test server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from ops_testing._pebble import PebbleModel, PebbleServer


def cli(
    server: PebbleServer, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, '-m', 'ops_pebble', '--socket', server.socket_path, *args],
        input=stdin if stdin is not None else b'',
        capture_output=True,
        timeout=60,
    )


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'ops_pebble', '--help'], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ('system-info', 'plan', 'services', 'start', 'stop', 'restart', 'add-layer',
                    'ls', 'push', 'pull', 'exec', 'checks', 'notices', 'logs'):  # fmt: skip
        assert command in result.stdout


def test_layer_plan_services_lifecycle(server: PebbleServer, workdir: str) -> None:
    layer = os.path.join(workdir, 'layer.yaml')
    with open(layer, 'w') as f:
        f.write('services:\n  web: {override: replace, command: /bin/web, startup: enabled}\n'
                'checks:\n  up: {override: replace, level: ready, tcp: {port: 80}}\n')  # fmt: skip
    assert 'version: v1.32.1' in out(cli(server, 'system-info'))
    assert 'Layer "base" added.' in out(cli(server, 'add-layer', 'base', layer))
    assert 'command: /bin/web' in out(cli(server, 'plan'))
    assert 'web      enabled  inactive' in out(cli(server, 'services'))
    out(cli(server, 'start', 'web'))
    assert 'web      enabled  active' in out(cli(server, 'services', 'web'))
    out(cli(server, 'restart', 'web'))
    out(cli(server, 'stop', 'web'))
    assert 'inactive' in out(cli(server, 'services'))
    checks = out(cli(server, 'checks', '--level', 'ready'))
    assert 'up' in checks and 'ready' in checks


def test_push_ls_pull(server: PebbleServer, workdir: str) -> None:
    local = os.path.join(workdir, 'local.bin')
    with open(local, 'wb') as f:
        f.write(b'\x00binary\xff' * 1000)
    out(cli(server, 'push', '-p', '-m', '600', local, '/data/file.bin'))
    listing = out(cli(server, 'ls', '/data'))
    assert 'file.bin' in listing and '600' in listing
    pulled = cli(server, 'pull', '/data/file.bin')
    assert pulled.returncode == 0 and pulled.stdout == b'\x00binary\xff' * 1000
    out(cli(server, 'push', '-', '/from-stdin.txt', stdin=b'piped'))
    assert cli(server, 'pull', '/from-stdin.txt').stdout == b'piped'


def test_exec_passes_output_and_exit_code(server: PebbleServer) -> None:
    result = cli(server, 'exec', '--', 'sh', '-c', 'cat; echo err >&2; exit 4', stdin=b'in')
    assert result.returncode == 4
    assert result.stdout == b'in' and result.stderr == b'err\n'
    assert cli(server, 'exec', '-e', 'A=b', '--', 'sh', '-c', 'echo $A').stdout == b'b\n'


def test_notices_and_logs(server: PebbleServer, model: PebbleModel) -> None:
    assert 'Recorded notice' in out(cli(server, 'notify', 'example.com/thing', 'a=b'))
    assert 'example.com/thing' in out(cli(server, 'notices', '--type', 'custom'))
    model.add_log('web', 'hello from web')
    model.add_log('db', 'hello from db')
    logs = out(cli(server, 'logs', 'web'))
    assert '[web] hello from web' in logs and 'db' not in logs


@pytest.mark.parametrize(
    ('args', 'message'),
    [
        (('pull', '/missing'), 'error: not-found'),
        (('start', 'nope'), 'error: cannot start services'),
    ],
)
def test_errors_exit_1_with_message(
    server: PebbleServer, args: tuple[str, ...], message: str
) -> None:
    result = cli(server, *args)
    assert result.returncode == 1
    assert message in result.stderr.decode()


def test_missing_socket_is_reported(workdir: str) -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'ops_pebble', '--socket', f'{workdir}/none', 'services'],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and 'socket not found' in result.stderr
