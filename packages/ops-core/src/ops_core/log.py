"""Logging through Juju's `juju-log` hook command (`ops.log`)."""

from ._log import JujuLogHandler, setup_root_logging

__all__: list[str] = ['JujuLogHandler', 'setup_root_logging']
