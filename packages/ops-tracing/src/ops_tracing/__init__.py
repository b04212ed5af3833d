"""Tracing for Juju charms: ``ops.tracing``.

Install ``ops[tracing]``, declare the relations and create a :class:`Tracing` object in
the charm's ``__init__``; every dispatch is then traced (the root span ``ops.main``, a
span per observer call, per hook command and per Pebble call made through a container,
span events for emitted and deferred events, and the charm's own OpenTelemetry spans),
buffered on disk in the charm directory and sent over OTLP/HTTP to the ``tracing``
relation's receiver at the end of each hook::

    # charmcraft.yaml
    requires:
      charm-tracing:
        interface: tracing
        limit: 1
        optional: true
      receive-ca-cert:
        interface: certificate_transfer
        limit: 1
        optional: true

    # src/charm.py
    import ops

    class MyCharm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            self.tracing = ops.tracing.Tracing(
                self,
                tracing_relation_name='charm-tracing',
                ca_relation_name='receive-ca-cert',
            )

``ops.tracing`` is this module when ops-tracing is installed and ``None`` otherwise; it
is imported when first used, and importing it is what switches tracing on. A charm that
never uses it loads no OpenTelemetry at all.
"""

from typing import TYPE_CHECKING

import ops_core.tracing_hook as _tracing_hook

from . import _exports
from ._buffer import Destination as _Destination
from ._dispatch_tracer import DispatchTracer as _DispatchTracer

if TYPE_CHECKING:
    from ops_core.jujucontext import JujuContext as _JujuContext

    from ._charm_object import Tracing as Tracing

_tracer = _DispatchTracer()


def set_destination(url: str | None, ca: str | None) -> None:
    """Send this dispatch's and later dispatches' trace data to ``url``.

    :class:`Tracing` calls this from the relations; call it yourself only to send
    somewhere else. The destination is stored with the buffered data, so it holds for
    later dispatches until changed. Outside a dispatch, and under ``ops.testing``, it
    does nothing.

    Args:
        url: the OTLP/HTTP traces URL, such as ``http://tempo:4318/v1/traces``; ``None``
            or ``''`` stops sending (data is still buffered, up to the buffer's limit).
        ca: the CA certificates (PEM) to verify an ``https://`` URL with, or ``None`` for
            the system's CA list.

    Raises:
        ValueError: if ``url`` is not an ``http://`` or ``https://`` URL.
    """
    if url and not url.startswith(('http://', 'https://')):
        raise ValueError(
            f'tracing destination {url!r} is not supported: use an http:// or https:// URL'
        )
    _tracer.set_destination(_Destination(url or None, ca or None))


def _setup(juju_context: '_JujuContext', charm_class_name: str) -> None:
    """Start tracing a dispatch (what ``ops.main`` does for you; for tools and tests).

    Args:
        juju_context: the Juju context of the dispatch.
        charm_class_name: the name of the charm's class.
    """
    from ops_core.charm import CharmMeta

    try:
        charm_name = CharmMeta.from_charm_root(juju_context.charm_dir).name
    except Exception:
        charm_name = '[unknown]'
    _tracing_hook.dispatch_started(juju_context, charm_class_name, charm_name)


def _shutdown() -> None:
    """End the dispatch started by :func:`_setup`: buffer its spans and send them."""
    _tracing_hook.dispatch_finished()


def _mark_observed() -> None:
    """Keep this dispatch's data longer in the buffer (the charm observed an event)."""
    _tracer.mark_observed()


_tracing_hook.install(_tracer)

_exports.install(globals())
