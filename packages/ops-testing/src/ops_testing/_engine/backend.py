"""The one in-memory ``Backend``: Juju's hook commands answered by the simulated Juju.

:class:`JujuBackend` is what the charm's model talks to in every front-end (``Context``,
``Harness``, the tests' hook tools): one method per hook command of
``ops_core.sister.Backend``, each applying Juju's rules to the
:class:`~ops_testing._engine.juju.SimulatedJuju` it is given. Where ops 3.9's two fake Jujus
answered differently, the simulation's :class:`~ops_testing._engine.dialect.Dialect` says
which answer this front-end gives.
"""

from __future__ import annotations

import copy
import datetime
import logging
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
from ops_core.model import Port as OpsPort
from ops_core.sister import add_hook_notes

from .._state._log import JujuLogLine
from .._state._network import Network
from .._state._ports import ICMPPort, Port, TCPPort, UDPPort
from .._state._relations import PeerRelation, RelationBase
from .._state._secrets import Secret
from .._state._status import _EntityStatus
from ..errors import ActionMissingFromContextError
from .secrets import SecretRecord

if TYPE_CHECKING:
    from .juju import SimulatedJuju

__all__ = ['JujuBackend']

logger = logging.getLogger('ops_testing')

_SETTABLE = ('active', 'blocked', 'maintenance', 'waiting')

# Juju stores an action's own output under these result keys.
_RESERVED_ACTION_KEYS = frozenset({'stdout', 'stdout-encoding', 'stderr', 'stderr-encoding'})


@add_hook_notes
class JujuBackend:
    """``ops_core.sister.Backend`` over a :class:`~ops_testing._engine.juju.SimulatedJuju`.

    Args:
        juju: the simulated Juju the charm's hook commands act on.
    """

    def __init__(self, juju: SimulatedJuju) -> None:
        self.juju = juju
        self._relations = juju.relations
        self._secrets = juju.secrets
        self._dialect = juju.dialect
        #: The event being handled, as the charm's model knows it (set by the front-end);
        #: ops 3.9 kept it on its backend as ``_hook_is_running``.
        self.running_event: Callable[[], str] = str
        #: Makes a container's Pebble client from its name (set by the front-end).
        self.pebble_client: Callable[[str], Any] | None = None
        #: The hook being dispatched, for the notes on failed hook commands ('' if none).
        self.hook = ''

    # ---- identity ------------------------------------------------------------------------

    @property
    def unit_name(self) -> str:
        """This unit's name (``<app>/<unit id>``)."""
        return self.juju.unit_name

    @property
    def app_name(self) -> str:
        """This unit's application name."""
        return self.juju.app_name

    @property
    def model_name(self) -> str:
        """The model's name (``None`` in a Harness until the test sets it, as in ops 3.9)."""
        return self.juju.model_name  # type: ignore[return-value]

    @model_name.setter
    def model_name(self, name: str | None) -> None:
        # Charms' tests assign ``harness._backend.model_name`` (an attribute in ops 3.9).
        self.juju.model_name = name

    @property
    def model_uuid(self) -> str:
        """The model's UUID."""
        return self.juju.model_uuid

    @model_uuid.setter
    def model_uuid(self, uuid: str) -> None:
        # Charms' tests assign ``harness._backend.model_uuid`` (an attribute in ops 3.9).
        self.juju.model_uuid = uuid

    @property
    def juju_version(self) -> str:
        """The Juju version the charm is told."""
        return self.juju.juju_version

    @property
    def _hook_is_running(self) -> str:
        # The name ops 3.9's backends use: charm tests read it to know whether they are
        # inside an event.
        return self.running_event()

    def _hook_description(self) -> str:
        """``"the 'install' hook"`` or ``"the 'backup' action"``, for exception notes."""
        action = self.juju.action
        if action is not None:
            return f'the {action.name!r} action'
        return f'the {self.hook!r} hook'

    def get_pebble(self, socket_path: str) -> Any:
        """The simulated Pebble client of the container whose socket path is given.

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
            raise RuntimeError('this backend is not attached to a front-end')
        return self.pebble_client(name)

    # ---- leadership and config -----------------------------------------------------------

    def is_leader(self) -> bool:
        """Whether this unit leads."""
        return self.juju.leader

    def config_get(self) -> dict[str, Any]:
        """The config: set values and the defaults of options not set."""
        return dict(self.juju.config)

    # ---- relations -----------------------------------------------------------------------

    def _relation(self, relation_name: str, relation_id: int) -> RelationBase:
        relation = self._relations.on_endpoint(relation_id, relation_name)
        if relation is None:
            raise RelationNotFoundError(
                f'ERROR relation {relation_name}:{relation_id} not found in the State'
            )
        return relation

    def relation_ids(self, relation_name: str) -> list[int]:
        """The ids of the relations on ``relation_name``."""
        return self._relations.ids(relation_name)

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        """The remote units of a relation."""
        return self._relations.remote_units(self._relation(relation_name, relation_id))

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        """The remote application of a relation (this app for a peer relation)."""
        relation = self._relations.on_endpoint(relation_id, relation_name)
        if relation is None:
            return None
        return self._relations.remote_app(relation)

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        """A copy of one bag of a relation (a departing unit's, while it departs)."""
        relations = self._relations
        departing = relations.departing
        if departing is not None and departing[:2] == (relation_id, member_name):
            return dict(departing[2])
        relation = self._relation(relation_name, relation_id)
        juju = self.juju
        if is_app and juju.feature_version < (2, 7):
            raise ModelError('ERROR application relation data needs Juju 2.7 or later')
        if (
            self._dialect.juju_refusals
            and is_app
            and member_name == juju.app_name
            and not juju.leader
            and not isinstance(relation, PeerRelation)
        ):
            raise ModelError('ERROR permission denied')
        bag = relations.bag(relation, member_name, is_app)
        if bag is None:
            raise RelationNotFoundError(
                f'ERROR {"application" if is_app else "unit"} {member_name!r} is not in '
                f'relation {relation_name}:{relation_id}'
            )
        return dict(bag)

    def relation_set(
        self,
        relation_name: str,
        relation_id: int,
        data: Mapping[str, str],
        is_app: bool,
        *,
        member_name: str | None = None,
    ) -> None:
        """Write this unit's (or app's) bag; ``''`` deletes a key.

        A test writing through the model outside any event may write any member's bag (as
        ops 3.9's Harness allows): the model then names the member.
        """
        relation = self._relation(relation_name, relation_id)
        juju = self.juju
        if self._dialect.juju_refusals and is_app and not juju.leader:
            raise ModelError('ERROR cannot write relation settings')
        if member_name is None or member_name in (juju.unit_name, juju.app_name):
            bag = self._relations.local_bag(relation, is_app)
            for key, value in data.items():
                if value == '':
                    bag.pop(key, None)
                else:
                    bag[key] = value
            return
        try:
            self._relations.write(relation_id, member_name, is_app, data)
        except KeyError:
            raise RelationNotFoundError(
                f'ERROR {"application" if is_app else "unit"} {member_name!r} is not in '
                f'relation {relation_name}:{relation_id}'
            ) from None

    def relation_model_get(self, relation_name: str, relation_id: int) -> str:
        """The remote model UUID of a relation (this model's for a local relation)."""
        if self.juju.feature_version < (3, 6, 2):
            raise ModelError('ERROR relation-model-get needs Juju 3.6.2 or later')
        relation = self._relation(relation_name, relation_id)
        return getattr(relation, 'remote_model_uuid', None) or self.juju.model_uuid

    # ---- status ----------------------------------------------------------------------------

    def _check_app_status(self, doing: str, is_app: bool) -> None:
        if is_app and self._dialect.juju_refusals and not self.juju.leader:
            raise ModelError(f'ERROR {doing} application status: this unit is not the leader')

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        """The current unit or app status."""
        self._check_app_status('finding', is_app)
        status = self.juju.app_status if is_app else self.juju.unit_status
        return status.name, status.message

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        """Set a status, recording the previous one in the status history."""
        if status not in _SETTABLE:
            raise ModelError(
                f'ERROR invalid status "{status}", expected one of '
                '[active, blocked, maintenance, waiting]'
            )
        if not isinstance(message, str):
            # Kept, as ops 3.9's testing backends keep it (tests pass mocks as messages);
            # in a deployed charm the hook-tool backend refuses it.
            logger.warning(
                'status message is a %s, not a str; Juju would refuse it', type(message).__name__
            )
        self._check_app_status('setting', is_app)
        juju = self.juju
        new = _EntityStatus.from_status_name(status, message)
        if is_app:
            juju.records.app_status_history.append(juju.app_status)
            juju.app_status = new
        else:
            juju.records.unit_status_history.append(juju.unit_status)
            juju.unit_status = new

    def application_version_set(self, version: str) -> None:
        """Set the workload version, recording the previous non-empty one."""
        juju = self.juju
        if juju.workload_version:
            juju.records.workload_version_history.append(juju.workload_version)
        juju.workload_version = version

    # ---- storage -----------------------------------------------------------------------------

    def storage_list(self, name: str) -> list[int]:
        """The indices of the attached instances of storage ``name``."""
        return sorted(s.index for s in self.juju.storages if s.name == name)

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        """``location`` (a directory on the host) or ``kind`` of a storage instance."""
        juju = self.juju
        name, _, index = storage_name_id.partition('/')
        if not index.isdigit() or not any(
            s.name == name and s.index == int(index) for s in juju.storages
        ):
            raise ModelError(
                f'ERROR invalid value "{storage_name_id}" for option -s: storage not found'
            )
        if attribute == 'location':
            return str(juju.storage_location(name, int(index)))
        if attribute == 'kind':
            return str(juju.spec.storages.get(name, {}).get('type', 'filesystem'))
        raise ModelError(f'ERROR invalid storage attribute {attribute!r}')

    def storage_add(self, name: str, count: int) -> None:
        """Record the request (``requested_storages``)."""
        if '/' in name:
            raise ModelError('storage name cannot contain "/"')
        self.juju.records.requested_storages[name] = count

    # ---- actions -----------------------------------------------------------------------------

    def _action_params(self, tool: str) -> dict[str, Any]:
        action = self.juju.action
        if action is None:
            raise ActionMissingFromContextError(
                f'not in the context of an action event: cannot {tool}'
            )
        return dict(action.params)

    def action_get(self) -> dict[str, Any]:
        """A copy of the running action's parameters."""
        return copy.deepcopy(self._action_params('action-get'))

    def action_set(self, results: Mapping[str, Any]) -> None:
        """Merge results into the action's results.

        Raises:
            ModelError: a key Juju keeps for the action's own output (where the front-end
                refuses it).
        """
        self._action_params('action-set')
        if self._dialect.reserved_action_keys:
            for key in results:
                if key in _RESERVED_ACTION_KEYS:
                    raise ModelError(f'ERROR cannot set reserved action key "{key}"')
        records = self.juju.records
        if records.action_results is None:
            records.action_results = {}
        # Repeated calls merge at the top level, as Juju's action-set does per key.
        records.action_results.update(copy.deepcopy(dict(results)))

    def action_log(self, message: str) -> None:
        """Add to the action's log."""
        self._action_params('action-log')
        self.juju.records.action_logs.append(message)

    def action_fail(self, message: str) -> None:
        """Mark the running action failed (the last message wins)."""
        self._action_params('action-fail')
        self.juju.action_failure = message

    # ---- logging ------------------------------------------------------------------------------

    def juju_log(self, level: str, message: str) -> None:
        """Add to the Juju log (``juju_log``)."""
        self.juju.records.juju_log.append(JujuLogLine(level, message))

    # ---- network, resources, pods, ports ------------------------------------------------------

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        """The network of a relation, of the binding, or every binding's default."""
        juju = self.juju
        spec = juju.spec
        endpoint = spec.endpoints.get(binding_name)
        if self._dialect.strict_bindings:
            valid = (
                binding_name in spec.extra_bindings
                or binding_name == 'juju-info'
                or (endpoint is not None and endpoint[1].get('scope') != 'container')
            )
        else:
            valid = (
                endpoint is not None
                or binding_name in spec.extra_bindings
                or binding_name == 'juju-info'
            )
        if not valid:
            raise RelationNotFoundError(f'ERROR binding {binding_name!r} not found')
        if (
            self._dialect.strict_bindings
            and relation_id is not None
            and self._relations.get(relation_id) is None
        ):
            raise RelationNotFoundError(f'ERROR relation {relation_id} not found')
        networks = juju.networks
        for key in ((binding_name, relation_id), (binding_name, None), (None, None)):
            network = networks.get(key)
            if network is not None:
                return network._to_juju()
        if self._dialect.default_network:
            return Network(binding_name)._to_juju()
        raise RelationNotFoundError(
            f'no network for binding {binding_name!r}; add one with Harness.add_network()'
        )

    def resource_get(self, name: str) -> str:
        """The path of resource ``name``."""
        juju = self.juju
        for resource in juju.resources:
            if resource.name == name:
                return str(resource.path)
        if self._dialect.missing_resource == 'inconsistent':
            if name in juju.spec.resources:
                raise RuntimeError(
                    f'Inconsistent state: resource {name} not found in State. please pass it.'
                )
            raise ModelError(f'ERROR could not download resource: resource {name!r} not found')
        # Juju's text (which charm tests match), then how to add the resource.
        unit = juju.unit_name.replace('/', '-')
        hint = ''
        if self._dialect.front_end == 'Harness':
            hint = ' (add it with Harness.add_resource() or Harness.add_oci_resource())'
        raise ModelError(
            'ERROR could not download resource: HTTP request failed: Get '
            f'https://.../units/unit-{unit}/resources/{name}: '
            f'resource#{juju.app_name}/{name} not found{hint}'
        )

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        """Record the pod spec (``Harness.get_pod_spec``), where the front-end has it."""
        if not self._dialect.pod_spec_and_reboot:
            raise NotImplementedError('pod-spec-set is not supported by ops.testing.Context')
        if self._dialect.juju_refusals and not self.juju.leader:
            raise ModelError('ERROR this unit is not the leader')
        self.juju.pod_spec = (spec, k8s_resources)

    def opened_ports(self) -> set[OpsPort]:
        """The ports opened."""
        return {OpsPort(p.protocol, p.port) for p in self.juju.opened_ports}

    def _port(self, protocol: str, port: int | None) -> Port:
        if (
            self._dialect.juju_port_errors
            and protocol in ('tcp', 'udp')
            and (port is None or not 1 <= port <= 65535)
        ):
            raise ModelError(
                f'ERROR invalid port {port!r}: protocol {protocol!r} needs a port from 1 to 65535'
            )
        if protocol == 'tcp':
            return TCPPort(port)
        if protocol == 'udp':
            return UDPPort(port)
        if protocol == 'icmp':
            if port is not None:
                raise ModelError('ERROR protocol "icmp" doesn\'t support any ports')
            return ICMPPort()
        raise ModelError(f'ERROR invalid protocol {protocol!r}')

    def open_port(self, protocol: str, port: int | None) -> None:
        """Open a port."""
        self.juju.opened_ports.add(self._port(protocol, port))

    def close_port(self, protocol: str, port: int | None) -> None:
        """Close a port."""
        self.juju.opened_ports.discard(self._port(protocol, port))

    # ---- secrets -----------------------------------------------------------------------------

    def _check_secrets_supported(self) -> None:
        if self.juju.feature_version < (3, 0, 2):
            raise ModelError(
                'secrets are only available in juju >= 3.0.2.'
                'Set ``Context.juju_version`` to 3.0.2+ to use them.'
            )

    def _find_secret(self, id: str | None, label: str | None) -> Secret:
        self._check_secrets_supported()
        secret = None
        if id is not None:
            secret = self._secrets.by_id(id)
            if secret is None:
                raise SecretNotFoundError(id)
            return secret
        if label is not None:
            secret = self._secrets.by_label(label)
        if secret is None:
            raise SecretNotFoundError(label)
        return secret

    def _check_manage(self, secret: Secret, *, change: bool = False, read: bool = False) -> None:
        """Refuse to manage a secret this unit does not own (or, for an app's, lead).

        With ``read`` (its metadata), Juju lets any unit of the owning application read.
        """
        if self._dialect.secret_owner_errors == 'juju':
            if secret.owner is None:
                raise ModelError('ERROR permission denied')
            if secret.owner == 'app' and not self.juju.leader and not read:
                raise ModelError('ERROR this unit is not the leader')
            return
        if self._dialect.secret_owner_errors == 'harness':
            # ops 3.9's Harness: reading the info or granting is refused with
            # SecretNotFoundError, changing or removing with RuntimeError.
            if secret.owner is None or (secret.owner == 'app' and not self.juju.leader):
                message = f'You must own secret {secret.id!r} to perform this operation'
                if change:
                    raise RuntimeError(message)
                raise SecretNotFoundError(message)
            return
        if secret.owner is None:
            raise SecretNotFoundError(
                f'You must own secret {secret.id!r} to perform this operation'
            )
        if secret.owner == 'app' and not self.juju.leader:
            raise ModelError('ERROR permission denied')

    def _check_tracked(self, secret: Secret) -> None:
        # The revision this unit tracks was removed (by its owner): the secret is gone for it.
        record = self._secrets.records.get(secret.id)
        if record is not None and secret._tracked_revision not in record.revisions:
            raise SecretNotFoundError(f'Secret {secret.id!r} tracked revision was removed')

    def _check_access(self, secret: Secret) -> None:
        """Refuse a secret this unit neither owns nor was granted (when that is known)."""
        if secret.owner is not None:
            return
        record = self._secrets.records.get(secret.id)
        if record is None:
            return  # a secret the State lists: visible, as the State says
        juju = self.juju
        if record.owner_name is not None:
            owner_app = record.owner_name.split('/')[0]
            related = any(self._relations.remote_app(r) == owner_app for r in self._relations)
            if not related:
                raise SecretNotFoundError(
                    f'Secret {secret.id!r} does not have relation to {owner_app!r}'
                )
        if juju.app_name not in record.observers and juju.unit_name not in record.observers:
            raise SecretNotFoundError(
                f'Secret {secret.id!r} not granted access to {juju.app_name!r} or '
                f'{juju.unit_name!r}'
            )

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        """The tracked (or, with peek/refresh, the latest) content of a secret."""
        secret = self._find_secret(id, label)
        self._check_access(secret)
        if not (peek or refresh):
            self._check_tracked(secret)
        secrets = self._secrets
        if id is not None and label is not None and secret.label != label:
            secret = secrets.replace(secret, label=label)
        version = self.juju.feature_version
        if secret.owner is not None and version < (3, 3, 1) and version[:3] != (3, 1, 7):
            refresh = True  # before 3.3.1, owners always saw the latest revision
        latest = dict(secret.latest_content or {})
        if peek:
            return latest
        if refresh:
            if (
                secret._tracked_revision != secret._latest_revision
                or secret.tracked_content != latest
            ):
                secret = secrets.replace(
                    secret,
                    tracked_content=dict(latest),
                    _tracked_revision=secret._latest_revision,
                )
            return latest
        return dict(secret.tracked_content)

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        """Metadata of an owned secret."""
        secret = self._find_secret(id, label)
        self._check_manage(secret, read=True)
        revision = secret._latest_revision
        if self._dialect.info_revision == 'tracked':
            self._check_tracked(secret)
            revision = secret._tracked_revision
        rotation = secret.rotate if isinstance(secret.rotate, SecretRotate) else None
        record = self._secrets.records.get(secret.id)
        return SecretInfo(
            id=secret.id,
            label=secret.label,
            revision=revision,
            expires=secret.expire,
            rotation=rotation,
            rotates=record.rotates if record is not None else None,
            description=secret.description,
            model_uuid=self.juju.model_uuid,
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
        """A new latest revision and/or new metadata for an owned secret."""
        secret = self._find_secret(id, None)
        self._check_manage(secret, change=True)
        changes: dict[str, Any] = {'_latest_revision': secret._latest_revision + 1}
        if content:
            if content == secret.latest_content:
                logger.warning(
                    'secret %s: the new content is the same as the latest revision', secret.id
                )
            changes['latest_content'] = dict(content)
        for key, value in (
            ('label', label),
            ('description', description),
            ('expire', expire),
            ('rotate', rotate),
        ):
            if value:
                changes[key] = value
        secret = self._secrets.replace(secret, **changes)
        if self._dialect.keep_revisions:
            record = self._secrets.record_for(secret)
            if secret._latest_revision not in record.revisions:
                record.revisions.append(secret._latest_revision)

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
        """Add a new secret owned by this unit or its application."""
        self._check_secrets_supported()
        if self._dialect.juju_refusals:
            if owner == 'application' and not self.juju.leader:
                raise ModelError('ERROR this unit is not the leader')
            if label is not None and self._secrets.by_label(label) is not None:
                raise ModelError(f'ERROR secret with label "{label}" already exists')
        secret = Secret(
            dict(content),
            label=label,
            description=description,
            expire=expire,
            rotate=rotate,
            owner='app' if owner == 'application' else 'unit',
        )
        self._secrets.put(secret, SecretRecord(None) if self._dialect.keep_revisions else None)
        return secret.id

    def _grantee(self, relation_id: int, unit: str | None) -> str:
        relation = self._relations.get(relation_id)
        if relation is None:
            raise RelationNotFoundError(f'ERROR relation {relation_id} not found')
        return unit or self._relations.remote_app(relation)

    def secret_grant(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Grant a secret to the remote side of a relation (or one unit of it)."""
        secret = self._find_secret(id, None)
        self._check_manage(secret)
        grantee = self._grantee(relation_id, unit)
        grants = {k: set(v) for k, v in secret.remote_grants.items()}
        grants.setdefault(relation_id, set()).add(grantee)
        self._secrets.replace(secret, remote_grants=grants)

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Take a grant back."""
        secret = self._find_secret(id, None)
        self._check_manage(secret, change=self._dialect.secret_owner_errors == 'harness')
        grantee = self._grantee(relation_id, unit)
        grants = {k: set(v) for k, v in secret.remote_grants.items()}
        grants.get(relation_id, set()).discard(grantee)
        if not grants.get(relation_id, True):
            del grants[relation_id]
        self._secrets.replace(secret, remote_grants=grants)

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        """Remove a secret, or one of its revisions."""
        secrets = self._secrets
        secret = self._find_secret(id, None)
        self._check_manage(secret, change=True)
        if revision is None:
            secrets.drop(secret)
            return
        records = self.juju.records
        if not self._dialect.keep_revisions:
            if revision in (secret._tracked_revision, secret._latest_revision):
                raise ValueError(
                    'Charms should not remove the latest revision of a secret. Add a new '
                    'revision with `set_content()` instead, and remove the old one later.'
                )
            records.removed_secret_revisions.append(revision)
            return
        record = secrets.record_for(secret)
        if revision in record.revisions:
            record.revisions.remove(revision)
        records.removed_secret_revisions.append(revision)
        if not record.revisions:
            secrets.drop(secret)  # no revision left: the secret is gone

    def secret_ids(self) -> list[str]:
        """The ids of the secrets this unit or app owns."""
        return [s.id for s in self._secrets if s.owner is not None]

    # ---- miscellaneous -----------------------------------------------------------------------

    def planned_units(self) -> int:
        """The planned units: as set, or the peer units plus this one."""
        juju = self.juju
        if juju.planned_units is not None:
            return juju.planned_units
        peers = {name for name, (role, _) in juju.spec.endpoints.items() if role == 'peers'}
        units: set[int] = set()
        for endpoint in peers:
            for relation_id in self._relations.ids(endpoint):
                relation = self._relations.get(relation_id)
                if isinstance(relation, PeerRelation):
                    units.update(relation._remote_unit_ids)
        return len(units) + 1

    def reboot(self, now: bool) -> None:
        """Count the reboot request, where the front-end has reboots."""
        if not self._dialect.pod_spec_and_reboot:
            # Not simulated in a Context: as running the missing ``juju-reboot`` tool.
            raise FileNotFoundError(2, 'No such file or directory', 'juju-reboot')
        juju = self.juju
        if self._dialect.juju_refusals and juju.action is not None:
            raise ModelError('ERROR juju-reboot is not supported when running an action')
        juju.reboot_count += 1
        juju.reboot_now = now

    def credential_get(self) -> OpsCloudSpec:
        """The model's cloud spec, if the application is trusted."""
        juju = self.juju
        if not juju.trusted:
            if self._dialect.juju_refusals:
                raise ModelError('ERROR cannot access cloud credentials: permission denied')
            raise ModelError(
                'ERROR charm is not trusted, initialise Context with `app_trusted=True`'
            )
        spec = juju.cloud_spec
        if spec is None:
            if self._dialect.front_end == 'Harness':
                raise ModelError(
                    'ERROR cloud spec is empty, set it with `Harness.set_cloud_spec()` first'
                )
            raise ModelError(
                'ERROR cloud spec is empty, initialise it with '
                '`State(model=Model(..., cloud_spec=ops.CloudSpec(...)))`'
            )
        return spec

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None
    ) -> None:
        """Record metrics where the front-end has them (``add-metric``, gone in Juju 3.6.11)."""
        if not self._dialect.metrics:
            raise NotImplementedError('add-metric is not supported by ops.testing')
        self.juju.metrics.append((dict(metrics), dict(labels) if labels is not None else None))
