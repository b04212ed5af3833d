"""The in-memory Juju of the Harness: the Context's backend, over a State that changes.

:class:`HarnessBackend` is :class:`~ops_testing._backend.StateBackend` (the one in-memory
Juju of the repository) kept alive for the whole life of a Harness. Scalar facts
(leadership, config, planned units, the model, attached storage, resources) live in a real
:class:`~ops_testing.State` that the Harness replaces as the test changes them; relations and
secrets live in the backend's own working dicts (one entry per relation or secret), so adding
the 400th relation costs what adding the first did.

Only what the Harness sees differently from a Context is overridden here: networks per
relation, secrets owned by other applications or by the user, the pod spec, reboots and the
cloud spec.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ops_core.model import CloudSpec as OpsCloudSpec
from ops_core.model import (
    ModelError,
    RelationNotFoundError,
    SecretInfo,
    SecretNotFoundError,
    SecretRotate,
)

from ._backend import StateBackend
from ._events import Action, Event
from ._state import State
from ._state_misc import Model
from ._state_network import Network
from ._state_relations import PeerRelation, RelationBase
from ._state_secrets import Secret
from ._state_status import _EntityStatus

if TYPE_CHECKING:
    from ._charm_spec import CharmSpec
    from ._context import Context

__all__ = ['HarnessBackend', 'SecretRecord']

_NO_EVENT = Event('')

# Juju stores an action's own output under these result keys.
_RESERVED_ACTION_KEYS = frozenset({'stdout', 'stdout-encoding', 'stderr', 'stderr-encoding'})


@dataclasses.dataclass
class SecretRecord:
    """What the Harness knows about a secret beyond what the charm sees.

    Attributes:
        owner_name: the owning application or unit for a secret added with
            ``add_model_secret``; ``None`` for a user secret or one the charm owns.
        user: whether it is a user secret (``add_user_secret``).
        revisions: the revisions that exist, oldest first.
        observers: the applications and units of this model granted access (Harness side).
    """

    owner_name: str | None
    user: bool = False
    revisions: list[int] = dataclasses.field(default_factory=lambda: [1])
    observers: set[str] = dataclasses.field(default_factory=set)


class HarnessBackend(StateBackend):
    """The Context's in-memory backend, living across every event of one Harness."""

    def __init__(
        self, ctx: Context[Any], spec: CharmSpec, *, app_name: str, unit_name: str
    ) -> None:
        config = {
            name: option['default']
            for name, option in spec.config_options.items()
            if isinstance(option, dict) and option.get('default') is not None
        }
        super().__init__(ctx, State(model=Model('harness-model')), _NO_EVENT, spec)
        # Changed on every update_config/set_leader: plain attributes, not State fields.
        self.config: dict[str, Any] = config
        self.leader = False
        self._app_name = app_name
        self._unit_name = unit_name
        # The Harness runs against a development Juju: every feature is available.
        self._version = (99,)
        self._model_name: str | None = None
        self._relations_by_endpoint: dict[str, dict[int, None]] = {}
        # Remote units whose name does not follow '<remote app>/<n>': name -> bag, per relation.
        self.odd_units: dict[int, dict[str, dict[str, str]]] = {}
        # The bag of a unit departing in the relation-departed event being emitted.
        self.departing: tuple[int, str, dict[str, str]] | None = None
        self.networks: dict[tuple[str | None, int | None], Network] = {}
        self.secret_records: dict[str, SecretRecord] = {}
        self.planned: int | None = None
        self.pod_spec: tuple[Mapping[str, Any], Mapping[str, Any] | None] | None = None
        self.reboot_count = 0
        self.cloud_spec: OpsCloudSpec | None = None
        self.unit_status = _EntityStatus.from_status_name('maintenance', '')
        # The name of the event being handled, as the Harness's model knows it.
        self.hook_name: Callable[[], str] = str
        # Builds the in-memory Pebble client of a container (set by the Harness).
        self.pebble_client: Callable[[str], Any] | None = None

    def _state_port(self, protocol: str, port: int | None) -> Any:
        # What Juju's open-port/close-port say, rather than the State's validation error.
        if protocol in ('tcp', 'udp') and (port is None or not 1 <= port <= 65535):
            raise ModelError(
                f'ERROR invalid port {port!r}: protocol {protocol!r} needs a port from 1 to 65535'
            )
        return super()._state_port(protocol, port)

    def get_pebble(self, socket_path: str) -> Any:
        """The in-memory Pebble client of the container whose socket path is given.

        Args:
            socket_path: ``/charm/containers/<name>/pebble.socket``, as the charm's model
                would ask for.

        Raises:
            ValueError: the path is not a container's Pebble socket.
            KeyError: the metadata declares no container of that name.
        """
        prefix, suffix = '/charm/containers/', '/pebble.socket'
        name = socket_path[len(prefix) : -len(suffix)]
        if (
            not socket_path.startswith(prefix)
            or not socket_path.endswith(suffix)
            or not name
            or '/' in name
        ):
            raise ValueError(
                f"{socket_path!r} is not a container's Pebble socket; use "
                "'/charm/containers/<name>/pebble.socket'"
            )
        if self.pebble_client is None:
            raise RuntimeError('this backend is not attached to a Harness')
        return self.pebble_client(name)

    @property
    def _hook_is_running(self) -> str:
        # The name ops 3.9's backends use: charm tests read it to know whether they are
        # inside an event.
        return self.hook_name()

    # ---- the State the Harness changes -----------------------------------------------------

    @property
    def state(self) -> State:
        """The current State of what changes rarely (the model, storage, resources)."""
        return self._state

    def replace_state(self, **changes: Any) -> None:
        """Change fields of the State (``dataclasses.replace``)."""
        self._state = dataclasses.replace(self._state, **changes)

    def set_event(self, event: Event | None) -> None:
        """The event whose hook tools (``action-get`` ...) the backend answers, if any."""
        self._event = event if event is not None else _NO_EVENT

    # ---- identity ---------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        """The model name set with ``Harness.set_model_name`` (``None`` until then)."""
        return self._model_name  # type: ignore[return-value]  # ops 3.9 gives None here

    @model_name.setter
    def model_name(self, name: str | None) -> None:
        # Charms' tests assign ``harness._backend.model_name`` (an attribute in ops 3.9).
        self._model_name = name

    def set_model_name(self, name: str | None) -> None:
        """Set what :attr:`model_name` reports."""
        self._model_name = name

    @property
    def model_uuid(self) -> str:
        """The model UUID (the State's, unless set with ``Harness.set_model_uuid``)."""
        return self.state.model.uuid

    @model_uuid.setter
    def model_uuid(self, uuid: str) -> None:
        # Charms' tests assign ``harness._backend.model_uuid`` (an attribute in ops 3.9).
        self.set_model_uuid(uuid)

    def set_model_uuid(self, uuid: str) -> None:
        """Set what :attr:`model_uuid` reports."""
        model = self.state.model
        self.replace_state(
            model=Model(model.name, uuid=uuid, type=model.type, cloud_spec=model.cloud_spec)
        )

    # ---- leadership, config, planned units -----------------------------------------------------

    def is_leader(self) -> bool:
        """Whether ``Harness.set_leader`` made this unit the leader."""
        return self.leader

    def config_get(self) -> dict[str, Any]:
        """The config as the Harness holds it (defaults plus ``update_config`` values)."""
        return dict(self.config)

    def planned_units(self) -> int:
        """``set_planned_units`` value, else the number of peer units plus this one."""
        if self.planned is not None:
            return self.planned
        peers = {name for name, (role, _) in self._spec.endpoints.items() if role == 'peers'}
        units: set[int] = set()
        for endpoint in peers:
            for rel_id in self._relations_by_endpoint.get(endpoint, {}):
                units.update(self._relations[rel_id]._remote_unit_ids)
        return len(units) + 1

    # ---- relations --------------------------------------------------------------------------

    def add_relation_record(self, relation: RelationBase) -> None:
        """Start tracking a relation."""
        self._relations[relation.id] = relation
        self._relations_by_endpoint.setdefault(relation.endpoint, {})[relation.id] = None

    def remove_relation_record(self, relation_id: int) -> None:
        """Forget a relation and its local bags."""
        relation = self._relations.pop(relation_id)
        self._relations_by_endpoint.get(relation.endpoint, {}).pop(relation_id, None)
        self._local_bags.pop((relation_id, True), None)
        self._local_bags.pop((relation_id, False), None)
        self.odd_units.pop(relation_id, None)

    def relation_record(self, relation_id: int) -> RelationBase:
        """The tracked relation ``relation_id``.

        Raises:
            RelationNotFoundError: no such relation.
        """
        relation = self._relations.get(relation_id)
        if relation is None:
            raise RelationNotFoundError(f'relation {relation_id} has not been added')
        return relation

    def relation_records(self) -> list[RelationBase]:
        """Every tracked relation, in the order they were added."""
        return list(self._relations.values())

    def local_bag(self, relation: RelationBase, is_app: bool) -> dict[str, str]:
        """This unit's (or app's) bag of a relation, as the charm reads and writes it."""
        return self._local_bag(relation, is_app)

    def relation_ids(self, relation_name: str) -> list[int]:
        """The ids of the relations on ``relation_name`` (indexed: constant cost per call)."""
        return list(self._relations_by_endpoint.get(relation_name, ()))

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        """The remote units of a relation, including any with unconventional names."""
        names = super().relation_list(relation_name, relation_id)
        names.extend(self.odd_units.get(relation_id, ()))
        return names

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        """One bag of a relation; a departing unit's bag stays readable while it departs."""
        departing = self.departing
        if departing is not None and departing[:2] == (relation_id, member_name):
            return dict(departing[2])
        odd = self.odd_units.get(relation_id, {})
        if not is_app and member_name in odd:
            self._relation(relation_name, relation_id)
            return dict(odd[member_name])
        return super().relation_get(relation_name, relation_id, member_name, is_app)

    def relation_set(
        self,
        relation_name: str,
        relation_id: int,
        data: Mapping[str, str],
        is_app: bool,
        *,
        member_name: str | None = None,
    ) -> None:
        """Write a bag. Test code (outside handlers) may also write the remote side's bags.

        The model names the member whose bag it writes when it is not this unit or app
        (only a test writing through the model outside handlers can, as ops 3.9 allows).
        """
        if member_name is not None and member_name not in (self._unit_name, self._app_name):
            relation = self._relation(relation_name, relation_id)
            bag = self._remote_bag(relation, member_name, is_app)
            for key, value in data.items():
                if value == '':
                    bag.pop(key, None)
                else:
                    bag[key] = value
            return
        super().relation_set(relation_name, relation_id, data, is_app)

    def _remote_bag(self, relation: RelationBase, member: str, is_app: bool) -> dict[str, str]:
        if is_app:
            return relation.remote_app_data  # type: ignore[attr-defined,no-any-return]
        odd = self.odd_units.get(relation.id, {})
        if member in odd:
            return odd[member]
        number = int(member.rpartition('/')[2])
        if isinstance(relation, PeerRelation):
            return relation.peers_data[number]  # type: ignore[return-value]
        return relation.remote_units_data[number]  # type: ignore[attr-defined,no-any-return]

    # ---- networks -----------------------------------------------------------------------------

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        """The network added for the relation, the endpoint, or as the default."""
        spec = self._spec
        if binding_name not in spec.endpoints and binding_name not in spec.extra_bindings:
            if binding_name != 'juju-info':
                raise RelationNotFoundError(f'ERROR binding {binding_name!r} not found')
        for key in ((binding_name, relation_id), (binding_name, None), (None, None)):
            network = self.networks.get(key)
            if network is not None:
                return network._to_juju()
        raise RelationNotFoundError(
            f'no network for binding {binding_name!r}; add one with Harness.add_network()'
        )

    # ---- resources, pods, reboot, cloud spec -----------------------------------------------------

    def resource_get(self, name: str) -> str:
        """The path of a resource added with ``add_resource``/``add_oci_resource``."""
        for resource in self._state.resources:
            if resource.name == name:
                return str(resource.path)
        # Juju's text (which charm tests match), then how to add the resource.
        unit = self._unit_name.replace('/', '-')
        raise ModelError(
            'ERROR could not download resource: HTTP request failed: Get '
            f'https://.../units/unit-{unit}/resources/{name}: '
            f'resource#{self._app_name}/{name} not found (add it with Harness.add_resource() '
            'or Harness.add_oci_resource())'
        )

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        """Record the pod spec for ``Harness.get_pod_spec``."""
        self.pod_spec = (spec, k8s_resources)

    def reboot(self, now: bool) -> None:
        """Count the reboot request (``Harness.reboot_count``)."""
        self.reboot_count += 1

    def credential_get(self) -> OpsCloudSpec:
        """The cloud spec set with ``Harness.set_cloud_spec``."""
        if self.cloud_spec is None:
            raise ModelError(
                'ERROR cloud spec is empty, set it with `Harness.set_cloud_spec()` first'
            )
        return self.cloud_spec

    def action_set(self, results: Mapping[str, Any]) -> None:
        """As the Context's, but refusing the keys Juju keeps for itself (as ops 3.9's Harness).

        Raises:
            ModelError: a top-level key is one Juju reserves for the action's own output.
        """
        for key in results:
            if key in _RESERVED_ACTION_KEYS:
                raise ModelError(f'ERROR cannot set reserved action key "{key}"')
        super().action_set(results)

    # ---- secrets -------------------------------------------------------------------------------

    def _check_manage(self, secret: Secret, *, change: bool = False) -> None:
        # A unit manages its own secrets; the leader also manages the application's. As
        # in ops 3.9's Harness, reading the info or granting is refused with
        # SecretNotFoundError, changing or removing with RuntimeError.
        if secret.owner is None or (secret.owner == 'app' and not self.leader):
            message = f'You must own secret {secret.id!r} to perform this operation'
            if change:
                raise RuntimeError(message)
            raise SecretNotFoundError(message)

    def _check_tracked(self, secret: Secret) -> None:
        # The revision this unit tracks was removed (by its owner): the secret is gone for it.
        record = self.secret_records.get(secret.id)
        if record is not None and secret._tracked_revision not in record.revisions:
            raise SecretNotFoundError(f'Secret {secret.id!r} tracked revision was removed')

    def check_access(self, secret: Secret) -> None:
        """Refuse to show a secret this unit does not own and was not granted.

        Raises:
            SecretNotFoundError: not owned, not granted (or no relation to its owner).
        """
        if secret.owner is not None:
            return
        record = self.secret_records.get(secret.id)
        if record is None:
            return
        if record.owner_name is not None:
            owner_app = record.owner_name.split('/')[0]
            related = any(
                r._remote_app_name_for(self._app_name) == owner_app
                for r in self._relations.values()
            )
            if not related:
                raise SecretNotFoundError(
                    f'Secret {secret.id!r} does not have relation to {owner_app!r}'
                )
        if self._app_name not in record.observers and self._unit_name not in record.observers:
            raise SecretNotFoundError(
                f'Secret {secret.id!r} not granted access to {self._app_name!r} or '
                f'{self._unit_name!r}'
            )

    def find_secret(self, secret_id: str) -> Secret:
        """The secret ``secret_id`` (any id form).

        Raises:
            RuntimeError: no such secret.
        """
        for secret in self._secrets.values():
            if secret._matches_id(secret_id):
                return secret
        raise RuntimeError(f'Secret {secret_id!r} not found; add it first')

    def put_secret(self, secret: Secret, record: SecretRecord | None = None) -> None:
        """Store (or replace) a secret and, if given, its Harness record."""
        self._secrets[secret.id] = secret
        self._index_secret(secret.id, secret)  # keep lookups by id and label current
        if record is not None:
            self.secret_records[secret.id] = record

    def drop_secret(self, secret_id: str) -> None:
        """Forget a secret."""
        if self._secrets.pop(secret_id, None) is not None:
            self._secret_ids = None  # the lookup index is rebuilt on the next lookup
        self.secret_records.pop(secret_id, None)

    def all_secrets(self) -> list[Secret]:
        """Every secret the Harness knows."""
        return list(self._secrets.values())

    def record_for(self, secret: Secret) -> SecretRecord:
        """The Harness record of a secret (created for charm-owned secrets on first use)."""
        record = self.secret_records.get(secret.id)
        if record is None:
            record = self.secret_records[secret.id] = SecretRecord(
                None, revisions=list(range(1, secret._latest_revision + 1))
            )
        return record

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        """As the Context's, after checking this unit may see the secret."""
        secret = self._find_secret(id, label)
        self.check_access(secret)
        if not (peek or refresh):
            self._check_tracked(secret)
        return super().secret_get(id=id, label=label, refresh=refresh, peek=peek)

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        """As the Context's, but the revision is the one this unit tracks (as in ops 3.9)."""
        info = super().secret_info_get(id=id, label=label)
        secret = self._find_secret(info.id, None)
        self._check_tracked(secret)
        info.revision = secret._tracked_revision
        return info

    def secret_add(
        self,
        content: dict[str, str],
        *,
        label: str | None,
        description: str | None,
        expire: datetime.datetime | None,
        rotate: SecretRotate | None,
        owner: str,
    ) -> str:
        """Add a charm-owned secret (revision 1)."""
        new_id = super().secret_add(
            content,
            label=label,
            description=description,
            expire=expire,
            rotate=rotate,
            owner=owner,
        )
        self.secret_records[new_id] = SecretRecord(None)
        return new_id

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
        """A new revision of a charm-owned secret."""
        self._check_manage(self._find_secret(id, None), change=True)
        super().secret_set(
            id, content=content, label=label, description=description, expire=expire, rotate=rotate
        )
        secret = self._find_secret(id, None)
        record = self.record_for(secret)
        if secret._latest_revision not in record.revisions:
            record.revisions.append(secret._latest_revision)

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """As the Context's; only the secret's manager may revoke."""
        self._check_manage(self._find_secret(id, None), change=True)
        super().secret_revoke(id, relation_id, unit=unit)

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        """Remove a charm-owned secret, or one of its revisions."""
        secret = self._find_secret(id, None)
        self._check_manage(secret, change=True)
        if revision is None:
            self.drop_secret(secret.id)
            return
        record = self.record_for(secret)
        if revision in record.revisions:
            record.revisions.remove(revision)
        self._ctx.removed_secret_revisions.append(revision)
        if not record.revisions:
            self.drop_secret(secret.id)  # no revision left: the secret is gone


def action_event(name: str, params: Mapping[str, Any], action_id: str) -> Event:
    """The event object the backend's ``action-*`` tools answer from during ``run_action``."""
    return Event(f'{name.replace("-", "_")}_action', action=Action(name, dict(params), action_id))
