"""Fixtures for the Harness tests: a charm that records every event it receives."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import ops
import pytest
from ops import testing

META = """
name: app
requires:
  db:
    interface: pgsql
  info:
    interface: juju-info
    scope: container
provides:
  website:
    interface: http
peers:
  cluster:
    interface: cluster
extra-bindings:
  admin:
containers:
  workload:
    resource: workload-image
storage:
  data:
    type: filesystem
    multiple:
      range: 0-4
  cache:
    type: filesystem
resources:
  workload-image:
    type: oci-image
  config-file:
    type: file
    filename: app.conf
"""

CONFIG = """
options:
  port:
    type: int
    default: 8080
  name:
    type: string
  debug:
    type: boolean
    default: false
  ratio:
    type: float
    default: 0.5
  password:
    type: secret
"""

ACTIONS = """
backup:
  params:
    target:
      type: string
      default: /backups
    compress:
      type: boolean
  required: [compress]
  additionalProperties: false
fail:
  params: {}
"""


class RecordingCharm(ops.CharmBase):
    """Observes every event and records ``(kind, event)`` pairs."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.seen: list[ops.EventBase] = []
        for name in self.on.events():
            framework.observe(getattr(self.on, name), self._record)

    def _record(self, event: ops.EventBase) -> None:
        self.seen.append(event)

    @property
    def kinds(self) -> list[str]:
        """The handle kinds of the events received, in order."""
        return [event.handle.kind for event in self.seen]


@pytest.fixture
def make() -> Iterator[Callable[..., testing.Harness[Any]]]:
    """Build Harnesses (of RecordingCharm with the metadata above, by default); all are
    cleaned up after the test."""
    made: list[testing.Harness[Any]] = []

    def factory(
        charm_cls: type[ops.CharmBase] = RecordingCharm, **kwargs: Any
    ) -> testing.Harness[Any]:
        if charm_cls is RecordingCharm and not kwargs:
            kwargs = {'meta': META, 'config': CONFIG, 'actions': ACTIONS}
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', PendingDeprecationWarning)
            harness = testing.Harness(charm_cls, **kwargs)
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        harness.cleanup()


@pytest.fixture
def harness(make: Callable[..., testing.Harness[Any]]) -> testing.Harness[RecordingCharm]:
    """A Harness not yet begun."""
    return make()


@pytest.fixture
def begun(harness: testing.Harness[RecordingCharm]) -> testing.Harness[RecordingCharm]:
    """A Harness whose charm has been instantiated (no events emitted yet)."""
    harness.begin()
    return harness
