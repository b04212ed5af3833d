"""Manage tinyproxy on this machine: the package, its configuration file and its service.

The charm (charm.py) decides *what* should happen; this module knows *how*: which commands
to run and what the configuration file looks like. Keeping the two apart lets the charm's
logic be read (and tested) without the details of apt and systemd getting in the way.

Every command runs with a timeout and raises :class:`subprocess.CalledProcessError` when it
fails, with the command's output in the exception.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE = 'tinyproxy'
"""The Ubuntu package that provides tinyproxy."""
SERVICE = 'tinyproxy'
"""The systemd unit that runs tinyproxy."""
CONFIG_FILE = Path('/etc/tinyproxy/tinyproxy.conf')
"""Where the Ubuntu package's systemd unit expects the configuration file."""

APT_TIMEOUT = 600.0
"""Seconds that an apt-get command may take (downloads can be slow)."""
COMMAND_TIMEOUT = 60.0
"""Seconds that any other command may take."""


def install() -> None:
    """Install the tinyproxy package (which also starts the service with its default config).

    Raises:
        subprocess.CalledProcessError: apt-get failed.
        subprocess.TimeoutExpired: apt-get took longer than :data:`APT_TIMEOUT`.
    """
    _apt('update', '--quiet')
    _apt('install', '--yes', '--quiet', PACKAGE)


def uninstall() -> None:
    """Remove the tinyproxy package; its configuration file is kept.

    Raises:
        subprocess.CalledProcessError: apt-get failed.
    """
    _apt('remove', '--yes', '--quiet', PACKAGE)


def version() -> str:
    """The installed tinyproxy version, such as ``'1.11.1'``.

    Raises:
        subprocess.CalledProcessError: ``tinyproxy -v`` failed.
    """
    output = _run(['tinyproxy', '-v']).strip()
    match = re.search(r'(\d+(?:\.\d+)+)', output)
    return match.group(1) if match else output


def render_config(*, port: int, allowed: Sequence[str], max_clients: int) -> str:
    """The contents of tinyproxy.conf for these settings.

    Args:
        port: TCP port to listen on.
        allowed: client addresses or networks allowed to connect, in CIDR notation.
        max_clients: maximum number of simultaneous client connections.
    """
    lines = [
        '# Written by the tinyproxy charm; local changes will be overwritten.',
        'User tinyproxy',
        'Group tinyproxy',
        f'Port {port}',
        'Timeout 600',
        f'MaxClients {max_clients}',
        'LogFile "/var/log/tinyproxy/tinyproxy.log"',
        'LogLevel Info',
        'PidFile "/run/tinyproxy/tinyproxy.pid"',
        'ViaProxyName "tinyproxy"',
        *(f'Allow {network}' for network in allowed),
    ]
    return '\n'.join(lines) + '\n'


def write_config(content: str, path: Path = CONFIG_FILE) -> bool:
    """Write the configuration file if its contents differ; return whether it changed.

    The file is replaced atomically, so tinyproxy never reads a half-written file.

    Args:
        content: the full contents of the file.
        path: where to write it; tests point this at a temporary directory.
    """
    try:
        if path.read_text() == content:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    logger.info('Wrote %s', path)
    return True


def start() -> None:
    """Enable the service at boot and start it now."""
    _systemctl('enable', '--now', SERVICE)


def restart() -> None:
    """Restart the service, so that it reads its configuration file afresh."""
    _systemctl('restart', SERVICE)


def reload() -> None:
    """Ask the running service to re-read its configuration file."""
    _systemctl('reload', SERVICE)


def stop() -> None:
    """Stop the service and disable it at boot."""
    _systemctl('disable', '--now', SERVICE)


def is_running() -> bool:
    """Whether systemd reports the service as active."""
    result = subprocess.run(
        ['systemctl', 'is-active', '--quiet', SERVICE],
        capture_output=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    return result.returncode == 0


def _apt(*args: str) -> None:
    env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
    _run(['apt-get', *args], timeout=APT_TIMEOUT, env=env)


def _systemctl(*args: str) -> None:
    _run(['systemctl', *args])


def _run(
    command: list[str], *, timeout: float = COMMAND_TIMEOUT, env: dict[str, str] | None = None
) -> str:
    """Run a command and return its standard output.

    Raises:
        subprocess.CalledProcessError: the command exited with a non-zero status; its
            ``stderr`` attribute holds what the command wrote there.
    """
    logger.debug('Running %s', command)
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=True
        )
    except subprocess.CalledProcessError as e:
        logger.error('%s exited with status %d: %s', command, e.returncode, e.stderr.strip())
        raise
    return result.stdout
