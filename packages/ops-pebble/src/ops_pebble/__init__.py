"""A stand-alone client for the Pebble service manager's HTTP API.

:class:`Client` talks to Pebble over its unix socket; :class:`Layer`, :class:`Plan` and the
info types model what Pebble returns. No charm or framework is needed to use it.
"""

__all__: list[str] = []
