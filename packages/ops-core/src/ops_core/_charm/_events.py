"""The events Juju sends a charm (hooks and actions) and the collect-status events.

Each event class documents the snapshot it saves, so that a deferred event is rebuilt
identically in a later dispatch (the snapshot keys are those of ops 3.9, so state files
are interchangeable with it).
"""

from __future__ import annotations

import logging
import re
import warnings
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from .._exports import publish
from .._framework._events import EventBase, LifecycleEvent

if TYPE_CHECKING:
    from .._framework._handle import Handle
    from ..model import (
        Application,
        Container,
        LazyCheckInfo,
        LazyNotice,
        Relation,
        Secret,
        StatusBase,
        Storage,
        Unit,
    )

logger = logging.getLogger('ops.charm')

_T = TypeVar('_T')

# Pattern source only: ``re`` compiles (and caches) it on first use, not at import.
_RESULT_KEY_RE = r'^[a-z0-9](?:[a-z0-9\-.]*[a-z0-9])?$'
_METRIC_NAME_RE = r'^[a-zA-Z](?:[a-zA-Z0-9_\-]*[a-zA-Z0-9])?$'


def _backend(event: EventBase) -> Any:
    """The model backend of the framework the event belongs to."""
    return event.framework.model._backend


class HookEvent(EventBase):
    """Base class of the events Juju sends as hooks (everything but actions)."""


class ActionEvent(EventBase):
    """An action the user ran (``juju run <unit> <action>``): ``self.on.<name>_action``.

    Attributes:
        id: the Juju action id (``JUJU_ACTION_UUID``).
        params: the action's parameters, with their types as Juju parsed them.

    Action events cannot be deferred.
    """

    id: str = ''
    params: dict[str, Any]

    def __init__(self, handle: Handle, id: str | None = None):
        super().__init__(handle)
        self.id = id or ''
        self.params = {}

    def defer(self) -> None:
        """Action events cannot be deferred.

        Raises:
            RuntimeError: always; an action runs once, when the user asks for it.
        """
        raise RuntimeError('cannot defer action events')

    def snapshot(self) -> dict[str, Any]:
        """Save the action id."""
        return {'id': self.id}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the id and load the parameters from Juju (``action-get``)."""
        super().restore(snapshot)
        self.id = snapshot.get('id') or ''
        self.params = _backend(self).action_get()

    def set_results(self, results: Mapping[str, Any]) -> None:
        """Report results to the user who ran the action; later calls add to earlier ones.

        Nested mappings become dotted keys (``{'a': {'b': 1}}`` is reported as ``a.b``).

        Args:
            results: the results; keys are lowercase letters, digits, ``-`` and ``.``,
                starting and ending with a letter or digit.

        Raises:
            ValueError: if a key is not a valid result key, or two keys collide once
                nested keys are flattened.
            ModelError: if Juju refuses (e.g. a reserved key such as ``stdout``).
        """
        _flatten_results(results)
        _backend(self).action_set(results)

    def log(self, message: str) -> None:
        """Send a progress message to the user who ran the action (``action-log``)."""
        _backend(self).action_log(message)

    def fail(self, message: str = '') -> None:
        """Mark the action as failed; the handler keeps running.

        Args:
            message: why it failed, shown to the user (the last message wins).
        """
        _backend(self).action_fail(message)

    def load_params(
        self,
        cls: type[_T],
        *args: Any,
        errors: Literal['raise', 'fail'] = 'raise',
        **kwargs: Any,
    ) -> _T:
        """Load the action parameters into an instance of ``cls`` (a dataclass or similar).

        Parameter names with hyphens map to attributes with underscores. ``args`` and
        ``kwargs`` are passed to ``cls`` along with the parameters.

        Args:
            cls: the class to instantiate (dataclass, pydantic-style model, or any class
                accepting the parameters as keyword arguments).
            errors: ``'raise'`` (default) to let a validation error propagate; ``'fail'``
                to fail the action with ``Error in action parameters: <error>`` and end the
                dispatch cleanly.

        Raises:
            ValueError: (or the class's own validation error) if the parameters do not
                fit ``cls`` and ``errors='raise'``.
        """
        from .._model._typed_load import load_typed

        try:
            return load_typed(
                cls,
                self.params,
                *args,
                key_transform=_underscored,
                what='action parameters',
                **kwargs,
            )
        except ValueError as exc:
            if errors != 'fail':
                raise
            from .._framework._abort import _Abort

            self.fail(f'Error in action parameters: {exc}')
            raise _Abort(0) from exc


def _underscored(key: str) -> str:
    return key.replace('-', '_')


def _flatten_results(results: Mapping[str, Any], prefix: str = '') -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in results.items():
        if not isinstance(key, str):
            raise ValueError(f'invalid action result key {key!r}: keys must be strings')
        if not re.match(_RESULT_KEY_RE, key):
            raise ValueError(
                f'invalid action result key {key!r}: use lowercase letters, digits, "-" and '
                f'".", starting and ending with a letter or digit (like "key", "some-key2")'
            )
        full = f'{prefix}{key}'
        if isinstance(value, Mapping):
            nested = _flatten_results(value, f'{full}.')
            for sub in nested:
                if sub in flat:
                    raise ValueError(f'duplicate action result key {sub!r} after flattening')
            flat.update(nested)
        else:
            if full in flat:
                raise ValueError(f'duplicate action result key {full!r} after flattening')
            flat[full] = value
    return flat


class InstallEvent(HookEvent):
    """The first hook of a unit: install the workload (``install``)."""


class StartEvent(HookEvent):
    """The unit's workload should start (``start``), after install/config-changed."""


class StopEvent(HookEvent):
    """The unit is being torn down: stop the workload (``stop``). Cannot be deferred."""

    def defer(self) -> None:
        """Stop events cannot be deferred.

        Raises:
            RuntimeError: always; there will be no later dispatch to deliver it.
        """
        raise RuntimeError('cannot defer stop events')


class RemoveEvent(HookEvent):
    """The unit's last hook (``remove``). Cannot be deferred."""

    def defer(self) -> None:
        """Remove events cannot be deferred.

        Raises:
            RuntimeError: always; there will be no later dispatch to deliver it.
        """
        raise RuntimeError('cannot defer remove events')


class ConfigChangedEvent(HookEvent):
    """The charm's config changed, or the unit started/upgraded (``config-changed``)."""


class UpdateStatusEvent(HookEvent):
    """Periodic status check (``update-status``, every 5 minutes by default)."""


class UpgradeCharmEvent(HookEvent):
    """The charm was refreshed to a new revision (``upgrade-charm``)."""


class PreSeriesUpgradeEvent(HookEvent):
    """The machine is about to be upgraded to a new series (``pre-series-upgrade``).

    Deprecated: Juju 4 removes series upgrades.
    """

    def __init__(self, handle: Handle):
        warnings.warn(
            'pre-series-upgrade is deprecated and not emitted by Juju 4',
            DeprecationWarning,
            stacklevel=3,
        )
        super().__init__(handle)


class PostSeriesUpgradeEvent(HookEvent):
    """The machine's series upgrade finished (``post-series-upgrade``).

    Deprecated: Juju 4 removes series upgrades.
    """

    def __init__(self, handle: Handle):
        warnings.warn(
            'post-series-upgrade is deprecated and not emitted by Juju 4',
            DeprecationWarning,
            stacklevel=3,
        )
        super().__init__(handle)


class LeaderElectedEvent(HookEvent):
    """This unit became the leader of its application (``leader-elected``)."""


class LeaderSettingsChangedEvent(HookEvent):
    """Leader settings changed (``leader-settings-changed``; legacy, not on Juju 3+)."""


class CollectMetricsEvent(HookEvent):
    """Juju collects metrics (``collect-metrics``; machine charms on legacy Juju only).

    Deprecated: metrics are not collected by Juju 4.
    """

    def __init__(self, handle: Handle):
        warnings.warn(
            'collect-metrics is deprecated and not emitted by Juju 4',
            DeprecationWarning,
            stacklevel=3,
        )
        super().__init__(handle)

    def add_metrics(
        self, metrics: Mapping[str, int | float], labels: Mapping[str, str] | None = None
    ) -> None:
        """Record metrics for Juju (``add-metric``).

        Args:
            metrics: metric name to numeric value.
            labels: optional label name to value, applied to every metric.

        Raises:
            ModelError: if a name, value or label is invalid, or Juju refuses.
        """
        from ..model import ModelError

        for name, value in metrics.items():
            if not isinstance(name, str) or not re.match(_METRIC_NAME_RE, name):
                raise ModelError(f'invalid metric name {name!r}: use letters, digits, - and _')
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ModelError(f'invalid value for metric {name!r}: {value!r} is not a number')
        for key, text in (labels or {}).items():
            if not isinstance(key, str) or not re.match(_METRIC_NAME_RE, key):
                raise ModelError(f'invalid metric label name {key!r}')
            if not isinstance(text, str) or not text or ',' in text or '=' in text:
                raise ModelError(
                    f'invalid value for metric label {key!r}: must be a non-empty str '
                    'without "," or "="'
                )
        _backend(self).add_metrics(metrics, labels)


class RelationEvent(HookEvent):
    """Base class of relation events (``<endpoint>-relation-*``).

    Attributes:
        relation: the :class:`~ops.Relation` the event is about.
        app: the remote application, if Juju said which (always, on modern Juju).
        unit: the remote unit the event is about, if any (not for created/broken).
    """

    relation: Relation
    app: Application | None
    unit: Unit | None

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None = None,
        unit: Unit | None = None,
    ):
        super().__init__(handle)
        if unit is not None and unit.app != app:
            raise RuntimeError(
                f'cannot create RelationEvent with application {app} and unit {unit}'
            )
        self.relation = relation
        if app is None:
            logger.warning(
                "'app' expected but not received, see https://bugs.launchpad.net/juju/+bug/1960934"
            )
        self.app = app
        self.unit = unit

    def snapshot(self) -> dict[str, Any]:
        """Save the relation (name and id) and the remote app and unit names."""
        data: dict[str, Any] = {
            'relation_name': self.relation.name,
            'relation_id': self.relation.id,
        }
        if self.app is not None:
            data['app_name'] = self.app.name
        if self.unit is not None:
            data['unit_name'] = self.unit.name
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Look the relation, app and unit up again in the model.

        Raises:
            ValueError: if the relation no longer exists.
        """
        super().restore(snapshot)
        model = self.framework.model
        relation = model.get_relation(snapshot['relation_name'], snapshot['relation_id'])
        if relation is None:
            raise ValueError(
                f'Unable to restore {self}: relation {snapshot["relation_name"]} '
                f'(id={snapshot["relation_id"]}) not found.'
            )
        self.relation = relation
        app_name = snapshot.get('app_name')
        if app_name:
            self.app = model.get_app(app_name)
        else:
            logger.warning("'app_name' expected in snapshot but not found.")
            self.app = None
        unit_name = snapshot.get('unit_name')
        self.unit = model.get_unit(unit_name) if unit_name else None


class RelationCreatedEvent(RelationEvent):
    """A relation was created on an endpoint (``<endpoint>-relation-created``).

    Emitted once per relation, before any unit joins; ``unit`` is None.
    """


class RelationJoinedEvent(RelationEvent):
    """A remote unit joined a relation (``<endpoint>-relation-joined``)."""


class RelationChangedEvent(RelationEvent):
    """Relation data changed, or a unit just joined (``<endpoint>-relation-changed``)."""


class RelationDepartedEvent(RelationEvent):
    """A remote unit left a relation (``<endpoint>-relation-departed``).

    Attributes:
        departing_unit: the unit leaving (may be this unit), from ``JUJU_DEPARTING_UNIT``.
    """

    def __init__(
        self,
        handle: Handle,
        relation: Relation,
        app: Application | None = None,
        unit: Unit | None = None,
        departing_unit_name: str | None = None,
    ):
        super().__init__(handle, relation, app=app, unit=unit)
        self._departing_unit_name = departing_unit_name

    def snapshot(self) -> dict[str, Any]:
        """Save as :class:`RelationEvent` does, plus the departing unit's name."""
        data = super().snapshot()
        if self._departing_unit_name:
            data['departing_unit'] = self._departing_unit_name
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore as :class:`RelationEvent` does, plus the departing unit's name."""
        super().restore(snapshot)
        self._departing_unit_name = snapshot.get('departing_unit')

    @property
    def departing_unit(self) -> Unit | None:
        """The unit leaving the relation, or None if Juju did not say."""
        if not self._departing_unit_name:
            return None
        return self.framework.model.get_unit(self._departing_unit_name)


class RelationBrokenEvent(RelationEvent):
    """A relation is being removed (``<endpoint>-relation-broken``).

    The relation is no longer listed in ``model.relations``; ``event.relation`` still
    gives access to it, and its remote data is empty.
    """


class StorageEvent(HookEvent):
    """Base class of storage events (``<storage>-storage-*``).

    Attributes:
        storage: the :class:`~ops.Storage` instance the event is about.
    """

    storage: Storage

    def __init__(self, handle: Handle, storage: Storage):
        super().__init__(handle)
        self.storage = storage

    def snapshot(self) -> dict[str, Any]:
        """Save the storage name, index and location."""
        data: dict[str, Any] = {}
        if self.storage is not None:
            data['storage_name'] = self.storage.name
            data['storage_index'] = self.storage.index
            data['storage_location'] = str(self.storage.location)
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Find the storage instance again in the model and re-apply its saved location.

        Raises:
            RuntimeError: if the storage instance no longer exists.
        """
        super().restore(snapshot)
        name = snapshot.get('storage_name')
        if name is None:
            return
        index = snapshot.get('storage_index')
        for storage in self.framework.model.storages[name]:
            if storage.index == index:
                location = snapshot.get('storage_location')
                if location is not None:
                    storage.location = location
                self.storage = storage
                return
        raise RuntimeError(
            f'failed to restore {self}: storage {name}/{index} not found in the model'
        )


class StorageAttachedEvent(StorageEvent):
    """A storage instance was attached (``<storage>-storage-attached``), before install."""


class StorageDetachingEvent(StorageEvent):
    """A storage instance is about to be detached (``<storage>-storage-detaching``)."""


class WorkloadEvent(HookEvent):
    """Base class of workload container events (``<container>-pebble-*``).

    Attributes:
        workload: the :class:`~ops.Container` the event is about.
    """

    workload: Container

    def __init__(self, handle: Handle, workload: Container):
        super().__init__(handle)
        self.workload = workload

    def snapshot(self) -> dict[str, Any]:
        """Save the container name."""
        if self.workload is None:
            return {}
        return {'container_name': self.workload.name}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Look the container up again by name."""
        super().restore(snapshot)
        name = snapshot.get('container_name')
        if name:
            self.workload = self.framework.model.unit.get_container(name)
        else:
            self.workload = cast('Container', None)


class PebbleReadyEvent(WorkloadEvent):
    """Pebble in a workload container accepts requests (``<container>-pebble-ready``)."""


class PebbleNoticeEvent(WorkloadEvent):
    """Base class of Pebble notice events.

    Attributes:
        notice: the notice; ``id``, ``type`` and ``key`` are known at once, other fields are
            fetched from Pebble on first access.
    """

    notice: LazyNotice

    def __init__(
        self,
        handle: Handle,
        workload: Container,
        notice_id: str,
        notice_type: str,
        notice_key: str,
    ):
        super().__init__(handle, workload)
        self.notice = self._make_notice(workload, notice_id, notice_type, notice_key)

    @staticmethod
    def _make_notice(
        workload: Container, notice_id: str, notice_type: str, notice_key: str
    ) -> LazyNotice:
        from ..model import LazyNotice

        return LazyNotice(workload, notice_id, notice_type, notice_key)

    def snapshot(self) -> dict[str, Any]:
        """Save the container name and the notice's id, type and key."""
        data = super().snapshot()
        notice_type = self.notice.type
        data.update(
            notice_id=self.notice.id,
            notice_type=str(getattr(notice_type, 'value', notice_type)),
            notice_key=self.notice.key,
        )
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Rebuild the container and the (lazy) notice."""
        super().restore(snapshot)
        self.notice = self._make_notice(
            self.workload,
            snapshot['notice_id'],
            snapshot['notice_type'],
            snapshot['notice_key'],
        )


class PebbleCustomNoticeEvent(PebbleNoticeEvent):
    """A custom Pebble notice was recorded (``<container>-pebble-custom-notice``)."""


class PebbleCheckEvent(WorkloadEvent):
    """Base class of Pebble check events.

    Attributes:
        info: the check's details, fetched from Pebble on first access.
    """

    info: LazyCheckInfo

    def __init__(self, handle: Handle, workload: Container, check_name: str):
        super().__init__(handle, workload)
        self.info = self._make_info(workload, check_name)

    @staticmethod
    def _make_info(workload: Container, check_name: str) -> LazyCheckInfo:
        from ..model import LazyCheckInfo

        return LazyCheckInfo(workload, check_name)

    def snapshot(self) -> dict[str, Any]:
        """Save the container and check names."""
        data = super().snapshot()
        data['check_name'] = self.info.name
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Rebuild the container and the (lazy) check info."""
        super().restore(snapshot)
        self.info = self._make_info(self.workload, snapshot['check_name'])


class PebbleCheckFailedEvent(PebbleCheckEvent):
    """A Pebble check reached its failure threshold (``<container>-pebble-check-failed``)."""


class PebbleCheckRecoveredEvent(PebbleCheckEvent):
    """A failed Pebble check passes again (``<container>-pebble-check-recovered``)."""


class SecretEvent(HookEvent):
    """Base class of secret events (``secret-*``)."""

    def __init__(self, handle: Handle, id: str, label: str | None):
        super().__init__(handle)
        self._id = id
        self._label = label

    @property
    def secret(self) -> Secret:
        """The secret the event is about (its content is fetched only when asked for)."""
        from .._model._secret import Secret

        return Secret(_backend(self), id=self._id, label=self._label)

    def snapshot(self) -> dict[str, Any]:
        """Save the secret id and label."""
        return {'id': self._id, 'label': self._label}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the secret id and label."""
        super().restore(snapshot)
        self._id = snapshot['id']
        self._label = snapshot.get('label')


class SecretChangedEvent(SecretEvent):
    """A secret this unit tracks has a new revision (``secret-changed``).

    Call ``event.secret.get_content(refresh=True)`` to move to the new revision.
    """


class SecretRotateEvent(SecretEvent):
    """A secret this charm owns is due for rotation (``secret-rotate``). Cannot be deferred."""

    def defer(self) -> None:
        """Secret rotation events cannot be deferred.

        Raises:
            RuntimeError: always; Juju re-sends the event until the secret is rotated.
        """
        raise RuntimeError(
            'Cannot defer secret rotation events. Juju will keep firing this event until '
            'you create a new revision.'
        )


class _SecretRevisionEvent(SecretEvent):
    """A secret event about one revision (the base of expired and remove)."""

    def __init__(self, handle: Handle, id: str, label: str | None, revision: int):
        super().__init__(handle, id, label)
        self._revision = revision

    @property
    def revision(self) -> int:
        """The secret revision the event is about."""
        return self._revision

    def remove_revision(self) -> None:
        """Remove :attr:`revision` of the secret (shortcut for ``secret.remove_revision``)."""
        self.secret.remove_revision(self._revision)

    def snapshot(self) -> dict[str, Any]:
        """Save the secret id, label and revision."""
        data = super().snapshot()
        data['revision'] = self._revision
        return data

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Restore the secret id, label and revision."""
        super().restore(snapshot)
        self._revision = snapshot['revision']


class SecretRemoveEvent(_SecretRevisionEvent):
    """No observer tracks a revision of a secret this charm owns any more (``secret-remove``).

    Typically handled with ``event.remove_revision()``.
    """


class SecretExpiredEvent(_SecretRevisionEvent):
    """A secret revision this charm owns has expired (``secret-expired``). Cannot be deferred."""

    def defer(self) -> None:
        """Secret expiration events cannot be deferred.

        Raises:
            RuntimeError: always; Juju re-sends the event until the revision is removed.
        """
        raise RuntimeError(
            'Cannot defer secret expiration events. Juju will keep firing this event until '
            'you create a new revision.'
        )


class CollectStatusEvent(LifecycleEvent):
    """Emitted at the end of every dispatch so the charm can report its status.

    Observe ``self.on.collect_unit_status`` (and, for the leader,
    ``self.on.collect_app_status``) and call :meth:`add_status` with each status that
    applies; the framework sets the highest-priority one (error > blocked > maintenance >
    waiting > active), the first added winning ties.
    """

    def add_status(self, status: StatusBase) -> None:
        """Add a candidate status for the unit (or application).

        Raises:
            TypeError: if ``status`` is not a :class:`~ops.StatusBase`.
            InvalidStatusError: if it is an ``error`` or ``unknown`` status (not settable).
        """
        from ..model import StatusBase

        if not isinstance(status, StatusBase):
            raise TypeError(f'status should be a StatusBase, not {type(status).__name__}')
        status._settable_check()
        per_kind = _collected_statuses.setdefault(self.framework, {})
        per_kind.setdefault(self.handle.kind, []).append(status)


# Statuses added during collect-status, per framework and event kind
# ('collect_app_status' / 'collect_unit_status'); read and cleared by the evaluation.
_collected_statuses: weakref.WeakKeyDictionary[Any, dict[str, list[StatusBase]]] = (
    weakref.WeakKeyDictionary()
)


publish(__name__)
