"""The simulated Juju: everything Juju knows about one unit, and how a test changes it.

:class:`SimulatedJuju` holds the world one charm unit lives in (leadership, config,
relations and their bags, secrets, statuses, ports, storage, resources, networks, the
running action, ...). The charm reaches it only through the one ``Backend`` over it
(:class:`~ops_testing._engine.backend.JujuBackend`), which applies Juju's rules; a test
changes it through the methods and attributes here (write any bag, add a secret owned by
another application, attach storage, ...).

The same simulation serves every front-end: ``Context.run`` loads a State into a fresh
one, dispatches, and reads the changes back (:meth:`SimulatedJuju.output_changes`); a
``Harness`` keeps one for its whole life; the hook tools of this repository's own tests
(a charm dispatched in a real subprocess) are answered from one by a server in the test
process. Loading costs in proportion to what is then touched: the State's values are
held, not copied, until something changes.
"""

from __future__ import annotations

import pathlib
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ops_core.model import CloudSpec as OpsCloudSpec

from .._consistency import parse_juju_version
from .._state._log import JujuLogLine
from .._state._network import Network
from .._state._ports import Port
from .._state._resources import Resource
from .._state._status import _EntityStatus
from .._state._storage import Storage
from .dialect import Dialect
from .relations import Relations
from .secrets import Secrets

if TYPE_CHECKING:
    from .._charm_spec import CharmSpec
    from .._events import Action
    from .._state._state import State

__all__ = ['Records', 'SimulatedJuju']


class Records(Protocol):
    """Where the simulation records what the charm did that the State does not hold.

    ``Context`` is one (its ``juju_log``, ``unit_status_history``, ...); each list or dict
    here is appended to or updated in place.
    """

    juju_log: list[JujuLogLine]
    app_status_history: list[_EntityStatus]
    unit_status_history: list[_EntityStatus]
    workload_version_history: list[str]
    removed_secret_revisions: list[int]
    requested_storages: dict[str, int]
    action_logs: list[str]
    action_results: dict[str, Any] | None


class SimulatedJuju:
    """The Juju one unit of the charm under test sees, loaded from a State.

    Args:
        spec: the charm's metadata.
        state: what Juju knows at the start (the State is never changed).
        records: where the charm's logs, status history, action output, ... go.
        dialect: the front-end's answers where ops 3.9's two fakes disagreed.
        app_name: this unit's application.
        unit_id: this unit's number.
        juju_version: the version the charm is told (``JUJU_VERSION``).
        feature_version: the version whose features the simulation has; by default
            ``juju_version``'s (a Harness has every feature, whatever version it reports).
        storage_root: where storage instance ``(name, index)`` is mounted on the host.
        trusted: whether the application is trusted (``juju trust``), which
            ``credential-get`` needs.
    """

    def __init__(
        self,
        spec: CharmSpec,
        state: State,
        records: Records,
        *,
        dialect: Dialect,
        app_name: str,
        unit_id: int,
        juju_version: str,
        feature_version: tuple[int, ...] | None = None,
        storage_root: Callable[[str, int], pathlib.Path],
        trusted: bool,
    ) -> None:
        self.spec = spec
        self.state = state
        self.records = records
        self.dialect = dialect
        self.app_name = app_name
        self.unit_name = f'{app_name}/{unit_id}'
        self.juju_version = juju_version
        self.feature_version = (
            feature_version if feature_version is not None else parse_juju_version(juju_version)
        )
        self.storage_root = storage_root
        self.trusted = trusted
        model = state.model
        #: The model's name; ``None`` for a Harness until the test names it (as in ops 3.9).
        self.model_name: str | None = model.name
        self.model_uuid: str = model.uuid
        self.leader: bool = state.leader
        #: The number of units Juju plans; ``None``: the peer units plus this one.
        self.planned_units: int | None = state.planned_units
        self.unit_status: _EntityStatus = state.unit_status
        self.app_status: _EntityStatus = state.app_status
        self.workload_version: str = state.workload_version
        self.storages: frozenset[Storage] = typing.cast('frozenset[Storage]', state.storages)
        self.resources: frozenset[Resource] = typing.cast('frozenset[Resource]', state.resources)
        self.relations = Relations(app_name, self.unit_name, state.relations)
        self.secrets = Secrets(state.secrets)
        #: The action running now, if any (``action-get`` and friends answer from it).
        self.action: Action | None = None
        #: The message of ``action-fail``, once the running action failed.
        self.action_failure: str | None = None
        #: The pod spec and Kubernetes resources set (``pod-spec-set``), if any.
        self.pod_spec: tuple[Mapping[str, Any], Mapping[str, Any] | None] | None = None
        #: How many times the charm asked for a reboot, and whether the last one was ``now``.
        self.reboot_count = 0
        self.reboot_now = False
        #: The metrics added (``add-metric``), as (metrics, labels) per call.
        self.metrics: list[tuple[dict[str, int | float], dict[str, str] | None]] = []
        #: Juju's key-value store of the unit (``state-get``/``state-set``: ops' JujuStorage).
        self.unit_state: dict[str, str] = {}
        #: Port ranges and endpoint limits of opened ports (``open-port 8000-8010/tcp
        #: --endpoints db``), by the protocol and first port of the port opened.
        self.port_options: dict[
            tuple[str, int | None], tuple[int | None, tuple[str, ...] | None]
        ] = {}
        self._config: dict[str, Any] | None = None
        self._config_set = False
        self._cloud_spec: OpsCloudSpec | None = None
        self._networks: dict[tuple[str | None, int | None], Network] | None = None
        self._ports: set[Port] | None = None

    # ---- config --------------------------------------------------------------------------

    @property
    def config(self) -> dict[str, Any]:
        """The charm config: the State's values, and every option's default it does not set.

        A test may replace it (``juju config``).
        """
        config = self._config
        if config is None:
            config = self._config = dict(self.state.config)
            for name, option in self.spec.config_options.items():
                if name not in config and isinstance(option, dict) and 'default' in option:
                    config[name] = option['default']
        return config

    @config.setter
    def config(self, value: dict[str, Any]) -> None:
        self._config = value
        self._config_set = True

    # ---- the cloud -----------------------------------------------------------------------

    @property
    def cloud_spec(self) -> OpsCloudSpec | None:
        """The cloud spec ``credential-get`` gives a trusted application (None: empty)."""
        spec = self._cloud_spec
        if spec is None and self.state.model.cloud_spec is not None:
            spec = self._cloud_spec = OpsCloudSpec.from_dict(
                self.state.model.cloud_spec._to_juju()
            )
        return spec

    @cloud_spec.setter
    def cloud_spec(self, value: OpsCloudSpec | None) -> None:
        self._cloud_spec = value

    # ---- networks ------------------------------------------------------------------------

    @property
    def networks(self) -> dict[tuple[str | None, int | None], Network]:
        """The networks ``network-get`` answers from, by ``(binding, relation id)``.

        ``(binding, None)`` is a binding's network, ``(binding, id)`` one relation's, and
        ``(None, None)`` every binding's default.
        """
        networks = self._networks
        if networks is None:
            networks = self._networks = {
                (network.binding_name, None): network for network in self.state.networks
            }
        return networks

    # ---- ports ---------------------------------------------------------------------------

    @property
    def opened_ports(self) -> set[Port]:
        """The ports opened (the State's, as the charm has changed them)."""
        ports = self._ports
        if ports is None:
            ports = self._ports = set(self.state.opened_ports)
        return ports

    # ---- storage -------------------------------------------------------------------------

    def storage_location(self, name: str, index: int) -> pathlib.Path:
        """Where storage instance ``<name>/<index>`` is on the host."""
        return self.storage_root(name, index)

    # ---- what the run changed --------------------------------------------------------------

    def output_changes(self) -> dict[str, Any]:
        """The State fields that changed since loading, for ``dataclasses.replace``."""
        state = self.state
        changes: dict[str, Any] = {}
        if self.relations.changed():
            changes['relations'] = frozenset(self.relations.values())
        if self.secrets.changed():
            changes['secrets'] = frozenset(self.secrets)
        if self._ports is not None:
            changes['opened_ports'] = frozenset(self._ports)
        if self.unit_status is not state.unit_status:
            changes['unit_status'] = self.unit_status
        if self.app_status is not state.app_status:
            changes['app_status'] = self.app_status
        if self.workload_version != state.workload_version:
            changes['workload_version'] = self.workload_version
        if self.leader != state.leader:
            changes['leader'] = self.leader
        if self._config_set:
            changes['config'] = dict(self.config)
        if self.storages is not state.storages:
            changes['storages'] = self.storages
        if self.resources is not state.resources:
            changes['resources'] = self.resources
        if self.planned_units is not None and self.planned_units != state.planned_units:
            changes['planned_units'] = self.planned_units
        return changes
