"""Long runs: no growth in memory or file descriptors beyond a small constant.

* ``ctx.run`` over and over on one ``Context``, each output state fed into the next run
  (stored state, relation data, status, a container's files, a deferred event every other
  run). The Context keeps per-run records by design (``juju_log``, status histories, as
  ops 3.9 does), so the test empties them between runs; anything else that grows is a
  leak. Measured: live Python objects, open descriptors, threads, temporary directories.
  300 runs by default, 10,000 with ``OPS_FULL_TRIALS=1``.
* ``dispatch`` as a subprocess over and over on one charm directory and state file: each
  hook reports its own peak memory and open descriptors; the state file stays bounded and
  this process's descriptors do not grow. 20 dispatches by default, 1,000 with
  ``OPS_FULL_TRIALS=1``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.reliability.conftest import (
    ACTIONS,
    CHARMS,
    CONFIG,
    METADATA,
    Charm,
    long_trials,
    open_fds,
    trials,
)

CTX_RUNS = trials(300, 10_000)
DISPATCHES = trials(20, 1_000)


CTX_SOAK = """
import gc, json, os, sys, tempfile, threading
import yaml
from ops import testing
sys.path.insert(0, sys.argv[1])
from soak_charm import SoakCharm

runs, meta, config, actions, tmp = int(sys.argv[2]), *sys.argv[3:7]
tempfile.tempdir = tmp
ctx = testing.Context(
    SoakCharm, meta=yaml.safe_load(meta), config=yaml.safe_load(config),
    actions=yaml.safe_load(actions),
)
state = testing.State(
    leader=True,
    relations=[testing.Relation('db', remote_app_data={'host': 'db.example'})],
    containers=[testing.Container('workload', can_connect=True)],
)
# Records the Context keeps across runs by design (as ops 3.9 does): emptied each run.
records = (ctx.juju_log, ctx.app_status_history, ctx.unit_status_history,
           ctx.workload_version_history, ctx.emitted_events, ctx.action_logs)


def figures():
    gc.collect()
    return {'objects': len(gc.get_objects()), 'fds': sorted(os.listdir('/proc/self/fd')),
            'threads': threading.active_count(), 'temps': len(os.listdir(tmp))}


warmup = max(50, runs // 10)
for i in range(runs):
    if i == warmup:
        before = figures()
    event = ctx.on.update_status() if i % 2 else ctx.on.config_changed()
    state = ctx.run(event, state)
    for record in records:
        record.clear()
after = figures()
print(json.dumps({'before': before, 'after': after, 'runs': runs - warmup,
                  'n': state.get_relations('db')[0].local_unit_data['n'],
                  'deferred': len(state.deferred)}))
"""


@long_trials
def test_consecutive_ctx_runs_do_not_grow(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, '-c', CTX_SOAK, str(CHARMS), str(CTX_RUNS), METADATA, CONFIG, ACTIONS,
         str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    before, after = report['before'], report['after']
    grown = after['objects'] - before['objects']
    assert grown < 300, f'{grown} more live objects after {report["runs"]} runs'
    assert after['fds'] == before['fds']
    assert after['threads'] == before['threads']
    assert after['temps'] <= before['temps']
    assert report['n'] == str(CTX_RUNS // 2)
    assert report['deferred'] <= 1
    print(f'{CTX_RUNS} ctx.run: {grown:+d} live objects after warm-up')


@long_trials
def test_consecutive_dispatches_do_not_grow(charm_factory: Any) -> None:
    charm: Charm = charm_factory('soak_charm.py')
    charm.juju.state.set_leader(True)
    charm.juju.state.add_relation('db', 'pg', units=['pg/0'], remote_app_data={'host': 'h'})
    fds = open_fds()
    sizes = []
    for i in range(DISPATCHES):
        result = charm.run('update-status' if i % 2 == 0 else 'config-changed')
        assert result.returncode == 0, result.stderr
        sizes.append(charm.state_db.stat().st_size)
        if i % 50 == 49:
            charm.juju.clear_calls()  # the fake's own call log, not the charm's
    records = charm.records()
    assert [r['n'] for r in records] == list(range(1, (DISPATCHES + 1) // 2 + 1))
    head, tail = records[:5], records[-5:]
    peak_head = statistics.median(r['VmHWM'] for r in head)
    peak_tail = statistics.median(r['VmHWM'] for r in tail)
    assert peak_tail - peak_head < 4096, (peak_head, peak_tail)  # KiB
    assert max(r['fds'] for r in tail) <= max(r['fds'] for r in head)
    assert max(sizes) <= max(sizes[: max(4, DISPATCHES // 10)]) + 8192, sizes
    assert open_fds() == fds
    print(
        f'{DISPATCHES} dispatches: peak RSS {peak_head} -> {peak_tail} KiB, '
        f'fds {head[0]["fds"]} -> {tail[-1]["fds"]}, state file <= {max(sizes)} bytes'
    )
