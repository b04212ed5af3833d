"""The tracing seam: how ``ops_core`` tells an optional tracer what a dispatch does.

``ops_core`` never imports OpenTelemetry. It reports the few things worth tracing (a
dispatch starting and ending, an event emitted or deferred, an observer called, a hook
command run, a Pebble call made through a :class:`~ops.Container`) to whatever object is
installed here, and to nobody when nothing is: then each report point costs one read of
:data:`hook` and a comparison with ``None``, and nothing else runs.

The ``ops-tracing`` distribution installs its tracer when ``ops_tracing`` is first
imported (a charm's ``ops.tracing.Tracing(...)`` does that). A tracer installed in the
middle of a dispatch is told about that dispatch at once, with the time it started, so
the dispatch's root span still covers all of it.

Front-ends call :func:`dispatch_started` and :func:`dispatch_finished` around a dispatch
(``ops_core``'s dispatcher does, for ``ops.main`` and for ``ops.testing.Context``); a
testing front-end passes a list as ``trace_data`` to get the finished spans appended
there instead of having them buffered on disk and sent out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ._dispatch._jujucontext import JujuContext
    from ._framework._events import EventBase
    from ._framework._handle import Object

__all__ = [
    'Dispatch',
    'Tracer',
    'current_dispatch',
    'dispatch_finished',
    'dispatch_started',
    'hook',
    'install',
    'uninstall',
]

logger = logging.getLogger(__name__)


class Dispatch:
    """What a tracer is told about the dispatch in progress.

    Attributes:
        context: the Juju context of the dispatch (unit, model, hook or action, ...).
        charm_class_name: the name of the charm's class.
        charm_name: the charm's name from its metadata.
        start_time_ns: when the dispatch started (``time.time_ns()``).
        trace_data: where a testing front-end wants the finished spans appended, or
            ``None`` to have them buffered on disk and sent to the tracing destination.
    """

    __slots__ = ('charm_class_name', 'charm_name', 'context', 'start_time_ns', 'trace_data')

    def __init__(
        self,
        context: JujuContext,
        charm_class_name: str,
        charm_name: str,
        *,
        start_time_ns: int | None = None,
        trace_data: list[Any] | None = None,
    ):
        self.context = context
        self.charm_class_name = charm_class_name
        self.charm_name = charm_name
        self.start_time_ns = time.time_ns() if start_time_ns is None else start_time_ns
        self.trace_data = trace_data

    def __repr__(self) -> str:
        return (
            f'<Dispatch of {self.charm_class_name} for unit {self.context.unit_name!r}, '
            f'{"collecting" if self.trace_data is not None else "exporting"}>'
        )


class Tracer(Protocol):
    """What ``ops_core`` calls when a tracer is installed (see :func:`install`).

    Every method is called only while a tracer is installed; the context managers wrap
    the work they describe and must let its exceptions through unchanged. Hook command
    and Pebble arguments given here never include secret content, relation data, action
    results, file contents or command lines beyond the executable.
    """

    def start_dispatch(self, dispatch: Dispatch) -> None:
        """A dispatch started (or was already running when the tracer was installed)."""
        ...

    def end_dispatch(self, dispatch: Dispatch, error: BaseException | None) -> None:
        """The dispatch ended, with ``error`` if an exception is ending it."""
        ...

    def trace_id(self) -> int:
        """The id of the current trace, or 0 if nothing is being recorded."""
        ...

    def event_emitted(self, event: EventBase, observed: bool) -> None:
        """``event`` was emitted; ``observed`` if it was queued for at least one observer."""
        ...

    def event_deferred(self, event: EventBase) -> None:
        """An observer deferred ``event``."""
        ...

    def observer_call(
        self, event: EventBase, observer: Object, method_name: str, reemitted: bool
    ) -> AbstractContextManager[None]:
        """Wraps the call of ``observer.method_name(event)``.

        ``reemitted`` is true when the event is a deferred one delivered again.
        """
        ...

    def hook_command(
        self, command: str, arguments: Sequence[tuple[str, object]]
    ) -> AbstractContextManager[None]:
        """Wraps one run of hook command ``command`` (``arguments`` are safe to record)."""
        ...

    def pebble_client(self, client: Any) -> Any:
        """Return an object that calls ``client``'s methods with a span around each."""
        ...


hook: Tracer | None = None
"""The installed tracer, or ``None`` (the default: nothing is traced)."""

_dispatch: Dispatch | None = None


def install(tracer: Tracer) -> None:
    """Install ``tracer`` (replacing any other); it is told at once of a running dispatch.

    Args:
        tracer: the object ``ops_core`` reports to from now on.
    """
    global hook
    hook = tracer
    if _dispatch is not None:
        _tell(tracer.start_dispatch, _dispatch)


def uninstall() -> None:
    """Stop tracing: remove the installed tracer (a running dispatch is ended for it)."""
    global hook
    tracer, hook = hook, None
    if tracer is not None and _dispatch is not None:
        _tell(tracer.end_dispatch, _dispatch, None)


def current_dispatch() -> Dispatch | None:
    """The dispatch in progress, if a front-end said one started and has not ended."""
    return _dispatch


def dispatch_started(
    context: JujuContext,
    charm_class_name: str,
    charm_name: str,
    trace_data: list[Any] | None = None,
) -> None:
    """Front-ends call this when a dispatch starts (before the charm is instantiated).

    Args:
        context: the Juju context of the dispatch.
        charm_class_name: the name of the charm's class.
        charm_name: the charm's name from its metadata.
        trace_data: a list to append the dispatch's finished spans to (testing), or
            ``None`` to buffer and send them (production).
    """
    global _dispatch
    _dispatch = dispatch = Dispatch(context, charm_class_name, charm_name, trace_data=trace_data)
    if hook is not None:
        _tell(hook.start_dispatch, dispatch)


def dispatch_finished(error: BaseException | None = None) -> None:
    """Front-ends call this when the dispatch started last has ended.

    Args:
        error: the exception ending the dispatch, if any.
    """
    global _dispatch
    dispatch, _dispatch = _dispatch, None
    if hook is not None and dispatch is not None:
        _tell(hook.end_dispatch, dispatch, error)


def _tell(method: Any, *args: Any) -> None:
    # Tracing must never be why a charm's hook fails.
    try:
        method(*args)
    except Exception:
        logger.warning('The tracer failed; the dispatch goes on untraced.', exc_info=True)
