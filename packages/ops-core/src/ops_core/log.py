"""Logging through Juju's `juju-log` hook command (`ops.log`)."""

__all__: list[str] = []
