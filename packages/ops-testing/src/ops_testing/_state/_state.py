"""``State``: the whole Juju and workload state a charm sees during one event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import members_of, set_field
from ._containers import Container
from ._framework import DeferredEvent, StoredState
from ._model import Model
from ._network import Network
from ._ports import Port, port_from_ops
from ._relations import PeerRelation, Relation, RelationBase, SubordinateRelation
from ._resources import Resource
from ._secrets import Secret
from ._serialise import DictMixin
from ._status import UnknownStatus, _EntityStatus, status_from_any
from ._storage import Storage, storage_from_ops

if TYPE_CHECKING:
    from .._context import Context

__all__ = ['State']


def _members(field: str, values: Iterable[Any] | None, kind: type) -> frozenset[Any]:
    return frozenset(members_of(f'State.{field}', values, kind))


def _storage(value: Any) -> Any:
    # An ops.Storage (name and index) stands for the State Storage it equals.
    if isinstance(value, (Storage, str)) or not hasattr(value, 'index'):
        return value
    return storage_from_ops(value)


@record(frozen=True)
class State(DictMixin):
    """Everything the charm can see of Juju and its workloads, before or after an event.

    ``State`` is immutable: ``Context.run`` returns a new ``State`` and never changes the one
    it was given. Use :func:`dataclasses.replace` to derive a changed copy. Iterables given
    for the collection fields are stored as frozensets.

    Attributes:
        config: the charm config values set by the user (defaults come from the metadata).
        relations: the relations the unit is in.
        networks: explicit network bindings (others get a default network).
        containers: the workload containers.
        storages: the attached storage instances.
        opened_ports: the ports the charm has opened.
        leader: whether this unit is the leader.
        model: the model the charm runs in.
        secrets: the secrets the charm owns or can see.
        resources: the charm resources.
        planned_units: the number of units Juju plans for the application.
        deferred: events deferred in earlier runs.
        stored_states: the content of the charm's ``ops.StoredState`` attributes.
        app_status: the application status.
        unit_status: the unit status.
        workload_version: the workload version the charm set.
    """

    config: Mapping[str, str | int | float | bool] = field(
        default=None,  # type: ignore[arg-type]
        kw_only=True,
    )
    relations: Iterable[RelationBase] = field(default_factory=frozenset, kw_only=True)
    networks: Iterable[Network] = field(default_factory=frozenset, kw_only=True)
    containers: Iterable[Container] = field(default_factory=frozenset, kw_only=True)
    storages: Iterable[Storage] = field(default_factory=frozenset, kw_only=True)
    opened_ports: Iterable[Port] = field(default_factory=frozenset, kw_only=True)
    leader: bool = field(default=False, kw_only=True)
    model: Model = field(default=None, kw_only=True)  # type: ignore[assignment]
    secrets: Iterable[Secret] = field(default_factory=frozenset, kw_only=True)
    resources: Iterable[Resource] = field(default_factory=frozenset, kw_only=True)
    planned_units: int = field(default=1, kw_only=True)
    deferred: Sequence[DeferredEvent] = field(default_factory=list, kw_only=True)
    stored_states: Iterable[StoredState] = field(default_factory=frozenset, kw_only=True)
    app_status: _EntityStatus = field(
        default=None,
        kw_only=True,  # type: ignore[assignment]
    )
    unit_status: _EntityStatus = field(
        default=None,
        kw_only=True,  # type: ignore[assignment]
    )
    workload_version: str = field(default='', kw_only=True)

    def __post_init__(self) -> None:
        # Every collection is checked for what it holds here, so that a wrong value is a
        # StateValidationError naming the field, not an AttributeError deep inside a run.
        if self.config is not None and not isinstance(self.config, Mapping):
            raise StateValidationError(
                f'State.config must be a mapping of option names to values, not a '
                f'{type(self.config).__name__}'
            )
        set_field(self, 'config', dict(self.config or {}))
        set_field(self, 'relations', _members('relations', self.relations, RelationBase))
        set_field(self, 'networks', _members('networks', self.networks, Network))
        set_field(self, 'containers', _members('containers', self.containers, Container))
        storages = members_of('State.storages', self.storages, object)
        set_field(
            self,
            'storages',
            _members('storages', [_storage(s) for s in storages], Storage),
        )
        set_field(
            self, 'opened_ports', frozenset(port_from_ops(p) for p in self.opened_ports or ())
        )
        set_field(self, 'secrets', _members('secrets', self.secrets, Secret))
        set_field(self, 'resources', _members('resources', self.resources, Resource))
        set_field(self, 'deferred', members_of('State.deferred', self.deferred, DeferredEvent))
        set_field(
            self, 'stored_states', _members('stored_states', self.stored_states, StoredState)
        )
        if self.model is None:
            set_field(self, 'model', Model())
        elif not isinstance(self.model, Model):
            raise StateValidationError(
                f'State.model must be a Model, not a {type(self.model).__name__}'
            )
        for name in ('app_status', 'unit_status'):
            value = getattr(self, name)
            set_field(
                self, name, UnknownStatus() if value is None else status_from_any(name, value)
            )

    # Lookups -----------------------------------------------------------------------------

    def get_container(self, container: str | Container, /) -> Container:
        """The container with the given name.

        Raises:
            KeyError: the state has no such container.
        """
        name = container.name if isinstance(container, Container) else container
        for candidate in self.containers:
            if candidate.name == name:
                return candidate
        raise KeyError(f'container {name!r} not found in the State')

    def get_network(self, binding_name: str, /) -> Network:
        """The network of the given binding.

        Raises:
            KeyError: the state has no network for that binding.
        """
        for network in self.networks:
            if network.binding_name == binding_name:
                return network
        raise KeyError(f'network for binding {binding_name!r} not found in the State')

    def get_secret(self, *, id: str | None = None, label: str | None = None) -> Secret:
        """The secret with the given id and/or label (when both are given, both must match).

        Raises:
            ValueError: neither ``id`` nor ``label`` was given.
            KeyError: no secret matches.
        """
        if id is None and label is None:
            raise ValueError('State.get_secret needs an id or a label (or both)')
        for secret in self.secrets:
            if id is not None and not secret._matches_id(id):
                continue
            if label is not None and secret.label != label:
                continue
            return secret
        raise KeyError(f'secret not found in the State (id={id!r}, label={label!r})')

    def get_stored_state(
        self, stored_state: str, /, *, owner_path: str | None = None
    ) -> StoredState:
        """The stored state with the given attribute name and owner path.

        Raises:
            ValueError: no stored state matches.
        """
        for candidate in self.stored_states:
            if candidate.name == stored_state and candidate.owner_path == owner_path:
                return candidate
        raise ValueError(
            f'stored state {stored_state!r} with owner_path={owner_path!r} not found in the State'
        )

    def get_storage(self, storage: str, /, *, index: int | None = 0) -> Storage:
        """The storage instance with the given name and index.

        Raises:
            ValueError: no storage matches.
        """
        for candidate in self.storages:
            if candidate.name == storage and candidate.index == index:
                return candidate
        raise ValueError(f'storage {storage!r} with index {index} not found in the State')

    def get_relation(self, relation: int | RelationBase, /) -> RelationBase:
        """The relation with the given id (or the id of the given relation object).

        Raises:
            KeyError: the state has no relation with that id.
            ValueError: a relation object was given and the state's relation with the same id
                is of another type or endpoint.
        """
        rel_id = relation.id if isinstance(relation, RelationBase) else relation
        for candidate in self.relations:
            if candidate.id == rel_id:
                if isinstance(relation, RelationBase) and (
                    type(candidate) is not type(relation)
                    or candidate.endpoint != relation.endpoint
                ):
                    raise ValueError(
                        f'State.get_relation({type(relation).__name__}(...)): relation {rel_id} '
                        f'in the State is a {type(candidate).__name__} with endpoint '
                        f'{candidate.endpoint!r}, not a {type(relation).__name__} with endpoint '
                        f'{relation.endpoint!r}'
                    )
                return candidate
        raise KeyError(f'relation with id {rel_id} not found in the State')

    def get_relations(self, endpoint: str) -> tuple[RelationBase, ...]:
        """Every relation on the given endpoint (possibly none)."""
        return tuple(r for r in self.relations if r.endpoint == endpoint)

    # Construction from the charm's metadata ---------------------------------------------

    @classmethod
    def from_context(
        cls,
        ctx: Context[Any],
        *,
        config: Mapping[str, str | int | float | bool] | None = None,
        relations: Iterable[RelationBase] | None = None,
        containers: Iterable[Container] | None = None,
        storages: Iterable[Storage] | None = None,
        stored_states: Iterable[StoredState] | None = None,
        **kwargs: Any,
    ) -> State:
        """A State with everything the charm's metadata declares, filled with defaults.

        Every config option with a default gets it (explicit ``config`` values win); every
        relation endpoint, container and storage declared in the metadata that is not in the
        given collections gets a default instance; every ``ops.StoredState`` attribute of the
        charm class gets an empty :class:`StoredState`.

        Args:
            ctx: the Context whose charm and metadata to use.
            config: config values overriding the defaults.
            relations: relations to use instead of the defaults for their endpoints.
            containers: containers to use instead of the defaults.
            storages: storages to use instead of the defaults.
            stored_states: stored states to use instead of the defaults.
            kwargs: any other State field.
        """
        spec = ctx._spec
        full_config: dict[str, Any] = {
            name: option['default']
            for name, option in spec.config_options.items()
            if isinstance(option, dict) and 'default' in option
        }
        full_config.update(config or {})

        rels = list(relations or ())
        have_endpoints = {r.endpoint for r in rels}
        for endpoint, (role, rel_meta) in spec.endpoints.items():
            if endpoint in have_endpoints:
                continue
            interface = rel_meta.get('interface')
            if role == 'peers':
                rels.append(PeerRelation(endpoint, interface))
            elif rel_meta.get('scope') == 'container':
                rels.append(SubordinateRelation(endpoint, interface))
            else:
                rels.append(Relation(endpoint, interface))

        conts = list(containers or ())
        have_containers = {c.name for c in conts}
        for name in spec.containers:
            if name not in have_containers:
                conts.append(Container(name, can_connect=True))

        stores = list(storages or ())
        have_storages = {s.name for s in stores}
        for name in spec.storages:
            if name not in have_storages:
                stores.append(Storage(name))

        stored = list(stored_states or ())
        have_stored = {(s.owner_path, s.name) for s in stored}
        owner = ctx._charm_handle_kind()
        for attr in ctx._stored_state_attributes():
            if (owner, attr) not in have_stored:
                stored.append(StoredState(attr, owner_path=owner))

        return cls(
            config=full_config,
            relations=rels,
            containers=conts,
            storages=stores,
            stored_states=stored,
            **kwargs,
        )


publish(__name__)
