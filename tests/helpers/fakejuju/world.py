"""One unit's simulated Juju as a test sets it up and reads it back.

:class:`World` holds a :class:`~ops_testing._engine.juju.SimulatedJuju` that answers as Juju
itself does (``ops_testing._engine.dialect.JUJU``) and the one backend over it
(:class:`~ops_testing._engine.backend.JujuBackend`, the backend ``Context`` and ``Harness``
use), with a set-up API in Juju's terms (relations by unit names, secrets by owner, ...)
and :meth:`World.load` to read it all back as plain data. The fake hook tools
(:class:`~tests.helpers.fakejuju.FakeJuju`) answer a charm in a subprocess from a World;
the model tests hand its backend to an ``ops_core`` model directly.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ops_core.model import CloudSpec, SecretRotate
from ops_testing._charm_spec import CharmSpec
from ops_testing._consistency import parse_juju_version
from ops_testing._engine.backend import JujuBackend
from ops_testing._engine.dialect import JUJU
from ops_testing._engine.juju import SimulatedJuju
from ops_testing._engine.secrets import SecretRecord
from ops_testing._events import Action
from ops_testing._state._log import JujuLogLine
from ops_testing._state._model import Model
from ops_testing._state._network import Address, BindAddress, Network
from ops_testing._state._ports import ICMPPort, TCPPort, UDPPort
from ops_testing._state._relations import PeerRelation, Relation, RelationBase
from ops_testing._state._resources import Resource
from ops_testing._state._secrets import Secret
from ops_testing._state._state import State
from ops_testing._state._status import _EntityStatus
from ops_testing._state._storage import Storage

__all__ = ['DEFAULT_MODEL_UUID', 'Recorder', 'Records', 'World']

DEFAULT_MODEL_UUID = 'f6e5d4c3-b2a1-4098-8765-43210fedcba9'


@dataclasses.dataclass
class Records:
    """What the charm did that the simulated Juju keeps beside its state (see ``Records``)."""

    juju_log: list[JujuLogLine] = dataclasses.field(default_factory=list)
    app_status_history: list[_EntityStatus] = dataclasses.field(default_factory=list)
    unit_status_history: list[_EntityStatus] = dataclasses.field(default_factory=list)
    workload_version_history: list[str] = dataclasses.field(default_factory=list)
    removed_secret_revisions: list[int] = dataclasses.field(default_factory=list)
    requested_storages: dict[str, int] = dataclasses.field(default_factory=dict)
    action_logs: list[str] = dataclasses.field(default_factory=list)
    action_results: dict[str, Any] | None = None


def _unit_number(unit: str) -> int | None:
    number = unit.rpartition('/')[2]
    return int(number) if number.isdigit() else None


def _status(status: _EntityStatus) -> dict[str, Any]:
    return {'status': status.name, 'message': status.message, 'status-data': {}}


def _network(binding: str, data: Mapping[str, Any]) -> Network:
    """A State network from ``network-get``'s JSON."""
    bind = []
    for entry in data.get('bind-addresses') or ():
        addresses = [
            Address(
                str(a.get('value') or a.get('address') or ''),
                hostname=str(a.get('hostname') or ''),
                cidr=str(a.get('cidr') or ''),
            )
            for a in entry.get('addresses') or ()
        ]
        bind.append(
            BindAddress(
                addresses,
                interface_name=str(entry.get('interface-name') or ''),
                mac_address=entry.get('mac-address'),
            )
        )
    return Network(
        binding,
        bind,
        ingress_addresses=list(data.get('ingress-addresses') or ()),
        egress_subnets=list(data.get('egress-subnets') or ()),
    )


class World:
    """One unit's simulated Juju (Juju's own rules) and the one backend over it.

    Args:
        meta: the charm's metadata (``metadata.yaml`` as a dict); sections the set-up
            methods need (a relation's endpoint, a storage) are added as they are used.
        unit: this unit's name.
        model_name: the model's name.
        model_uuid: the model's UUID.
        juju_version: the Juju version (``4.0.0`` prints Juju 4's output shapes).
        leader: whether this unit leads at first.
        storage_root: where storage instance ``(name, index)`` is, unless
            :meth:`add_storage` said where.
    """

    def __init__(
        self,
        meta: Mapping[str, Any],
        *,
        unit: str = 'myapp/0',
        model_name: str = 'test-model',
        model_uuid: str = DEFAULT_MODEL_UUID,
        juju_version: str = '3.6.4',
        leader: bool = False,
        storage_root: Callable[[str, int], Path] | None = None,
    ) -> None:
        self._meta: dict[str, Any] = {k: v for k, v in meta.items()}
        self.spec = CharmSpec(object, self._meta)
        #: Where each storage instance is (``storage-get``), by (name, index).
        self.storage_locations: dict[tuple[str, int], Path] = {}
        self._storage_root = storage_root or (lambda name, index: Path('/srv') / f'{name}-{index}')
        self.juju = SimulatedJuju(
            self.spec,
            State(model=Model(model_name, uuid=model_uuid), leader=leader),
            Records(),
            dialect=JUJU,
            app_name=unit.split('/')[0],
            unit_id=_unit_number(unit) or 0,
            juju_version=juju_version,
            storage_root=self._storage_location,
            trusted=False,
        )
        self.juju.planned_units = None  # this unit and its peers
        #: The backend an ``ops_core`` model (or the fake hook tools) talks to.
        self.backend = JujuBackend(self.juju)

    def declare(self, section: str, name: str, value: Any) -> None:
        """Add ``name`` to a section of the charm metadata the simulation knows (if missing)."""
        entries = self._meta.setdefault(section, {})
        if name in entries:
            return
        entries[name] = value
        self.spec = CharmSpec(object, self._meta)
        self.juju.spec = self.spec

    def _storage_location(self, name: str, index: int) -> Path:
        location = self.storage_locations.get((name, index))
        return location if location is not None else self._storage_root(name, index)

    # --- identity and configuration ------------------------------------------------------

    def set_leader(self, leader: bool = True) -> None:
        """Make this unit the leader (or not)."""
        self.juju.leader = leader

    def set_config(self, config: Mapping[str, Any] | None = None, **options: Any) -> None:
        """Replace the charm config (``None`` values are unset)."""
        merged = dict(config or {})
        merged.update(options)
        self.juju.config = {k: v for k, v in merged.items() if v is not None}

    def set_juju_version(self, version: str) -> None:
        """The Juju version the fake is (``4.0.0`` prints Juju 4's output shapes)."""
        self.juju.juju_version = version
        self.juju.feature_version = parse_juju_version(version)

    def set_planned_units(self, count: int) -> None:
        """How many units of this application Juju plans (``goal-state``)."""
        self.juju.planned_units = count

    def set_status(self, status: str, message: str = '', *, app: bool = False) -> None:
        """Preset the unit (or app) status, without recording history."""
        value = _EntityStatus.from_status_name(status, message)
        if app:
            self.juju.app_status = value
        else:
            self.juju.unit_status = value

    def set_credential(self, spec: Mapping[str, Any] | None) -> None:
        """The cloud spec ``credential-get`` gives (None: the app is not trusted)."""
        self.juju.trusted = spec is not None
        self.juju.cloud_spec = CloudSpec.from_dict(spec) if spec is not None else None

    # --- relations -----------------------------------------------------------------------

    def add_relation(
        self,
        endpoint: str,
        remote_app: str,
        *,
        relation_id: int | None = None,
        units: Iterable[str] = (),
        local_app_data: Mapping[str, str] | None = None,
        local_unit_data: Mapping[str, str] | None = None,
        remote_app_data: Mapping[str, str] | None = None,
        remote_units_data: Mapping[str, Mapping[str, str]] | None = None,
        remote_model_uuid: str | None = None,
        peer: bool = False,
    ) -> int:
        """Add a relation and return its id."""
        juju = self.juju
        relations = juju.relations
        if relation_id is None:
            relation_id = max([r.id for r in relations] + [-1]) + 1
        peer = peer or remote_app == juju.app_name
        bags: dict[str, dict[str, str]] = {u: {} for u in units}
        bags.update({u: dict(d) for u, d in (remote_units_data or {}).items()})
        numbered: dict[int, dict[str, str]] = {}
        for unit, bag in bags.items():
            number = _unit_number(unit)
            if unit.rpartition('/')[0] == remote_app and number is not None:
                numbered[number] = bag
        relation: RelationBase
        if peer:
            relation = PeerRelation(
                endpoint,
                endpoint,
                id=relation_id,
                local_app_data=dict(local_app_data or {}),
                local_unit_data=dict(local_unit_data or {}),
                peers_data=numbered,
            )
        else:
            relation = Relation(
                endpoint,
                endpoint,
                id=relation_id,
                remote_app_name=remote_app,
                local_app_data=dict(local_app_data or {}),
                local_unit_data=dict(local_unit_data or {}),
                remote_app_data=dict(remote_app_data or {}),
                remote_units_data=numbered,
                remote_model_uuid=remote_model_uuid,
            )
        relations.add(relation)
        for unit, bag in bags.items():
            if _unit_number(unit) is None or unit.rpartition('/')[0] != remote_app:
                relations.add_unit(relation_id, unit, conventional=False)
                relations.write(relation_id, unit, False, bag)
        self.declare('peers' if peer else 'requires', endpoint, {'interface': endpoint})
        return relation_id

    def relation(self, relation_id: int) -> dict[str, Any]:
        """One relation as a dict: endpoint, remote app and units, and every bag."""
        juju = self.juju
        relations = juju.relations
        relation = relations.get(relation_id)
        if relation is None:
            raise KeyError(f'no relation {relation_id} in the fake Juju')
        units = relations.remote_units(relation)
        return {
            'id': relation.id,
            'endpoint': relation.endpoint,
            'remote_app': relations.remote_app(relation),
            'remote_units': units,
            'local_app_data': dict(relations.local_bag(relation, True)),
            'local_unit_data': dict(relations.local_bag(relation, False)),
            'remote_app_data': dict(getattr(relation, 'remote_app_data', {})),
            'remote_units_data': {u: dict(relations.bag(relation, u, False) or {}) for u in units},
            'remote_model_uuid': getattr(relation, 'remote_model_uuid', None),
            'peer': isinstance(relation, PeerRelation),
        }

    def update_relation_data(self, relation_id: int, member: str, data: Mapping[str, str]) -> None:
        """Change any bag of a relation (``''`` deletes a key), as the remote side would."""
        self.juju.relations.write(relation_id, member, '/' not in member, data)

    def add_relation_unit(self, relation_id: int, unit: str) -> None:
        """A remote unit joins the relation (with an empty bag)."""
        relation = self.juju.relations.get(relation_id)
        if relation is None:
            raise KeyError(f'no relation {relation_id} in the fake Juju')
        app = self.juju.relations.remote_app(relation)
        conventional = unit.rpartition('/')[0] == app and _unit_number(unit) is not None
        self.juju.relations.add_unit(relation_id, unit, conventional=conventional)

    def remove_relation_unit(self, relation_id: int, unit: str) -> None:
        """A remote unit leaves the relation (its bag goes)."""
        self.juju.relations.remove_unit(relation_id, unit)

    def depart(self, relation_id: int, unit: str) -> None:
        """A remote unit departs: no longer listed, its bag readable (as in relation-departed)."""
        relations = self.juju.relations
        relations.departing = (relation_id, unit, relations.remove_unit(relation_id, unit))

    def remove_relation(self, relation_id: int) -> None:
        """The relation is gone from Juju (after ``relation-broken``)."""
        self.juju.relations.remove(relation_id)

    # --- secrets -------------------------------------------------------------------------

    def add_secret(
        self,
        content: Mapping[str, str],
        *,
        secret_id: str | None = None,
        owner: str = 'application',
        label: str = '',
        description: str = '',
        expire: str | None = None,
        rotate: str | None = None,
        rotates: str | None = None,
        revisions: Iterable[Mapping[str, str]] = (),
        granted: bool = True,
    ) -> str:
        """Add a secret and return its URI (``secret:<id>``).

        ``owner`` is ``application`` or ``unit`` for a secret this charm owns, ``remote``
        for one it consumes (``granted=False``: not granted to it, so ``secret-get`` answers
        ``permission denied``). ``revisions`` are later revisions' contents; the latest is
        what a first ``secret-get`` sees.
        """
        juju = self.juju
        later = [dict(r) for r in revisions]
        latest = later[-1] if later else dict(content)
        count = 1 + len(later)
        kwargs: dict[str, Any] = {}
        if secret_id is not None:
            kwargs['id'] = f'secret:{secret_id}'
        mine = owner in ('application', 'unit')
        secret = Secret(
            latest if not mine else dict(content),
            latest_content=latest,
            owner=('app' if owner == 'application' else 'unit') if mine else None,
            label=label or None,
            description=description or None,
            expire=_time(expire),
            rotate=SecretRotate(rotate) if rotate else None,
            _tracked_revision=count if not mine else 1,
            _latest_revision=count,
            **kwargs,
        )
        record = SecretRecord(
            None,
            revisions=list(range(1, count + 1)),
            observers={juju.app_name} if granted and not mine else set(),
            rotates=_time(rotates),
        )
        juju.secrets.put(secret, record)
        return f'secret:{secret.id.rsplit(":", 1)[-1]}'

    def add_secret_revision(self, secret_id: str, content: Mapping[str, str]) -> None:
        """The owner of a secret adds a revision (those who track an older one keep it)."""
        secrets = self.juju.secrets
        secret = secrets.by_id(secret_id)
        if secret is None:
            raise KeyError(secret_id)
        revision = secret._latest_revision + 1
        secrets.record_for(secret).revisions.append(revision)
        secrets.replace(secret, latest_content=dict(content), _latest_revision=revision)

    def secret(self, secret_id: str) -> dict[str, Any]:
        """One secret as a dict: owner, label, description, revisions and grants."""
        secrets = self.juju.secrets
        secret = secrets.by_id(secret_id)
        if secret is None:
            raise KeyError(f'no secret {secret_id!r} in the fake Juju')
        record = secrets.record_for(secret)
        contents = {
            secret._tracked_revision: dict(secret.tracked_content),
            secret._latest_revision: dict(secret.latest_content),
        }
        owner = {'app': 'application', 'unit': 'unit'}.get(secret.owner or '', 'remote')
        return {
            'id': secret.id.rsplit(':', 1)[-1],
            'owner': owner,
            'label': secret.label or '',
            'description': secret.description or '',
            'revisions': [{'revision': n, 'content': contents.get(n)} for n in record.revisions],
            'grants': [
                {'relation': relation_id, 'to': name}
                for relation_id, names in secret.remote_grants.items()
                for name in sorted(names)
            ],
        }

    # --- storage, network, resources ------------------------------------------------------

    def add_storage(self, storage_id: str, location: str, kind: str = 'filesystem') -> None:
        """Attach a storage instance such as ``data/0`` at ``location``."""
        name, _, index = storage_id.partition('/')
        self.declare('storage', name, {'type': kind})
        self.storage_locations[name, int(index)] = Path(location)
        juju = self.juju
        juju.storages = juju.storages | {Storage(name, index=int(index))}

    def set_network(self, binding: str | None, network: Mapping[str, Any]) -> None:
        """What ``network-get`` answers for a binding (None: every binding), in Juju's JSON."""
        if binding is not None and binding not in self.spec.endpoints:
            self.declare('extra-bindings', binding, None)
        self.juju.networks[binding, None] = _network(binding or '', network)

    def set_opened_ports(self, *ports: tuple[str, int | None]) -> None:
        """The ports opened so far, as ``(protocol, port)`` (``('icmp', None)``)."""
        opened = self.juju.opened_ports
        opened.clear()
        for protocol, port in ports:
            if protocol == 'icmp':
                opened.add(ICMPPort())
                continue
            assert port is not None, f'a {protocol} port needs a number'
            opened.add((TCPPort if protocol == 'tcp' else UDPPort)(port))

    def add_resource(self, name: str, path: str) -> None:
        """Make ``resource-get name`` print this path."""
        juju = self.juju
        others = {r for r in juju.resources if r.name != name}
        juju.resources = frozenset(others | {Resource(name=name, path=path)})

    # --- actions ---------------------------------------------------------------------------

    def set_action(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        """Make an action be running (so ``action-*`` tools work) with these params."""
        juju = self.juju
        juju.action = Action(name, dict(params or {}), '1')
        juju.action_failure = None
        juju.records.action_logs.clear()
        juju.records.action_results = None

    # --- reading it all back ----------------------------------------------------------------

    def load(self) -> dict[str, Any]:
        """The world as plain data (a fresh copy): statuses, relations, secrets, ..."""
        juju = self.juju
        records = juju.records
        action = None
        if juju.action is not None:
            action = {
                'name': juju.action.name,
                'params': dict(juju.action.params),
                'results': dict(records.action_results or {}),
                'logs': list(records.action_logs),
                'failed': juju.action_failure,
            }
        return {
            'unit': juju.unit_name,
            'leader': juju.leader,
            'config': dict(juju.config),
            'unit_status': _status(juju.unit_status),
            'app_status': _status(juju.app_status),
            'relations': [self.relation(r.id) for r in juju.relations],
            'secrets': [self.secret(s.id) for s in juju.secrets],
            'action': action,
            'state_store': dict(juju.unit_state),
            'workload_version': juju.workload_version or None,
            'logs': [{'level': line.level, 'message': line.message} for line in records.juju_log],
            'reboot': {'now': juju.reboot_now} if juju.reboot_count else None,
            'storage_added': dict(records.requested_storages),
            'metrics': [{'metrics': m, 'labels': labels} for m, labels in juju.metrics],
        }

    def __getitem__(self, key: str) -> Any:
        return self.load()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """One field of :meth:`load`."""
        return self.load().get(key, default)

    def bag(self, relation_id: int, member: str) -> dict[str, str]:
        """One bag of a relation (``member`` a unit or application name), as Juju has it."""
        relations = self.juju.relations
        relation = relations.get(relation_id)
        if relation is None:
            raise KeyError(f'no relation {relation_id} in the fake Juju')
        return dict(relations.bag(relation, member, '/' not in member) or {})

    def status(self, *, app: bool = False) -> tuple[str, str]:
        """The unit's (or, with ``app``, the application's) status: (name, message)."""
        status = self.juju.app_status if app else self.juju.unit_status
        return status.name, status.message

    def juju_logs(self) -> list[tuple[str, str]]:
        """``(level, message)`` for every ``juju-log`` call so far."""
        return [(line.level, line.message) for line in self.juju.records.juju_log]


class Recorder:
    """A backend's every call noted as ``(name, args)`` (keyword values after positional)."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._backend, name)
        if name.startswith('_') or not callable(value):
            return value

        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, (*args, *kwargs.values())))
            return value(*args, **kwargs)

        return record

    def count(self, name: str) -> int:
        """How many times method ``name`` was called."""
        return sum(1 for n, _ in self.calls if n == name)


def _time(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
