"""``Context``: runs a charm's event handlers against a ``State`` and records what happened."""

from __future__ import annotations

import atexit
import functools
import logging
import pathlib
import warnings
import weakref
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

from ._charm_spec import CharmSpec, autoload_spec, spec_from_arguments
from ._events import CharmEvents, Event
from ._exports import publish
from ._state._log import JujuLogLine
from ._state._status import _EntityStatus
from ._types import CharmType, ExecArgs
from .errors import AlreadyEmittedError, ContextSetupError, MetadataNotFoundError

if TYPE_CHECKING:
    from ops_core.framework import EventBase

    from ._runtime import Runtime
    from ._state._state import State

__all__ = ['Context', 'Manager']

logger = logging.getLogger('ops_testing')


_SHARED_ROOTS: dict[str, pathlib.Path] = {}


def _remove_shared_roots() -> None:
    import shutil

    for root in _SHARED_ROOTS.values():
        shutil.rmtree(root.parent, ignore_errors=True)
    _SHARED_ROOTS.clear()


def _shared_charm_root(spec: CharmSpec) -> pathlib.Path:
    """A directory with metadata.yaml (and config.yaml/actions.yaml) for ``spec``."""
    import json

    key = json.dumps([spec.meta, spec.config, spec.actions], sort_keys=True, default=repr)
    root = _SHARED_ROOTS.get(key)
    if root is not None and root.is_dir():
        return root
    import tempfile

    import yaml

    if not _SHARED_ROOTS:
        atexit.register(_remove_shared_roots)
    root = pathlib.Path(tempfile.mkdtemp(prefix='scenario-charm-')) / 'charm'
    root.mkdir()
    (root / 'metadata.yaml').write_text(yaml.safe_dump(spec.meta))
    (root / 'config.yaml').write_text(yaml.safe_dump(spec.config or {}))
    (root / 'actions.yaml').write_text(yaml.safe_dump(spec.actions or {}))
    _SHARED_ROOTS[key] = root
    return root


class _RunView(Generic[CharmType]):
    """What ``Manager.ops`` gives: the charm, and the State as the run has changed it."""

    def __init__(self, manager: Manager[CharmType]) -> None:
        self._manager = manager

    @property
    def charm(self) -> CharmType:
        """The charm instance (as ``Manager.charm``)."""
        return self._manager.charm

    @property
    def state(self) -> State:
        """The State as the charm has changed it so far (the output State once it has run)."""
        manager = self._manager
        if manager._output is not None:
            return manager._output
        assert manager._runtime is not None
        return manager._runtime.current_state()


class Manager(Generic[CharmType]):
    """Runs one event in steps, to inspect the charm before and after the event.

    Get one with ``with ctx(ctx.on.start(), state) as manager:``; inside the block
    ``manager.charm`` is the charm instance (constructed, event not yet emitted), and
    ``manager.run()`` emits the event and returns the output State. If the block does not
    call ``run()``, it is called on exit.
    """

    def __init__(self, ctx: Context[CharmType], arg: Event, state_in: State) -> None:
        self._ctx = ctx
        self._arg = arg
        self._state_in = state_in
        self._runtime: Runtime | None = None
        self._output: State | None = None
        self._emitted = False

    @property
    def charm(self) -> CharmType:
        """The charm instance.

        Raises:
            RuntimeError: used outside the ``with`` block.
        """
        if self._runtime is None:
            raise RuntimeError('Manager.charm is only available inside the `with` block')
        if self._runtime.aborted:
            raise RuntimeError(
                'the charm exited early: its __init__ ended the hook (for example '
                "load_config(..., errors='blocked') with bad config), so there is no charm "
                'instance; mgr.run() still gives the output State'
            )
        return self._runtime.charm  # type: ignore[return-value]

    @property
    def ops(self) -> _RunView[CharmType] | None:
        """The run in progress, as ops-scenario 8.9's ``Manager.ops``; None outside the block.

        Tests read ``manager.ops.state``: the State as the charm has changed it so far.
        """
        if self._runtime is None:
            return None
        return _RunView(self)

    def __enter__(self) -> Manager[CharmType]:
        from ._runtime import Runtime

        self._runtime = Runtime(self._ctx, self._arg, self._state_in)
        self._runtime.setup()
        return self

    def run(self) -> State:
        """Emit the event, commit, and return the output State.

        Raises:
            AlreadyEmittedError: called a second time.
            RuntimeError: called outside the ``with`` block.
            ActionFailed: the event is an action and the charm called ``event.fail()``.
            UncaughtCharmError: the charm raised.
        """
        if self._runtime is None:
            raise RuntimeError('Manager.run() can only be called inside the `with` block')
        if self._emitted:
            raise AlreadyEmittedError('Can only run once.')
        self._emitted = True
        self._output = self._runtime.run()
        return self._output

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runtime is None:
            return
        try:
            if not self._emitted:
                # The event runs even if the block failed; an error it raises (ActionFailed,
                # UncaughtCharmError, ...) replaces the block's exception, as in Scenario.
                self._emitted = True
                self._output = self._runtime.run()
        finally:
            self._runtime.close()


class Context(Generic[CharmType]):
    """The charm under test and its metadata; runs events on it.

    A Context is reused across runs: it parses the metadata once, and its records
    (``juju_log``, ``unit_status_history``, ``emitted_events``, ...) accumulate over runs.

    Example::

        ctx = Context(MyCharm)
        state_out = ctx.run(ctx.on.start(), State())
        assert state_out.unit_status == ActiveStatus()

    Args:
        charm_type: the charm class.
        meta: charm metadata (metadata.yaml or a whole charmcraft.yaml as a dict). If
            ``meta``, ``actions`` and ``config`` are all omitted, they are read from the files
            next to the charm's source (charmcraft.yaml, or metadata.yaml/config.yaml/
            actions.yaml).
        actions: the actions.yaml content.
        config: the config.yaml content (``{'options': {...}}``).
        charm_root: the charm directory (``JUJU_CHARM_DIR``); by default a temporary one.
        juju_version: the Juju version the charm sees.
        capture_deferred_events: also record re-emitted deferred events in ``emitted_events``.
        capture_framework_events: also record framework events (pre-commit, commit,
            collect-status) in ``emitted_events``.
        app_name: the application name (default: the charm name from the metadata).
        unit_id: the unit number.
        machine_id: ``JUJU_MACHINE_ID``, if any.
        availability_zone: ``JUJU_AVAILABILITY_ZONE``, if any.
        principal_unit: ``JUJU_PRINCIPAL_UNIT`` (for subordinates), if any.
        app_trusted: whether the application is trusted (needed for ``get_cloud_spec``).

    Raises:
        ContextSetupError: the metadata could not be loaded.
        MetadataError: the metadata is malformed (``ops.charm.MetadataError``, a
            ``ValueError``; also a ``TypeError`` for a field of the wrong type); the message
            names the field, and the file when the metadata was read from one.
        ValueError: ``actions`` or ``config`` given both separately and in ``meta``.
    """

    def __init__(
        self,
        charm_type: type[CharmType],
        meta: Mapping[str, Any] | None = None,
        *,
        actions: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        charm_root: str | pathlib.Path | None = None,
        juju_version: str = '3.6.14',
        capture_deferred_events: bool = False,
        capture_framework_events: bool = False,
        app_name: str | None = None,
        unit_id: int | None = 0,
        machine_id: str | None = None,
        availability_zone: str | None = None,
        principal_unit: str | None = None,
        app_trusted: bool = False,
    ) -> None:
        if not (meta or actions or config):
            try:
                spec = autoload_spec(charm_type)
            except MetadataNotFoundError as exc:
                raise ContextSetupError(
                    f'Cannot setup scenario with `charm_type`={charm_type}. Did you forget to '
                    'pass `meta` to this Context?'
                ) from exc
        else:
            spec = spec_from_arguments(charm_type, meta, actions, config)
        spec.validate()
        self._spec: CharmSpec = spec
        self.charm_type = charm_type
        self.charm_root: pathlib.Path | None = (
            pathlib.Path(charm_root) if charm_root is not None else None
        )
        self.juju_version = juju_version
        if juju_version.split('.')[0] == '2':
            logger.warning(
                'Juju 2.x is closed and unsupported. You may encounter inconsistencies.'
            )
        self.capture_deferred_events = capture_deferred_events
        self.capture_framework_events = capture_framework_events
        self.app_name: str = app_name if app_name is not None else spec.name
        self.unit_id: int = unit_id if unit_id is not None else 0
        self.machine_id = machine_id
        self.availability_zone = availability_zone
        self.principal_unit = principal_unit
        self.app_trusted = app_trusted

        self.juju_log: list[JujuLogLine] = []
        self.app_status_history: list[_EntityStatus] = []
        self.unit_status_history: list[_EntityStatus] = []
        self.workload_version_history: list[str] = []
        self.removed_secret_revisions: list[int] = []
        self.emitted_events: list[EventBase] = []
        self.requested_storages: dict[str, int] = {}
        self.exec_history: dict[str, list[ExecArgs]] = {}
        self.trace_data: list[Any] = []
        self.action_logs: list[str] = []
        self.action_results: dict[str, Any] | None = None
        self.on: CharmEvents = CharmEvents()

        self._tmp: pathlib.Path | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # ---- the temporary directory ---------------------------------------------------------

    @property
    def _tmp_dir(self) -> pathlib.Path:
        if self._tmp is None:
            import shutil
            import tempfile

            self._tmp = pathlib.Path(tempfile.mkdtemp(prefix='scenario-'))
            self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._tmp), True)
        return self._tmp

    def _container_root(self, name: str) -> pathlib.Path:
        # Straight under the temporary directory: one directory to make, not two.
        return self._tmp_dir / f'container-{name}'

    def _storage_root(self, name: str, index: int) -> pathlib.Path:
        path = self._tmp_dir / 'storages' / f'{name}-{index}'
        path.mkdir(parents=True, exist_ok=True)
        return path

    @functools.cached_property
    def _default_charm_root(self) -> pathlib.Path:
        """The charm directory used when none was given, holding the metadata files.

        Shared by every Context with the same metadata in this process (made once, removed
        at exit), so a Context costs no directory or file writes of its own.
        """
        return _shared_charm_root(self._spec)

    def close(self) -> None:
        """Delete the Context's temporary directory (simulated filesystems and storage)."""
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._tmp = None

    def __enter__(self) -> Context[CharmType]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- information about the charm ------------------------------------------------------

    @property
    def charm_spec(self) -> CharmSpec:
        """Deprecated: the charm's parsed metadata."""
        warnings.warn(
            'Context.charm_spec is deprecated and will be removed; use the charm metadata '
            'directly.',
            DeprecationWarning,
            stacklevel=2,
        )
        return self._spec

    def _charm_handle_kind(self) -> str:
        return str(getattr(self.charm_type, 'handle_kind', None) or self.charm_type.__name__)

    def _stored_state_attributes(self) -> list[str]:
        from ops_core.framework import StoredState as OpsStoredState

        names: list[str] = []
        for klass in reversed(self.charm_type.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, OpsStoredState) and name not in names:
                    names.append(name)
        return names

    # ---- running ---------------------------------------------------------------------------

    @staticmethod
    def _check_event(event: object) -> Event:
        if isinstance(event, str):
            raise TypeError(
                f'Expected an event from ctx.on, not the string {event!r}; use for example '
                f'ctx.run(ctx.on.{event.replace("-", "_")}(), state).'
            )
        if callable(event) and not isinstance(event, Event):
            raise TypeError('You should call the event method. Did you forget to add parentheses?')
        if not isinstance(event, Event):
            raise TypeError(
                f'Expected an event built with ctx.on.<event>(...), got {type(event).__name__}'
            )
        return event

    @staticmethod
    def _check_state(state: object) -> State:
        from ._state._state import State

        if not isinstance(state, State):
            raise TypeError(
                f'Expected an ops.testing.State as the state to run on, got {type(state).__name__}'
            )
        return state

    def __call__(self, event: Event, state: State) -> Manager[CharmType]:
        """A :class:`Manager` for running ``event`` on ``state`` step by step."""
        return Manager(self, self._check_event(event), self._check_state(state))

    def run(self, event: Event, state: State) -> State:
        """Run ``event`` on a charm in ``state`` and return the resulting State.

        The input ``state`` is not changed.

        Raises:
            InconsistentScenarioError: the event and state do not fit the charm.
            UncaughtCharmError: the charm raised an exception.
            ActionFailed: the event is an action and the charm called ``event.fail()``.
        """
        manager = Manager(self, self._check_event(event), self._check_state(state))
        with manager:
            output = manager.run()
        return output

    def run_action(self, action: Any, state: State) -> Any:
        """Removed: use ``ctx.run(ctx.on.action(name, params=...), state)``."""
        raise AttributeError(
            'Context.run_action was removed; use ctx.run(ctx.on.action(<name>, params=...), '
            'state) and read ctx.action_results / ctx.action_logs (failures raise ActionFailed).'
        )


publish(__name__)
