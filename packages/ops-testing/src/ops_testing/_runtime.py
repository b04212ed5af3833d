"""One run of a Context: the charm driven through ``ops_core``'s dispatcher, in-process.

The charm runs through the very code ``ops.main`` uses (``ops_core.sister.Dispatcher``)
over the simulated Juju (:mod:`ops_testing._engine`) loaded from the State and the in-memory
Pebble, with an in-memory store (``ops_core.sister.MemoryStorage``) seeded from the State's
deferred events and stored states. Only the process concerns differ: the environment is set for the run and restored,
logging goes to ``Context.juju_log``, and ``sys.excepthook``/``warnings.showwarning`` are
left alone.
"""

from __future__ import annotations

import logging
import marshal
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ops_core.charm import CollectStatusEvent
from ops_core.framework import (
    BoundEvent,
    CommitEvent,
    EventBase,
    Framework,
    Handle,
    PreCommitEvent,
)
from ops_core.jujucontext import JujuContext
from ops_core.log import JujuLogHandler
from ops_core.sister import Abort, Dispatcher, MemoryStorage, evaluate_status

from ._consistency import check_consistency
from ._engine.backend import JujuBackend
from ._engine.dialect import CONTEXT
from ._engine.juju import SimulatedJuju
from ._engine.relations import detached
from ._events import Event, EventKind
from ._pebble_bridge import PebbleBridge
from ._state._framework import DeferredEvent, stored_state_from_path
from ._types import ActionFailed
from .errors import NoObserverError, UncaughtCharmError

if TYPE_CHECKING:
    from ops_core.charm import CharmBase

    from ._context import Context
    from ._state._state import State

__all__ = ['Runtime']

logger = logging.getLogger('ops_testing')
_ops_logger = logging.getLogger('ops.main')

_FRAMEWORK_EVENT_TYPES = (PreCommitEvent, CommitEvent, CollectStatusEvent)


def _bare_errors() -> bool:
    raw = os.environ.get('SCENARIO_BARE_CHARM_ERRORS', '')
    if raw.lower() == 'true':
        return True
    return raw.isdigit() and int(raw) != 0


def _wrapped(exc: Exception) -> Exception:
    """The exception to raise for ``exc`` raised by the charm (or ops) during a run."""
    if isinstance(exc, (NoObserverError, ActionFailed)) or _bare_errors():
        return exc
    return UncaughtCharmError(
        f'Uncaught {type(exc).__name__} in charm, try "exceptions [n]" if using pdb on '
        f'Python 3.13+. Details: {exc!r}'
    )


class _RecordingFramework(Framework):
    """The production Framework, recording every emitted event for ``Context.emitted_events``."""

    _ctx: Context[Any]
    #: Event keys taken by the State's deferred events. On a real unit the event counter
    #: is always past every queued event; a State's deferred events carry their own keys,
    #: so new events skip those rather than take (and overwrite) a queued event's path.
    _reserved_keys: frozenset[int] = frozenset()

    def _next_event_key(self) -> str:
        key = super()._next_event_key()
        while int(key) in self._reserved_keys:
            key = super()._next_event_key()
        return key

    def _is_observed(self, bound_event: BoundEvent) -> bool:
        # Recording framework events counts as listening to them.
        return self._ctx.capture_framework_events or super()._is_observed(bound_event)

    def _record(self, event: EventBase) -> None:
        if isinstance(event, _FRAMEWORK_EVENT_TYPES) and not self._ctx.capture_framework_events:
            return
        # A copy made through the event's own snapshot/restore, as a deferred event would be,
        # so later changes to the live event object do not show in the record.
        try:
            copy = type(event).__new__(type(event))
            EventBase.__init__(copy, event.handle)
            copy.framework = self
            copy.restore(event.snapshot())
        except Exception:  # an event that cannot round-trip: record the object itself
            logger.debug('recording %s without a snapshot round trip', event, exc_info=True)
            copy = event
        self._ctx.emitted_events.append(copy)

    def _emit(self, event: EventBase) -> None:
        self._record(event)
        super()._emit(event)

    def set_breakpointhook(self) -> None:
        """Leave ``sys.breakpointhook`` alone: tests run under the test runner's debugger."""
        return None

    def _reemit(self, single_event_path: str | None = None) -> None:
        if single_event_path is None and self._ctx.capture_deferred_events:
            seen: set[str] = set()
            for event_path, _, _ in list(self._storage.notices()):
                if event_path in seen:
                    continue
                seen.add(event_path)
                try:
                    self._record(self.load_snapshot(Handle.from_path(event_path)))
                except Exception:  # an event type not registered: ops drops it too
                    logger.debug('could not load deferred event %s', event_path, exc_info=True)
        super()._reemit(single_event_path)


def _recording_class(
    ctx: Context[Any], reserved_keys: frozenset[int]
) -> type[_RecordingFramework]:
    """The recording Framework subclass for ``ctx`` and these reserved keys, made once."""
    # Kept on the Context (not in a module-level cache) so that it goes away with it.
    cache: dict[frozenset[int], type[_RecordingFramework]] = ctx.__dict__.setdefault(
        '_recording_classes', {}
    )
    cls = cache.get(reserved_keys)
    if cls is None:
        cls = cache[reserved_keys] = type(
            'Recording',
            (_RecordingFramework,),
            {'_ctx': ctx, '_reserved_keys': reserved_keys, '__module__': __name__},
        )
    return cls


class _EnvironSnapshot:
    """A copy of ``os.environ`` that :meth:`restore` puts back exactly.

    CPython keeps the environment as a dict of encoded bytes (``os.environ._data``);
    copying and comparing that avoids decoding every variable twice per run. Elsewhere
    the decoded mapping is copied.
    """

    def __init__(self) -> None:
        raw = getattr(os.environ, '_data', None)
        self._raw: dict[Any, Any] | None = dict(raw) if isinstance(raw, dict) else None
        self._decoded: dict[str, str] | None = None if self._raw is not None else dict(os.environ)

    def restore(self) -> None:
        """Drop variables added since the snapshot and put back changed or removed ones."""
        environ = os.environ
        if self._raw is not None:
            current: dict[Any, Any] = getattr(environ, '_data')  # noqa: B009
            saved = self._raw
            if current == saved:
                return
            decode = os.fsdecode
            for key in current.keys() - saved.keys():
                del environ[decode(key)]
            for key, value in saved.items() - current.items():
                environ[decode(key)] = decode(value)
            return
        assert self._decoded is not None
        for key in [k for k in environ if k not in self._decoded]:
            del environ[key]
        for key, value in self._decoded.items():
            if environ.get(key) != value:
                environ[key] = value


def _no_such_event(charm: CharmBase, name: str) -> None:
    """What a Context does when the charm has no such event: fail the run."""
    raise NoObserverError(f"Cannot fire '{name}' on {charm.on}: invalid event (not on charm.on).")


class Runtime:
    """Runs one event of a Context on a State (see :class:`~ops_testing.Manager`)."""

    def __init__(self, ctx: Context[Any], event: Event, state: State) -> None:
        self.ctx = ctx
        self.event = event
        self.state = state
        self.charm: CharmBase | None = None
        #: The charm's __init__ ended the hook with exit code 0 (there is no charm instance).
        self.aborted = False
        self._saved_env: _EnvironSnapshot | None = None
        self._log_handler: logging.Handler | None = None
        self._old_root_level: int | None = None
        self._dispatcher: Dispatcher | None = None
        self._juju: SimulatedJuju | None = None
        self._backend: JujuBackend | None = None
        self._pebble: PebbleBridge | None = None
        self._storage: MemoryStorage | None = None
        self._restore_files: list[tuple[Any, bytes | None]] = []

    # ---- environment ---------------------------------------------------------------------

    def _remote_unit_id(self) -> int | None:
        event = self.event
        relation = event.relation
        if relation is None:
            return None
        if event.relation_remote_unit_id is not None:
            return event.relation_remote_unit_id
        if event.suffix in ('_relation_created', '_relation_broken'):
            return None
        ids = relation._remote_unit_ids
        if len(ids) == 1:
            logger.info('no remote unit given; using the only remote unit, %s', ids[0])
            return ids[0]
        if ids:
            logger.warning(
                'remote unit ID unset, and multiple remote unit IDs are present; using the '
                'first of %s. Pass remote_unit= to ctx.on.relation_*() to choose one.',
                ids,
            )
            return ids[0]
        return None

    def _environment(self, charm_root: str) -> dict[str, str]:
        ctx = self.ctx
        event = self.event
        state = self.state
        env = {
            'JUJU_VERSION': ctx.juju_version,
            'JUJU_UNIT_NAME': f'{ctx.app_name}/{ctx.unit_id}',
            'JUJU_MODEL_NAME': state.model.name,
            'JUJU_MODEL_UUID': state.model.uuid,
            'JUJU_CHARM_DIR': charm_root,
            '_': './dispatch',
        }
        for key, value in (
            ('JUJU_MACHINE_ID', ctx.machine_id),
            ('JUJU_AVAILABILITY_ZONE', ctx.availability_zone),
            ('JUJU_PRINCIPAL_UNIT', ctx.principal_unit),
        ):
            if value is not None:
                env[key] = str(value)
        if event.action is not None:
            action = event.action
            env.update(
                JUJU_DISPATCH_PATH=f'actions/{action.name}',
                JUJU_HOOK_NAME='',
                JUJU_ACTION_NAME=action.name,
                JUJU_ACTION_UUID=action.id,
                JUJU_ACTION_TAG=f'action-{action.id}',
            )
        else:
            hook = event.hook_name
            env.update(JUJU_DISPATCH_PATH=f'hooks/{hook}', JUJU_HOOK_NAME=hook)
        relation = event.relation
        if relation is not None:
            remote_app = relation._remote_app_name_for(ctx.app_name)
            env.update(
                JUJU_RELATION=relation.endpoint,
                JUJU_RELATION_ID=f'{relation.endpoint}:{relation.id}',
                JUJU_REMOTE_APP=remote_app,
            )
            remote_unit = self._remote_unit_id()
            if remote_unit is not None:
                env['JUJU_REMOTE_UNIT'] = f'{remote_app}/{remote_unit}'
            if event.suffix == '_relation_departed':
                if event.relation_departed_unit_id:
                    env['JUJU_DEPARTING_UNIT'] = f'{remote_app}/{event.relation_departed_unit_id}'
                elif remote_unit is not None:
                    env['JUJU_DEPARTING_UNIT'] = f'{remote_app}/{remote_unit}'
        if event.container is not None:
            env['JUJU_WORKLOAD_NAME'] = event.container.name
            if event.notice is not None:
                notice_type = event.notice.type
                env.update(
                    JUJU_NOTICE_ID=event.notice.id,
                    JUJU_NOTICE_TYPE=str(getattr(notice_type, 'value', notice_type)),
                    JUJU_NOTICE_KEY=event.notice.key,
                )
            if event.check_info is not None:
                env['JUJU_PEBBLE_CHECK_NAME'] = event.check_info.name
        if event.storage is not None:
            env['JUJU_STORAGE_ID'] = f'{event.storage.name}/{event.storage.index}'
        if event.secret is not None:
            env['JUJU_SECRET_ID'] = event.secret.id
            env['JUJU_SECRET_LABEL'] = event.secret.label or ''
            if event.secret_revision is not None:
                env['JUJU_SECRET_REVISION'] = str(event.secret_revision)
        return env

    def _apply_environment(self, env: Mapping[str, str]) -> None:
        self._saved_env = _EnvironSnapshot()
        os.environ.update(env)

    def _restore_environment(self) -> None:
        """Put ``os.environ`` back as it was, dropping keys added during the run."""
        saved = self._saved_env
        if saved is None:
            return
        saved.restore()
        self._saved_env = None

    def _write_metadata_files(self, root: Any) -> None:
        """Write the explicit metadata into a user-given charm root for the run (undone after)."""
        import pathlib

        import yaml

        spec = self.ctx._spec
        for name, content in (
            ('metadata.yaml', spec.meta),
            ('config.yaml', spec.config),
            ('actions.yaml', spec.actions),
        ):
            if content is None:
                continue
            path = pathlib.Path(root) / name
            previous = path.read_bytes() if path.exists() else None
            if previous is not None:
                logger.warning(
                    '%s in the charm root %s is overwritten for this run with the metadata '
                    'given to the Context (it is restored afterwards)',
                    name,
                    root,
                )
            self._restore_files.append((path, previous))
            path.write_text(yaml.safe_dump(content))

    def _restore_metadata_files(self) -> None:
        for path, previous in reversed(self._restore_files):
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)
        self._restore_files = []

    # ---- storage seeding and reading back --------------------------------------------------

    def _seed_storage(self, storage: MemoryStorage) -> None:
        for stored in self.state.stored_states:
            storage.save_snapshot(stored._handle_path, dict(stored.content))
        for deferred in self.state.deferred:
            data = dict(deferred.snapshot_data)
            try:
                marshal.dumps(data)
            except ValueError as exc:
                raise ValueError(
                    f'unable to save the data for {deferred}, it must contain only simple types.'
                ) from exc
            storage.save_snapshot(deferred.handle_path, data)
            storage.save_notice(deferred.handle_path, deferred.owner, deferred.observer)

    def _deferred_keys(self) -> frozenset[int]:
        keys = (d.handle_path.rpartition('[')[2].rstrip(']') for d in self.state.deferred)
        return frozenset(int(key) for key in keys if key.isdigit())

    def _read_storage(self, storage: MemoryStorage) -> dict[str, Any]:
        deferred: list[DeferredEvent] = []
        event_paths: set[str] = set()
        for event_path, observer_path, method in storage.notices():
            event_paths.add(event_path)
            try:
                data = storage.load_snapshot(event_path)
            except Exception:
                data = {}
            deferred.append(DeferredEvent(event_path, observer_path, method, data))
        stored = []
        for path in storage.list_snapshots():
            if path in event_paths:
                continue
            state = stored_state_from_path(path, storage.load_snapshot(path))
            if state is not None:
                stored.append(state)
        # Scenario lists the output's deferred events by handle path, not in queue order.
        deferred.sort(key=lambda d: d.handle_path)
        return {'deferred': deferred, 'stored_states': frozenset(stored)}

    # ---- the run ---------------------------------------------------------------------------

    def setup(self) -> CharmBase | None:
        """Check consistency, set up the environment and instantiate the charm.

        Returns ``None`` (and sets :attr:`aborted`) if the charm's ``__init__`` ended the
        hook cleanly, as ``load_config(..., errors='blocked')`` does for bad config."""
        ctx = self.ctx
        event = self.event
        spec = ctx._spec
        for container in self.state.containers:
            container._check_items()
        for network in self.state.networks:
            network._check_items()
        check_consistency(self.state, event, spec, ctx.juju_version, ctx.unit_id)
        if event.kind == EventKind.ACTION:
            ctx.action_logs.clear()
            ctx.action_results = None
        if ctx.charm_root is not None:
            charm_root = ctx.charm_root
            if not spec.is_autoloaded:
                self._write_metadata_files(charm_root)
        else:
            charm_root = ctx._default_charm_root
        env = self._environment(os.path.abspath(charm_root))
        self._apply_environment(env)
        try:
            juju = self._juju = SimulatedJuju(
                spec,
                self.state,
                ctx,
                dialect=CONTEXT,
                app_name=ctx.app_name,
                unit_id=ctx.unit_id,
                juju_version=ctx.juju_version,
                storage_root=ctx._storage_root,
                trusted=ctx.app_trusted,
            )
            juju.action = event.action
            backend = self._backend = JujuBackend(juju)
            backend.hook = event.hook_name
            self._pebble = PebbleBridge(ctx, self.state)
            root = logging.getLogger()
            self._old_root_level = root.level
            root.setLevel(logging.DEBUG)
            self._log_handler = JujuLogHandler(backend)
            root.addHandler(self._log_handler)
            _ops_logger.debug('ops %s up and running.', _ops_version())
            storage = self._storage = MemoryStorage()
            try:
                self._seed_storage(storage)
            except ValueError as exc:
                wrapped = _wrapped(exc)
                if wrapped is exc:
                    raise
                raise wrapped from exc
            dispatcher = self._dispatcher = Dispatcher(
                ctx.charm_type,
                context=JujuContext.from_environ(env),
                backend=backend,
                storage=storage,
                meta=spec.charm_meta(),
                pebble_client_factory=self._pebble.client_for,
                event_name='' if event.custom_event is not None else event.path,
                framework_class=_recording_class(ctx, self._deferred_keys()),
                trace_data=ctx.trace_data,
                unknown_event=_no_such_event,
            )
        except BaseException:
            self.close()
            raise
        try:
            self.charm = dispatcher.setup()
        except Abort as abort:
            if abort.exit_code != 0:
                self.close()
                wrapped = _wrapped(abort)
                if wrapped is abort:
                    raise
                raise wrapped from abort
            # The charm stopped the hook cleanly from __init__ (load_config(errors='blocked')
            # does): as in production, no event is emitted and nothing is committed. The
            # dispatcher has already closed the framework and its storage.
            self.aborted = True
            self._dispatcher = None
            self._storage = None
            return None
        except Exception as exc:
            self.close()
            wrapped = _wrapped(exc)
            if wrapped is exc:
                raise
            raise wrapped from exc
        except BaseException:
            self.close()
            raise
        return self.charm

    def run(self) -> State:
        """Emit the event, commit, and build the output State.

        Raises:
            UncaughtCharmError: the charm raised (unless SCENARIO_BARE_CHARM_ERRORS is set).
            ActionFailed: the action called ``event.fail()``.
        """
        if self.aborted:
            try:
                return self._output({})
            finally:
                self._restore_metadata_files()
        dispatcher = self._dispatcher
        assert dispatcher is not None and self._juju is not None and self._storage is not None
        try:
            try:
                if self.event.custom_event is not None:
                    self._emit_custom(dispatcher)
                else:
                    dispatcher.emit()
                dispatcher.commit()
            except Abort as abort:
                if abort.exit_code != 0:
                    raise
            stored = self._read_storage(self._storage)
        except Exception as exc:
            wrapped = _wrapped(exc)
            if wrapped is exc:
                raise
            raise wrapped from exc
        finally:
            # Metadata files written into a user-given charm root go as soon as the event has
            # run, not only when the `with ctx(...)` block ends.
            self._restore_metadata_files()
        output = self._output(stored)
        failure = self._juju.action_failure
        if failure is not None:
            raise ActionFailed(failure, state=output)
        return output

    def _emit_custom(self, dispatcher: Dispatcher) -> None:
        from ._custom import emit_custom_event

        assert dispatcher.framework is not None and self.charm is not None
        dispatcher.framework.reemit()
        emit_custom_event(self.charm, self.event)
        evaluate_status(self.charm)

    def current_state(self) -> State:
        """The State as the run has changed it so far (for ``Manager.ops.state``)."""
        return self._output({})

    def _output(self, stored: dict[str, Any]) -> State:
        assert self._juju is not None and self._pebble is not None
        changes = self._juju.output_changes()
        containers = self._pebble.output_containers()
        if containers is not None:
            changes['containers'] = containers
        changes.update(stored)
        state = self.state
        for field in _DETACHED_FIELDS:
            components = changes.get(field, getattr(state, field))
            if components:
                changes[field] = frozenset(detached(c) for c in components)
        import dataclasses  # on first use only: it imports inspect

        return dataclasses.replace(state, **changes)

    def close(self) -> None:
        """Close the storage and restore the environment and logging."""
        if self._pebble is not None:
            self._pebble.flush_exec_history()
        try:
            if self._dispatcher is not None:
                self._dispatcher.close()
                self._dispatcher = None
            elif self._storage is not None:
                self._storage.close()
        finally:
            self._storage = None
            if self._log_handler is not None:
                logging.getLogger().removeHandler(self._log_handler)
                self._log_handler = None
            if self._old_root_level is not None:
                logging.getLogger().setLevel(self._old_root_level)
                self._old_root_level = None
            self._restore_environment()
            self._restore_metadata_files()


#: State fields whose components the output State gets as copies of its own.
_DETACHED_FIELDS = (
    'relations',
    'networks',
    'containers',
    'storages',
    'opened_ports',
    'secrets',
    'resources',
)


def _ops_version() -> str:
    import sys

    ops = sys.modules.get('ops')
    version = getattr(ops, '__version__', None)
    return version if isinstance(version, str) else '3.9.0'
