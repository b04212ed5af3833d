"""Fixtures for the storage tests: the fake Juju hook tools."""

from tests.helpers.fakejuju.fixtures import fake_juju

__all__ = ['fake_juju']
