"""Unit testing for Juju charms: the state-transition API and Harness (``ops.testing``)."""

__all__: list[str] = []
