"""Running one Juju event through a charm: the dispatcher behind ``ops.main``.

:class:`_Dispatcher` is the whole dispatch minus the process concerns (environment,
logging set-up, legacy hooks, choosing the state storage, exit codes). ``ops.main`` runs
it over the production backend (hook tools) and the on-disk state; ``ops_testing`` runs
the very same code in-process over its in-memory backend and Pebble.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import ops_core.tracing_hook as tracing_hook

from .._framework._abort import _Abort
from ._jujucontext import charm_dir_text

if TYPE_CHECKING:
    from .._charm._charm import CharmBase
    from .._charm._meta import CharmMeta
    from .._framework._framework import Framework
    from .._model._backend import Backend
    from .._persistence._juju import JujuStorage
    from .._persistence._memory import MemoryStorage
    from .._persistence._sqlite import SQLiteStorage
    from ..model import Container, Model
    from ._jujucontext import JujuContext

__all__ = ['RESTRICTED_EVENTS', '_Abort', '_Dispatcher', 'event_name_from_dispatch_path']

logger = logging.getLogger('ops.main')

RESTRICTED_EVENTS = frozenset({'collect_metrics', 'meter_status_changed'})
"""Events run in a restricted Juju context: no deferred events, no collect-status."""


def event_name_from_dispatch_path(dispatch_path: str) -> str:
    """The ``charm.on`` attribute for a ``JUJU_DISPATCH_PATH``.

    ``hooks/db-relation-changed`` gives ``db_relation_changed``; ``actions/do-backup``
    gives ``do_backup_action``; an empty path gives ``''``.
    """
    if not dispatch_path:
        return ''
    parent, _, name = dispatch_path.rstrip('/').rpartition('/')
    event_name = name.replace('-', '_')
    if parent.rpartition('/')[2] == 'actions':
        event_name += '_action'
    return event_name


def _entity_for(event_name: str, names: Any, suffixes: tuple[str, ...]) -> str | None:
    """The metadata name (relation, storage or container) an event kind belongs to."""
    for name in names:
        prefix = name.replace('-', '_') + '_'
        if event_name.startswith(prefix) and event_name[len(prefix) :] in suffixes:
            return str(name)
    return None


_RELATION_SUFFIXES = (
    'relation_created',
    'relation_joined',
    'relation_changed',
    'relation_departed',
    'relation_broken',
)


class _Dispatcher:
    """Runs one Juju event through a charm: model, framework, charm, emit, commit.

    Use :meth:`run` for the whole dispatch, or the steps one by one (what a testing
    front-end needs to give the test the charm between set-up and emission)::

        dispatcher = _Dispatcher(MyCharm, context=ctx, backend=backend, storage=storage,
                                 meta=meta, pebble_client_factory=make_client)
        charm = dispatcher.setup()   # Model + Framework + charm_class(framework)
        dispatcher.emit()            # deferred events, the Juju event, collect-status
        dispatcher.commit()          # pre_commit/commit events, save state, commit storage
        dispatcher.close()           # always: close the storage, restore breakpoint hook

    ``emit`` and ``commit`` may raise whatever the charm raises, and :class:`_Abort` when
    the charm asked to end the dispatch early (``load_config(errors='blocked')``,
    ``load_params(errors='fail')``): then nothing must be committed; call only ``close``.
    Nothing here touches ``os.environ``, logging, ``sys.excepthook`` or the process exit
    code; ``ops.main`` does that.

    Args:
        charm_class: the charm's :class:`CharmBase` subclass.
        context: the Juju context of this dispatch (which event, relation, unit, ...).
        backend: the model's :class:`~ops_core._model._backend.Backend` (production: hook tools).
        storage: the state storage (``SQLiteStorage``, ``JujuStorage``, or ``MemoryStorage``
            for a simulated unit).
        meta: the charm's metadata.
        pebble_client_factory: makes a container's Pebble client from its name; the model's
            default (``ops_pebble.Client`` on the container's socket) when ``None``.
        event_name: the ``charm.on`` attribute to emit; derived from
            ``context.dispatch_path`` when ``None``.
        framework_class: the :class:`Framework` (sub)class to build, e.g. one that records
            emitted events for a testing front-end; ``Framework`` when ``None``.
        trace_data: if tracing is on (see :mod:`ops_core.tracing_hook`), the finished
            spans of this dispatch are appended here rather than buffered and sent out
            (what a testing front-end wants); ``None`` in production.
        unknown_event: called with the charm and the event name when the charm has no such
            event (``charm.on`` lacks it); it may raise to fail the dispatch. By default the
            dispatch logs that at DEBUG and goes on, as ``ops.main`` does.
    """

    def __init__(
        self,
        charm_class: type[CharmBase],
        *,
        context: JujuContext,
        backend: Backend,
        storage: SQLiteStorage | JujuStorage | MemoryStorage,
        meta: CharmMeta,
        pebble_client_factory: Callable[[str], Any] | None = None,
        event_name: str | None = None,
        framework_class: type[Framework] | None = None,
        trace_data: list[Any] | None = None,
        unknown_event: Callable[[CharmBase, str], None] | None = None,
    ):
        self.charm_class = charm_class
        self.framework_class = framework_class
        self.context = context
        self.backend = backend
        self.storage = storage
        self.meta = meta
        self.pebble_client_factory = pebble_client_factory
        self.event_name = (
            event_name
            if event_name is not None
            else event_name_from_dispatch_path(context.dispatch_path)
        )
        self.is_restricted_context = self.event_name in RESTRICTED_EVENTS
        self.model: Model | None = None
        self.framework: Framework | None = None
        self.charm: CharmBase | None = None
        self._old_breakpointhook: Callable[..., Any] | None = None
        self.trace_data = trace_data
        self.unknown_event = unknown_event
        self._traced = False

    # -- steps -----------------------------------------------------------------------

    def setup(self) -> CharmBase:
        """Build the model and framework and instantiate the charm.

        The charm is constructed inside an ``__init__`` event context, so relation-data
        access rules apply to its constructor. On failure the storage is closed.
        """
        from .._framework._framework import Framework
        from .._model._model import Model

        name = self.event_name
        ctx = self.context
        tracing_hook.dispatch_started(
            ctx, self.charm_class.__name__, self.meta.name, trace_data=self.trace_data
        )
        self._traced = True
        broken_relation_id = ctx.relation_id if name.endswith('_relation_broken') else None
        remote_unit_name = (
            ctx.remote_unit_name
            if name.endswith(('_relation_departed', '_relation_broken'))
            else None
        )
        kwargs: dict[str, Any] = {}
        if self.pebble_client_factory is not None:
            kwargs['pebble_client_factory'] = self.pebble_client_factory
        model = Model(
            self.meta,
            self.backend,
            broken_relation_id=broken_relation_id,
            remote_unit_name=remote_unit_name,
            **kwargs,
        )
        self.model = model
        framework_class = self.framework_class or Framework
        framework = framework_class(
            # Framework's signature names ops 3.9's two storages; any with their methods does.
            cast('SQLiteStorage', self.storage),
            charm_dir_text(ctx),
            self.meta,
            model,
            event_name=name,
            juju_debug_at=set(ctx.debug_at),
        )
        self.framework = framework
        self._old_breakpointhook = framework.set_breakpointhook()
        try:
            with model._event_context('__init__'):
                self.charm = self.charm_class(framework)
        except BaseException:
            self.close()
            raise
        return self.charm

    def emit(self) -> None:
        """Re-emit deferred events, emit the Juju event, then evaluate collect-status.

        Deferred events and collect-status are skipped in a restricted context
        (``collect-metrics``, ``meter-status-changed``).
        """
        from .._charm._charm import _evaluate_status

        charm, framework = self._require_setup()
        if not self.is_restricted_context:
            framework.reemit()
        self._emit_juju_event(charm)
        if not self.is_restricted_context:
            _evaluate_status(charm)

    def commit(self) -> None:
        """Emit ``pre_commit`` and ``commit``, save the framework's state, commit storage."""
        _, framework = self._require_setup()
        framework.commit()

    def close(self) -> None:
        """Close the storage (discarding anything uncommitted) and restore the breakpoint hook."""
        import sys

        if self.framework is not None:
            self.framework.close()
        else:
            self.storage.close()
        if self._old_breakpointhook is not None:
            sys.breakpointhook = self._old_breakpointhook
            self._old_breakpointhook = None
        if self._traced:
            self._traced = False
            tracing_hook.dispatch_finished(sys.exc_info()[1])

    def run(self) -> None:
        """The whole dispatch: set up, emit, commit, and always close.

        Raises:
            _Abort: if the charm ended the dispatch early (nothing is committed).
            Exception: whatever the charm raised (nothing is committed).
        """
        self.setup()
        try:
            self.emit()
            self.commit()
        finally:
            self.close()

    # -- the Juju event --------------------------------------------------------------

    def _require_setup(self) -> tuple[CharmBase, Framework]:
        if self.charm is None or self.framework is None:
            raise RuntimeError('_Dispatcher.setup() must be called (and succeed) first')
        return self.charm, self.framework

    def _emit_juju_event(self, charm: CharmBase) -> None:
        name = self.event_name
        bound = getattr(charm.on, name, None) if name else None
        if bound is None:
            if name and self.unknown_event is not None:
                self.unknown_event(charm, name)
            logger.debug('Event %s not defined for %s.', name, charm)
            return
        args, kwargs = self._event_args(bound.event_type)
        logger.debug('Emitting Juju event %s.', name)
        tracer = tracing_hook.hook
        if tracer is not None and (trace_id := tracer.trace_id()):
            # The exact text is what tools such as jhack look for.
            logger.debug("Starting root trace with id='%s'.", f'{trace_id:x}')
        bound.emit(*args, **kwargs)

    def _event_args(self, event_type: type[Any]) -> tuple[list[Any], dict[str, Any]]:
        from .._charm._events import (
            ActionEvent,
            PebbleCheckEvent,
            PebbleNoticeEvent,
            RelationDepartedEvent,
            RelationEvent,
            SecretEvent,
            SecretExpiredEvent,
            SecretRemoveEvent,
            StorageEvent,
            WorkloadEvent,
        )

        ctx = self.context
        model = self.model
        assert model is not None
        if issubclass(event_type, WorkloadEvent):
            container = self._container()
            if issubclass(event_type, PebbleNoticeEvent):
                return [container, ctx.notice_id, ctx.notice_type, ctx.notice_key], {}
            if issubclass(event_type, PebbleCheckEvent):
                return [container, ctx.pebble_check_name], {}
            return [container], {}
        if issubclass(event_type, SecretEvent):
            args: list[Any] = [ctx.secret_id, ctx.secret_label]
            if issubclass(event_type, (SecretRemoveEvent, SecretExpiredEvent)):
                args.append(ctx.secret_revision)
            return args, {}
        if issubclass(event_type, StorageEvent):
            return [self._storage_instance()], {}
        if issubclass(event_type, ActionEvent):
            return [ctx.action_uuid], {}
        if issubclass(event_type, RelationEvent):
            kwargs = self._remote_kwargs(model)
            if not issubclass(event_type, RelationDepartedEvent):
                kwargs.pop('departing_unit_name', None)
            relation_name = ctx.relation_name or _entity_for(
                self.event_name, self.meta.relations, _RELATION_SUFFIXES
            )
            relation = (
                model.get_relation(relation_name, ctx.relation_id) if relation_name else None
            )
            return [relation], kwargs
        return [], {}

    def _remote_kwargs(self, model: Model) -> dict[str, Any]:
        ctx = self.context
        kwargs: dict[str, Any] = {}
        remote_app = ctx.remote_app_name
        if not remote_app and ctx.remote_unit_name:
            if '/' not in ctx.remote_unit_name:
                raise RuntimeError(f'invalid remote unit name: {ctx.remote_unit_name}')
            remote_app = ctx.remote_unit_name.split('/')[0]
        if remote_app:
            kwargs['app'] = model.get_app(remote_app)
        if ctx.remote_unit_name:
            kwargs['unit'] = model.get_unit(ctx.remote_unit_name)
        if ctx.relation_departing_unit_name:
            kwargs['departing_unit_name'] = ctx.relation_departing_unit_name
        return kwargs

    def _container(self) -> Container:
        model = self.model
        assert model is not None
        name = self.context.workload_name or _entity_for(
            self.event_name,
            self.meta.containers,
            (
                'pebble_ready',
                'pebble_custom_notice',
                'pebble_check_failed',
                'pebble_check_recovered',
            ),
        )
        if name is None:
            raise RuntimeError(
                f'cannot tell which container event {self.event_name!r} is for: '
                'JUJU_WORKLOAD_NAME is not set'
            )
        return model.unit.get_container(name)

    def _storage_instance(self) -> Any:
        model = self.model
        assert model is not None
        ctx = self.context
        name = ctx.storage_name or _entity_for(
            self.event_name, self.meta.storages, ('storage_attached', 'storage_detaching')
        )
        if name is None:
            raise RuntimeError(
                f'cannot tell which storage event {self.event_name!r} is for: '
                'JUJU_STORAGE_ID is not set'
            )
        instances = model.storages[name]
        if len(instances) == 1 and ctx.storage_index is None:
            return instances[0]
        for storage in instances:
            if storage.index == ctx.storage_index:
                return storage
        if len(instances) == 1:
            return instances[0]
        raise RuntimeError(
            f'storage {name}/{ctx.storage_index} is not attached to this unit '
            f'(attached: {", ".join(s.full_id for s in instances) or "none"})'
        )
