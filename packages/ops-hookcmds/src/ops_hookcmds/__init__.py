"""Typed functions for every Juju hook command.

Each function builds the command line, runs the hook tool found on ``PATH``, decodes its
``--format=json`` output into typed results, and raises :class:`Error` if the tool fails.
"""

__all__: list[str] = []
