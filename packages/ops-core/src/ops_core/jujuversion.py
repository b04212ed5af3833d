"""Juju version parsing and feature checks (`ops.jujuversion`)."""

from ._jujuversion import JujuVersion

__all__: list[str] = ['JujuVersion']
