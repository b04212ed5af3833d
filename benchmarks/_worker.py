"""In-process benchmark figures, run under ONE implementation's interpreter.

The harness (run.py) starts this script with ops 3.9's interpreter and with ours, and drives
both from the same loop so that batches alternate between the two implementations. It imports
nothing but the standard library and ``ops`` (whichever ``ops`` the interpreter has).

Two modes:

``serve``
    A long-lived worker. It reads one JSON request per line on stdin, e.g.
    ``{"figure": "ctx_trivial", "min_seconds": 0.2, "max_iterations": 200}``, runs one batch of
    the figure and answers one JSON line: ``{"ok": true, "per_op": <seconds>, "iterations": n}``
    or ``{"ok": false, "status": "n/a" | "failed", "detail": "..."}``.
``once``
    One measurement in a fresh process (used where peak memory matters: Pebble transfers).
    The request is the JSON argument; the answer is printed the same way.

Whatever the charm code or ops prints goes to stderr: stdout carries only the protocol.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import socket
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Errors that mean "this implementation does not have the feature yet", as opposed to a
# benchmark that runs and fails.
_NOT_READY = (ImportError, AttributeError, NotImplementedError)

_META_DB = {
    'name': 'bench',
    'requires': {'db': {'interface': 'bench'}},
}
_META_LOADED = {
    'name': 'bench',
    'requires': {f'rel{i}': {'interface': 'bench'} for i in range(10)},
    'containers': {f'c{i}': {} for i in range(3)},
}
_CONFIG_LOADED = {
    'options': {
        'name': {'type': 'string', 'default': 'bench'},
        'port': {'type': 'int', 'default': 8080},
        'debug': {'type': 'boolean', 'default': False},
        'ratio': {'type': 'float', 'default': 0.5},
    }
}
_HARNESS_META = 'name: bench\nrequires:\n  db:\n    interface: bench\n'
# The trivial charm of the Harness figures: one relation endpoint, one container, one option.
_HARNESS_TRIVIAL_META = (
    'name: bench\nrequires:\n  db:\n    interface: bench\ncontainers:\n  c: {}\n'
)
_HARNESS_TRIVIAL_CONFIG = 'options:\n  name:\n    type: string\n    default: bench\n'
# The realistic charm: the example Kubernetes charm, loaded from its src/charm.py; Harness
# reads its charmcraft.yaml itself (next to src/), as in the charm's own tests.
HTTPBIN = Path(__file__).resolve().parent.parent / 'examples' / 'httpbin-k8s'


def _charm_classes() -> tuple[type[Any], type[Any]]:
    import ops

    class TrivialCharm(ops.CharmBase):  # type: ignore[misc,unused-ignore]
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._on_status)
            framework.observe(self.on.update_status, self._on_status)

        def _on_status(self, event: ops.EventBase) -> None:
            self.unit.status = ops.ActiveStatus('ready')

    class LoadedCharm(ops.CharmBase):  # type: ignore[misc,unused-ignore]
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.config_changed, self._on_config_changed)

        def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
            seen: list[object] = [self.config['name'], self.config['port']]
            for relations in self.model.relations.values():
                for relation in relations:
                    if relation.app is not None:
                        seen.append(relation.data[relation.app].get('k'))
            for i in range(3):
                seen.append(self.unit.get_container(f'c{i}').can_connect())
            seen.append(self.model.get_secret(label='s0').get_content()['k'])
            self.unit.status = ops.ActiveStatus(f'{len(seen)} things seen')

    return TrivialCharm, LoadedCharm


def _state_charm() -> type[Any]:
    import ops

    class StateCharm(ops.CharmBase):  # type: ignore[misc,unused-ignore]
        """Reads every relation's remote app data and every container's can_connect()."""

        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.update_status, self._on_update_status)

        def _on_update_status(self, event: ops.EventBase) -> None:
            seen = 0
            for relation in self.model.relations['db']:
                if relation.app is not None and relation.data[relation.app].get('k'):
                    seen += 1
            for container in self.unit.containers.values():
                seen += container.can_connect()
            self.unit.status = ops.ActiveStatus(f'{seen} things seen')

    return StateCharm


def _harness_charm() -> type[Any]:
    import ops

    class HarnessCharm(ops.CharmBase):  # type: ignore[misc,unused-ignore]
        """The trivial charm of the Harness figures: each handler sets a status."""

        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            for event in (
                self.on.config_changed,
                self.on['c'].pebble_ready,
                self.on['db'].relation_changed,
            ):
                framework.observe(event, self._on_event)

        def _on_event(self, event: ops.EventBase) -> None:
            self.unit.status = ops.ActiveStatus('ready')

    return HarnessCharm


def _httpbin_charm() -> type[Any]:
    src = str(HTTPBIN / 'src')
    if src not in sys.path:
        sys.path.insert(0, src)
    import charm  # type: ignore[import-not-found,unused-ignore]

    cls: type[Any] = charm.HttpbinCharm
    return cls


# -- figures: each factory returns a zero-argument callable timing ONE operation ---------------
# (a callable returns the seconds the timed part took, so that untimed setup can live inside it)


def _ctx_trivial(_req: dict[str, Any]) -> Callable[[], float]:
    from ops import testing

    trivial, _ = _charm_classes()
    ctx = testing.Context(trivial, meta={'name': 'bench'})

    def op() -> float:
        t = time.perf_counter()
        ctx.run(ctx.on.start(), testing.State())
        return time.perf_counter() - t

    return op


def _ctx_loaded(_req: dict[str, Any]) -> Callable[[], float]:
    from ops import testing

    _, loaded = _charm_classes()
    ctx = testing.Context(loaded, meta=_META_LOADED, config=_CONFIG_LOADED)
    state = testing.State(
        leader=True,
        config={'name': 'x', 'port': 9000, 'debug': True, 'ratio': 0.25},
        relations=[
            testing.Relation(
                f'rel{i}',
                remote_app_name=f'remote{i}',
                remote_app_data={'k': f'v{i}'},
                remote_units_data={0: {'u': 'v'}, 1: {'u': 'w'}},
                local_unit_data={'ingress-address': '10.0.0.1'},
            )
            for i in range(10)
        ],
        containers=[testing.Container(f'c{i}', can_connect=True) for i in range(3)],
        secrets=[testing.Secret({'k': f'secret{i}'}, label=f's{i}') for i in range(3)],
    )

    def op() -> float:
        t = time.perf_counter()
        ctx.run(ctx.on.config_changed(), state)
        return time.perf_counter() - t

    return op


def _ctx_relations(req: dict[str, Any]) -> Callable[[], float]:
    from ops import testing

    trivial, _ = _charm_classes()
    ctx = testing.Context(trivial, meta=_META_DB)
    state = testing.State(
        relations=[
            testing.Relation('db', remote_app_name=f'remote{i}', remote_app_data={'k': 'v'})
            for i in range(int(req['relations']))
        ]
    )

    def op() -> float:
        t = time.perf_counter()
        ctx.run(ctx.on.update_status(), state)
        return time.perf_counter() - t

    return op


def _ctx_state(req: dict[str, Any]) -> Callable[[], float]:
    from ops import pebble, testing

    relations, containers = int(req['relations']), int(req['containers'])
    meta = {
        'name': 'bench',
        'requires': {'db': {'interface': 'bench'}},
        'containers': {f'c{i}': {} for i in range(containers)},
    }
    ctx = testing.Context(_state_charm(), meta=meta)
    layer = pebble.Layer(
        {'services': {'svc': {'override': 'replace', 'command': 'sleep 1d', 'startup': 'enabled'}}}
    )
    state = testing.State(
        relations=[
            testing.Relation(
                'db',
                remote_app_name=f'remote{i}',
                remote_app_data={'k': f'v{i}'},
                remote_units_data={0: {'u': 'v'}},
            )
            for i in range(relations)
        ],
        containers=[
            testing.Container(f'c{i}', can_connect=True, layers={'base': layer})
            for i in range(containers)
        ],
    )

    def op() -> float:
        t = time.perf_counter()
        ctx.run(ctx.on.update_status(), state)
        return time.perf_counter() - t

    return op


def _new_harness(charm: str) -> Any:
    """A Harness on the trivial or the httpbin charm, set up as the charm's tests do, not begun."""
    from ops import testing

    if charm == 'trivial':
        return testing.Harness(
            _harness_charm(), meta=_HARNESS_TRIVIAL_META, config=_HARNESS_TRIVIAL_CONFIG
        )
    harness = testing.Harness(_httpbin_charm())
    harness.set_leader(True)
    harness.add_relation('httpbin-peers', 'httpbin-k8s')
    return harness


def _container(charm: str) -> str:
    return 'c' if charm == 'trivial' else 'httpbin'


# While a ``harness_calls`` request runs, the profiler that counts the timed part's calls.
_profiler: list[cProfile.Profile] = []


def _section(part: Callable[[], object]) -> float:
    """Run the timed part of an operation; return its seconds (and count its calls if asked).

    A youngest-generation collection runs first, untimed: the set-up (a whole Harness)
    allocates hundreds of objects, and whether the collection they make due falls inside
    the next timed part or outside it depends only on where the allocation counter happens
    to stand, which differs between the two sides by accident. The timed part itself
    allocates far fewer objects than a collection needs, so neither side pays for one then.
    """
    gc.collect(0)
    if _profiler:
        _profiler[0].enable()
        part()
        _profiler[0].disable()
        return 0.0
    t = time.perf_counter()
    part()
    return time.perf_counter() - t


def _harness_op(req: dict[str, Any]) -> Callable[[], float]:
    """One Harness operation on a fresh Harness; set-up and clean-up are not timed."""
    charm, what = str(req['charm']), str(req['op'])
    if charm not in ('trivial', 'httpbin'):
        raise ValueError(f'unknown Harness charm {charm!r}')
    if what not in ('begin', 'config', 'relation', 'pebble_ready'):
        raise ValueError(f'unknown Harness operation {what!r}')
    container = _container(charm)

    def update_config(harness: Any) -> None:
        harness.update_config({'name': 'other'} if charm == 'trivial' else {'port': 9000})

    def relate(harness: Any) -> None:
        endpoint, app = ('db', 'remote') if charm == 'trivial' else ('ingress', 'ingress')
        rel_id = harness.add_relation(endpoint, app)
        harness.add_relation_unit(rel_id, f'{app}/0')
        if charm == 'trivial':
            harness.update_relation_data(rel_id, f'{app}/0', {'k': 'v'})
        else:  # the provider's answer: the charm reads it with Relation.load (JSON values)
            harness.update_relation_data(rel_id, app, {'url': '"http://example.com/x"'})

    def op() -> float:
        if what == 'begin':
            made: list[Any] = []

            def set_up() -> None:
                made.append(_new_harness(charm))
                made[0].begin()

            seconds = _section(set_up)
            made[0].cleanup()
            return seconds
        harness = _new_harness(charm)
        try:
            harness.begin()
            if what == 'pebble_ready':
                return _section(lambda: harness.container_pebble_ready(container))
            # Pebble is up, so that the handlers under test do their whole work.
            harness.container_pebble_ready(container)
            if what == 'config':
                return _section(lambda: update_config(harness))
            return _section(lambda: relate(harness))
        finally:
            harness.cleanup()

    op()  # fail in set-up (-> n/a or failed), not in the timed loop
    return op


def _harness_calls(req: dict[str, Any]) -> Callable[[], float]:
    """Like ``harness_op``, but each operation returns the function calls its timed part made.

    Calls (Python functions and built-ins, as cProfile counts them) do not depend on the
    machine's load, so they show where one side does more work than the other.
    """
    op = _harness_op(req)

    def count() -> float:
        profiler = cProfile.Profile()
        _profiler.append(profiler)
        try:
            op()
        finally:
            _profiler.clear()
        return float(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]

    return count


def _harness_add_relation(req: dict[str, Any]) -> Callable[[], float]:
    from ops import testing

    trivial, _ = _charm_classes()
    present = int(req['present'])

    def op() -> float:
        harness = testing.Harness(trivial, meta=_HARNESS_META)
        try:
            harness.begin()
            for i in range(present):
                harness.add_relation('db', f'remote{i}')
            gc.collect(0)  # as in _section
            t = time.perf_counter()
            harness.add_relation('db', 'measured')
            return time.perf_counter() - t
        finally:
            harness.cleanup()

    return op


_clients: dict[str, Any] = {}
_connects = [0]  # unix-socket connect() calls made by this process (any client)


def _count_connects() -> None:
    """Count socket connections, to show whether a client reuses its connection."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            _connects[0] += 1
        original(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]


def _pebble_client(socket_path: str) -> Any:
    if socket_path not in _clients:
        from ops import pebble

        _clients[socket_path] = pebble.Client(socket_path=socket_path)
    return _clients[socket_path]


def _pebble_small(req: dict[str, Any]) -> Callable[[], float]:
    client = _pebble_client(req['socket'])
    call = getattr(client, req['call'])
    call()  # fail in setup (-> n/a), not in the timed loop

    def op() -> float:
        t = time.perf_counter()
        call()
        return time.perf_counter() - t

    return op


_FACTORIES: dict[str, Callable[[dict[str, Any]], Callable[[], float]]] = {
    'ctx_trivial': _ctx_trivial,
    'ctx_loaded': _ctx_loaded,
    'ctx_relations': _ctx_relations,
    'ctx_state': _ctx_state,
    'harness_op': _harness_op,
    'harness_calls': _harness_calls,
    'harness_add_relation': _harness_add_relation,
    'pebble_small': _pebble_small,
    'scale_ctx': lambda req: _scale().ctx_scale(req),
    'scale_harness': lambda req: _scale().harness_scale(req),
}


def _scale() -> Any:
    import _scale  # type: ignore[import-not-found,unused-ignore]  # beside this script

    return _scale


def _classify(exc: BaseException) -> dict[str, Any]:
    status = 'n/a' if isinstance(exc, _NOT_READY) else 'failed'
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f' at {os.path.basename(last[0].filename)}:{last[0].lineno}' if last else ''
    detail = f'{type(exc).__name__}: {str(exc)[:200]}{where}'
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    return {'ok': False, 'status': status, 'detail': detail}


class _Server:
    """Keeps each figure's set-up (Context, State, client) across batches."""

    def __init__(self) -> None:
        self._ops: dict[str, Callable[[], float]] = {}

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        key = json.dumps(req.get('params', {}), sort_keys=True) + req['figure']
        try:
            if key not in self._ops:
                self._ops[key] = _FACTORIES[req['figure']](req.get('params', {}))
            op = self._ops[key]
            min_seconds = float(req.get('min_seconds', 0.0))
            max_iterations = int(req.get('max_iterations', 1))
            timed: list[float] = []
            connects = _connects[0]
            start = time.perf_counter()
            while len(timed) < max_iterations:
                timed.append(op())
                if time.perf_counter() - start >= min_seconds:
                    break
        except Exception as exc:  # reported to the harness, which shows n/a or failed
            self._ops.pop(key, None)
            return _classify(exc)
        return {
            'ok': True,
            'per_op': sum(timed) / len(timed),
            'iterations': len(timed),
            'connects': _connects[0] - connects,
        }


# -- one-shot figures (fresh process) ----------------------------------------------------------


def _status_kib(field: str) -> int:
    """A ``kB`` field of /proc/self/status (``VmRSS``, ``VmHWM``), 0 where it is missing."""
    with open('/proc/self/status', encoding='ascii') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


def _baseline() -> int:
    """Start measuring peak memory here: the RSS now (KiB), with the high-water mark reset.

    The peak is read afterwards from VmHWM, the high-water mark of this process's own
    address space, never from ``getrusage().ru_maxrss``: at ``exec`` Linux carries the
    peak of the address space being replaced (the parent's, since ``subprocess`` forks
    with vfork) into ``ru_maxrss``, so a child of run.py (31 MiB by the end of a full run)
    reported run.py's peak minus its own RSS (+14 MiB for ours, whose baseline is lower
    than ops 3.9's) as its growth. Writing 5 to ``clear_refs`` (Linux >= 4.0) lowers
    VmHWM to the current RSS, so that imports and set-up before this point do not count
    either; where it cannot be written the peak since ``exec`` is used.
    """
    try:
        with open('/proc/self/clear_refs', 'w', encoding='ascii') as f:
            f.write('5')
    except OSError:
        pass
    return _status_kib('VmRSS')


def _once(req: dict[str, Any]) -> dict[str, Any]:
    cpu: dict[str, float] = {}
    try:
        client = _pebble_client(req['socket'])
        client.get_system_info()
        before = _baseline()
        if req['figure'] == 'pebble_push':
            with open(req['source'], 'rb') as f:
                t = time.perf_counter()
                client.push(req['path'], f, make_dirs=True)
                seconds = time.perf_counter() - t
            # Untimed: the next push (either side's) then never pays for freeing this file.
            client.remove_path(req['path'])
        elif req['figure'] == 'pebble_pull':
            t = time.perf_counter()
            total = 0
            stream = client.pull(req['path'], encoding=None)
            try:
                while True:
                    chunk = stream.read(1 << 20)
                    if not chunk:
                        break
                    total += len(chunk)
            finally:
                stream.close()
            seconds = time.perf_counter() - t
            if total != int(req['size']):
                return {
                    'ok': False,
                    'status': 'failed',
                    'detail': f'pulled {total} bytes, expected {req["size"]}',
                }
        elif req['figure'].startswith('real_'):
            seconds, before, cpu = _real_pebble_once(client, req, before)
        else:
            raise ValueError(f'unknown one-shot figure {req["figure"]!r}')
        peak = _status_kib('VmHWM')
    except Exception as exc:
        return _classify(exc)
    return {
        'ok': True,
        'per_op': seconds,
        'iterations': 1,
        'mem_growth_mib': max(0, peak - before) / 1024,
        **cpu,
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` so far, at clock-tick resolution."""
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def _real_pebble_once(
    client: Any, req: dict[str, Any], before: int
) -> tuple[float, int, dict[str, float]]:
    """One transfer against the real Pebble (see _realpebble.py): its time, the RSS before
    it (taken after the source bytes exist, so that only the transfer counts; see
    :func:`_baseline`), and the CPU time this process spent on it, and the server when the
    request names its process (``server_pid``)."""
    size = int(req['size'])
    server = req.get('server_pid')
    transfer: Callable[[], object]
    if req['figure'] == 'real_push_bytes':
        data = os.urandom(1 << 20) * (size >> 20)
        before = _baseline()

        def transfer() -> object:
            return client.push(req['path'], data)

    elif req['figure'] == 'real_push_file':

        def transfer() -> object:
            with open(req['source'], 'rb') as source:
                return client.push(req['path'], source)

    else:
        # One exec first, untimed: the first exec of a process imports the websocket client
        # (ops 3.9 imports it with ops itself, before anything is timed).
        client.exec(['true']).wait()
        before = _baseline()

        def transfer() -> object:
            process = client.exec(['head', '-c', str(size), '/dev/zero'], encoding=None)
            total = 0
            while chunk := process.stdout.read(1 << 20):
                total += len(chunk)
            process.wait()
            if total != size:
                raise RuntimeError(f'read {total} bytes of output, expected {size}')
            return None

    server_cpu = _cpu_seconds(server) if server else 0.0
    client_cpu = time.process_time()
    t = time.perf_counter()
    transfer()
    seconds = time.perf_counter() - t
    cpu = {'client_cpu': time.process_time() - client_cpu}
    if server:
        cpu['server_cpu'] = _cpu_seconds(server) - server_cpu
    if req['figure'] != 'real_exec':
        os.unlink(req['path'])  # untimed
    return seconds, before, cpu


def main() -> int:
    proto = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    os.dup2(2, 1)  # anything printed by ops or charm code lands on stderr
    if len(sys.argv) >= 3 and sys.argv[1] == 'once':
        proto.write(json.dumps(_once(json.loads(sys.argv[2]))) + '\n')
        proto.flush()
        return 0
    _count_connects()
    # Harness warns that it is deprecated (both sides); the benchmark knows.
    warnings.simplefilter('ignore', PendingDeprecationWarning)
    server = _Server()
    for line in sys.stdin:
        if not line.strip():
            continue
        proto.write(json.dumps(server.handle(json.loads(line))) + '\n')
        proto.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main())
