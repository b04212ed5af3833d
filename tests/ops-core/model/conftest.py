"""Fixtures for the model tests: charm metadata, a small in-memory Backend, the fake Juju."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from ops_core._model._backend import Backend, ConfigValue, SecretOwner
from ops_core.charm import CharmMeta
from ops_core.model import (
    CloudSpec,
    Model,
    ModelError,
    Port,
    RelationNotFoundError,
    SecretInfo,
    SecretNotFoundError,
    SecretRotate,
)

from tests.helpers.fakejuju.fixtures import fake_juju  # noqa: F401

META = """
name: myapp
requires:
  db: {interface: pg}
  cache: {interface: redis}
provides:
  website: {interface: http}
peers:
  peer: {interface: cluster}
storage:
  data: {type: filesystem, multiple: {range: 1-3}}
  logs: {type: filesystem}
containers:
  work: {resource: img}
resources:
  img: {type: oci-image}
  blob: {type: file, filename: blob.bin}
"""


@pytest.fixture
def meta() -> CharmMeta:
    return CharmMeta.from_yaml(META)


class MemoryBackend:
    """A plain in-memory Juju for fast model tests; every call is counted in ``calls``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.unit_name = 'myapp/0'
        self.app_name = 'myapp'
        self.model_name = 'm'
        self.model_uuid = 'uuid-1'
        self.juju_version = '3.6.4'
        self.leader = False
        self.config: dict[str, ConfigValue] = {}
        # relation id -> (endpoint, remote app, units, {member: bag}, {member: is_app})
        self.relations: dict[int, dict[str, Any]] = {}
        self.unit_status = ('unknown', '')
        self.app_status = ('unknown', '')
        self.ports: set[Port] = set()
        self.storage: dict[str, list[int]] = {}
        self.secrets: dict[str, dict[str, Any]] = {}
        self.logs: list[tuple[str, str]] = []

    def _log(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def count(self, name: str) -> int:
        return sum(1 for n, _ in self.calls if n == name)

    def add_relation(
        self,
        rel_id: int,
        endpoint: str,
        remote_app: str,
        units: list[str],
        data: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.relations[rel_id] = {
            'endpoint': endpoint,
            'app': remote_app,
            'units': units,
            'data': {k: dict(v) for k, v in (data or {}).items()},
        }

    def _rel(self, name: str, rel_id: int) -> dict[str, Any]:
        rel = self.relations.get(rel_id)
        if rel is None or rel['endpoint'] != name:
            raise RelationNotFoundError(f'ERROR relation {name}:{rel_id} not found')
        return rel

    def is_leader(self) -> bool:
        self._log('is_leader')
        return self.leader

    def config_get(self) -> dict[str, ConfigValue]:
        self._log('config_get')
        return dict(self.config)

    def relation_ids(self, relation_name: str) -> list[int]:
        self._log('relation_ids', relation_name)
        return [i for i, r in self.relations.items() if r['endpoint'] == relation_name]

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        self._log('relation_list', relation_name, relation_id)
        return list(self._rel(relation_name, relation_id)['units'])

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        self._log('relation_remote_app_name', relation_name, relation_id)
        rel = self.relations.get(relation_id)
        return None if rel is None else str(rel['app'])

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        self._log('relation_get', relation_name, relation_id, member_name, is_app)
        return dict(self._rel(relation_name, relation_id)['data'].get(member_name, {}))

    def relation_set(
        self, relation_name: str, relation_id: int, data: Mapping[str, str], is_app: bool
    ) -> None:
        self._log('relation_set', relation_name, relation_id, dict(data), is_app)
        if is_app and not self.leader:
            raise ModelError('ERROR cannot write relation settings\n')
        member = self.app_name if is_app else self.unit_name
        bag = self._rel(relation_name, relation_id)['data'].setdefault(member, {})
        for k, v in data.items():
            if v == '':
                bag.pop(k, None)
            else:
                bag[k] = v

    def relation_model_get(self, relation_name: str, relation_id: int) -> str:
        self._log('relation_model_get', relation_name, relation_id)
        self._rel(relation_name, relation_id)
        return 'remote-uuid'

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        self._log('status_get', is_app)
        return self.app_status if is_app else self.unit_status

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        self._log('status_set', status, message, is_app)
        if is_app:
            self.app_status = (status, message)
        else:
            self.unit_status = (status, message)

    def application_version_set(self, version: str) -> None:
        self._log('application_version_set', version)

    def storage_list(self, name: str) -> list[int]:
        self._log('storage_list', name)
        return list(self.storage.get(name, []))

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        self._log('storage_get', storage_name_id, attribute)
        return f'/srv/{storage_name_id.replace("/", "-")}'

    def storage_add(self, name: str, count: int) -> None:
        self._log('storage_add', name, count)

    def action_get(self) -> dict[str, Any]:
        self._log('action_get')
        return {}

    def action_set(self, results: Mapping[str, Any]) -> None:
        self._log('action_set', dict(results))

    def action_log(self, message: str) -> None:
        self._log('action_log', message)

    def action_fail(self, message: str) -> None:
        self._log('action_fail', message)

    def juju_log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        self._log('network_get', binding_name, relation_id)
        if relation_id is not None and relation_id not in self.relations:
            raise RelationNotFoundError()
        return {
            'bind-addresses': [
                {
                    'interface-name': 'eth0',
                    'addresses': [{'value': '10.0.0.5', 'cidr': '10.0.0.0/24'}],
                }
            ],
            'ingress-addresses': ['10.0.0.5'],
            'egress-subnets': ['10.0.0.5/32'],
        }

    def resource_get(self, name: str) -> str:
        self._log('resource_get', name)
        return f'/var/lib/juju/resources/{name}'

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        self._log('pod_spec_set', spec, k8s_resources)

    def opened_ports(self) -> set[Port]:
        self._log('opened_ports')
        return set(self.ports)

    def open_port(self, protocol: str, port: int | None) -> None:
        self._log('open_port', protocol, port)
        self.ports.add(Port(protocol, port))  # type: ignore[arg-type]

    def close_port(self, protocol: str, port: int | None) -> None:
        self._log('close_port', protocol, port)
        self.ports.discard(Port(protocol, port))  # type: ignore[arg-type]

    def _secret(self, id: str | None, label: str | None) -> dict[str, Any]:
        def bare(secret_id: str) -> str:
            return secret_id.rsplit('/', 1)[-1].rsplit(':', 1)[-1]

        for sec in self.secrets.values():
            if (id is not None and bare(sec['id']) == bare(id)) or (
                id is None and sec['label'] == label
            ):
                return sec
        raise SecretNotFoundError(f'secret {id or label!r} not found')

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        self._log('secret_get', id, label, refresh, peek)
        sec = self._secret(id, label)
        if id is not None and label is not None:
            sec['label'] = label
        return dict(sec['revisions'][-1] if (refresh or peek) else sec['revisions'][0])

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        self._log('secret_info_get', id, label)
        sec = self._secret(id, label)
        return SecretInfo(
            sec['id'], sec['label'], len(sec['revisions']), None, None, None, model_uuid='uuid-1'
        )

    def secret_set(
        self,
        id: str,
        *,
        content: dict[str, str] | None,
        label: str | None,
        description: str | None,
        expire: datetime.datetime | None,
        rotate: SecretRotate | None,
    ) -> None:
        self._log('secret_set', id, content, label, description, expire, rotate)
        sec = self._secret(id, None)
        if content:
            sec['revisions'].append(dict(content))
        if label:
            sec['label'] = label

    def secret_add(
        self,
        content: dict[str, str],
        *,
        label: str | None,
        description: str | None,
        expire: datetime.datetime | None,
        rotate: SecretRotate | None,
        owner: SecretOwner,
    ) -> str:
        self._log('secret_add', owner, label, description, expire, rotate)
        new_id = f'secret:s{len(self.secrets)}'
        self.secrets[new_id] = {'id': new_id, 'label': label, 'revisions': [dict(content)]}
        return new_id

    def secret_grant(self, id: str, relation_id: int, *, unit: str | None) -> None:
        self._log('secret_grant', id, relation_id, unit)

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        self._log('secret_revoke', id, relation_id, unit)

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        self._log('secret_remove', id, revision)

    def secret_ids(self) -> list[str]:
        self._log('secret_ids')
        return list(self.secrets)

    def planned_units(self) -> int:
        self._log('planned_units')
        return 3

    def reboot(self, now: bool) -> None:
        self._log('reboot', now)

    def credential_get(self) -> CloudSpec:
        self._log('credential_get')
        return CloudSpec(type='lxd', name='localhost')

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None
    ) -> None:
        self._log('add_metrics', metrics, labels)


def _conforms(backend: MemoryBackend) -> Backend:
    return backend  # mypy: the test backend implements the protocol


@pytest.fixture
def mem() -> MemoryBackend:
    return MemoryBackend()


@pytest.fixture
def make_model(meta: CharmMeta, mem: MemoryBackend) -> Callable[..., Model]:
    def make(**kwargs: Any) -> Model:
        return Model(meta, mem, **kwargs)

    return make
