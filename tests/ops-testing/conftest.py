"""Shared fixtures for the ops.testing (Context/State) tests."""

from __future__ import annotations

from typing import Any

import ops
import pytest


class RecordingCharm(ops.CharmBase):
    """Observes every event on ``self.on`` and records the event objects it receives."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.seen: list[ops.EventBase] = []
        for name in self.on.events():
            framework.observe(getattr(self.on, name), self._record)

    def _record(self, event: ops.EventBase) -> None:
        self.seen.append(event)


META: dict[str, Any] = {
    'name': 'app',
    'requires': {
        'db': {'interface': 'pgsql'},
        'my-ingress': {'interface': 'ingress', 'limit': 1},
        'juju-host': {'interface': 'juju-info', 'scope': 'container'},
    },
    'provides': {'website': {'interface': 'http'}},
    'peers': {'peers': {'interface': 'app-peers'}},
    'containers': {'workload': {'resource': 'image'}, 'side-car': {}},
    'storage': {'data': {'type': 'filesystem', 'multiple': {'range': '0-3'}}},
    'resources': {'image': {'type': 'oci-image'}, 'blob': {'type': 'file', 'filename': 'x'}},
    'extra-bindings': {'metrics': None},
}
ACTIONS: dict[str, Any] = {
    'do-thing': {
        'params': {
            'name': {'type': 'string'},
            'count': {'type': 'integer', 'default': 1},
            'force': {'type': 'boolean'},
            'ratio': {'type': 'number'},
            'items': {'type': 'array'},
            'opts': {'type': 'object'},
        }
    },
    'simple': {},
}
CONFIG: dict[str, Any] = {
    'options': {
        'name': {'type': 'string', 'default': 'hello'},
        'port': {'type': 'int', 'default': 8080},
        'ratio': {'type': 'float'},
        'debug': {'type': 'boolean', 'default': False},
        'password': {'type': 'secret'},
    }
}


@pytest.fixture
def ctx() -> ops.testing.Context[RecordingCharm]:
    """A Context for the recording charm with rich metadata."""
    return ops.testing.Context(RecordingCharm, meta=META, actions=ACTIONS, config=CONFIG)
