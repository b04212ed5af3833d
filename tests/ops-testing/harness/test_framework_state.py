"""Stored state and deferral across the events of one Harness (one framework, one store)."""

from __future__ import annotations

from typing import Any

import ops
import pytest


class Counting(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(configs=0, ports=[])
        framework.observe(self.on.config_changed, self._on_config)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_config(self, event: ops.ConfigChangedEvent) -> None:
        self._stored.configs += 1
        self._stored.ports.append(int(self.config['port']))

    def _on_update_status(self, event: ops.UpdateStatusEvent) -> None:
        if not self._stored.configs:
            event.defer()


CONFIG = 'options:\n  port: {type: int, default: 1}\n'


def test_stored_state_persists_across_events(make: Any) -> None:
    harness = make(Counting, meta='name: c', config=CONFIG)
    harness.begin()
    harness.update_config({'port': 80})
    harness.update_config({'port': 81})
    assert harness.charm._stored.configs == 2
    assert list(harness.charm._stored.ports) == [80, 81]


def test_deferred_event_is_re_emitted_by_reemit(make: Any) -> None:
    harness = make(Counting, meta='name: c', config=CONFIG)
    harness.begin()
    harness.charm.on.update_status.emit()
    notices = list(harness.framework._storage.notices())
    assert [n[2] for n in notices] == ['_on_update_status']
    harness.update_config({'port': 2})
    harness.framework.reemit()
    assert list(harness.framework._storage.notices()) == []


def test_unstorable_values_are_refused(make: Any) -> None:
    harness = make(Counting, meta='name: c', config=CONFIG)
    harness.begin()
    with pytest.raises((ValueError, AttributeError, TypeError)):
        harness.charm._stored.bad = object()
        harness.framework.commit()
