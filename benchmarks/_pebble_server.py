"""Serve ours' Pebble-compatible test server on a unix socket for the benchmarks.

Usage: python _pebble_server.py SOCKET ROOT_DIR

Runs under ours' interpreter. Prints ``READY`` once the socket accepts connections (or
``UNAVAILABLE <why>`` and exits 0 if the test server does not exist yet), then serves until its
stdin is closed. The container filesystem is ROOT_DIR (container path /x is ROOT_DIR/x).
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def _start(socket_path: str, root: str) -> Callable[[], None]:
    from ops_testing._pebble import PebbleModel, PebbleServer

    model = PebbleModel(root, name='bench')
    # A plan of a realistic size for the small calls: three services, one check.
    model.add_layer(
        'base',
        {
            'summary': 'benchmark workload',
            'services': {
                name: {
                    'override': 'replace',
                    'command': f'/usr/bin/{name} --port {8000 + i}',
                    'startup': 'enabled',
                    'environment': {'LOG_LEVEL': 'info', 'PORT': str(8000 + i)},
                }
                for i, name in enumerate(('web', 'worker', 'scheduler'))
            },
            'checks': {
                'ready': {
                    'override': 'replace',
                    'level': 'ready',
                    'http': {'url': 'http://localhost:8000/'},
                },
            },
        },
    )
    server = PebbleServer(model, socket_path)
    server.start()
    return server.stop


def main() -> int:
    socket_path, root = sys.argv[1], sys.argv[2]
    try:
        stop = _start(socket_path, root)
    except (ImportError, AttributeError, NotImplementedError, TypeError) as exc:
        print(f'UNAVAILABLE {type(exc).__name__}: {exc}', flush=True)
        return 0
    print('READY', flush=True)
    try:
        sys.stdin.read()
    finally:
        stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
