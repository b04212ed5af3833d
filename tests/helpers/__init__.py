"""Shared test helpers (fake Juju hook tools, ...), imported as ``tests.helpers.<name>``."""
