"""A charm for the SIGKILL trials: every dispatch changes stored state and defers an event.

Each ``update-status`` dispatch re-emits the deferred ``tick`` events, bumps the stored
generation, rewrites a blob of varying size (so commits touch many pages) and emits a new
``tick`` that is deferred until ``KEEP`` later dispatches have committed; then it is
delivered once and appended to the stored ``delivered`` list. Because the list is stored
state, it is committed atomically with the notice being dropped: exactly-once delivery is
checked on the committed state.

``REL_BIG_KB`` stores that many KiB more (the file must grow); ``REL_RAISE`` makes the
handler fail. ``REL_LOCK_TIMEOUT`` (seconds) shortens how long the state file's lock is waited for.
``REL_SLEEP`` (seconds) makes the handler record ``{"sleeping": gen}`` and then sleep (a long hook).
``REL_KILL`` makes the process SIGKILL itself at a chosen point:
``pre_commit``/``commit`` (in those framework events), ``db-commit-before``/``db-commit-after``
(around the SQLite commit), ``timer:<seconds>`` (from a thread started at ``pre_commit``, so
the signal lands at a random point inside the commit, SQLite's own write included).
"""

import datetime
import json
import os
import signal
import threading
import time

import ops
from ops.storage import SQLiteStorage

KEEP = 3
KILL = os.environ.get('REL_KILL', '')
if os.environ.get('REL_LOCK_TIMEOUT'):
    SQLiteStorage.DB_LOCK_TIMEOUT = datetime.timedelta(
        seconds=float(os.environ['REL_LOCK_TIMEOUT'])
    )


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


if KILL.startswith('db-commit-'):
    _original_commit = SQLiteStorage.commit

    def _commit(self):
        if KILL == 'db-commit-before':
            _die()
        _original_commit(self)
        if KILL == 'db-commit-after':
            _die()

    SQLiteStorage.commit = _commit


class Tick(ops.EventBase):
    def __init__(self, handle, n=0):
        super().__init__(handle)
        self.n = n

    def snapshot(self):
        return {'n': self.n}

    def restore(self, snapshot):
        super().restore(snapshot)
        self.n = snapshot['n']


class Events(ops.CharmEvents):
    tick = ops.EventSource(Tick)


class KillCharm(ops.CharmBase):
    on = Events()
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(gen=0, delivered=[], blob='', hist=[])
        with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
            f.write(json.dumps({'saw': self._stored.gen}) + '\n')
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.tick, self._on_tick)
        framework.observe(framework.on.pre_commit, self._on_pre_commit)
        framework.observe(framework.on.commit, self._on_commit)

    def _on_tick(self, event):
        # Deferred ticks are re-emitted before update-status bumps the generation.
        if self._stored.gen - event.n < KEEP:
            event.defer()
            return
        self._stored.delivered.append(event.n)
        with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
            f.write(json.dumps({'delivered': event.n}) + '\n')

    def _on_update_status(self, event):
        if os.environ.get('REL_SLEEP'):
            with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
                f.write(json.dumps({'sleeping': self._stored.gen}) + '\n')
            time.sleep(float(os.environ['REL_SLEEP']))
        g = self._stored.gen + 1
        self._stored.gen = g
        self._stored.hist.append(g)
        del self._stored.hist[:-20]
        self._stored.blob = chr(ord('a') + g % 26) * (4093 * (g % 17))
        if os.environ.get('REL_BIG_KB'):  # force the file to grow in this commit
            self._stored.big = 'z' * (1024 * int(os.environ['REL_BIG_KB']))
        if os.environ.get('REL_RAISE'):
            raise RuntimeError('the charm failed on purpose')
        self.on.tick.emit(g)

    def _on_pre_commit(self, event):
        if KILL == 'pre_commit':
            _die()
        if KILL.startswith('timer:'):
            timer = threading.Timer(float(KILL.split(':', 1)[1]), _die)
            timer.daemon = True
            timer.start()

    def _on_commit(self, event):
        if KILL == 'commit':
            _die()


if __name__ == '__main__':
    ops.main(KillCharm)
