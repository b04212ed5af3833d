"""``Harness``: the imperative (and deprecated) testing front-end, on the Context's engine.

A Harness builds the production ``Model`` and ``Framework`` once, over one long-lived
simulated Juju (:mod:`ops_testing._engine`, the Context's) and the in-memory Pebble,
instantiates the charm on :meth:`Harness.begin`, and emits Juju events through the framework
as the test changes the simulated Juju (add a relation, update config, make a container
ready, ...).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import pathlib
import textwrap
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from ops_core.framework import Framework
from ops_core.model import CloudSpec as OpsCloudSpec
from ops_core.model import Model, ModelError
from ops_core.sister import (
    MemoryStorage,
    evaluate_status,
    event_context,
    forget,
    running_event,
)

from .._context import Context
from .._engine.backend import JujuBackend
from .._engine.dialect import HARNESS
from .._engine.juju import SimulatedJuju
from .._events import Action
from .._exports import publish
from .._harness_pebble import PebbleMixin
from .._state._model import Model as StateModel
from .._state._relations import PeerRelation
from .._state._state import State
from .._state._status import _EntityStatus
from .._types import ActionFailed, ActionOutput, CharmType, YAMLStringOrFile
from ._relations import RelationsMixin
from ._secrets import SecretsMixin
from ._storage import StorageMixin

__all__ = ['Harness']

_DEPRECATION = (
    'Harness is deprecated. For the recommended approach, see: '
    'https://canonical.com/juju/docs/ops/latest/howto/write-unit-tests-for-a-charm/'
)

_CLOSED = 'the Harness has been cleaned up: its framework store is closed'

_CONFIG_TYPES: dict[str, type] = {
    'string': str,
    'boolean': bool,
    'int': int,
    'float': float,
    'secret': str,
}


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> Any:
    # Test modules build many Harnesses from the same few YAML texts: parse each once.
    import yaml  # on first use: ``import ops.testing`` alone does not load it

    return yaml.load(textwrap.dedent(text), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))


def _load_yaml(source: YAMLStringOrFile | None) -> Any:
    if source is None:
        return None
    text = source if isinstance(source, str) else source.read()
    return copy.deepcopy(_parse(text))


def _read_yaml(path: pathlib.Path) -> Any:
    if not path.is_file():
        return None
    return copy.deepcopy(_parse(path.read_text()))


def _charm_dir(charm_cls: type[Any]) -> pathlib.Path | None:
    import inspect  # on first use only: a costly import

    try:
        source = inspect.getfile(charm_cls)
    except (TypeError, OSError):
        return None
    return pathlib.Path(source).resolve().parent.parent


def _metadata(
    charm_dir: pathlib.Path | None,
    meta: YAMLStringOrFile | None,
    actions: YAMLStringOrFile | None,
    config: YAMLStringOrFile | None,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """The charm's metadata, actions and config: from the arguments, else from its files."""
    charmcraft: dict[str, Any] = {}
    if charm_dir is not None:
        raw = _read_yaml(charm_dir / 'charmcraft.yaml')
        if isinstance(raw, dict):
            charmcraft = raw
    meta_dict: dict[str, Any] | None = _load_yaml(meta)
    if meta_dict is None and charm_dir is not None:
        # charmcraft.yaml holds the metadata only when it names the charm; otherwise
        # metadata.yaml does, as with charms packed by older charmcraft.
        if any(k in charmcraft for k in ('name', 'summary', 'description')):
            meta_dict = dict(charmcraft)
        else:
            meta_dict = _read_yaml(charm_dir / 'metadata.yaml')
    meta_dict = dict(meta_dict or {}) or {'name': 'test-charm'}
    meta_dict.pop('actions', None)
    meta_dict.pop('config', None)
    actions_dict = _load_yaml(actions)
    if actions_dict is None and charm_dir is not None:
        if 'actions' in charmcraft:
            actions_dict = charmcraft['actions']
        else:
            actions_dict = _read_yaml(charm_dir / 'actions.yaml')
    config_dict = _load_yaml(config)
    if config is not None and config_dict is None:
        raise TypeError(
            'Harness(config=...) holds no YAML document; pass config.yaml content such as '
            "'options: {}', or leave config out to read the charm's files"
        )
    if config_dict is None and charm_dir is not None:
        if 'config' in charmcraft:
            config_dict = charmcraft['config']
        else:
            config_dict = _read_yaml(charm_dir / 'config.yaml')
    return meta_dict, actions_dict, dict(config_dict or {})


def _check_config(config: Mapping[str, Any]) -> None:
    """Reject config options a charm could not be deployed with, as ops 3.9's Harness did.

    Raises:
        RuntimeError: an option without a ``type``, with an unknown type, or whose default
            is not of its type.
    """
    options = config.get('options') or {}
    if not isinstance(options, Mapping):
        return
    for name, option in options.items():
        option = option if isinstance(option, Mapping) else {}
        option_type = option.get('type')
        if option_type is None:
            raise RuntimeError(
                f'Incorrectly formatted config in YAML: option {name} must declare a `type` '
                f'(one of {", ".join(_CONFIG_TYPES)}).'
            )
        expected = _CONFIG_TYPES.get(option_type)
        if expected is None:
            raise RuntimeError(
                f'Incorrectly formatted config in YAML: the `type` of option {name} must be '
                f'one of {", ".join(_CONFIG_TYPES)}, not {option_type}.'
            )
        default = option.get('default')
        if default is not None and type(default) is not expected:
            raise RuntimeError(
                f'Config option {name} is supposed to be of type {option_type}, not '
                f'`{type(default).__name__}` (its default is {default!r}).'
            )


class _HarnessContext(Context[Any]):
    """The Context a Harness runs on: storage lives where ops 3.9's Harness put it."""

    def _storage_root(self, name: str, index: int) -> pathlib.Path:
        path = self._tmp_dir / 'storages' / name / str(index)
        path.mkdir(parents=True, exist_ok=True)
        return path


class Harness(
    RelationsMixin[CharmType],
    SecretsMixin[CharmType],
    StorageMixin[CharmType],
    PebbleMixin[CharmType],
):
    """Unit-test a charm by changing the world around it, one step at a time (deprecated).

    Prefer :class:`Context` and :class:`State` for new tests. A Harness keeps one charm
    instance alive across events: changes made before :meth:`begin` only set the scene;
    after it, each change emits the event Juju would (``add_relation`` emits
    ``relation-created``, ``update_config`` emits ``config-changed``, ...)::

        harness = Harness(MyCharm)
        harness.set_leader(True)
        harness.begin_with_initial_hooks()
        harness.update_config({'port': 8080})
        assert harness.model.unit.status == ops.ActiveStatus()
        harness.cleanup()

    Args:
        charm_cls: the charm class to test.
        meta: metadata.yaml content (YAML text or an open file); by default the charm's
            charmcraft.yaml or metadata.yaml, else ``name: test-charm``.
        actions: actions.yaml content; by default from the charm's files.
        config: config.yaml content (``options: ...``); by default from the charm's files.

    Raises:
        TypeError: ``config`` was given but holds no YAML document (e.g. ``''``).
        RuntimeError: a config option has no ``type``, an unknown one, or a default that is
            not of its type.
    """

    def __init__(
        self,
        charm_cls: type[CharmType],
        *,
        meta: YAMLStringOrFile | None = None,
        actions: YAMLStringOrFile | None = None,
        config: YAMLStringOrFile | None = None,
    ):
        warnings.warn(_DEPRECATION, PendingDeprecationWarning, stacklevel=2)
        charm_dir = _charm_dir(charm_cls)
        meta_dict, actions_dict, config_dict = _metadata(charm_dir, meta, actions, config)
        _check_config(config_dict)
        app_name = str(meta_dict.get('name') or 'test-charm')
        self._charm_cls = charm_cls
        self._charm = None
        self._hooks_enabled = True
        self._ctx = _HarnessContext(
            charm_cls,
            meta_dict,
            actions=actions_dict,
            config=config_dict,
            app_name=app_name,
            unit_id=0,
            juju_version=os.environ.get('JUJU_VERSION') or '0.0.0',
        )
        spec = self._spec = self._ctx._spec
        juju = self._juju = SimulatedJuju(
            spec,
            State(model=StateModel('harness-model')),
            self._ctx,
            dialect=HARNESS,
            app_name=app_name,
            unit_id=0,
            juju_version=self._ctx.juju_version,
            # The Harness plays a development Juju: every feature is there.
            feature_version=(99,),
            storage_root=self._ctx._storage_root,
            trusted=True,
        )
        # As ops 3.9's Harness: no model name until the test sets one; the options' non-null
        # defaults; the unit in maintenance until the charm sets a status.
        juju.model_name = None
        juju.config = {
            name: option['default']
            for name, option in spec.config_options.items()
            if isinstance(option, dict) and option.get('default') is not None
        }
        juju.planned_units = None
        juju.unit_status = _EntityStatus.from_status_name('maintenance', '')
        self._backend = JujuBackend(juju)
        self._pebble_models = {}
        # Every container's simulated Pebble exists from the start; its files stay in memory
        # until a test asks for the root directory (get_filesystem_root).
        for container_name in spec.containers:
            self._pebble_model(container_name)
        self._detached_storage = {}
        self._next_relation_id = 0
        self._next_storage_index = 0
        self._action_ids = 1
        meta_obj = spec.charm_meta()
        self._model = Model(meta_obj, self._backend, pebble_client_factory=self._pebble_client)
        model = self._model
        self._backend.running_event = lambda: running_event(model)
        self._backend.pebble_client = self._pebble_client
        self._charm_dir = charm_dir if charm_dir is not None else self._ctx._tmp_dir
        self._framework = Framework(
            cast('Any', MemoryStorage(_CLOSED)),
            self._charm_dir,
            meta_obj,
            self._model,
            juju_debug_at=set(),
            skip_duplicate_events=False,
        )

    # ---- the charm and its world ---------------------------------------------------------------

    @property
    def model(self) -> Model:
        """The model the charm sees (usable before :meth:`begin`)."""
        return self._model

    @property
    def framework(self) -> Framework:
        """The framework the charm is attached to."""
        return self._framework

    @property
    def reboot_count(self) -> int:
        """How many times the charm asked for a reboot (``Unit.reboot``)."""
        return self._juju.reboot_count

    def begin(self) -> None:
        """Instantiate the charm; events are emitted from now on.

        Raises:
            RuntimeError: called more than once.
        """
        if self._charm is not None:
            raise RuntimeError('cannot call the begin method on the harness more than once')
        # As in production dispatch, relation data access rules apply in __init__ too.
        with event_context(self._model, '__init__'):
            self._charm = self._charm_cls(self._framework)

    def _event_context(self, event_name: str) -> contextlib.AbstractContextManager[None]:
        """Act as if ``event_name`` were being handled ('' for: outside any event).

        Charm tests use this to read or write relation data the way a handler would (access
        rules enforced) or, with ``''``, as the test itself (no rules) from inside a handler.
        """
        return event_context(self._model, event_name)

    def begin_with_initial_hooks(self) -> None:
        """Instantiate the charm and emit the events of a unit's deployment, in Juju's order.

        Storage attached, ``install``, ``relation-created`` for every relation (a peer
        relation is added if missing), ``leader-elected`` or ``leader-settings-changed``,
        ``config-changed``, ``start``, ``pebble-ready`` for each container (made
        reachable), then ``relation-joined``/``relation-changed`` for the units and
        application data already in the relations.

        Raises:
            RuntimeError: the charm has already begun.
        """
        self.begin()
        juju = self._juju
        relations = juju.relations
        attached = {(s.name, s.index) for s in juju.storages}
        for storage_name in self._spec.storages:
            known = attached | set(self._detached_storage)
            for name, index in sorted(k for k in known if k[0] == storage_name):
                if (name, index) in self._detached_storage:
                    with self.hooks_disabled():
                        self.attach_storage(f'{name}/{index}')
                self._emit(f'{self._attr(name)}_storage_attached', self._ops_storage(name, index))
        self._emit('install')
        for endpoint, (role, _) in self._spec.endpoints.items():
            relation_ids = relations.ids(endpoint)
            if role == 'peers' and not relation_ids:
                self.add_relation(endpoint, juju.app_name)
                continue
            for relation_id in relation_ids:
                relation = self._relation(relation_id)
                model_relation = self._model.get_relation(endpoint, relation_id)
                remote_app = relations.remote_app(relation)
                self._emit(
                    f'{self._attr(endpoint)}_relation_created',
                    model_relation,
                    self._model.get_app(remote_app),
                )
        if juju.leader:
            self._emit('leader_elected')
        else:
            self._emit('leader_settings_changed')
        self._emit('config_changed')
        self._emit('start')
        for container_name in self._spec.containers:
            self.set_can_connect(container_name, True)
            self._emit(
                f'{self._attr(container_name)}_pebble_ready',
                self._model.unit.get_container(container_name),
            )
        status = juju.unit_status
        if status.name == 'maintenance' and not status.message:
            juju.unit_status = _EntityStatus.from_status_name('unknown', '')
            forget(self._model, unit_status=True)
        for relation in relations:
            endpoint = self._attr(relation.endpoint)
            model_relation = self._model.get_relation(relation.endpoint, relation.id)
            assert model_relation is not None
            remote_app = relations.remote_app(relation)
            app_data = (
                relations.local_bag(relation, True)
                if isinstance(relation, PeerRelation)
                else getattr(relation, 'remote_app_data', {})
            )
            if app_data:
                self._emit(
                    f'{endpoint}_relation_changed', model_relation, self._model.get_app(remote_app)
                )
            for unit_name in sorted(relations.remote_units(relation)):
                unit = self._model.get_unit(unit_name)
                self._emit(f'{endpoint}_relation_joined', model_relation, unit.app, unit)
                self._emit(f'{endpoint}_relation_changed', model_relation, unit.app, unit)

    def cleanup(self) -> None:
        """Release the Harness's resources (temporary files, the state database)."""
        self._framework.close()
        self._ctx.close()

    # ---- hooks on and off ----------------------------------------------------------------------

    @contextlib.contextmanager
    def hooks_disabled(self) -> Iterator[None]:
        """A context manager in which Harness changes emit no events::

        with harness.hooks_disabled():
            harness.update_config({'port': 80})   # no config-changed
        """
        if not self._hooks_enabled:
            yield
            return
        self._hooks_enabled = False
        try:
            yield
        finally:
            self._hooks_enabled = True

    def disable_hooks(self) -> None:
        """Stop emitting events for Harness changes (see :meth:`hooks_disabled`)."""
        self._hooks_enabled = False

    def enable_hooks(self) -> None:
        """Emit events for Harness changes again (the default)."""
        self._hooks_enabled = True

    # ---- config, leadership, planned units -----------------------------------------------------

    def update_config(
        self,
        key_values: Mapping[str, Any] | None = None,
        unset: Iterable[str] | None = None,
    ) -> None:
        """Change the charm's config as ``juju config`` would, then emit ``config-changed``.

        Args:
            key_values: options to set; each value must have exactly the option's type.
            unset: options to reset to their default (or remove, if they have none).

        Raises:
            ValueError: an option is not in the config.
            RuntimeError: a value has the wrong type.
        """
        options = self._spec.config_options
        juju = self._juju
        config = dict(juju.config)
        for key, value in (key_values or {}).items():
            option = options.get(key)
            if option is None:
                raise ValueError(f'unknown config option: {key!r}')
            option_type = str((option or {}).get('type') or 'string')
            expected = _CONFIG_TYPES.get(option_type)
            if expected is not None and type(value) is not expected:
                raise RuntimeError(
                    f'Config option {key} is supposed to be of type {option_type}, not '
                    f'`{type(value).__name__}`.'
                )
            config[key] = value
        for key in unset or ():
            option = options.get(key)
            if option is None:
                raise ValueError(f'unknown config option: {key!r}')
            default = (option or {}).get('default')
            if default is None:
                config.pop(key, None)
            else:
                config[key] = default
        juju.config = config
        forget(self._model, config=True)
        self._emit('config_changed')

    def set_leader(self, is_leader: bool = True) -> None:
        """Make this unit the leader (emitting ``leader-elected``) or not (no event)."""
        self._juju.leader = bool(is_leader)
        forget(self._model, leadership=True)
        if is_leader:
            self._emit('leader_elected')

    def set_planned_units(self, num_units: int) -> None:
        """Set what ``Application.planned_units()`` returns.

        Raises:
            TypeError: not a non-negative int.
        """
        if not isinstance(num_units, int) or isinstance(num_units, bool) or num_units < 0:
            raise TypeError('num_units must be 0 or a positive integer.')
        self._juju.planned_units = num_units

    def reset_planned_units(self) -> None:
        """Go back to counting planned units (the peer units plus this one)."""
        self._juju.planned_units = None

    # ---- the model --------------------------------------------------------------------------------

    def _before_begin(self, what: str) -> None:
        if self._charm is not None:
            raise RuntimeError(f'cannot set the Model {what} after begin()')

    def set_model_name(self, name: str) -> None:
        """Set the model's name (before :meth:`begin`).

        Raises:
            RuntimeError: after ``begin()``.
        """
        self._before_begin('name')
        self._juju.model_name = name

    def set_model_uuid(self, uuid: str) -> None:
        """Set the model's UUID (before :meth:`begin`).

        Raises:
            RuntimeError: after ``begin()``.
        """
        self._before_begin('uuid')
        self._juju.model_uuid = uuid

    def set_model_info(self, name: str | None = None, uuid: str | None = None) -> None:
        """Set the model's name and/or UUID (before :meth:`begin`).

        Raises:
            RuntimeError: after ``begin()``.
        """
        self._before_begin('info')
        if name is not None:
            self.set_model_name(name)
        if uuid is not None:
            self.set_model_uuid(uuid)

    def set_cloud_spec(self, spec: OpsCloudSpec) -> None:
        """Set what ``Model.get_cloud_spec()`` returns."""
        self._juju.cloud_spec = spec

    # ---- what the charm reported ---------------------------------------------------------------

    def get_workload_version(self) -> str | None:
        """The workload version the charm set, or ``None`` if it set none."""
        return self._juju.workload_version or None

    def get_pod_spec(self) -> tuple[Mapping[str, Any], Mapping[str, Any] | None] | None:
        """The pod spec and Kubernetes resources the charm set, or ``None``."""
        return self._juju.pod_spec

    def evaluate_status(self) -> None:
        """Emit the collect-status events and set the statuses they collected.

        ``collect-app-status`` is emitted for the leader only, as in production.
        """
        forget(self._model, leadership=True)
        evaluate_status(self.charm)

    # ---- actions ---------------------------------------------------------------------------------

    def run_action(
        self, action_name: str, params: Mapping[str, Any] | None = None
    ) -> ActionOutput:
        """Run an action's handler and return its logs and results.

        Raises:
            RuntimeError: no such action, a required parameter is missing, or before
                ``begin()``.
            ModelError: a parameter the action does not accept (``additionalProperties``).
            ActionFailed: the handler called ``event.fail()``; ``output`` holds the logs and
                results so far.
        """
        charm = self.charm
        action = self._framework.meta.actions.get(action_name)
        if action is None:
            raise RuntimeError(f'Charm does not have a {action_name!r} action.')
        given = dict(params or {})
        for name in action.required:
            if name not in given:
                raise RuntimeError(f'{name!r} parameter is required, but missing.')
        if not action.additional_properties:
            for name, value in given.items():
                if name not in action.parameters:
                    raise ModelError(
                        f'additional property "{name}" is not allowed, given {{"{name}":{value!r}}}'
                    )
        action_id = str(self._action_ids)
        self._action_ids += 1
        ctx = self._ctx
        juju = self._juju
        ctx.action_logs.clear()
        ctx.action_results = None
        juju.action_failure = None
        defaults = {
            name: spec['default']
            for name, spec in action.parameters.items()
            if isinstance(spec, dict) and 'default' in spec
        }
        juju.action = Action(action_name, {**defaults, **given}, action_id)
        try:
            getattr(charm.on, f'{self._attr(action_name)}_action').emit(action_id)
        finally:
            juju.action = None
        output = ActionOutput(list(ctx.action_logs), dict(ctx.action_results or {}))
        failure = juju.action_failure
        juju.action_failure = None
        if failure is not None:
            raise ActionFailed(failure, output)
        return output


publish(__name__)
