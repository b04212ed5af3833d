"""Entry point of the fake hook tools: ask the fake Juju's server, print its answer."""

from __future__ import annotations

import os
import socket
import sys

from ._jsonlite import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn


def _finish(code: int, stdout: str, stderr: str) -> NoReturn:
    if stdout:
        sys.stdout.write(stdout)
    if stderr:
        sys.stderr.write(stderr if stderr.endswith('\n') else stderr + '\n')
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def _read_reply(stream: Any) -> dict[str, Any]:
    line = stream.readline()
    if not line:
        _finish(1, '', 'ERROR the fake Juju closed the connection without answering')
    reply: dict[str, Any] = json.loads(line.decode('utf-8'))
    return reply


def main() -> NoReturn:
    tool = os.path.basename(sys.argv[0])
    path = os.environ.get('FAKE_JUJU_SOCKET')
    if not path:
        _finish(1, '', 'ERROR FAKE_JUJU_SOCKET is not set')
    env = {k: v for k, v in os.environ.items() if k.startswith('JUJU_')}
    request = {'tool': tool, 'argv': sys.argv[1:], 'env': env}
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError as exc:
        _finish(1, '', f'ERROR cannot reach the fake Juju at {path}: {exc.strerror}')
    stream = conn.makefile('rwb')
    stream.write(json.dumps(request).encode('utf-8') + b'\n')
    stream.flush()
    reply = _read_reply(stream)
    if reply.get('stdin'):
        data = sys.stdin.buffer.read().decode('utf-8', 'replace')
        stream.write(json.dumps({'stdin': data}).encode('utf-8') + b'\n')
        stream.flush()
        reply = _read_reply(stream)
    _finish(int(reply['code']), str(reply['stdout']), str(reply['stderr']))


if __name__ == '__main__':
    main()
