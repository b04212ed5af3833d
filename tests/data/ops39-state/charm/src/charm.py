#!/usr/bin/env python3
"""A real charm run through ``ops.main`` by ops 3.9 and by this project (state-file compatibility).

``COMPAT_DEFER=1`` makes the install and db-relation-changed handlers defer; every delivery is
appended as a JSON line ``[handler, event path, details]`` to the file named by ``COMPAT_LOG``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import ops


class MyCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(installs=0, units=[], flags={'ready': False}, seen=set())
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.db_relation_changed, self._on_db_changed)
        framework.observe(self.on.config_changed, self._on_config_changed)

    def _log(self, handler: str, event: ops.EventBase, **details: Any) -> None:
        with open(os.environ['COMPAT_LOG'], 'a', encoding='utf-8') as f:
            f.write(json.dumps([handler, event.handle.path, details]) + '\n')

    def _defer(self, event: ops.EventBase) -> None:
        if os.environ.get('COMPAT_DEFER') == '1':
            event.defer()

    def _on_install(self, event: ops.InstallEvent) -> None:
        self._stored.installs += 1
        self._log('install', event, installs=self._stored.installs)
        self._defer(event)

    def _on_db_changed(self, event: ops.RelationChangedEvent) -> None:
        assert event.app is not None and event.unit is not None
        self._stored.units.append(event.unit.name)
        self._stored.seen.add(event.relation.id)
        self._log(
            'db_changed',
            event,
            relation=[event.relation.name, event.relation.id],
            app=event.app.name,
            unit=event.unit.name,
        )
        self._defer(event)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        self._stored.flags['ready'] = True
        self._log(
            'config_changed',
            event,
            installs=self._stored.installs,
            units=list(self._stored.units),
            seen=sorted(self._stored.seen),
        )


if __name__ == '__main__':
    ops.main(MyCharm)
