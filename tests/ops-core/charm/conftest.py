"""An in-memory Backend for in-process charm tests (the model's seam to Juju)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ops
import pytest
from ops_core._framework._framework import Framework
from ops_core._model._model import Model
from ops_core._persistence._sqlite import SQLiteStorage


class FakeBackend:
    """Just enough of ``ops_core._model._backend.Backend`` for charm and event tests."""

    def __init__(self) -> None:
        self.unit_name = 'myapp/0'
        self.app_name = 'myapp'
        self.model_name = 'm'
        self.model_uuid = 'f6e5d4c3-b2a1-4098-8765-43210fedcba9'
        self.juju_version = '3.6.4'
        self.leader = False
        self.config: dict[str, Any] = {}
        self.relations: dict[int, tuple[str, str, list[str]]] = {}
        self.relation_data: dict[tuple[int, str], dict[str, str]] = {}
        self.statuses: dict[bool, tuple[str, str]] = {}
        self.action_params: dict[str, Any] = {}
        self.action_results: dict[str, Any] = {}
        self.action_logs: list[str] = []
        self.action_failed: str | None = None
        self.logs: list[tuple[str, str]] = []
        self.storages: dict[str, dict[int, str]] = {}
        self.metrics: list[tuple[Mapping[str, Any], Mapping[str, str] | None]] = []
        self.calls: list[str] = []

    def is_leader(self) -> bool:
        self.calls.append('is_leader')
        return self.leader

    def config_get(self) -> dict[str, Any]:
        return dict(self.config)

    def relation_ids(self, relation_name: str) -> list[int]:
        return [rid for rid, (name, _, _) in self.relations.items() if name == relation_name]

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        return list(self.relations[relation_id][2])

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        rel = self.relations.get(relation_id)
        return rel[1] if rel else None

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        return dict(self.relation_data.get((relation_id, member_name), {}))

    def relation_set(
        self, relation_name: str, relation_id: int, data: Mapping[str, str], is_app: bool
    ) -> None:
        member = self.app_name if is_app else self.unit_name
        self.relation_data.setdefault((relation_id, member), {}).update(data)

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        return self.statuses.get(is_app, ('unknown', ''))

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        self.calls.append('status_set')
        self.statuses[is_app] = (status, message)

    def action_get(self) -> dict[str, Any]:
        self.calls.append('action_get')
        return dict(self.action_params)

    def action_set(self, results: Mapping[str, Any]) -> None:
        self.action_results.update(results)

    def action_log(self, message: str) -> None:
        self.action_logs.append(message)

    def action_fail(self, message: str) -> None:
        self.action_failed = message

    def juju_log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    def storage_list(self, name: str) -> list[int]:
        return sorted(self.storages.get(name, {}))

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        name, index = storage_name_id.split('/')
        return self.storages[name][int(index)]

    def add_metrics(self, metrics: Mapping[str, Any], labels: Mapping[str, str] | None) -> None:
        self.metrics.append((metrics, labels))


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


class Env:
    """A framework and model over a :class:`FakeBackend` and an in-memory state store."""

    def __init__(self, meta: ops.CharmMeta, backend: FakeBackend) -> None:
        self.meta = meta
        self.backend = backend
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
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def env(backend: FakeBackend) -> Iterator[Env]:
    meta = ops.CharmMeta.from_yaml(META, ACTIONS, CONFIG)
    yield Env(meta, backend)
