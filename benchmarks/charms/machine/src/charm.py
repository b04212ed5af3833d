#!/usr/bin/env python3
"""The benchmark machine charm: the same source runs on ops 3.9 and on ours.

- update-status sets ``ActiveStatus('ready')`` (the "trivial hook" figure);
- config-changed emits ``$BENCH_DEFER_COUNT`` custom events whose observer defers them, so the
  next hook re-emits (and re-defers) every one of them (the "deferred events" figure).
"""

import os

import ops


class BenchEvent(ops.EventBase):
    """A custom event that the charm always defers; each carries its own index.

    (Distinct snapshots matter: ops drops a deferral identical to one already queued.)
    """

    def __init__(self, handle: ops.Handle, index: int):
        super().__init__(handle)
        self.index = index

    def snapshot(self) -> dict[str, int]:
        return {'index': self.index}

    def restore(self, snapshot: dict[str, int]) -> None:
        self.index = snapshot['index']


class BenchEvents(ops.CharmEvents):
    """The charm's events plus the custom one."""

    bench = ops.EventSource(BenchEvent)


class BenchCharm(ops.CharmBase):
    """Sets a status; defers custom events on demand."""

    on = BenchEvents()  # type: ignore[misc,unused-ignore]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.bench, self._on_bench)

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        self.unit.status = ops.ActiveStatus('ready')

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        for index in range(int(os.environ.get('BENCH_DEFER_COUNT', '0'))):
            self.on.bench.emit(index)

    def _on_bench(self, event: BenchEvent) -> None:
        event.defer()


if __name__ == '__main__':
    ops.main(BenchCharm)
