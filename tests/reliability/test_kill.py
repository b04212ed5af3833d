"""SIGKILL at random moments of a real dispatch, commit included, loses nothing.

Each trial runs the charm's ``dispatch`` script as Juju would (a subprocess, fake hook tools,
``.unit-state.db`` on disk) and kills the hook process with SIGKILL: after a random delay
from outside, from a thread started at ``pre_commit`` after a random few milliseconds (so the
signal lands inside ``Framework.commit``, SQLite's write included), or at fixed points around
the SQLite commit. After every trial the state file is opened as the next hook opens it and
must hold exactly the previous or the new committed state, with every deferred event either
still queued or delivered exactly once. 12 trials by default, 500 with ``OPS_FULL_TRIALS=1``.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ops.storage import NoSnapshotError, SQLiteStorage

from tests.reliability.conftest import Charm, long_trials, trials

TRIALS = trials(12, 500)
KEEP = 3  # as in charms/kill_charm.py
FIXED_POINTS = {
    # kill point -> does the state move on to the new generation?
    'pre_commit': False,
    'commit': False,
    'db-commit-before': False,
    'db-commit-after': True,
}


def committed_state(db: Path) -> dict[str, Any]:
    """Open the state as the next hook would, check every invariant, return a summary."""
    if db.exists() and db.stat().st_size:
        raw = sqlite3.connect(db)
        try:
            assert raw.execute('PRAGMA integrity_check').fetchone() == ('ok',)
        finally:
            raw.close()
    storage = SQLiteStorage(db)  # rolls back a hot journal left by the killed process
    try:
        try:
            stored = storage.load_snapshot('KillCharm/StoredStateData[_stored]')
        except NoSnapshotError:
            stored = {'gen': 0, 'delivered': [], 'blob': '', 'hist': []}
        g = stored['gen']
        # Exactly once: delivered ticks are 1.. in order, without duplicates or gaps.
        assert stored['delivered'] == list(range(1, max(1, g - KEEP))), (g, stored['delivered'])
        assert stored['hist'] == list(range(max(1, g - 19), g + 1)), (g, stored['hist'])
        assert stored['blob'] == (chr(ord('a') + g % 26) * (4093 * (g % 17)) if g else '')
        notices = list(storage.notices())
        assert {(o, m) for _, o, m in notices} <= {('KillCharm', '_on_tick')}
        pending = [storage.load_snapshot(path)['n'] for path, _, _ in notices]
        # ...and the rest are still queued, each exactly once.
        assert pending == list(range(max(1, g - KEEP), g + 1)) if g else pending == [], (
            g,
            pending,
        )
        events = {h for h in storage.list_snapshots() if '/on/' in h}
        assert events == {path for path, _, _ in notices}, 'an event snapshot was orphaned'
        return {'gen': g, 'pending': pending, 'delivered': len(stored['delivered'])}
    finally:
        storage.close()


@long_trials
def test_sigkill_during_dispatch_keeps_old_or_new_state_and_exactly_once_delivery(
    charm_factory: Any,
) -> None:
    charm: Charm = charm_factory('kill_charm.py')
    rng = random.Random(1010)
    # Calibrate: how long a whole dispatch takes on this (busy) machine.
    durations = []
    for _ in range(3):
        start = time.monotonic()
        result = charm.run()
        durations.append(time.monotonic() - start)
        assert result.returncode == 0, result.stderr
    generation = committed_state(charm.state_db)['gen']
    assert generation == 3
    typical = sorted(durations)[1]
    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        kind = ('outside', 'timer', 'fixed')[trial % 3]
        env: dict[str, str] = {}
        if kind == 'timer':
            env['REL_KILL'] = f'timer:{rng.uniform(0, 0.006):.6f}'
        elif kind == 'fixed':
            point = list(FIXED_POINTS)[(trial // 3) % len(FIXED_POINTS)]
            env['REL_KILL'] = point
        seen_before = len(charm.records())
        proc = charm.popen(**env)
        if kind == 'outside':
            time.sleep(rng.uniform(0.3, 1.2) * typical)
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        killed = proc.returncode == -signal.SIGKILL
        if not killed:
            assert proc.returncode == 0, err
        after = committed_state(charm.state_db)['gen']
        # The hook itself (if it got that far) saw the state the previous trial committed.
        saw = [r['saw'] for r in charm.records()[seen_before:] if 'saw' in r]
        assert saw in ([], [generation]), (trial, saw, generation)
        outcomes['saw-previous'] += bool(saw)
        if not killed:
            expected = {generation + 1}
        elif kind == 'fixed':
            expected = {generation + 1 if FIXED_POINTS[env['REL_KILL']] else generation}
        else:
            expected = {generation, generation + 1}
        assert after in expected, (trial, kind, env, proc.returncode, generation, after)
        outcomes[f'{kind}:{"killed" if killed else "finished"}:{after - generation}'] += 1
        generation = after
    # The trials really killed hooks, and some of those kills still committed (inside commit).
    assert sum(n for k, n in outcomes.items() if ':killed:' in k) >= TRIALS // 2, outcomes
    assert outcomes['fixed:killed:1'] >= 1 and outcomes['fixed:killed:0'] >= 1, outcomes
    # The next, unharmed hook carries on from the committed state.
    result = charm.run()
    assert result.returncode == 0, result.stderr
    final = committed_state(charm.state_db)
    assert final['gen'] == generation + 1
    assert outcomes['saw-previous'] >= TRIALS // 2, outcomes
    recorded = [r['delivered'] for r in charm.records() if 'delivered' in r]
    assert set(range(1, final['delivered'] + 1)) <= set(recorded)
    print(f'{TRIALS} trials: {dict(sorted(outcomes.items()))}')
