"""Juju version parsing and feature checks (`ops.jujuversion`)."""

__all__: list[str] = []
