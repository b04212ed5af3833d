#!/usr/bin/env python3
"""A machine charm that runs tinyproxy, a small HTTP/HTTPS forward proxy.

This charm is a worked example of a machine charm written with ``ops``:

* the workload is installed and managed with subprocesses (``apt-get``, ``systemctl``),
  kept in their own module, ``tinyproxy.py``;
* the configuration is validated into a typed class with
  :meth:`ops.CharmBase.load_config`; invalid values block the unit with a clear message;
* the configuration file is written only when its contents change, and the service is
  restarted only then;
* the proxy port is opened with :meth:`ops.Unit.set_ports`;
* a ``reload`` action makes the service re-read its configuration.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import subprocess
from pathlib import Path

import ops
import tinyproxy

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TinyproxyConfig:
    """The charm configuration, validated.

    :meth:`ops.CharmBase.load_config` maps each option to the field of the same name, with
    dashes turned into underscores (``max-clients`` becomes ``max_clients``).

    Attributes:
        port: TCP port that tinyproxy listens on.
        allowed_networks: space-separated client addresses or networks allowed to connect.
        max_clients: maximum number of simultaneous client connections.
    """

    port: int = 8888
    allowed_networks: str = '127.0.0.1 ::1'
    max_clients: int = 100

    def __post_init__(self) -> None:
        """Check the values that Juju's type checks can't.

        Raises:
            ValueError: an option is out of range or malformed; the message names the
                option and what is accepted, and ends up in the unit status.
        """
        if not 1024 <= self.port <= 65535:
            raise ValueError(f"'port' must be between 1024 and 65535, not {self.port}")
        if not 1 <= self.max_clients <= 10000:
            raise ValueError(f"'max-clients' must be between 1 and 10000, not {self.max_clients}")
        if not self.networks:
            raise ValueError("'allowed-networks' must list at least one address or network")

    @property
    def networks(self) -> list[str]:
        """The allowed networks in CIDR notation (a bare address becomes a /32 or /128).

        Raises:
            ValueError: an entry is not an IP address or network.
        """
        networks: list[str] = []
        for entry in self.allowed_networks.split():
            try:
                networks.append(str(ipaddress.ip_network(entry, strict=False)))
            except ValueError:
                raise ValueError(
                    f"'allowed-networks' entry {entry!r} is not an IP address or CIDR network"
                ) from None
        return networks


class TinyproxyCharm(ops.CharmBase):
    """Install, configure and run tinyproxy on this machine."""

    config_file: Path = tinyproxy.CONFIG_FILE
    """Path of tinyproxy's configuration file; tests point it somewhere harmless."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.stop, self._on_stop)
        framework.observe(self.on.remove, self._on_remove)
        framework.observe(self.on['reload'].action, self._on_reload_action)

    def _on_install(self, event: ops.InstallEvent) -> None:
        """Install the package and record its version.

        A failure here is left to fail the hook: Juju shows the error and retries install.
        """
        self.unit.status = ops.MaintenanceStatus('installing tinyproxy')
        tinyproxy.install()
        self.unit.set_workload_version(tinyproxy.version())
        self.unit.status = ops.MaintenanceStatus('tinyproxy installed; waiting for start')

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        """Write the configuration file, restart if it changed, and open the port."""
        # With errors='blocked', invalid config sets a BlockedStatus naming the problem and
        # ends the hook successfully: there is nothing to retry until the operator fixes it.
        config = self.load_config(TinyproxyConfig, errors='blocked')
        content = tinyproxy.render_config(
            port=config.port, allowed=config.networks, max_clients=config.max_clients
        )
        if tinyproxy.write_config(content, self.config_file):
            self.unit.status = ops.MaintenanceStatus('restarting tinyproxy')
            tinyproxy.restart()
        self.unit.set_ports(config.port)
        self._set_running_status()

    def _on_start(self, event: ops.StartEvent) -> None:
        """Make sure the service runs now and at boot."""
        tinyproxy.start()
        self._set_running_status()

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        """Report whether the service is still running."""
        self._set_running_status()

    def _on_stop(self, event: ops.StopEvent) -> None:
        """Stop the service; the unit is going away."""
        tinyproxy.stop()

    def _on_remove(self, event: ops.RemoveEvent) -> None:
        """Remove the package."""
        tinyproxy.uninstall()

    def _on_reload_action(self, event: ops.ActionEvent) -> None:
        """Ask tinyproxy to re-read its configuration file."""
        event.log('Reloading tinyproxy')
        try:
            tinyproxy.reload()
        except subprocess.CalledProcessError as e:
            event.fail(f'systemctl reload failed (exit status {e.returncode}): {e.stderr.strip()}')
            return
        except subprocess.TimeoutExpired:
            event.fail(f'systemctl reload did not finish within {tinyproxy.COMMAND_TIMEOUT}s')
            return
        event.set_results({'message': 'tinyproxy reloaded', 'config-file': str(self.config_file)})

    def _set_running_status(self) -> None:
        """Set the unit status from the configuration and whether the service is running."""
        # Keep reporting invalid config (this ends the hook) rather than hiding it.
        self.load_config(TinyproxyConfig, errors='blocked')
        if tinyproxy.is_running():
            self.unit.status = ops.ActiveStatus()
        else:
            self.unit.status = ops.BlockedStatus(
                'tinyproxy is not running; see "journalctl -u tinyproxy"'
            )


if __name__ == '__main__':  # pragma: nocover
    ops.main(TinyproxyCharm)
