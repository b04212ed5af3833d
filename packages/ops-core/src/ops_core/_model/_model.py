"""The model as this unit sees it: `Model`, `Application`, `Unit`, `Resources`, `Pod`."""

from __future__ import annotations

import datetime
import functools
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from .._exports import publish
from ._errors import InvalidStatusError, ModelError
from ._status import StatusBase

if TYPE_CHECKING:
    from pathlib import Path

    from ops_pebble import Client

    from .._container import Container, ContainerMapping
    from ._backend import Backend
    from ._cloud import CloudSpec
    from ._config import ConfigData
    from ._jujuversion import JujuVersion
    from ._network import Binding, BindingMapping
    from ._ports import Port
    from ._relation import Relation, RelationMapping
    from ._secret import Secret
    from ._secret_types import SecretRotate
    from ._storage import StorageMapping

__all__ = [
    'Application',
    'Model',
    'Pod',
    'RemoteModel',
    'Resources',
    'Unit',
    'UnitOrApplicationType',
]

PebbleClientFactory = Callable[[str], 'Client']
"""Makes the Pebble client of a container, given the container's name."""

_LEADER_CACHE_SECONDS = 30.0


class _ModelCache:
    """Per-dispatch state shared by every model object: one object per unit/app name,
    the leadership cache, and whether event handlers are running (for access checks)."""

    def __init__(
        self,
        meta: Any,
        backend: Backend,
        pebble_client_factory: PebbleClientFactory | None = None,
    ):
        self.meta = meta
        self.backend = backend
        self.pebble_client_factory = pebble_client_factory
        self.units: dict[str, Unit] = {}
        self.apps: dict[str, Application] = {}
        self.relations: dict[tuple[str, int], Relation] = {}
        self._leader: bool | None = None
        self._leader_checked_at = 0.0
        # Relation-data access rules apply only while this is non-empty (the name of the
        # event being handled); the framework sets it through Model._event_context.
        self.hook_is_running = ''

    def get_unit(self, name: str) -> Unit:
        """The one :class:`Unit` object for ``name``, made on first use."""
        unit = self.units.get(name)
        if unit is None:
            unit = self.units[name] = Unit(name, self.meta, self.backend, self)
        return unit

    def get_app(self, name: str) -> Application:
        """The one :class:`Application` object for ``name``, made on first use."""
        app = self.apps.get(name)
        if app is None:
            app = self.apps[name] = Application(name, self.meta, self.backend, self)
        return app

    def forget_leadership(self) -> None:
        """Ask Juju again whether this unit leads, the next time it matters."""
        self._leader = None

    def is_leader(self) -> bool:
        """Whether this unit leads, asking Juju again once the cached answer is stale."""
        now = time.monotonic()
        if self._leader is None or now - self._leader_checked_at > _LEADER_CACHE_SECONDS:
            self._leader = self.backend.is_leader()
            self._leader_checked_at = now
        return self._leader


class _EventContext:
    """While entered, the model's cache names ``event_name`` as the event being handled."""

    __slots__ = ('_cache', '_event_name', '_previous')

    def __init__(self, cache: _ModelCache, event_name: str) -> None:
        self._cache = cache
        self._event_name = event_name
        self._previous = ''

    def __enter__(self) -> None:
        self._previous = self._cache.hook_is_running
        self._cache.hook_is_running = self._event_name

    def __exit__(self, *exc_info: object) -> None:
        self._cache.hook_is_running = self._previous


def _add_secret(
    backend: Backend,
    owner: Literal['application', 'unit'],
    content: dict[str, str],
    label: str | None,
    description: str | None,
    expire: datetime.datetime | datetime.timedelta | None,
    rotate: SecretRotate | None,
) -> Secret:
    # Imported here, not at start-up; as ``import ... as``, which costs a fraction of
    # ``from ... import`` (that also looks for a ``__path__`` the module doesn't have).
    import ops_core._model._secret as _secret
    import ops_core._model._secret_types as _secret_types

    _secret.validate_secret_content(content)
    if rotate is not None and not isinstance(rotate, _secret_types.SecretRotate):
        raise TypeError(f'rotate must be a SecretRotate or None, not {type(rotate).__name__}')
    new_id = backend.secret_add(
        dict(content),
        label=label,
        description=description,
        expire=_secret.expire_datetime(expire),
        rotate=rotate,
        owner=owner,
    )
    return _secret.Secret(
        backend,
        id=_secret_types.canonical_secret_id(new_id, backend.model_uuid),
        label=label,
        content=dict(content),
    )


class Application:
    """An application in the model: this unit's own, or one it is related to.

    Get one from :attr:`Model.app`, :meth:`Model.get_app`, :attr:`Unit.app` or
    :attr:`Relation.app`; the model returns the same object for the same name.
    """

    def __init__(self, name: str, meta: Any, backend: Backend, cache: _ModelCache):
        self.name: str = name
        """The application's name as deployed (``'mysql'``), not necessarily the charm's."""
        self._backend = backend
        self._cache = cache
        self._is_our_app = name == backend.app_name
        self._status: StatusBase | None = None

    def _ensure_our_app(self, action: str) -> None:
        if not self._is_our_app:
            raise RuntimeError(f'cannot {action} for a remote application {self}')

    @property
    def status(self) -> StatusBase:
        """The application's status; only the leader of this application may read or set it.

        Reading another application's status gives :class:`UnknownStatus`.

        Raises:
            RuntimeError: reading or setting as a non-leader, or setting another app's.
            InvalidStatusError: setting something that is not a settable status.
        """
        if not self._is_our_app:
            return StatusBase.from_name('unknown', '')
        if self._status is not None:
            return self._status
        if not self._cache.is_leader():
            from ._security import log_security_event

            log_security_event(
                self._backend,
                'CRITICAL',
                'authz_fail:status-get',
                'Non-leader unit attempted to read application status.',
            )
            raise RuntimeError('cannot get application status as a non-leader unit')
        name, message = self._backend.status_get(is_app=True)
        self._status = StatusBase.from_name(name, message)
        return self._status

    @status.setter
    def status(self, value: StatusBase) -> None:
        if not isinstance(value, StatusBase):
            raise InvalidStatusError(
                f'invalid value provided for application {self} status: {value!r} '
                '(use a StatusBase subclass such as ActiveStatus(...))'
            )
        self._ensure_our_app('set status')
        if not self._cache.is_leader():
            from ._security import log_security_event

            log_security_event(
                self._backend,
                'CRITICAL',
                'authz_fail:status-set',
                'Non-leader unit attempted to set application status.',
            )
            raise RuntimeError('cannot set application status as a non-leader unit')
        value._settable_check()
        self._backend.status_set(value.name, value.message, is_app=True)
        self._status = value

    def planned_units(self) -> int:
        """How many units Juju plans for this application (including pending ones).

        Raises:
            RuntimeError: if this is not this unit's own application.
        """
        if not self._is_our_app:
            raise RuntimeError(f'cannot get planned units for a remote application {self}.')
        return self._backend.planned_units()

    def add_secret(
        self,
        content: dict[str, str],
        *,
        label: str | None = None,
        description: str | None = None,
        expire: datetime.datetime | datetime.timedelta | None = None,
        rotate: SecretRotate | None = None,
    ) -> Secret:
        """Create a secret owned by this application (only the leader may).

        Args:
            content: The payload, e.g. ``{'password': 'foo123'}``: a non-empty dict whose
                keys are lowercase letters, digits and hyphens (at least 3 characters,
                starting with a letter) and whose values are strings.
            label: A label this application can later find the secret by.
            description: What the secret is for.
            expire: When (or how long from now) the secret expires; ``None`` for never.
            rotate: How often Juju should ask for rotation; ``None`` for never.

        Raises:
            ValueError: bad keys or empty content. TypeError: non-str values.
            RuntimeError: if this is not this unit's own application.
            ModelError: if Juju refuses (for example, this unit is not the leader).
        """
        self._ensure_our_app('add a secret')
        return _add_secret(
            self._backend, 'application', content, label, description, expire, rotate
        )

    def __repr__(self) -> str:
        return f'<ops.model.{type(self).__name__} {self.name}>'


class Unit:
    """A unit in the model: this one, a peer, or a unit of a related application.

    Get one from :attr:`Model.unit`, :meth:`Model.get_unit` or :attr:`Relation.units`; the
    model returns the same object for the same name.
    """

    def __init__(self, name: str, meta: Any, backend: Backend, cache: _ModelCache):
        self.name: str = name
        """The unit's name, for example ``'mysql/0'``."""
        app_name = name.split('/')[0]
        get_app = getattr(cache, 'get_app', None)
        if get_app is None:
            # Charms' tests build units as ops 3.9 allowed, Unit(name, None, backend, {}):
            # its cache lookup, cache.get(Application, name), gives the name on a plain dict.
            get_app = functools.partial(cache.get, Application)  # type: ignore[attr-defined]
        self.app: Application = get_app(app_name)
        """The application this unit belongs to."""
        self._backend = backend
        self._cache = cache
        self._meta = meta
        self._is_our_unit = name == backend.unit_name
        self._status: StatusBase | None = None
        self._containers: ContainerMapping | None = None

    def _ensure_our_unit(self, action: str) -> None:
        if not self._is_our_unit:
            raise RuntimeError(f'cannot {action} for a remote unit {self}')

    @property
    def status(self) -> StatusBase:
        """This unit's status. Other units' statuses read as :class:`UnknownStatus`.

        Raises:
            RuntimeError: setting the status of another unit.
            InvalidStatusError: setting something that is not a settable status.
        """
        if not self._is_our_unit:
            return StatusBase.from_name('unknown', '')
        if self._status is None:
            name, message = self._backend.status_get(is_app=False)
            self._status = StatusBase.from_name(name, message)
        return self._status

    @status.setter
    def status(self, value: StatusBase) -> None:
        if not isinstance(value, StatusBase):
            raise InvalidStatusError(
                f'invalid value provided for unit {self} status: {value!r} '
                '(use a StatusBase subclass such as ActiveStatus(...))'
            )
        self._ensure_our_unit('set status')
        value._settable_check()
        self._backend.status_set(value.name, value.message, is_app=False)
        self._status = value

    def is_leader(self) -> bool:
        """Whether this unit is its application's leader (re-checked at most every 30 s).

        Raises:
            RuntimeError: if called on another unit (leadership of others is not visible).
        """
        if not self._is_our_unit:
            raise RuntimeError(
                f'leadership status of remote units ({self}) is not visible to other applications'
            )
        return self._cache.is_leader()

    def set_workload_version(self, version: str) -> None:
        """Record the workload's version, shown by ``juju status`` (informative only).

        Raises:
            TypeError: if ``version`` is not a str.
            RuntimeError: if called on another unit.
        """
        if not isinstance(version, str):
            raise TypeError(
                f'workload version must be a str, not {type(version).__name__}: {version!r}'
            )
        self._ensure_our_unit('set the workload version')
        self._backend.application_version_set(version)

    @property
    def containers(self) -> Mapping[str, Container]:
        """This unit's workload containers, by name (from the charm metadata).

        Raises:
            RuntimeError: if called on another unit.
        """
        self._ensure_our_unit('get container')
        if self._containers is None:
            import ops_core._container as _container  # as in _add_secret

            names = list(getattr(self._meta, 'containers', None) or ())
            self._containers = _container.ContainerMapping(
                names, self._backend, pebble_client_factory=self._cache.pebble_client_factory
            )
        return self._containers

    def get_container(self, container_name: str) -> Container:
        """The workload container called ``container_name``.

        Raises:
            ModelError: if the charm metadata declares no such container.
            RuntimeError: if called on another unit.
        """
        try:
            return self.containers[container_name]
        except KeyError:
            known = ', '.join(repr(n) for n in self.containers) or 'none'
            raise ModelError(
                f'container {container_name!r} not found (containers in metadata: {known})'
            ) from None

    def add_secret(
        self,
        content: dict[str, str],
        *,
        label: str | None = None,
        description: str | None = None,
        expire: datetime.datetime | datetime.timedelta | None = None,
        rotate: SecretRotate | None = None,
    ) -> Secret:
        """Create a secret owned by this unit; see :meth:`Application.add_secret`.

        Raises:
            RuntimeError: if called on another unit.
        """
        self._ensure_our_unit('add a secret')
        return _add_secret(self._backend, 'unit', content, label, description, expire, rotate)

    def open_port(self, protocol: Literal['tcp', 'udp', 'icmp'], port: int | None = None) -> None:
        """Ask Juju to open a port for this unit (takes effect when the hook succeeds).

        The port is reachable from outside only once the application is exposed.

        Args:
            protocol: ``'tcp'``, ``'udp'`` or ``'icmp'`` (any case).
            port: Required for TCP and UDP; must be ``None`` for ICMP.

        Raises:
            ModelError: if Juju rejects the protocol or port.
            RuntimeError: if called on another unit.
        """
        self._ensure_our_unit('open a port')
        self._backend.open_port(protocol.lower(), port)

    def close_port(self, protocol: Literal['tcp', 'udp', 'icmp'], port: int | None = None) -> None:
        """Ask Juju to close a port of this unit; arguments as for :meth:`open_port`."""
        self._ensure_our_unit('close a port')
        self._backend.close_port(protocol.lower(), port)

    def opened_ports(self) -> set[Port]:
        """The ports this unit has open (changes made in this hook are not included)."""
        self._ensure_our_unit('get opened ports')
        return self._backend.opened_ports()

    def set_ports(self, *ports: int | Port) -> None:
        """Make exactly ``ports`` open: close the others, open the missing ones.

        Args:
            ports: Port numbers (meaning TCP) or :class:`Port` objects.

        Raises:
            TypeError: if an argument is neither an int nor a Port.
        """
        import ops_core._model._ports as _ports  # as in _add_secret

        self._ensure_our_unit('set ports')
        desired: set[Port] = set()
        for p in ports:
            if isinstance(p, _ports.Port):
                desired.add(p)
            elif isinstance(p, int) and not isinstance(p, bool):
                desired.add(_ports.Port('tcp', p))
            else:
                raise TypeError(
                    f'set_ports takes port numbers (TCP) or Port objects, not {p!r}; '
                    "use e.g. 8080 or Port('udp', 53)"
                )
        existing = self._backend.opened_ports()
        for p in sorted(existing - desired, key=_port_sort_key):
            self._backend.close_port(p.protocol, p.port)
        for p in sorted(desired - existing, key=_port_sort_key):
            self._backend.open_port(p.protocol, p.port)

    def reboot(self, now: bool = False) -> None:
        """Reboot the machine this unit runs on (machine charms only).

        Args:
            now: Reboot immediately, killing this process (this method does not return);
                otherwise Juju reboots once the hook completes.

        Raises:
            RuntimeError: if called on another unit.
            ModelError: if Juju refuses (for example inside an action).
        """
        self._ensure_our_unit('reboot')
        from ._security import log_security_event

        log_security_event(
            self._backend,
            'WARN',
            f'sys_restart:{self._backend.unit_name}',
            f'Rebooting unit {self.name!r} in model {self._backend.model_name!r}',
        )
        self._backend.reboot(now)
        if now:
            sys.exit()

    def __repr__(self) -> str:
        return f'<ops.model.{type(self).__name__} {self.name}>'


def _port_sort_key(p: Port) -> tuple[str, int]:
    return (p.protocol, p.port or 0)


UnitOrApplicationType = type[Unit] | type[Application]
"""The type of a relation data bag's owner class: :class:`Unit` or :class:`Application`."""


class Resources:
    """The charm's resources (from metadata), fetched on demand with :meth:`fetch`."""

    def __init__(self, names: Iterable[str], backend: Backend):
        self._backend = backend
        self._paths: dict[str, Path | None] = dict.fromkeys(names)

    def fetch(self, name: str) -> Path:
        """Download resource ``name`` if needed and return where it is on disk.

        Raises:
            NameError: if the charm metadata declares no such resource.
            ModelError: if Juju cannot provide it (e.g. it was never uploaded).
        """
        if name not in self._paths:
            raise NameError(f'invalid resource name: {name}')
        path = self._paths[name]
        if path is None:
            import pathlib  # not at import: a hook that fetches nothing needs no pathlib

            path = self._paths[name] = pathlib.Path(self._backend.resource_get(name))
        return path

    def _forget(self, name: str) -> None:
        """Forget where resource ``name`` was fetched to, so that it is fetched again."""
        self._paths[name] = None


class Pod:
    """The Kubernetes pod spec of a legacy podspec charm."""

    def __init__(self, backend: Backend):
        self._backend = backend

    def set_spec(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None = None
    ) -> None:
        """Set the pod spec (and extra Kubernetes resources); leader only.

        Raises:
            ModelError: if this unit is not the leader, or Juju refuses the spec.
        """
        if not self._backend.is_leader():
            raise ModelError('cannot set a pod spec as this unit is not a leader')
        self._backend.pod_spec_set(spec, k8s_resources)


class RemoteModel:
    """The model on the other side of a (possibly cross-model) relation.

    Attributes:
        uuid: That model's uuid.
    """

    def __init__(self, uuid: str):
        self.uuid: str = uuid

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RemoteModel):
            return NotImplemented
        return self.uuid == other.uuid

    def __hash__(self) -> int:
        return hash(self.uuid)

    def __repr__(self) -> str:
        return f'RemoteModel(uuid={self.uuid!r})'


class Model:
    """The Juju model as this unit sees it; reach it as ``self.model`` in a charm.

    Args:
        meta: The charm's metadata (``CharmMeta``).
        backend: How to talk to Juju (see :class:`ops_core._model._backend.Backend`).
        broken_relation_id: In a ``relation-broken`` hook, the broken relation's id: it is
            left out of :attr:`relations`, but :meth:`get_relation` still returns it.
        remote_unit_name: In ``relation-departed``/``-broken`` hooks, the departing remote
            unit: its data bag stays readable on relations with its application.
        pebble_client_factory: Makes a container's Pebble client from its name; by default
            ``ops_pebble.Client`` on ``/charm/containers/<name>/pebble.socket``, created only
            when first used.
    """

    def __init__(
        self,
        meta: Any,
        backend: Backend,
        broken_relation_id: int | None = None,
        remote_unit_name: str | None = None,
        *,
        pebble_client_factory: PebbleClientFactory | None = None,
    ):
        self._backend = backend
        self._meta = meta
        self._cache = _ModelCache(meta, backend, pebble_client_factory)
        self._unit = self._cache.get_unit(backend.unit_name)
        self._broken_relation_id = broken_relation_id
        self._remote_unit = self._cache.get_unit(remote_unit_name) if remote_unit_name else None
        self._resources = Resources(list(getattr(meta, 'resources', {}) or ()), backend)
        self._pod = Pod(backend)

    # The collections are built on first use: a hook that never looks at relations,
    # config, storage or bindings does not even import their modules.

    @functools.cached_property
    def _relations(self) -> RelationMapping:
        from ._relation import RelationMapping

        return RelationMapping(
            getattr(self._meta, 'relations', {}),
            self._unit,
            self._backend,
            self._cache,
            self._broken_relation_id,
            _remote_unit=self._remote_unit,
        )

    @functools.cached_property
    def _config(self) -> ConfigData:
        import ops_core._model._config as _config  # as in _add_secret

        return _config.ConfigData(self._backend)

    @functools.cached_property
    def _storages(self) -> StorageMapping:
        from ._storage import StorageMapping

        return StorageMapping(list(getattr(self._meta, 'storages', {}) or ()), self._backend)

    @functools.cached_property
    def _bindings(self) -> BindingMapping:
        from ._network import BindingMapping

        return BindingMapping(self._backend)

    # -- identity ------------------------------------------------------------

    @property
    def unit(self) -> Unit:
        """This unit (the one running the charm)."""
        return self._unit

    @property
    def app(self) -> Application:
        """This unit's application."""
        return self._unit.app

    @property
    def name(self) -> str:
        """The model's name."""
        return self._backend.model_name

    @property
    def uuid(self) -> str:
        """The model's uuid."""
        return self._backend.model_uuid

    @property
    def juju_version(self) -> JujuVersion:
        """The version of the Juju agent running this charm."""
        from ._jujuversion import JujuVersion

        return JujuVersion(self._backend.juju_version)

    # -- collections ---------------------------------------------------------

    @property
    def relations(self) -> RelationMapping:
        """Every endpoint name mapped to its live :class:`Relation` objects."""
        return self._relations

    @property
    def config(self) -> ConfigData:
        """The application's config (read-only), fetched once on first use."""
        return self._config

    @property
    def resources(self) -> Resources:
        """The charm's resources: ``model.resources.fetch(name)`` gives a path."""
        return self._resources

    @property
    def storages(self) -> StorageMapping:
        """Every storage name in the metadata mapped to its attached instances."""
        return self._storages

    @property
    def pod(self) -> Pod:
        """The pod spec of a legacy podspec charm: ``model.pod.set_spec(...)``."""
        return self._pod

    # -- lookups -------------------------------------------------------------

    def get_unit(self, unit_name: str) -> Unit:
        """The :class:`Unit` called ``unit_name`` (the same object every time)."""
        return self._cache.get_unit(unit_name)

    def get_app(self, app_name: str) -> Application:
        """The :class:`Application` called ``app_name`` (the same object every time)."""
        return self._cache.get_app(app_name)

    def get_relation(self, relation_name: str, relation_id: int | None = None) -> Relation | None:
        """One relation on endpoint ``relation_name``.

        Args:
            relation_name: The endpoint name from the metadata.
            relation_id: Which relation; without it the endpoint's only relation is
                returned, or ``None`` if it has none.

        Raises:
            KeyError: if the metadata has no such endpoint.
            TooManyRelatedAppsError: without ``relation_id``, if there are several.
            ModelError: if ``relation_id`` is not an int.
        """
        return self._relations._get_unique(relation_name, relation_id)

    def get_binding(self, binding_key: str | Relation) -> Binding | None:
        """The network binding of an endpoint name or of a specific relation.

        Raises:
            ModelError: if ``binding_key`` is neither a str nor a Relation.
        """
        return self._bindings.get(binding_key)

    def get_secret(self, *, id: str | None = None, label: str | None = None) -> Secret:
        """The secret with this id and/or label, with its current content fetched.

        With both, the secret is looked up by id and this unit's label for it is set.

        Raises:
            TypeError: if neither ``id`` nor ``label`` is given.
            SecretNotFoundError: if no such secret is visible to this unit.
        """
        import ops_core._model._secret as _secret  # as in _add_secret
        import ops_core._model._secret_types as _secret_types

        if not (id or label):
            raise TypeError('Must provide an id or label, or both')
        if id is not None:
            id = _secret_types.canonical_secret_id(id, self._backend.model_uuid)
        content = self._backend.secret_get(id=id, label=label, refresh=False, peek=False)
        return _secret.Secret(self._backend, id=id, label=label, content=content)

    def get_cloud_spec(self) -> CloudSpec:
        """The cloud this model runs on and its credential (needs ``juju trust``).

        Raises:
            ModelError: if the application is not trusted.
        """
        return self._backend.credential_get()

    # -- framework support ---------------------------------------------------

    @property
    def _hook_is_running(self) -> str:
        """Name of the event being handled ('' when none): relation access rules apply then."""
        return self._cache.hook_is_running

    @_hook_is_running.setter
    def _hook_is_running(self, value: str) -> None:
        self._cache.hook_is_running = value

    def _event_context(self, event_name: str) -> _EventContext:
        """Mark ``event_name`` as being handled for the duration of the ``with`` block."""
        return _EventContext(self._cache, event_name)


publish(__name__)
