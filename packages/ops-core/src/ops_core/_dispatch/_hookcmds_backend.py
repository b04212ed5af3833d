"""The production :class:`~ops_core._model._backend.Backend`: Juju's hook tools via ``ops_hookcmds``.

Every failure of a hook tool (``ops_hookcmds.Error``) is translated here:

1. if Juju's error text mentions ``access denied``, ``permission denied``, ``not the
   leader`` or ``cannot write relation settings``, an ``authz_fail`` security event is
   logged first;
2. ``relation-*`` and ``network-get`` failures saying ``relation not found`` become
   :class:`RelationNotFoundError`;
3. ``secret-*`` failures saying ``not found`` become :class:`SecretNotFoundError`;
4. anything else becomes :class:`ModelError` carrying Juju's error text.

The original ``ops_hookcmds.Error`` is chained as ``__cause__``. This module never caches
(see the cache contract in :mod:`ops_core._model._backend`).
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import ops_hookcmds

from .._model._errors import ModelError, RelationNotFoundError, SecretNotFoundError
from ._hook_notes import add_hook_notes_and_spans

if TYPE_CHECKING:
    from .._model._backend import Backend, ConfigValue, SecretOwner
    from .._model._cloud import CloudSpec
    from .._model._ports import Port
    from .._model._secret_types import SecretInfo, SecretRotate
    from ._jujucontext import JujuContext

__all__ = ['HookCommandsBackend']

# ops 3.9 logs these from ops.model; charms' tests capture that logger (caplog, assertLogs).
_logger = logging.getLogger('ops.model')

_P = ParamSpec('_P')
_R = TypeVar('_R')

_MAX_LOG_LINE_LEN = 131071  # the longest message juju-log takes in one call
_LEASE_SECONDS = 30.0  # how long Juju guarantees an is-leader answer holds

_SECURITY_MARKERS = (
    'access denied',
    'permission denied',
    'not the leader',
    'cannot write relation settings',
)


def _juju_older_than(version: str, major: int, minor: int) -> bool:
    match = re.match(r'^(\d+)\.(\d+)', version)
    if match is None:
        return False
    return (int(match.group(1)), int(match.group(2))) < (major, minor)


@add_hook_notes_and_spans
class HookCommandsBackend:
    """Talks to Juju by running its hook tools (through ``ops_hookcmds``).

    Args:
        context: The hook's :class:`JujuContext`. Without one, the identity values are read
            from the ``JUJU_*`` environment variables when the backend is created.
    """

    def __init__(self, context: JujuContext | None = None):
        if context is not None:
            self._unit_name = context.unit_name
            self._model_name = context.model_name
            self._model_uuid = context.model_uuid
            self._juju_version = str(context.version)
            self._relation_id = context.relation_id
            self._remote_app_name = context.remote_app_name
            self._hook_name = context.hook_name
            self._action_name = context.action_name
        else:
            env = os.environ
            self._unit_name = env.get('JUJU_UNIT_NAME', '')
            self._model_name = env.get('JUJU_MODEL_NAME', '')
            self._model_uuid = env.get('JUJU_MODEL_UUID', '')
            self._juju_version = env.get('JUJU_VERSION', '0.0.0')
            raw_id = env.get('JUJU_RELATION_ID', '').rsplit(':', 1)[-1]
            self._relation_id = int(raw_id) if raw_id.isdigit() else None
            self._remote_app_name = env.get('JUJU_REMOTE_APP') or None
            self._hook_name = env.get('JUJU_HOOK_NAME', '')
            self._action_name = env.get('JUJU_ACTION_NAME') or None
        self._in_juju_log = False
        self._juju_log_broken = False
        # The last is-leader answer and when it came, only to say in a security event
        # whether the unit was leader: reporting a failure must not run another tool.
        self._last_leader: bool | None = None
        self._last_leader_at = 0.0

    def _hook_description(self) -> str:
        """``"the 'install' hook"`` or ``"the 'backup' action"``, for exception notes."""
        if self._action_name:
            return f'the {self._action_name!r} action'
        if self._hook_name:
            return f'the {self._hook_name!r} hook'
        return 'this dispatch'

    # ---- error translation ---------------------------------------------------------

    def _log_authz_failure(self, exc: ops_hookcmds.Error) -> None:
        from .._model._security import log_security_event

        tool = os.path.basename(exc.cmd[0]) if exc.cmd else 'unknown'
        known = time.monotonic() - self._last_leader_at <= _LEASE_SECONDS
        if self._last_leader is None or not known:
            leadership = ' (leadership unknown)'
        else:
            leadership = ' (as leader)' if self._last_leader else ''
        log_security_event(
            self,
            'CRITICAL',
            f'authz_fail:{tool}',
            f'Hook command {tool!r}{leadership} failed with code {exc.returncode}: '
            f'{exc.stderr.strip()!r}. ',
        )

    def _translate(self, name: str, exc: ops_hookcmds.Error) -> ModelError:
        stderr = exc.stderr or str(exc)
        # Only Juju's own words decide the kind of error: a tool that is missing ("was not
        # found on PATH") is not a missing relation or secret.
        low = exc.stderr.lower()
        if any(marker in low for marker in _SECURITY_MARKERS):
            self._log_authz_failure(exc)
        if name.startswith(('relation-', 'network-')) and 'relation not found' in low:
            return RelationNotFoundError(stderr.strip())
        if name.startswith('secret-') and 'not found' in low:
            return SecretNotFoundError(stderr.strip())
        return ModelError(stderr)

    def _call(self, name: str, fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except ops_hookcmds.Error as exc:
            raise self._translate(name, exc) from exc

    # ---- identity ----------------------------------------------------------------

    @property
    def unit_name(self) -> str:
        """This unit's name (``JUJU_UNIT_NAME``)."""
        return self._unit_name

    @property
    def app_name(self) -> str:
        """This unit's application name."""
        return self._unit_name.split('/')[0]

    @property
    def model_name(self) -> str:
        """The model's name (``JUJU_MODEL_NAME``)."""
        return self._model_name

    @property
    def model_uuid(self) -> str:
        """The model's uuid (``JUJU_MODEL_UUID``)."""
        return self._model_uuid

    @property
    def juju_version(self) -> str:
        """The Juju agent's version (``JUJU_VERSION``)."""
        return self._juju_version

    # ---- leadership and config ------------------------------------------------------

    def is_leader(self) -> bool:
        """Run ``is-leader``."""
        leader = self._call('is-leader', ops_hookcmds.is_leader)
        self._last_leader, self._last_leader_at = leader, time.monotonic()
        return leader

    def config_get(self) -> dict[str, ConfigValue]:
        """Run ``config-get`` (all options)."""
        result = self._call('config-get', ops_hookcmds.config_get)
        if not isinstance(result, dict):
            raise ModelError(f'config-get returned {type(result).__name__}, expected an object')
        return result

    # ---- relations ----------------------------------------------------------------

    def relation_ids(self, relation_name: str) -> list[int]:
        """Run ``relation-ids <endpoint>``."""
        refs = self._call('relation-ids', ops_hookcmds.relation_ids, relation_name)
        return [int(ref.rsplit(':', 1)[-1]) for ref in refs]

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        """Run ``relation-list -r <endpoint>:<id>``."""
        units = self._call(
            'relation-list', ops_hookcmds.relation_list, relation_id, endpoint=relation_name
        )
        return list(units)

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        """``JUJU_REMOTE_APP`` when this hook is for the relation, else ``relation-list --app``."""
        if relation_id == self._relation_id and self._remote_app_name:
            return self._remote_app_name
        try:
            app = self._call(
                'relation-list',
                ops_hookcmds.relation_list,
                relation_id,
                endpoint=relation_name,
                app=True,
            )
        except RelationNotFoundError:
            return None
        return str(app) or None

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        """Run ``relation-get -r <endpoint>:<id> [--app] - <member>``."""
        data = self._call(
            'relation-get',
            ops_hookcmds.relation_get,
            relation_id,
            endpoint=relation_name,
            unit=member_name,
            app=is_app,
        )
        if not isinstance(data, dict):
            raise ModelError(f'relation-get returned {type(data).__name__}, expected an object')
        return dict(data)

    def relation_set(
        self,
        relation_name: str,
        relation_id: int,
        data: Mapping[str, str],
        is_app: bool,
        *,
        member_name: str | None = None,
    ) -> None:
        """Run ``relation-set -r <endpoint>:<id> [--app] --file -`` (data on stdin).

        Raises:
            ModelError: ``member_name`` names another unit or application: the hook tool
                writes only this unit's (or application's) bag.
        """
        if member_name is not None and member_name not in (self.unit_name, self.app_name):
            raise ModelError(
                f'ERROR cannot write the relation data of {member_name}: relation-set writes '
                "only this unit's or application's data"
            )
        self._call(
            'relation-set',
            ops_hookcmds.relation_set,
            data,
            relation_id,
            endpoint=relation_name,
            app=is_app,
        )

    def relation_model_get(self, relation_name: str, relation_id: int) -> str:
        """Run ``relation-model-get -r <endpoint>:<id>``."""
        result = self._call(
            'relation-model-get',
            ops_hookcmds.relation_model_get,
            relation_id,
            endpoint=relation_name,
        )
        return result.uuid

    # ---- status and workload version -----------------------------------------------

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        """Run ``status-get --include-data --application=<bool>``."""
        result = self._call('status-get', ops_hookcmds.status_get, app=is_app)
        return result.status or 'unknown', result.message or ''

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        """Run ``status-set --application=<bool> <status> -- <message>``.

        Raises:
            TypeError: if ``message`` is not a str (refused before the hook tool runs; the
                in-memory backends of ``ops.testing`` keep such a message, as ops 3.9 does).
        """
        if not isinstance(message, str):
            raise TypeError(
                f'status message must be a str, not {type(message).__name__}: {message!r}'
            )
        self._call(
            'status-set',
            ops_hookcmds.status_set,
            cast('ops_hookcmds.SettableStatusName', status),
            message,
            app=is_app,
        )

    def application_version_set(self, version: str) -> None:
        """Run ``application-version-set -- <version>``."""
        self._call('app-version-set', ops_hookcmds.app_version_set, version)

    # ---- storage ------------------------------------------------------------------

    def storage_list(self, name: str) -> list[int]:
        """Run ``storage-list <name>``."""
        ids = self._call('storage-list', ops_hookcmds.storage_list, name)
        return [int(storage_id.rsplit('/', 1)[-1]) for storage_id in ids]

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        """Run ``storage-get -s <name>/<index>`` and return ``location`` or ``kind``."""
        if attribute not in ('location', 'kind'):
            raise ValueError(f"storage attribute must be 'location' or 'kind', not {attribute!r}")
        result = self._call('storage-get', ops_hookcmds.storage_get, storage_name_id)
        return str(getattr(result, attribute))

    def storage_add(self, name: str, count: int) -> None:
        """Run ``storage-add <name>=<count>``."""
        self._call('storage-add', ops_hookcmds.storage_add, {name: count})

    # ---- actions ------------------------------------------------------------------

    def action_get(self) -> dict[str, Any]:
        """Run ``action-get`` (all parameters)."""
        params = self._call('action-get', ops_hookcmds.action_get)
        if not isinstance(params, dict):
            raise ModelError(f'action-get returned {type(params).__name__}, expected an object')
        return params

    def action_set(self, results: Mapping[str, Any]) -> None:
        """Run ``action-set k=v ...`` with nested keys flattened to dotted keys."""
        self._call('action-set', ops_hookcmds.action_set, results)

    def action_log(self, message: str) -> None:
        """Run ``action-log -- <message>``."""
        self._call('action-log', ops_hookcmds.action_log, message)

    def action_fail(self, message: str) -> None:
        """Run ``action-fail -- <message>``."""
        self._call('action-fail', ops_hookcmds.action_fail, message)

    # ---- logging ------------------------------------------------------------------

    def juju_log(self, level: str, message: str) -> None:
        """Run ``juju-log --log-level <level> -- <message>`` (split when very long).

        Calls made while a ``juju-log`` call is already running (for example by a logging
        handler reacting to this call's own failure) are dropped. Once ``juju-log`` could
        not be run at all (missing, or killed after the hook-tool timeout because it hung),
        it is not tried again in this hook: later messages go to standard error, which Juju
        also records, so a hung ``juju-log`` costs one timeout per hook, not one per line.

        Raises:
            ModelError: ``juju-log`` failed (only the first time, when it could not run).
        """
        if self._in_juju_log:
            return
        if self._juju_log_broken:
            self._log_to_stderr(level, message)
            return
        self._in_juju_log = True
        try:
            if len(message) > _MAX_LOG_LINE_LEN:
                ops_hookcmds.juju_log(
                    f'Log string greater than {_MAX_LOG_LINE_LEN}. '
                    'Splitting into multiple chunks: ',
                    level=cast('Any', level),
                )
                for start in range(0, len(message), _MAX_LOG_LINE_LEN):
                    chunk = message[start : start + _MAX_LOG_LINE_LEN]
                    ops_hookcmds.juju_log(chunk, level=cast('Any', level))
                return
            ops_hookcmds.juju_log(message, level=cast('Any', level))
        except ops_hookcmds.Error as exc:
            if exc.returncode == -1:  # never ran, or was killed after the timeout
                self._juju_log_broken = True
                sys.stderr.write(
                    f'juju-log is not usable ({exc}); the rest of this hook logs to '
                    f'standard error\n'
                )
            raise self._translate('juju-log', exc) from exc
        finally:
            self._in_juju_log = False

    @staticmethod
    def _log_to_stderr(level: str, message: str) -> None:
        try:
            sys.stderr.write(f'{level} {message}\n')
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # nowhere left to report it

    # ---- network, resources, pods, ports -------------------------------------------

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        """Run ``network-get [-r <id>] <binding>`` and return Juju's JSON shape."""
        net = self._call(
            'network-get', ops_hookcmds.network_get, binding_name, relation_id=relation_id
        )
        return {
            'bind-addresses': [
                {
                    'mac-address': bind.mac_address,
                    'interface-name': bind.interface_name,
                    'addresses': [
                        {'hostname': a.hostname, 'value': a.value, 'cidr': a.cidr}
                        for a in bind.addresses
                    ],
                }
                for bind in net.bind_addresses
            ],
            'egress-subnets': list(net.egress_subnets),
            'ingress-addresses': list(net.ingress_addresses),
        }

    def resource_get(self, name: str) -> str:
        """Run ``resource-get <name>``."""
        return str(self._call('resource-get', ops_hookcmds.resource_get, name))

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        """Run ``pod-spec-set --file <spec.yaml> [--k8s-resources <resources.yaml>]``."""
        import shutil
        import tempfile

        import yaml
        from ops_hookcmds.sister import run

        tmpdir = tempfile.mkdtemp('-pod-spec-set')
        try:
            spec_path = os.path.join(tmpdir, 'spec.yaml')
            with open(spec_path, 'w', encoding='utf-8') as f:
                yaml.safe_dump(dict(spec), f)
            argv = ['pod-spec-set', '--file', spec_path]
            if k8s_resources:
                res_path = os.path.join(tmpdir, 'k8s-resources.yaml')
                with open(res_path, 'w', encoding='utf-8') as f:
                    yaml.safe_dump(dict(k8s_resources), f)
                argv += ['--k8s-resources', res_path]
            self._call('pod-spec-set', run, *argv)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def opened_ports(self) -> set[Port]:
        """Run ``opened-ports``; ranges keep their first port, unknown protocols are skipped."""
        from .._model._ports import Port

        ports: set[Port] = set()
        for p in self._call('opened-ports', ops_hookcmds.opened_ports):
            if p.protocol not in ('tcp', 'udp', 'icmp'):
                _logger.warning('Unexpected opened-ports protocol: %s', p.protocol)
                continue
            if p.to_port is not None:
                _logger.warning('Ignoring opened-ports port range: %s-%s', p.port, p.to_port)
            ports.add(Port(p.protocol, p.port))
        return ports

    def open_port(self, protocol: str, port: int | None) -> None:
        """Run ``open-port <port>/<protocol>`` (or ``open-port icmp``)."""
        self._call('open-port', ops_hookcmds.open_port, cast('Any', protocol), port)

    def close_port(self, protocol: str, port: int | None) -> None:
        """Run ``close-port <port>/<protocol>`` (or ``close-port icmp``)."""
        self._call('close-port', ops_hookcmds.close_port, cast('Any', protocol), port)

    # ---- secrets ------------------------------------------------------------------

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        """Run ``secret-get [<id>] [--label <label>] [--refresh|--peek]``."""
        return self._call(
            'secret-get', ops_hookcmds.secret_get, id=id, label=label, refresh=refresh, peek=peek
        )

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        """Run ``secret-info-get <id>`` or ``secret-info-get --label <label>``."""
        from .._model._secret_types import SecretInfo, SecretRotate, canonical_secret_id

        if id is not None:
            info = self._call('secret-info-get', ops_hookcmds.secret_info_get, id=id)
        else:
            info = self._call('secret-info-get', ops_hookcmds.secret_info_get, label=label)
        return SecretInfo(
            id=canonical_secret_id(info.id or (id or ''), self._model_uuid),
            label=info.label or None,  # Juju omits an unset label; ops 3.9 says None
            revision=info.revision,
            expires=info.expiry,
            rotation=SecretRotate(info.rotation) if info.rotation else None,
            rotates=info.rotates,
            description=info.description or None,
            model_uuid=self._model_uuid,
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
        """Run ``secret-set ... <id> [key#file=...]`` (content passed through files).

        Juju before 3.6 does not merge several ``secret-set`` calls of one hook: each call
        replaces content and metadata. There, what is not given is first read back
        (``secret-get --peek``, ``secret-info-get``) and sent again.
        """
        if _juju_older_than(self._juju_version, 3, 6):
            if content is None:
                content = self.secret_get(id=id, label=None, refresh=False, peek=True)
            if None in (label, description, expire, rotate):
                info = self.secret_info_get(id=id, label=None)
                label = info.label if label is None else label
                description = info.description if description is None else description
                expire = info.expires if expire is None else expire
                rotate = info.rotation if rotate is None else rotate
        self._call(
            'secret-set',
            ops_hookcmds.secret_set,
            id,
            content=content,
            label=label,
            description=description,
            expire=expire,
            rotate=cast('Any', rotate.value) if rotate is not None else None,
        )

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
        """Run ``secret-add ... --owner <owner> key#file=...``; returns the new id."""
        return self._call(
            'secret-add',
            ops_hookcmds.secret_add,
            content,
            label=label,
            description=description,
            expire=expire,
            rotate=cast('Any', rotate.value) if rotate is not None else None,
            owner=owner,
        ).strip()

    def secret_grant(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Run ``secret-grant --relation <id> [--unit <unit>] <secret id>``."""
        self._call('secret-grant', ops_hookcmds.secret_grant, id, relation_id, unit=unit)

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Run ``secret-revoke --relation <id> [--unit <unit>] <secret id>``."""
        self._call(
            'secret-revoke', ops_hookcmds.secret_revoke, id, relation_id=relation_id, unit=unit
        )

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        """Run ``secret-remove <id> [--revision <n>]``."""
        self._call('secret-remove', ops_hookcmds.secret_remove, id, revision=revision)

    def secret_ids(self) -> list[str]:
        """Run ``secret-ids``."""
        return self._call('secret-ids', ops_hookcmds.secret_ids)

    # ---- miscellaneous ------------------------------------------------------------

    def planned_units(self) -> int:
        """Run ``goal-state`` and count this application's units that are not dying."""
        state = self._call('goal-state', ops_hookcmds.goal_state)
        return sum(1 for goal in state.units.values() if goal.status != 'dying')

    def reboot(self, now: bool) -> None:
        """Run ``juju-reboot [--now]``."""
        self._call('juju-reboot', ops_hookcmds.juju_reboot, now=now)

    def credential_get(self) -> CloudSpec:
        """Run ``credential-get``."""
        from .._model._cloud import CloudCredential, CloudSpec

        spec = self._call('credential-get', ops_hookcmds.credential_get)
        cred = spec.credential
        return CloudSpec(
            type=spec.type,
            name=spec.name,
            region=spec.region,
            endpoint=spec.endpoint,
            identity_endpoint=spec.identity_endpoint,
            storage_endpoint=spec.storage_endpoint,
            credential=CloudCredential(
                auth_type=cred.auth_type,
                attributes=dict(cred.attributes),
                redacted=list(cred.redacted),
            )
            if cred is not None
            else None,
            ca_certificates=list(spec.ca_certificates),
            skip_tls_verify=spec.skip_tls_verify,
            is_controller_cloud=spec.is_controller_cloud,
        )

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None
    ) -> None:
        """Run ``add-metric [--labels k=v,...] key=value ...`` (legacy Juju only)."""
        from ops_hookcmds.sister import run

        argv = ['add-metric']
        if labels:
            argv += ['--labels', ','.join(f'{k}={v}' for k, v in labels.items())]
        argv += [f'{k}={v}' for k, v in metrics.items()]
        self._call('add-metric', run, *argv)


if TYPE_CHECKING:

    def _conforms(backend: HookCommandsBackend) -> Backend:
        return backend  # mypy checks that the class implements the protocol
