#!/usr/bin/env python3
"""A charm traced with ``ops.tracing.Tracing``, run by the ops-tracing dispatch tests.

``TEST_MODE`` (comma-separated) switches behaviours on: ``secret`` stores a secret whose
content must never reach the trace, ``crash`` raises in the start handler, ``defer``
defers ``update-status``, ``no-tracing`` does not create the ``Tracing`` object,
``many-spans`` makes 300 spans in the start handler, ``hang`` then sleeps for two minutes.
"""

import os
import sys

import ops

MODE = set(filter(None, os.environ.get('TEST_MODE', '').split(',')))
SECRET_VALUE = 'hunter2-never-in-a-trace'


class Ready(ops.EventBase):
    pass


class TracedEvents(ops.CharmEvents):
    ready = ops.EventSource(Ready)


class TracedCharm(ops.CharmBase):
    on = TracedEvents()  # type: ignore[assignment]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        if 'no-tracing' not in MODE:
            self.tracing = ops.tracing.Tracing(
                self,
                tracing_relation_name='charm-tracing',
                ca_relation_name='receive-ca-cert',
            )
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.ready, self._on_ready)

    def _on_start(self, event: ops.StartEvent) -> None:
        if 'no-tracing' in MODE:
            self.unit.status = ops.MaintenanceStatus('starting')
        else:
            import opentelemetry.trace

            tracer = opentelemetry.trace.get_tracer('traced-charm')
            with tracer.start_as_current_span('charm work'):
                self.unit.status = ops.MaintenanceStatus('starting')
            if 'many-spans' in MODE:
                for i in range(300):
                    with tracer.start_as_current_span(f'work {i}'):
                        pass
            if 'hang' in MODE:
                import time

                time.sleep(120)
        if 'secret' in MODE:
            secret = self.app.add_secret({'password': SECRET_VALUE}, label='db-password')
            secret.set_content({'password': SECRET_VALUE + '-2'})
        self.on.ready.emit()
        if 'crash' in MODE:
            raise RuntimeError('the start handler failed')

    def _on_ready(self, event: Ready) -> None:
        self.unit.status = ops.ActiveStatus()

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        if 'defer' in MODE:
            event.defer()


# The span helpers of ops_core's hook-command wrappers (the notes wrappers run regardless).
_SPAN_CODE = frozenset({'span', '_recorded', 'tracing'})


def _count_tracing_calls() -> None:
    """Count the calls of functions of the tracing seam and of ops_tracing; print at exit."""
    import collections

    calls: collections.Counter[str] = collections.Counter()

    def profile(frame, event, arg):
        if event == 'call':
            path = frame.f_code.co_filename
            if (
                path.endswith('tracing_hook.py')
                or '/ops_tracing/' in path
                or (path.endswith('_hook_notes.py') and frame.f_code.co_name in _SPAN_CODE)
            ):
                calls[frame.f_code.co_name] += 1

    import atexit

    atexit.register(lambda: print('TRACING CALLS', sorted(calls.items())))
    sys.setprofile(profile)


if __name__ == '__main__':
    if 'count-calls' in MODE:
        _count_tracing_calls()
    if 'modules' in MODE:
        import atexit

        atexit.register(
            lambda: print(
                'LOADED', sorted(m for m in ('opentelemetry', 'ops_tracing') if m in sys.modules)
            )
        )
    ops.main(TracedCharm)
