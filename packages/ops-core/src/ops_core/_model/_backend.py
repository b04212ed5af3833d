"""The one seam between the model and Juju: the :class:`Backend` protocol.

Everything the model (``Model``, ``Unit``, ``Relation``, ``Secret``, ...), the charm, the
log handler and the dispatcher learn from or tell Juju goes through a ``Backend``. There
are two implementations:

* production: :class:`ops_core._dispatch._hookcmds_backend.HookCommandsBackend`, which runs the
  Juju hook tools through ``ops_hookcmds`` and translates their failures;
* testing: the in-memory backend of ``ops_testing``, which answers from a ``State``.

Contract shared by every method
-------------------------------
* Arguments arrive already validated by the model (types, key syntax, leadership rules
  that ops checks itself); a backend only does what Juju would do with them.
* Failures are reported the way Juju reports them, translated to model exceptions:

  - :class:`~ops_core.model.RelationNotFoundError` from ``relation_*`` methods and
    ``network_get`` when the relation does not exist (or the id does not belong to the
    endpoint);
  - :class:`~ops_core.model.SecretNotFoundError` from ``secret_*`` methods when the secret
    does not exist or is not visible to this unit;
  - :class:`~ops_core.model.ModelError` (first argument: Juju's error text) for anything
    else Juju refuses: permissions, not the leader, not in an action, bad values, ...

Caching
-------
Caching lives in the **model**, never in a backend: each backend call reflects Juju's
state at the time of the call, and a backend write is visible to the reads that Juju
would let see it (for example ``relation_get`` of this unit's own bag returns values set
earlier in the same hook). The model caches, for the life of one dispatch:

* ``is_leader``: for 30 seconds (leadership can be lost mid-hook);
* ``config_get``: once, on first access to ``Model.config``;
* ``relation_ids`` / ``relation_list`` / ``relation_remote_app_name``: once per endpoint /
  relation object; ``relation_get``: once per data bag, updated in place by the model's
  own writes (so a write does not cause a re-read);
* ``secret_get``: the content fetched by ``Model.get_secret`` / ``Secret.get_content`` is
  kept on the ``Secret`` object (``refresh=True`` and ``peek_content`` always call);
* ``status_get``: per ``Unit``/``Application`` object, replaced by the model on set;
* ``storage_list`` / ``storage_get`` (location): per storage object; ``resource_get``:
  per resource name; ``relation_model_get``: per relation object; ``planned_units``:
  never cached.

The in-memory backend therefore stays a plain mapping over its state.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from ._cloud import CloudSpec
    from ._ports import Port
    from ._secret_types import SecretInfo, SecretRotate

__all__ = ['Backend', 'ConfigValue', 'SecretOwner']

ConfigValue = bool | int | float | str
"""The type of one charm config value as Juju reports it."""

SecretOwner = Literal['application', 'unit']
"""Who owns a new secret: the whole application (the leader manages it) or this unit."""


class Backend(Protocol):
    """What the model needs from Juju, one method per hook command it uses.

    Implementations must not cache (see the module documentation); the model does.
    Argument names are part of the protocol: the model calls keyword-only arguments by name.
    """

    # ---- identity -----------------------------------------------------------------

    @property
    def unit_name(self) -> str:
        """This unit's name, for example ``'myapp/0'`` (``JUJU_UNIT_NAME``)."""
        ...

    @property
    def app_name(self) -> str:
        """This unit's application name, for example ``'myapp'``."""
        ...

    @property
    def model_name(self) -> str:
        """The model's name (``JUJU_MODEL_NAME``)."""
        ...

    @property
    def model_uuid(self) -> str:
        """The model's uuid (``JUJU_MODEL_UUID``)."""
        ...

    @property
    def juju_version(self) -> str:
        """The version of the Juju agent running the charm (``JUJU_VERSION``, e.g. ``'3.6.2'``)."""
        ...

    # ---- leadership and config ----------------------------------------------------

    def is_leader(self) -> bool:
        """Whether this unit is currently the leader (``is-leader``).

        Raises:
            ModelError: if Juju fails.
        """
        ...

    def config_get(self) -> dict[str, ConfigValue]:
        """Every config option that is set or has a non-null default (``config-get``).

        Secret-type options are secret URI strings.

        Raises:
            ModelError: if Juju fails.
        """
        ...

    # ---- relations ----------------------------------------------------------------

    def relation_ids(self, relation_name: str) -> list[int]:
        """The ids of the relations on endpoint ``relation_name`` (``relation-ids``).

        Returns:
            The ids, in Juju's order; empty if there are none.

        Raises:
            ModelError: if the endpoint is unknown to Juju or Juju fails.
        """
        ...

    def relation_list(self, relation_name: str, relation_id: int) -> list[str]:
        """The remote units in a relation (``relation-list``), excluding this unit.

        In ``relation-departed`` the departing unit is already excluded.

        Raises:
            RelationNotFoundError: if the relation does not exist on that endpoint.
            ModelError: if Juju fails otherwise.
        """
        ...

    def relation_remote_app_name(self, relation_name: str, relation_id: int) -> str | None:
        """The remote application's name in a relation, if Juju knows it.

        Production uses ``JUJU_REMOTE_APP`` when the current hook is for this relation,
        else ``relation-list --app``.

        Returns:
            The application name, or ``None`` if the relation no longer exists.

        Raises:
            ModelError: if Juju fails for another reason.
        """
        ...

    def relation_get(
        self, relation_name: str, relation_id: int, member_name: str, is_app: bool
    ) -> dict[str, str]:
        """One data bag of a relation (``relation-get``).

        Args:
            relation_name: The endpoint name.
            relation_id: The relation id.
            member_name: The unit name (``is_app=False``) or application name.
            is_app: Whether to read the application bag of ``member_name``.

        Returns:
            A new dict of the bag's content (this unit's own bag and, for the leader, its
            own app bag include writes made earlier in this hook).

        Raises:
            RelationNotFoundError: if the relation does not exist on that endpoint.
            ModelError: if Juju refuses (for example a non-leader reading its own app
                bag) or fails.
        """
        ...

    def relation_set(
        self,
        relation_name: str,
        relation_id: int,
        data: Mapping[str, str],
        is_app: bool,
        *,
        member_name: str | None = None,
    ) -> None:
        """Update this unit's (or, with ``is_app``, its application's) bag (``relation-set``).

        Args:
            relation_name: The endpoint name.
            relation_id: The relation id.
            data: The keys to change, never empty; a value of ``''`` deletes the key,
                keys not listed are left alone.
            is_app: Whether to write the application bag (leader only).
            member_name: Given only when the bag is another unit's or application's: the
                model lets code outside any event handler (a test) write any bag, and a
                simulated Juju writes it; Juju's ``relation-set`` cannot.

        Raises:
            RelationNotFoundError: if the relation does not exist on that endpoint.
            ModelError: if Juju refuses (e.g. ``is_app`` as a non-leader) or fails.
        """
        ...

    def relation_model_get(self, relation_name: str, relation_id: int) -> str:
        """The uuid of the model on the remote side of a relation (``relation-model-get``).

        Raises:
            RelationNotFoundError: if the relation does not exist on that endpoint.
            ModelError: if Juju is older than 3.6.2 or fails.
        """
        ...

    # ---- status and workload version ---------------------------------------------

    def status_get(self, *, is_app: bool) -> tuple[str, str]:
        """This unit's (or, with ``is_app``, its application's) status (``status-get``).

        Returns:
            ``(status name, message)``, for example ``('active', '')``; the name is one
            of ``active``, ``blocked``, ``maintenance``, ``waiting``, ``error``, ``unknown``.

        Raises:
            ModelError: if ``is_app`` and this unit is not the leader, or Juju fails.
        """
        ...

    def status_set(self, status: str, message: str, *, is_app: bool) -> None:
        """Set this unit's (or application's) status (``status-set``), effective immediately.

        Args:
            status: ``active``, ``blocked``, ``maintenance`` or ``waiting``.
            message: The message shown with the status (may be empty).
            is_app: Whether to set the application's status (leader only).

        Raises:
            ModelError: if Juju refuses the status or fails.
        """
        ...

    def application_version_set(self, version: str) -> None:
        """Set the workload version shown by ``juju status`` (``application-version-set``).

        Raises:
            ModelError: if Juju fails.
        """
        ...

    # ---- storage ------------------------------------------------------------------

    def storage_list(self, name: str) -> list[int]:
        """The indices of the attached instances of storage ``name`` (``storage-list``).

        For example ``[0, 1]`` for ``data/0`` and ``data/1``.

        Raises:
            ModelError: if Juju fails.
        """
        ...

    def storage_get(self, storage_name_id: str, attribute: str) -> str:
        """One attribute of a storage instance (``storage-get -s <name>/<index> <attribute>``).

        Args:
            storage_name_id: ``'<name>/<index>'``, for example ``'data/0'``.
            attribute: ``'location'`` or ``'kind'``.

        Raises:
            ModelError: if the storage is unknown or Juju fails.
        """
        ...

    def storage_add(self, name: str, count: int) -> None:
        """Ask Juju for ``count`` more instances of storage ``name`` (``storage-add``).

        Raises:
            ModelError: if Juju refuses or fails.
        """
        ...

    # ---- actions ------------------------------------------------------------------

    def action_get(self) -> dict[str, Any]:
        """The parameters of the running action (``action-get``), as JSON values.

        Raises:
            ModelError: if no action is running or Juju fails.
        """
        ...

    def action_set(self, results: Mapping[str, Any]) -> None:
        """Add results to the running action (``action-set``).

        Args:
            results: Possibly nested mapping; keys already validated by the model.
                Production flattens nested keys with dots (``{'a': {'b': 1}}`` → ``a.b=1``);
                repeated calls merge.

        Raises:
            ModelError: if no action is running, a key is reserved, or Juju fails.
        """
        ...

    def action_log(self, message: str) -> None:
        """Send a progress message to the user running the action (``action-log``).

        Raises:
            ModelError: if no action is running or Juju fails.
        """
        ...

    def action_fail(self, message: str) -> None:
        """Mark the running action as failed with ``message`` (``action-fail``).

        The last message wins; the handler keeps running.

        Raises:
            ModelError: if no action is running or Juju fails.
        """
        ...

    # ---- logging ------------------------------------------------------------------

    def juju_log(self, level: str, message: str) -> None:
        """Write ``message`` to the unit's Juju debug log (``juju-log``).

        Args:
            level: A Python logging level name (``'TRACE'``, ``'DEBUG'``, ``'INFO'``,
                ``'WARNING'``, ``'ERROR'``, ``'CRITICAL'``).
            message: The text; production splits messages longer than
                ``MAX_LOG_LINE_LEN`` into several calls.

        Raises:
            ModelError: if Juju fails.
        """
        ...

    # ---- network, resources, pods, ports -----------------------------------------

    def network_get(self, binding_name: str, relation_id: int | None) -> dict[str, Any]:
        """The network configuration of a binding (``network-get``), as Juju's JSON.

        Args:
            binding_name: An endpoint or extra-binding name.
            relation_id: The relation to ask about, or ``None`` for the endpoint default.

        Returns:
            ``{'bind-addresses': [...], 'egress-subnets': [...], 'ingress-addresses': [...]}``
            (keys may be missing), the shape :class:`ops_core.model.Network` parses.

        Raises:
            RelationNotFoundError: if ``relation_id`` names no live relation.
            ModelError: if the binding is unknown or Juju fails.
        """
        ...

    def resource_get(self, name: str) -> str:
        """Download resource ``name`` if needed and return its local path (``resource-get``).

        Raises:
            ModelError: if the resource cannot be fetched.
        """
        ...

    def pod_spec_set(
        self, spec: Mapping[str, Any], k8s_resources: Mapping[str, Any] | None
    ) -> None:
        """Set the pod spec of a legacy podspec charm (``pod-spec-set``).

        Raises:
            ModelError: if Juju refuses or fails.
        """
        ...

    def opened_ports(self) -> set[Port]:
        """The ports this unit has opened (``opened-ports``), not counting this hook's changes.

        Raises:
            ModelError: if Juju fails.
        """
        ...

    def open_port(self, protocol: str, port: int | None) -> None:
        """Open a port (``open-port``); applied when the hook succeeds.

        Args:
            protocol: ``'tcp'``, ``'udp'`` or ``'icmp'`` (lower case).
            port: The port number; ``None`` for ICMP.

        Raises:
            ModelError: if Juju refuses (e.g. a port with ICMP) or fails.
        """
        ...

    def close_port(self, protocol: str, port: int | None) -> None:
        """Close a port (``close-port``); same arguments and errors as :meth:`open_port`."""
        ...

    # ---- secrets ------------------------------------------------------------------

    def secret_get(
        self, *, id: str | None, label: str | None, refresh: bool, peek: bool
    ) -> dict[str, str]:
        """The content of a secret revision (``secret-get``).

        Args:
            id: The secret id (canonical form), or ``None`` to look up by label.
            label: The label; with ``id`` it (re)labels the secret for this unit.
            refresh: Return the latest revision and start tracking it.
            peek: Return the latest revision without tracking it.
                ``refresh`` and ``peek`` are never both true. With neither, the tracked
                revision is returned (the first fetch tracks the latest).

        Raises:
            SecretNotFoundError: if no such secret is visible to this unit.
            ModelError: if access is denied or Juju fails.
        """
        ...

    def secret_info_get(self, *, id: str | None, label: str | None) -> SecretInfo:
        """Metadata of a secret this unit (or its application) owns (``secret-info-get``).

        Exactly one of ``id`` and ``label`` is given.

        Raises:
            SecretNotFoundError: if no such secret is owned by this unit/application.
            ModelError: if access is denied (e.g. app secret, non-leader) or Juju fails.
        """
        ...

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
        """Create a new revision and/or change metadata of an owned secret (``secret-set``).

        ``None`` arguments are left unchanged. Content never appears in argv or logs.

        Raises:
            SecretNotFoundError: if the secret does not exist.
            ModelError: if this unit may not change it or Juju fails.
        """
        ...

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
        """Create a secret owned by this unit or its application (``secret-add``).

        Returns:
            The new secret's id, as Juju prints it (e.g. ``'secret:cjv9bnbp8lhs7cfv1p3g'``).

        Raises:
            ModelError: if Juju refuses (e.g. app-owned and not the leader) or fails.
        """
        ...

    def secret_grant(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Let the remote side of a relation (or one unit of it) read a secret.

        Raises:
            SecretNotFoundError: if the secret does not exist.
            ModelError: if this unit may not grant it or Juju fails.
        """
        ...

    def secret_revoke(self, id: str, relation_id: int, *, unit: str | None) -> None:
        """Undo :meth:`secret_grant` (``secret-revoke``); same errors."""
        ...

    def secret_remove(self, id: str, *, revision: int | None) -> None:
        """Remove one revision of an owned secret, or (``revision=None``) the whole secret.

        Raises:
            SecretNotFoundError: if the secret does not exist.
            ModelError: if this unit may not remove it or Juju fails.
        """
        ...

    def secret_ids(self) -> list[str]:
        """The ids of the secrets this unit/application owns (``secret-ids``).

        Raises:
            ModelError: if Juju fails.
        """
        ...

    # ---- miscellaneous ------------------------------------------------------------

    def planned_units(self) -> int:
        """How many units of this application Juju plans to have (``goal-state``).

        Counts the application's units whose goal status is not ``dying``.

        Raises:
            ModelError: if Juju fails.
        """
        ...

    def reboot(self, now: bool) -> None:
        """Ask Juju to reboot the machine (``juju-reboot [--now]``).

        With ``now`` the model exits the process right after this returns.

        Raises:
            ModelError: if Juju refuses (e.g. inside an action) or fails.
        """
        ...

    def credential_get(self) -> CloudSpec:
        """The cloud spec and credential of the model (``credential-get``).

        Raises:
            ModelError: if the application is not trusted (``juju trust``) or Juju fails.
        """
        ...

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None
    ) -> None:
        """Record metrics in a ``collect-metrics`` hook (``add-metric``; legacy Juju only).

        Arguments are already validated by the caller.

        Raises:
            ModelError: if Juju refuses or fails.
        """
        ...
