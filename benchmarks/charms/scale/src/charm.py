#!/usr/bin/env python3
"""The scaling rows' machine charm: the same source runs on ops 3.9 and on ours.

``$BENCH_SCALE`` names what update-status does with ``$BENCH_N`` things (the fake hook
tools answer from ``$BENCH_CANNED`` with N relations, N units, ...):

- ``relations``: read the remote application data of every ``db`` relation;
- ``units``: read the data of every remote unit of the (one) ``db`` relation;
- ``secrets``: read the content of secrets ``label-0`` .. ``label-<N-1>`` by label;
- ``stored``: read every entry of a stored dictionary of N entries and change one (the
  first hook, config-changed, stores them);
- ``defer-queue``: emit N custom events, each deferred by its observer.
"""

import os

import ops


class BenchEvent(ops.EventBase):
    """A custom event that the charm always defers; each carries its own index."""

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


class ScaleCharm(ops.CharmBase):
    """Touches N things of one kind on update-status."""

    on = BenchEvents()  # type: ignore[misc,unused-ignore]
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.bench, self._on_bench)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        if os.environ.get('BENCH_SCALE') == 'stored':  # N may be 0: the hook's fixed cost
            n = int(os.environ.get('BENCH_N', '0'))
            self._stored.entries = {f'k{i}': i for i in range(n)}

    def _on_bench(self, event: BenchEvent) -> None:
        event.defer()

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        what, n, seen = os.environ.get('BENCH_SCALE', ''), int(os.environ.get('BENCH_N', '0')), 0
        if what == 'relations':
            for relation in self.model.relations['db']:
                if relation.app is not None:
                    seen += len(relation.data[relation.app])
        elif what == 'units':
            for relation in self.model.relations['db']:
                for unit in relation.units:
                    seen += len(relation.data[unit])
        elif what == 'secrets':
            for i in range(n):
                seen += len(self.model.get_secret(label=f'label-{i}').get_content())
        elif what == 'stored':
            entries = self._stored.entries
            seen = sum(1 for _ in entries)
            entries['k0'] = entries.get('k0', 0) + 1
        elif what == 'defer-queue':
            for i in range(n):
                self.on.bench.emit(i)
        self.unit.status = ops.ActiveStatus(f'{seen} seen')


if __name__ == '__main__':
    ops.main(ScaleCharm)
