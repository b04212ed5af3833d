"""Fixtures for the ops_hookcmds tests: the fake Juju tools on PATH."""

from tests.helpers.fakejuju.fixtures import fake_juju

__all__ = ['fake_juju']
