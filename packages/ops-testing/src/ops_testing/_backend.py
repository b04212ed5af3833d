"""The in-memory Juju: ``ops_core``'s ``Backend`` protocol answered from a ``State``.

One :class:`StateBackend` serves one run. It never changes the input State: writes go to
small mutable working copies (only of what the charm changes), and :meth:`StateBackend.output`
builds the new State from the input plus those changes, so a run costs in proportion to what
the charm touches, not to the size of the state.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import logging
from collections.abc import Mapping
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

from ._consistency import parse_juju_version
from ._state_misc import ICMPPort, JujuLogLine, Port, TCPPort, UDPPort
from ._state_network import Network
from ._state_relations import RelationBase
from ._state_secrets import Secret, canonical_secret_id
from ._state_status import _EntityStatus
from .errors import ActionMissingFromContextError

if TYPE_CHECKING:
    from ._charm_spec import CharmSpec
    from ._context import Context
    from ._events import Event
    from ._state import State

__all__ = ['StateBackend']

logger = logging.getLogger('ops_testing')

_SETTABLE = ('active', 'blocked', 'maintenance', 'waiting')


@add_hook_notes
class StateBackend:
    """A ``Backend`` (see ``ops_core.sister.Backend``) over a State, for one run of a Context."""

    def __init__(self, ctx: Context[Any], state: State, event: Event, spec: CharmSpec) -> None:
        self._ctx = ctx
        self._state = state
        self._event = event
        self._spec = spec
        self._version = parse_juju_version(ctx.juju_version)
        self._app_name = ctx.app_name
        self._unit_name = f'{ctx.app_name}/{ctx.unit_id}'
        self._relations: dict[int, RelationBase] = {r.id: r for r in state.relations}
        # (relation id, is_app) -> the local bag being written in this run.
        self._local_bags: dict[tuple[int, bool], dict[str, str]] = {}
        self._secrets: dict[str, Secret] = {s.id: s for s in state.secrets}
        self._secret_ids: dict[str, str] | None = None
        self._secret_labels: dict[str, list[str]] = {}
        self._secrets_changed = False
        self._ports: set[Port] | None = None
        self.unit_status: _EntityStatus = state.unit_status
        self.app_status: _EntityStatus = state.app_status
        self.workload_version = state.workload_version
        self.action_failure: str | None = None

    # ---- identity ------------------------------------------------------------------------

    @property
    def unit_name(self) -> str:
        """This unit's name (``<app>/<unit id>``)."""
        return self._unit_name

    @property
    def app_name(self) -> str:
        """This unit's application name."""
        return self._app_name

    @property
    def model_name(self) -> str:
        """The State's model name."""
        return self._state.model.name

    @property
    def model_uuid(self) -> str:
        """The State's model UUID."""
        return self._state.model.uuid

    @property
    def juju_version(self) -> str:
        """The Context's Juju version."""
        return self._ctx.juju_version

    # ---- leadership and config -----------------------------------------------------------

    def is_leader(self) -> bool:
        """``State.leader``."""
        return self._state.leader

    def config_get(self) -> dict[str, Any]:
        """``State.config`` plus the defaults of options it does not set."""
        config: dict[str, Any] = dict(self._state.config)
        for name, option in self._spec.config_options.items():
            if name not in config and isinstance(option, dict) and 'default' in option:
                config[name] = option['default']
        return config

    # ---- relations -----------------------------------------------------------------------

    def _relation(self, relation_name: str, relation_id: int) -> RelationBase:
        relation = self._relations.get(relation_id)
        if relation is None or relation.endpoint != relation_name:
            raise RelationNotFoundError(
                f'ERROR relation {relation_name}:{relation_id} not found in the State'
            )
        return relation

    def _remote_unit_name(self, relation: RelationBase, unit_id: int) -> str:
        return f'{relation._remote_app_name_for(self._app_name)}/{unit_id}'

    def relation_ids(self, relation_name: str) -> list[int]:
        """The ids of the State's relations on ``relation_name``."""
        return [r.id for r in self._relations.values() if r.endpoint == relation_name]

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        """The remote units of a relation of the State."""
        relation = self._relation(relation_name, relation_id)
        return [self._remote_unit_name(relation, uid) for uid in relation._remote_unit_ids]

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        """The remote application of a relation (this app for a peer relation)."""
        relation = self._relations.get(relation_id)
        if relation is None or relation.endpoint != relation_name:
            return None
        return relation._remote_app_name_for(self._app_name)

    def _local_bag(self, relation: RelationBase, is_app: bool) -> dict[str, str]:
        key = (relation.id, is_app)
        bag = self._local_bags.get(key)
        if bag is None:
            source = relation.local_app_data if is_app else relation.local_unit_data
            bag = self._local_bags[key] = dict(source)
        return bag

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        """A copy of one databag of a relation of the State."""
        relation = self._relation(relation_name, relation_id)
        if is_app and self._version < (2, 7):
            raise ModelError('ERROR application relation data needs Juju 2.7 or later')
        remote_app = relation._remote_app_name_for(self._app_name)
        if is_app:
            if member_name == self._app_name:
                return dict(self._local_bag(relation, True))
            if member_name == remote_app:
                return dict(getattr(relation, 'remote_app_data', {}))
        else:
            if member_name == self._unit_name:
                return dict(self._local_bag(relation, False))
            app, _, number = member_name.rpartition('/')
            if app == remote_app and number.isdigit():
                uid = int(number)
                if relation._has_remote_unit(uid):
                    return relation._remote_unit_databag(uid)
        raise RelationNotFoundError(
            f'ERROR {"application" if is_app else "unit"} {member_name!r} is not in relation '
            f'{relation_name}:{relation_id}'
        )

    def relation_set(
        self,
        relation_name: str,
        relation_id: int,
        data: Mapping[str, str],
        is_app: bool,
        *,
        member_name: str | None = None,
    ) -> None:
        """Write this unit's (or app's) databag; ``''`` deletes a key."""
        relation = self._relation(relation_name, relation_id)
        bag = self._local_bag(relation, is_app)
        for key, value in data.items():
            if value == '':
                bag.pop(key, None)
            else:
                bag[key] = value

    def relation_model_get(self, relation_name: str, relation_id: int) -> str:
        """The remote model UUID of a relation (the State's model for a local relation)."""
        if self._version < (3, 6, 2):
            raise ModelError('ERROR relation-model-get needs Juju 3.6.2 or later')
        relation = self._relation(relation_name, relation_id)
        return getattr(relation, 'remote_model_uuid', None) or self._state.model.uuid

    # ---- status ----------------------------------------------------------------------------

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        """The current unit or app status."""
        status = self.app_status if is_app else self.unit_status
        return status.name, status.message

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        """Set a status, recording the previous one in the Context's history."""
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
        new = _EntityStatus.from_status_name(status, message)
        if is_app:
            self._ctx.app_status_history.append(self.app_status)
            self.app_status = new
        else:
            self._ctx.unit_status_history.append(self.unit_status)
            self.unit_status = new

    def application_version_set(self, version: str) -> None:
        """Set the workload version, recording the previous non-empty one."""
        if self.workload_version:
            self._ctx.workload_version_history.append(self.workload_version)
        self.workload_version = version

    # ---- storage -----------------------------------------------------------------------------

    def storage_list(self, name: str) -> list[int]:
        """The indices of the State's storages named ``name``."""
        return sorted(s.index for s in self._state.storages if s.name == name)

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        """``location`` (the simulated directory) or ``kind`` of a storage instance."""
        name, _, index = storage_name_id.partition('/')
        if not index.isdigit() or not any(
            s.name == name and s.index == int(index) for s in self._state.storages
        ):
            raise ModelError(
                f'ERROR invalid value "{storage_name_id}" for option -s: storage not found'
            )
        if attribute == 'location':
            return str(self._ctx._storage_root(name, int(index)))
        if attribute == 'kind':
            return str(self._spec.storages.get(name, {}).get('type', 'filesystem'))
        raise ModelError(f'ERROR invalid storage attribute {attribute!r}')

    def storage_add(self, name: str, count: int) -> None:
        """Record the request in ``Context.requested_storages``."""
        if '/' in name:
            raise ModelError('storage name cannot contain "/"')
        self._ctx.requested_storages[name] = count

    # ---- actions -----------------------------------------------------------------------------

    def _action_params(self, tool: str) -> dict[str, Any]:
        action = self._event.action
        if action is None:
            raise ActionMissingFromContextError(
                f'not in the context of an action event: cannot {tool}'
            )
        return dict(action.params)

    def action_get(self) -> dict[str, Any]:
        """A copy of the running action's parameters, as given to ``ctx.on.action``."""
        return copy.deepcopy(self._action_params('action-get'))

    def action_set(self, results: Mapping[str, Any]) -> None:
        """Merge results into ``Context.action_results``."""
        self._action_params('action-set')
        if self._ctx.action_results is None:
            self._ctx.action_results = {}
        # Repeated calls merge at the top level, as Juju's action-set does per key.
        self._ctx.action_results.update(copy.deepcopy(dict(results)))

    def action_log(self, message: str) -> None:
        """Append to ``Context.action_logs``."""
        self._action_params('action-log')
        self._ctx.action_logs.append(message)

    def action_fail(self, message: str) -> None:
        """Mark the action failed (``Context.run`` then raises ``ActionFailed``)."""
        self._action_params('action-fail')
        self.action_failure = message

    # ---- logging ------------------------------------------------------------------------------

    def juju_log(self, level: str, message: str) -> None:
        """Append to ``Context.juju_log``."""
        self._ctx.juju_log.append(JujuLogLine(level, message))

    # ---- network, resources, pods, ports ------------------------------------------------------

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        """The State's network for the binding, or the default network."""
        spec = self._spec
        endpoint = spec.endpoints.get(binding_name)
        valid = (
            binding_name in spec.extra_bindings
            or binding_name == 'juju-info'
            or (endpoint is not None and endpoint[1].get('scope') != 'container')
        )
        if not valid:
            raise RelationNotFoundError(f'ERROR binding {binding_name!r} not found')
        if relation_id is not None and relation_id not in self._relations:
            raise RelationNotFoundError(f'ERROR relation {relation_id} not found')
        for network in self._state.networks:
            if network.binding_name == binding_name:
                return network._to_juju()
        return Network(binding_name)._to_juju()

    def resource_get(self, name: str) -> str:
        """The path of the State's resource ``name``."""
        for resource in self._state.resources:
            if resource.name == name:
                return str(resource.path)
        if name in self._spec.resources:
            raise RuntimeError(
                f'Inconsistent state: resource {name} not found in State. please pass it.'
            )
        raise ModelError(f'ERROR could not download resource: resource {name!r} not found')

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        """Pod specs are not simulated."""
        raise NotImplementedError('pod-spec-set is not supported by ops.testing.Context')

    def _ports_set(self) -> set[Port]:
        if self._ports is None:
            self._ports = set(self._state.opened_ports)
        return self._ports

    def opened_ports(self) -> set[OpsPort]:
        """The ports opened in the State (and in this run)."""
        return {OpsPort(p.protocol, p.port) for p in self._ports_set()}

    def _state_port(self, protocol: str, port: int | None) -> Port:
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
        """Add a port to the output's ``opened_ports``."""
        self._ports_set().add(self._state_port(protocol, port))

    def close_port(self, protocol: str, port: int | None) -> None:
        """Remove a port from the output's ``opened_ports``."""
        self._ports_set().discard(self._state_port(protocol, port))

    # ---- secrets -----------------------------------------------------------------------------

    def _check_secrets_supported(self) -> None:
        if self._version < (3, 0, 2):
            raise ModelError(
                'secrets are only available in juju >= 3.0.2.'
                'Set ``Context.juju_version`` to 3.0.2+ to use them.'
            )

    def _find_secret(self, id: str | None, label: str | None) -> Secret:
        self._check_secrets_supported()
        if id is not None:
            key = self._secret_index()[0].get(canonical_secret_id(id))
            if key is not None and key in self._secrets:
                return self._secrets[key]
            raise SecretNotFoundError(id)
        if label is not None:
            found = [
                key
                for key in self._secret_index()[1].get(label, ())
                if key in self._secrets and self._secrets[key].label == label
            ]
            if found:
                if len(found) > 1:  # the first in the State's order, as a scan would find
                    order = {key: i for i, key in enumerate(self._secrets)}
                    found.sort(key=order.__getitem__)
                return self._secrets[found[0]]
        raise SecretNotFoundError(label)

    def _secret_index(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """(canonical id -> key, label -> keys) of ``_secrets``, kept up to date on changes.

        Looking a secret up by id or label is then one dictionary read, not a scan of every
        secret re-canonicalising both ids.
        """
        if self._secret_ids is None:
            self._secret_ids = {}
            self._secret_labels = {}
            for key, secret in self._secrets.items():
                self._index_secret(key, secret)
        return self._secret_ids, self._secret_labels

    def _index_secret(self, key: str, secret: Secret) -> None:
        if self._secret_ids is None:
            return  # built from _secrets when first needed
        self._secret_ids.setdefault(canonical_secret_id(key), key)
        if secret.label is not None:
            keys = self._secret_labels.setdefault(secret.label, [])
            if key not in keys:
                keys.append(key)

    def _replace_secret(self, secret: Secret, **changes: Any) -> Secret:
        new = dataclasses.replace(secret, **changes)
        self._secrets[secret.id] = new
        self._index_secret(secret.id, new)
        self._secrets_changed = True
        return new

    def _check_manage(self, secret: Secret) -> None:
        if secret.owner is None:
            raise SecretNotFoundError(
                f'You must own secret {secret.id!r} to perform this operation'
            )
        if secret.owner == 'app' and not self._state.leader:
            raise ModelError('ERROR permission denied')

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        """The tracked (or, with peek/refresh, the latest) content of a secret."""
        secret = self._find_secret(id, label)
        if id is not None and label is not None and secret.label != label:
            secret = self._replace_secret(secret, label=label)
        if (
            secret.owner is not None
            and self._version < (3, 3, 1)
            and self._version[:3] != (3, 1, 7)
        ):
            refresh = True  # before 3.3.1, owners always saw the latest revision
        latest = dict(secret.latest_content or {})
        if peek:
            return dict(latest)
        if refresh:
            if (
                secret._tracked_revision != secret._latest_revision
                or secret.tracked_content != latest
            ):
                secret = self._replace_secret(
                    secret,
                    tracked_content=dict(latest),
                    _tracked_revision=secret._latest_revision,
                )
            return dict(latest)
        return dict(secret.tracked_content)

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        """Metadata of an owned secret."""
        secret = self._find_secret(id, label)
        self._check_manage(secret)
        rotation = secret.rotate if isinstance(secret.rotate, SecretRotate) else None
        return SecretInfo(
            id=secret.id,
            label=secret.label,
            revision=secret._latest_revision,
            expires=secret.expire,
            rotation=rotation,
            rotates=None,
            description=secret.description,
            model_uuid=self._state.model.uuid,
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
        self._check_manage(secret)
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
        self._replace_secret(secret, **changes)

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
        """Add a new secret owned by this unit or app to the output State."""
        self._check_secrets_supported()
        secret = Secret(
            dict(content),
            label=label,
            description=description,
            expire=expire,
            rotate=rotate,
            owner='app' if owner == 'application' else 'unit',
        )
        self._secrets[secret.id] = secret
        self._index_secret(secret.id, secret)
        self._secrets_changed = True
        return secret.id

    def _grantee(self, relation_id: int, unit: str | None) -> str:
        relation = self._relations.get(relation_id)
        if relation is None:
            raise RelationNotFoundError(f'ERROR relation {relation_id} not found')
        return unit or relation._remote_app_name_for(self._app_name)

    def secret_grant(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Record a grant in the secret's ``remote_grants``."""
        secret = self._find_secret(id, None)
        self._check_manage(secret)
        grantee = self._grantee(relation_id, unit)
        grants = {k: set(v) for k, v in secret.remote_grants.items()}
        grants.setdefault(relation_id, set()).add(grantee)
        self._replace_secret(secret, remote_grants=grants)

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Remove a grant from the secret's ``remote_grants``."""
        secret = self._find_secret(id, None)
        self._check_manage(secret)
        grantee = self._grantee(relation_id, unit)
        grants = {k: set(v) for k, v in secret.remote_grants.items()}
        grants.get(relation_id, set()).discard(grantee)
        if not grants.get(relation_id, True):
            del grants[relation_id]
        self._replace_secret(secret, remote_grants=grants)

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        """Remove a secret, or record the removal of an old revision."""
        secret = self._find_secret(id, None)
        self._check_manage(secret)
        if revision is None:
            del self._secrets[secret.id]
            if self._secret_ids is not None:
                canonical = canonical_secret_id(secret.id)
                if self._secret_ids.get(canonical) == secret.id:
                    del self._secret_ids[canonical]
                    if any(canonical_secret_id(k) == canonical for k in self._secrets):
                        self._secret_ids = None  # another secret has the same id: re-read
            self._secrets_changed = True
            return
        if revision in (secret._tracked_revision, secret._latest_revision):
            raise ValueError(
                'Charms should not remove the latest revision of a secret. Add a new revision '
                'with `set_content()` instead, and remove the old one later.'
            )
        self._ctx.removed_secret_revisions.append(revision)

    def secret_ids(self) -> list[str]:
        """The ids of the secrets this unit or app owns."""
        return [s.id for s in self._secrets.values() if s.owner is not None]

    # ---- miscellaneous -----------------------------------------------------------------------

    def planned_units(self) -> int:
        """``State.planned_units``."""
        return self._state.planned_units

    def reboot(self, now: bool) -> None:
        """Rebooting is not simulated: like running the missing ``juju-reboot`` tool."""
        raise FileNotFoundError(2, 'No such file or directory', 'juju-reboot')

    def credential_get(self) -> OpsCloudSpec:
        """The State model's cloud spec, if the Context's app is trusted."""
        if not self._ctx.app_trusted:
            raise ModelError(
                'ERROR charm is not trusted, initialise Context with `app_trusted=True`'
            )
        spec = self._state.model.cloud_spec
        if spec is None:
            raise ModelError(
                'ERROR cloud spec is empty, initialise it with '
                '`State(model=Model(..., cloud_spec=ops.CloudSpec(...)))`'
            )
        return OpsCloudSpec.from_dict(spec._to_juju())

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None
    ) -> None:
        """Metrics are not simulated."""
        raise NotImplementedError('add-metric is not supported by ops.testing.Context')

    # ---- the output State --------------------------------------------------------------------

    def _hook_description(self) -> str:
        """``"the 'install' hook"`` or ``"the 'backup' action"``, for exception notes."""
        event = self._event
        if event.action is not None:
            return f'the {event.action.name!r} action'
        return f'the {event.hook_name!r} hook'

    def output_changes(self) -> dict[str, Any]:
        """The State fields this run changed, for ``dataclasses.replace(state, **changes)``."""
        changes: dict[str, Any] = {}
        if self._local_bags:
            relations = dict(self._relations)
            for (rel_id, is_app), bag in self._local_bags.items():
                field = 'local_app_data' if is_app else 'local_unit_data'
                changed: dict[str, Any] = {field: bag}
                relations[rel_id] = dataclasses.replace(relations[rel_id], **changed)
            changes['relations'] = frozenset(relations.values())
        if self._secrets_changed:
            changes['secrets'] = frozenset(self._secrets.values())
        if self._ports is not None:
            changes['opened_ports'] = frozenset(self._ports)
        if self.unit_status is not self._state.unit_status:
            changes['unit_status'] = self.unit_status
        if self.app_status is not self._state.app_status:
            changes['app_status'] = self.app_status
        if self.workload_version != self._state.workload_version:
            changes['workload_version'] = self.workload_version
        return changes
