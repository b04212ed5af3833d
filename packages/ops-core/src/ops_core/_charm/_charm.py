"""``CharmBase``, the events it emits (``CharmEvents``) and the collect-status evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .._exports import publish
from .._framework._events import EventBase, EventSource, ObjectEvents
from .._framework._handle import Object
from ._events import (
    ActionEvent,
    CollectMetricsEvent,
    CollectStatusEvent,
    ConfigChangedEvent,
    InstallEvent,
    LeaderElectedEvent,
    LeaderSettingsChangedEvent,
    PebbleCheckFailedEvent,
    PebbleCheckRecoveredEvent,
    PebbleCustomNoticeEvent,
    PebbleReadyEvent,
    PostSeriesUpgradeEvent,
    PreSeriesUpgradeEvent,
    RelationBrokenEvent,
    RelationChangedEvent,
    RelationCreatedEvent,
    RelationDepartedEvent,
    RelationJoinedEvent,
    RemoveEvent,
    SecretChangedEvent,
    SecretExpiredEvent,
    SecretRemoveEvent,
    SecretRotateEvent,
    StartEvent,
    StopEvent,
    StorageAttachedEvent,
    StorageDetachingEvent,
    UpdateStatusEvent,
    UpgradeCharmEvent,
    _collected_statuses,
)

if TYPE_CHECKING:
    from pathlib import Path

    from .._framework._framework import Framework
    from ..model import Application, ConfigData, StatusBase, Unit
    from ._meta import CharmMeta

_T = TypeVar('_T')


class CharmEvents(ObjectEvents):
    """The events a charm receives, as ``self.on``.

    Besides the fixed events below, ``CharmBase`` defines one event per relation, storage,
    container and action in the charm's metadata: ``<endpoint>_relation_{created,joined,
    changed,departed,broken}``, ``<storage>_storage_{attached,detaching}``,
    ``<container>_pebble_{ready,custom_notice,check_failed,check_recovered}`` and
    ``<action>_action`` (hyphens become underscores). ``self.on['db'].relation_changed``
    is the same as ``self.on.db_relation_changed``.
    """

    install: EventSource[InstallEvent] = EventSource(InstallEvent)
    """The unit is being installed (:class:`InstallEvent`)."""
    start: EventSource[StartEvent] = EventSource(StartEvent)
    """The workload should start (:class:`StartEvent`)."""
    stop: EventSource[StopEvent] = EventSource(StopEvent)
    """The unit is being torn down (:class:`StopEvent`)."""
    remove: EventSource[RemoveEvent] = EventSource(RemoveEvent)
    """The unit's last hook (:class:`RemoveEvent`)."""
    update_status: EventSource[UpdateStatusEvent] = EventSource(UpdateStatusEvent)
    """Periodic status update (:class:`UpdateStatusEvent`)."""
    config_changed: EventSource[ConfigChangedEvent] = EventSource(ConfigChangedEvent)
    """The config changed (:class:`ConfigChangedEvent`)."""
    upgrade_charm: EventSource[UpgradeCharmEvent] = EventSource(UpgradeCharmEvent)
    """The charm was refreshed (:class:`UpgradeCharmEvent`)."""
    pre_series_upgrade: EventSource[PreSeriesUpgradeEvent] = EventSource(PreSeriesUpgradeEvent)
    """Before a series upgrade (:class:`PreSeriesUpgradeEvent`, deprecated)."""
    post_series_upgrade: EventSource[PostSeriesUpgradeEvent] = EventSource(PostSeriesUpgradeEvent)
    """After a series upgrade (:class:`PostSeriesUpgradeEvent`, deprecated)."""
    leader_elected: EventSource[LeaderElectedEvent] = EventSource(LeaderElectedEvent)
    """This unit became leader (:class:`LeaderElectedEvent`)."""
    leader_settings_changed: EventSource[LeaderSettingsChangedEvent] = EventSource(
        LeaderSettingsChangedEvent
    )
    """Leader settings changed (:class:`LeaderSettingsChangedEvent`, legacy)."""
    collect_metrics: EventSource[CollectMetricsEvent] = EventSource(CollectMetricsEvent)
    """Juju collects metrics (:class:`CollectMetricsEvent`, deprecated)."""
    secret_changed: EventSource[SecretChangedEvent] = EventSource(SecretChangedEvent)
    """A tracked secret has a new revision (:class:`SecretChangedEvent`)."""
    secret_expired: EventSource[SecretExpiredEvent] = EventSource(SecretExpiredEvent)
    """An owned secret revision expired (:class:`SecretExpiredEvent`)."""
    secret_rotate: EventSource[SecretRotateEvent] = EventSource(SecretRotateEvent)
    """An owned secret is due for rotation (:class:`SecretRotateEvent`)."""
    secret_remove: EventSource[SecretRemoveEvent] = EventSource(SecretRemoveEvent)
    """An owned secret revision is no longer used (:class:`SecretRemoveEvent`)."""
    collect_app_status: EventSource[CollectStatusEvent] = EventSource(CollectStatusEvent)
    """Collect the application status, leader only (:class:`CollectStatusEvent`)."""
    collect_unit_status: EventSource[CollectStatusEvent] = EventSource(CollectStatusEvent)
    """Collect the unit status (:class:`CollectStatusEvent`)."""


def _metadata_events(meta: CharmMeta) -> list[tuple[str, type[EventBase]]]:
    """The (event kind, event type) pairs the metadata defines, in a stable order."""
    events: list[tuple[str, type[EventBase]]] = []
    for name in meta.relations:
        prefix = name.replace('-', '_')
        events += [
            (f'{prefix}_relation_created', RelationCreatedEvent),
            (f'{prefix}_relation_joined', RelationJoinedEvent),
            (f'{prefix}_relation_changed', RelationChangedEvent),
            (f'{prefix}_relation_departed', RelationDepartedEvent),
            (f'{prefix}_relation_broken', RelationBrokenEvent),
        ]
    for name in meta.storages:
        prefix = name.replace('-', '_')
        events += [
            (f'{prefix}_storage_attached', StorageAttachedEvent),
            (f'{prefix}_storage_detaching', StorageDetachingEvent),
        ]
    for name in meta.actions:
        events.append((f'{name.replace("-", "_")}_action', ActionEvent))
    for name in meta.containers:
        prefix = name.replace('-', '_')
        events += [
            (f'{prefix}_pebble_ready', PebbleReadyEvent),
            (f'{prefix}_pebble_custom_notice', PebbleCustomNoticeEvent),
            (f'{prefix}_pebble_check_failed', PebbleCheckFailedEvent),
            (f'{prefix}_pebble_check_recovered', PebbleCheckRecoveredEvent),
        ]
    return events


def _events_class(base: type[CharmEvents], meta: CharmMeta) -> type[CharmEvents]:
    """The subclass of ``base`` that defines the events of ``meta``, made once per metadata.

    A charm's ``on`` gets a subclass of its events class, so that charms with different
    metadata never share events. The subclasses are cached on ``base`` (so they go away
    with it), keyed by the events, because tests build the same charm thousands of times.
    A cached class that gained attributes since (a charm calling ``self.on.define_event``)
    is not handed out again: the next instance gets a fresh one, as before caching.
    """
    events = tuple(_metadata_events(meta))
    cache: dict[Any, tuple[type[CharmEvents], int]] | None
    cache = base.__dict__.get('_metadata_classes')
    if cache is None:
        cache = {}
        base._metadata_classes = cache  # type: ignore[attr-defined]
    cached = cache.get(events)
    if cached is not None and len(cached[0].__dict__) == cached[1]:
        return cached[0]
    made: type[CharmEvents] = type(base.__name__, (base,), {'__module__': base.__module__})
    for kind, event_type in events:
        made.define_event(kind, event_type)
    if len(cache) >= 64:  # many metadata variants of one class (test suites): keep it small
        cache.clear()
    cache[events] = (made, len(made.__dict__))
    return made


class CharmBase(Object):
    """The base class of a charm: subclass it and observe events in ``__init__``.

    Example::

        class MyCharm(ops.CharmBase):
            def __init__(self, framework: ops.Framework):
                super().__init__(framework)
                framework.observe(self.on.config_changed, self._on_config_changed)

            def _on_config_changed(self, event: ops.ConfigChangedEvent):
                self.unit.status = ops.ActiveStatus()

    ``ops.main(MyCharm)`` creates the charm for each hook; charm code never instantiates
    it directly.

    Args:
        framework: the framework the charm is attached to.
    """

    on: CharmEvents = CharmEvents()
    """The charm's events (:class:`CharmEvents`) including those defined by the metadata."""

    def __init__(self, framework: Framework):
        super().__init__(framework, None)
        on = self.on
        on.__class__ = _events_class(type(on), framework.meta)

    @property
    def app(self) -> Application:
        """The application this unit belongs to."""
        return self.framework.model.app

    @property
    def unit(self) -> Unit:
        """The unit running this charm."""
        return self.framework.model.unit

    @property
    def meta(self) -> CharmMeta:
        """The charm's metadata."""
        return self.framework.meta

    @property
    def charm_dir(self) -> Path:
        """The charm's root directory."""
        return self.framework.charm_dir

    @property
    def config(self) -> ConfigData:
        """The charm's config (a read-only mapping of option name to value)."""
        return self.model.config

    def load_config(
        self,
        cls: type[_T],
        *args: Any,
        errors: Literal['raise', 'blocked'] = 'raise',
        **kwargs: Any,
    ) -> _T:
        """Load the charm's config into an instance of ``cls`` (a dataclass or similar).

        Option names with hyphens map to attributes with underscores; ``secret`` options
        are passed as :class:`~ops.Secret` objects (not fetched until used). Dataclass
        fields may name their option with ``field(metadata={'alias': 'option-name'})``.
        ``args`` and ``kwargs`` are passed to ``cls`` along with the options (an option
        that is set takes the place of a keyword argument of the same name, as in ops 3.9).

        Args:
            cls: the class to instantiate; it should raise ``ValueError`` for invalid values.
            errors: ``'raise'`` (default) to let the ``ValueError`` propagate; ``'blocked'``
                to set the unit status to ``BlockedStatus('Invalid config: <error>')`` and end
                the dispatch cleanly (exit code 0, nothing committed).

        Raises:
            ValueError: if the config does not fit ``cls`` and ``errors='raise'``.
        """
        # ``import ... as``: a fraction of the cost of ``from ... import`` (which also looks
        # for a ``__path__`` that a module does not have) on this path run by every hook.
        import ops_core._model._config as _config
        import ops_core._model._typed_load as _typed_load

        config = self.config
        # The loaded options as one dict, rather than a key-by-key walk of the mapping.
        data: dict[str, Any] = dict(
            config._data if isinstance(config, _config.ConfigData) else config
        )
        secret_options = [n for n, o in self.meta.config.items() if o.type == 'secret']
        if secret_options:
            from .._model._secret import Secret

            backend = self.framework.model._backend
            for name in secret_options:
                if isinstance(data.get(name), str):
                    data[name] = Secret(backend, id=data[name])
        for field in _typed_load.dataclass_fields(cls) or ():
            alias = field.metadata.get('alias')
            if alias and alias in data:
                data[field.name] = data.pop(alias)
        try:
            return _typed_load.load_typed(
                cls,
                data,
                *args,
                key_transform=lambda key: key.replace('-', '_'),
                what='config',
                aliases=False,  # the option named by an alias was moved to the field's name
                **kwargs,
            )
        except ValueError as exc:
            if errors != 'blocked':
                raise
            from .._framework._abort import _Abort
            from ..model import BlockedStatus

            self.unit.status = BlockedStatus(f'Invalid config: {exc}')
            raise _Abort(0) from exc


def _evaluate_status(charm: CharmBase) -> None:
    """Emit the collect-status events and set the highest-priority statuses collected.

    ``collect_app_status`` is emitted only when something listens to it and this unit is
    the leader (so ``is-leader`` runs only for charms that collect an app status);
    ``collect_unit_status`` is always emitted. A status is set only if one was added.
    """
    from ..model import StatusBase

    framework = charm.framework
    collected = _collected_statuses.setdefault(framework, {})
    try:
        if framework._is_observed(charm.on.collect_app_status) and charm.unit.is_leader():
            collected.pop('collect_app_status', None)
            charm.on.collect_app_status.emit()
            app_statuses: list[StatusBase] = collected.pop('collect_app_status', [])
            if app_statuses:
                charm.app.status = StatusBase._get_highest_priority(app_statuses)
        collected.pop('collect_unit_status', None)
        charm.on.collect_unit_status.emit()
        unit_statuses: list[StatusBase] = collected.pop('collect_unit_status', [])
        if unit_statuses:
            charm.unit.status = StatusBase._get_highest_priority(unit_statuses)
    finally:
        _collected_statuses.pop(framework, None)


publish(__name__)
