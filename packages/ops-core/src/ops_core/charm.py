"""Charm base class, charm events and charm metadata (`ops.charm`)."""

__all__: list[str] = []
