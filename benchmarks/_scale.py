"""Scaling operations for the in-process workers: one operation over a state of size N.

Each factory builds (untimed) a ``Context`` and ``State`` or a ``Harness`` holding N of one
thing, and returns a callable that times one operation touching all N of them. The harness
compares the time at 10N with the time at N: linear means at most 11x (a fixed cost per
operation makes the multiple smaller than 10, never larger).

The time is the CPU time of the worker process (``cpu_seconds``), with the cyclic garbage
collector collected before and disabled during the operation, as ``timeit`` does: a wall
time counts the minutes in which other processes held the CPU, which fall on a long 10N
operation more often than on a short N one, and a full collection (whose cost is that of
every object alive in the worker, not of the operation) lands in one sample and not the
next.

Things (``dim``): ``units`` (remote units of one relation, each databag read), ``relations``
(relations on one endpoint, each remote app databag read), ``secrets`` (each looked up by id
and by label), ``containers`` (each asked ``can_connect()`` and its services),
``defer-queue`` (N custom events emitted and deferred in one dispatch), ``defer-reemit``
(N deferred events re-emitted, and deferred again), ``stored`` (N stored-state entries
read and one changed, so the whole dictionary is saved).

Imported only by ``_worker.py`` (so only the standard library and ``ops``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

DIMS = ('units', 'relations', 'secrets', 'containers', 'defer-queue', 'defer-reemit', 'stored')


def _charm_class() -> type[Any]:
    import ops

    class Bench(ops.EventBase):
        def __init__(self, handle: ops.Handle, index: int = 0):
            super().__init__(handle)
            self.index = index

        def snapshot(self) -> dict[str, int]:
            return {'index': self.index}

        def restore(self, snapshot: dict[str, int]) -> None:
            self.index = snapshot['index']

    class Events(ops.CharmEvents):
        bench = ops.EventSource(Bench)

    class ScaleCharm(ops.CharmBase):  # type: ignore[misc,unused-ignore]
        """Does, on update-status, what ``self.dim`` says with every one of its N things."""

        on = Events()  # type: ignore[misc,assignment,unused-ignore]
        _stored = ops.StoredState()
        dim = ''
        n = 0

        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.update_status, self._on_update_status)
            framework.observe(self.on.config_changed, self._on_update_status)
            framework.observe(self.on.bench, self._on_bench)
            self.seen = 0

        def _on_bench(self, event: Any) -> None:
            event.defer()

        def _on_update_status(self, event: Any) -> None:
            dim, seen = type(self).dim, 0
            if dim == 'units':
                for relation in self.model.relations['db']:
                    for unit in relation.units:
                        seen += len(relation.data[unit])
            elif dim == 'relations':
                for relation in self.model.relations['db']:
                    if relation.app is not None:
                        seen += len(relation.data[relation.app])
            elif dim == 'secrets':
                for i in range(type(self).n):
                    seen += len(self.model.get_secret(label=f'label-{i}').get_content())
                    seen += len(self.model.get_secret(id=_secret_id(i)).get_content())
            elif dim == 'containers':
                for container in self.unit.containers.values():
                    seen += container.can_connect() + len(container.get_services())
            elif dim == 'defer-queue':
                for i in range(type(self).n):
                    self.on.bench.emit(i)
            elif dim == 'stored':
                entries = self._stored.entries
                seen = sum(1 for _ in entries)
                entries['k0'] = entries.get('k0', 0) + 1
            self.seen = seen
            self.unit.status = ops.ActiveStatus(f'{seen} seen')

    return ScaleCharm


def cpu_seconds(part: Callable[[], object]) -> float:
    """The CPU time ``part()`` takes, the cyclic collector collected before and off during it.

    The collector is switched back on afterwards even when ``part`` raises (and left off if
    it was off before). The CPU time is the whole process's (``time.process_time``: user
    and system time of every thread), so work done by a helper thread is counted too.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        part()
        return time.process_time() - start
    finally:
        if was_enabled:
            gc.enable()


def _secret_id(i: int) -> str:
    return f'secret:{i:020d}'


_META = {
    'name': 'scale',
    'requires': {'db': {'interface': 'bench'}},
}


def ctx_scale(req: dict[str, Any]) -> Callable[[], float]:
    """``ctx.run`` over a State holding N of one thing."""
    from ops import testing

    dim, n = str(req['dim']), int(req['n'])
    charm = _charm_class()
    charm.dim, charm.n = dim, n
    meta: dict[str, Any] = dict(_META)
    state_args: dict[str, Any] = {'leader': True}
    event = 'update_status'
    if dim == 'units':
        state_args['relations'] = [
            testing.Relation('db', remote_units_data={i: {'k': str(i)} for i in range(n)})
        ]
    elif dim == 'relations':
        state_args['relations'] = [
            testing.Relation('db', remote_app_name=f'remote{i}', remote_app_data={'k': 'v'})
            for i in range(n)
        ]
    elif dim == 'secrets':
        state_args['secrets'] = [
            testing.Secret({'key': str(i)}, id=_secret_id(i), label=f'label-{i}', owner='app')
            for i in range(n)
        ]
    elif dim == 'containers':
        meta['containers'] = {f'c{i}': {} for i in range(n)}
        state_args['containers'] = [testing.Container(f'c{i}', can_connect=True) for i in range(n)]
    elif dim == 'defer-reemit':
        charm.dim = 'defer-queue'
        setup = testing.Context(charm, meta=meta)
        queued = setup.run(setup.on.update_status(), testing.State())
        charm.dim = dim
        state_args['deferred'] = list(queued.deferred)
    elif dim == 'stored':
        state_args['stored_states'] = [
            testing.StoredState(
                owner_path='ScaleCharm', content={'entries': {f'k{i}': i for i in range(n)}}
            )
        ]
    elif dim != 'defer-queue':
        raise ValueError(f'unknown scaling dimension {dim!r}')
    ctx = testing.Context(charm, meta=meta)
    state = testing.State(**state_args)

    def op() -> float:
        outs: list[Any] = []
        seconds = cpu_seconds(lambda: outs.append(ctx.run(getattr(ctx.on, event)(), state)))
        if dim.startswith('defer') and len(outs[0].deferred) != n:
            raise AssertionError(f'{len(outs[0].deferred)} of {n} events deferred')
        return seconds

    return op


def harness_scale(req: dict[str, Any]) -> Callable[[], float]:
    """Harness operations over N of one thing; a fresh Harness each time, set-up untimed."""
    import warnings

    from ops import testing

    dim, n = str(req['dim']), int(req['n'])
    charm = _charm_class()
    charm.dim, charm.n = dim, n
    meta = 'name: scale\nrequires:\n  db:\n    interface: bench\n'
    if dim == 'containers':
        meta += 'containers:\n' + ''.join(f'  c{i}: {{}}\n' for i in range(n))

    def op() -> float:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            harness = testing.Harness(charm, meta=meta)
        try:
            harness.set_leader(True)
            if dim == 'stored':
                harness.begin()
                harness.charm._stored.entries = {f'k{i}': i for i in range(n)}
            elif dim in ('relations', 'secrets', 'defer-queue', 'defer-reemit'):
                harness.begin()
            if dim == 'defer-reemit':
                charm.dim = 'defer-queue'
                harness.charm.on.update_status.emit()
                charm.dim = dim

            def part() -> None:
                if dim == 'units':
                    rel_id = harness.add_relation('db', 'remote')
                    harness.begin()
                    for i in range(n):
                        harness.add_relation_unit(rel_id, f'remote/{i}')
                elif dim == 'relations':
                    for i in range(n):
                        harness.add_relation('db', f'remote{i}', app_data={'k': 'v'})
                elif dim == 'secrets':
                    app = harness.model.app
                    ids = [
                        app.add_secret({'key': str(i)}, label=f'label-{i}').id for i in range(n)
                    ]
                    for i, secret_id in enumerate(ids):
                        harness.model.get_secret(id=secret_id).get_content()
                        harness.model.get_secret(label=f'label-{i}').get_content()
                elif dim == 'containers':
                    harness.begin()
                    for i in range(n):
                        harness.container_pebble_ready(f'c{i}')
                elif dim == 'defer-queue':
                    harness.charm.on.update_status.emit()
                elif dim == 'defer-reemit':
                    harness.framework.reemit()
                elif dim == 'stored':
                    harness.charm.on.update_status.emit()
                    harness.framework.commit()
                else:
                    raise ValueError(f'unknown scaling dimension {dim!r}')

            return cpu_seconds(part)
        finally:
            harness.cleanup()

    return op
