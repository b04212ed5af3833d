"""In-process charm tests over the simulated Juju (``ops_testing``'s one backend, Juju's rules)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import ops
import pytest
import yaml
from ops_core._framework._framework import Framework
from ops_core._model._model import Model
from ops_core._persistence._sqlite import SQLiteStorage

from tests.helpers.fakejuju.world import Recorder, World

META = """
name: myapp
requires:
  db: {interface: pgsql}
  my-cache: {interface: redis}
storage:
  data: {type: filesystem, multiple: {range: 1-3}}
containers:
  work-load: {}
"""
ACTIONS = """
do-backup:
  params: {target-dir: {type: string}, count: {type: integer}}
"""
CONFIG = """
options:
  log-level: {type: string, default: info}
  port: {type: int, default: 80}
  creds: {type: secret}
"""


class CharmJuju(World):
    """The simulated Juju of ``myapp/0``, its backend's calls recorded in ``recorder``."""

    def __init__(self) -> None:
        super().__init__(yaml.safe_load(META))
        self.recorder = Recorder(self.backend)


class Env:
    """A framework and model over a :class:`CharmJuju` and an in-memory state store."""

    def __init__(self, meta: ops.CharmMeta, juju: CharmJuju) -> None:
        self.meta = meta
        self.backend = juju.recorder
        self.storage = SQLiteStorage(':memory:')
        self.frameworks: list[Framework] = []

    def framework(self, event_name: str | None = None) -> Framework:
        model = Model(self.meta, self.backend)  # type: ignore[arg-type]
        fw = Framework(self.storage, '.', self.meta, model, event_name=event_name)
        self.frameworks.append(fw)
        return fw

    def charm(self, cls: Callable[[Framework], ops.CharmBase]) -> ops.CharmBase:
        return cls(self.framework())


@pytest.fixture
def juju() -> CharmJuju:
    return CharmJuju()


@pytest.fixture
def env(juju: CharmJuju) -> Iterator[Env]:
    meta = ops.CharmMeta.from_yaml(META, ACTIONS, CONFIG)
    yield Env(meta, juju)
