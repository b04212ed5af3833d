#!/usr/bin/env python3
"""A charm that touches every public module of ``ops`` and every kind of run-time event.

It is not a useful charm; it is what ``tests/compat/test_typing.py`` type-checks with
mypy --strict and pyright (basic and strict): each line is something real charms write,
and each must be accepted with the types ops 3.9 gives it.
"""

from __future__ import annotations

import logging

import ops
import ops.charm
import ops.framework
import ops.hookcmds
import ops.jujucontext
import ops.jujuversion
import ops.lib
import ops.log
import ops.model
import ops.pebble
import ops.storage
from ops import pebble
from ops.charm import CharmBase, RelationJoinedEvent
from ops.framework import EventBase, EventSource, Handle, Object, ObjectEvents, StoredState
from ops.model import ActiveStatus, BlockedStatus, Relation

logger = logging.getLogger(__name__)


class ReadyEvent(EventBase):
    """A custom event carrying data through deferral."""

    def __init__(self, handle: Handle, value: int = 0) -> None:
        super().__init__(handle)
        self.value = value

    def snapshot(self) -> dict[str, int]:
        return {'value': self.value}

    def restore(self, snapshot: dict[str, int]) -> None:
        self.value = snapshot['value']


class LibraryEvents(ObjectEvents):
    """Events of a charm library object."""

    ready = EventSource(ReadyEvent)


LibraryEvents.define_event('reloaded', ReadyEvent)


class Library(Object):
    """A charm library object with its own emitter."""

    on = LibraryEvents()  # pyright: ignore[reportIncompatibleMethodOverride]

    def __init__(self, charm: ops.CharmBase) -> None:
        super().__init__(charm, 'library')
        self.framework.observe(charm.on.db_relation_changed, self._on_db_changed)

    def _on_db_changed(self, event: ops.RelationChangedEvent) -> None:
        self.on.ready.emit(len(event.relation.data[event.relation.app]))
        self.on.reloaded.emit(1)  # defined at run time with define_event


class TypingCharm(CharmBase):
    """Observes every kind of event that ops defines from the charm's metadata."""

    _stored = StoredState()

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(joins=0, greeting='')
        self.library = Library(self)
        on = self.on
        # Relation events of requires, provides and peer endpoints.
        framework.observe(on.db_relation_created, self._on_relation)
        framework.observe(on.db_relation_joined, self._on_db_joined)
        framework.observe(on.db_relation_changed, self._on_relation)
        framework.observe(on.db_relation_departed, self._on_relation)
        framework.observe(on.db_relation_broken, self._on_relation)
        framework.observe(on.website_relation_joined, self._on_relation)
        framework.observe(on.cluster_relation_changed, self._on_relation)
        framework.observe(on['db'].relation_changed, self._on_relation)
        # Storage events.
        framework.observe(on.data_storage_attached, self._on_storage)
        framework.observe(on.data_storage_detaching, self._on_storage)
        # Workload container events.
        framework.observe(on.workload_pebble_ready, self._on_pebble_ready)
        framework.observe(on.workload_pebble_custom_notice, self._on_notice)
        framework.observe(on.workload_pebble_check_failed, self._on_check)
        framework.observe(on.workload_pebble_check_recovered, self._on_check)
        # Actions (a hyphen in the action name becomes an underscore).
        framework.observe(on.restart_action, self._on_restart)
        framework.observe(on.get_status_action, self._on_get_status)
        # Events of a library object, static and defined at run time.
        framework.observe(self.library.on.ready, self._on_library_ready)
        framework.observe(self.library.on.reloaded, self._on_library_ready)
        framework.observe(on.config_changed, self._on_config_changed)
        framework.observe(on.collect_unit_status, self._on_collect_status)

    def _on_relation(self, event: ops.RelationEvent) -> None:
        relation: Relation = event.relation
        logger.info('relation %s:%d', relation.name, relation.id)

    def _on_db_joined(self, event: RelationJoinedEvent) -> None:
        self._stored.joins += 1
        if self.unit.is_leader():
            event.relation.data[self.app]['greeting'] = str(self.config['greeting'])

    def _on_storage(self, event: ops.StorageEvent) -> None:
        logger.info('storage %s at %s', event.storage.name, event.storage.location)

    def _on_pebble_ready(self, event: ops.PebbleReadyEvent) -> None:
        layer: pebble.LayerDict = {
            'summary': 'workload',
            'services': {'app': {'override': 'replace', 'command': 'sleep 1000', 'startup': 'enabled'}},
        }
        event.workload.add_layer('app', ops.pebble.Layer(layer), combine=True)
        event.workload.replan()

    def _on_notice(self, event: ops.PebbleCustomNoticeEvent) -> None:
        logger.info('notice %s', event.notice.key)

    def _on_check(self, event: ops.PebbleCheckFailedEvent | ops.PebbleCheckRecoveredEvent) -> None:
        logger.info('check %s', event.info.name)

    def _on_restart(self, event: ops.ActionEvent) -> None:
        event.log('restarting')
        event.set_results({'restarted': True})

    def _on_get_status(self, event: ops.ActionEvent) -> None:
        verbose = bool(event.params.get('verbose', False))
        event.set_results({'verbose': verbose, 'joins': self._stored.joins})

    def _on_library_ready(self, event: ReadyEvent) -> None:
        logger.info('library ready with %d', event.value)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        self._stored.greeting = str(self.config['greeting'])

    def _on_collect_status(self, event: ops.CollectStatusEvent) -> None:
        if not self._stored.greeting:
            event.add_status(BlockedStatus('no greeting yet'))
        event.add_status(ActiveStatus())


def every_public_module() -> None:
    """Touch one name of every public module, as charms and their libraries do."""
    meta: ops.charm.CharmMeta = ops.CharmMeta.from_yaml('name: x')
    handle: ops.framework.Handle = ops.Handle(None, 'kind', 'key')
    status: ops.model.StatusBase = ops.model.WaitingStatus('waiting')
    storage_class: type[ops.storage.SQLiteStorage] = ops.storage.SQLiteStorage
    handler_class: type[ops.log.JujuLogHandler] = ops.log.JujuLogHandler
    version: ops.jujuversion.JujuVersion = ops.JujuVersion('3.6.0')
    context_class: type[ops.jujucontext.JujuContext] = ops.jujucontext.JujuContext
    autoimport = ops.lib.autoimport
    main_function = ops.main.main
    plan: ops.pebble.Plan = pebble.Plan('services: {}')
    status_names: list[ops.hookcmds.StatusName] = ['active', 'blocked']
    version_ok: bool = version.has_secrets and meta.name == 'x'
    logger.debug(
        '%r %r %r %r %r %r %r %r %r %r %s',
        handle,
        status,
        storage_class,
        handler_class,
        context_class,
        autoimport,
        main_function,
        plan,
        status_names,
        ops.__version__,
        version_ok,
    )


if __name__ == '__main__':
    ops.main(TypingCharm)
