"""A small demo charm driven through a few Juju events, in-process.

Run it with ``hatch run demo``. Each event goes through the same dispatch code that runs
under Juju, over the in-memory Juju of ``ops.testing``; the table shows what the charm did.
"""

from __future__ import annotations

import ops
from ops import testing


class DemoCharm(ops.CharmBase):
    """Keeps a counter in stored state and reports it in the unit status."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(events=0)
        for event in (self.on.install, self.on.config_changed, self.on.start, self.on.update_status):
            framework.observe(event, self._on_event)

    def _on_event(self, event: ops.EventBase) -> None:
        self._stored.events += 1
        greeting = self.config.get('greeting', 'hello')
        self.unit.status = ops.ActiveStatus(f'{greeting} #{self._stored.events}')


META = {'name': 'demo'}
CONFIG = {'options': {'greeting': {'type': 'string', 'default': 'hello'}}}


def main() -> None:
    ctx = testing.Context(DemoCharm, meta=META, config=CONFIG)
    state = testing.State(config={'greeting': 'hi'})
    print(f'{"event":16} {"unit status":28} stored events')
    for name in ('install', 'config_changed', 'start', 'update_status'):
        state = ctx.run(getattr(ctx.on, name)(), state)
        stored = state.get_stored_state('_stored', owner_path='DemoCharm').content['events']
        print(f'{name:16} {str(state.unit_status):28} {stored}')


if __name__ == '__main__':
    main()
