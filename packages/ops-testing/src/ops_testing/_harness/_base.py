"""What every part of the Harness shares: its engine objects and how it emits events.

The Harness is split by concept (relations, secrets, storage, Pebble, ...) into mixins of
:class:`HarnessBase`, which holds the engine: the simulated Juju (:mod:`ops_testing._engine`)
that the test changes and the one backend the charm's model talks to, the Context that
records side effects, one simulated Pebble per container, and the production ``Model`` and
``Framework`` the charm is attached to. Events go through ``Framework`` exactly as in
production dispatch; where a change to the simulated Juju changes what the model has read,
the model is told to forget it (``ops_core.sister``).
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING, Any, Generic

from ops_core.model import RelationNotFoundError
from ops_core.sister import forget, refresh_relation

from .._types import CharmType

if TYPE_CHECKING:
    import ops_pebble
    from ops_core.framework import Framework
    from ops_core.model import Model

    from .._charm_spec import CharmSpec
    from .._context import Context
    from .._engine.backend import JujuBackend
    from .._engine.juju import SimulatedJuju
    from .._pebble import PebbleModel
    from .._state._relations import RelationBase

__all__ = ['HarnessBase']


class HarnessBase(Generic[CharmType]):
    """The engine and helpers shared by the Harness mixins (not public)."""

    _charm_cls: type[CharmType]
    _charm: CharmType | None
    _ctx: Context[CharmType]
    _spec: CharmSpec
    _juju: SimulatedJuju
    _backend: JujuBackend
    _model: Model
    _framework: Framework
    _hooks_enabled: bool
    _pebble_models: dict[str, PebbleModel]
    _charm_dir: pathlib.Path
    _next_relation_id: int
    _next_storage_index: int
    _action_ids: int

    # ---- the charm -----------------------------------------------------------------------

    @property
    def charm(self) -> CharmType:
        """The charm instance, once :meth:`begin` has been called.

        Raises:
            RuntimeError: before ``begin()``.
        """
        if self._charm is None:
            raise RuntimeError(
                'The charm instance is not available yet. Call Harness.begin() first.'
            )
        return self._charm

    def _emit(self, event_name: str, *args: Any, **kwargs: Any) -> None:
        """Emit ``charm.on.<event_name>`` if the charm exists and hooks are enabled."""
        if self._charm is None or not self._hooks_enabled:
            return
        self._emit_always(event_name, *args, **kwargs)

    def _emit_always(self, event_name: str, *args: Any, **kwargs: Any) -> None:
        """Emit ``charm.on.<event_name>`` (the charm must exist)."""
        bound = getattr(self.charm.on, event_name)
        forget(self._model, leadership=True)
        bound.emit(*args, **kwargs)

    @staticmethod
    def _attr(name: str) -> str:
        return name.replace('-', '_')

    # ---- keeping the model's caches in step with the backend ---------------------------------

    def _relation(self, relation_id: int) -> RelationBase:
        """The simulated Juju's relation ``relation_id``.

        Raises:
            RelationNotFoundError: no such relation.
        """
        relation = self._juju.relations.get(relation_id)
        if relation is None:
            raise RelationNotFoundError(f'relation {relation_id} has not been added')
        return relation

    def _refresh_relation(self, relation_id: int, joined: str | None = None) -> None:
        """Make the model's relation object show the simulated Juju's units and bags again.

        With ``joined``, only that newly joined unit is added (see ``refresh_relation``).
        """
        relation = self._relation(relation_id)
        refresh_relation(self._model, relation.endpoint, relation_id, joined=joined)

    def _invalidate_bindings(self) -> None:
        forget(self._model, bindings=True)

    # ---- Pebble ------------------------------------------------------------------------------

    def _pebble_model(self, container_name: str) -> PebbleModel:
        """The simulated Pebble of a container declared in the metadata.

        Raises:
            KeyError: no container of that name in the metadata.
        """
        model = self._pebble_models.get(container_name)
        if model is None:
            if container_name not in self._spec.containers:
                raise KeyError(f'no known pebble client for container "{container_name}"')
            from .._pebble import PebbleModel

            # The files stay in memory until a test asks for the root directory.
            model = PebbleModel(
                lambda: self._ctx._container_root(container_name),
                name=container_name,
                in_memory_files=True,
            )
            model.can_connect = False
            model.lenient_layers = True
            model.unset_check_startup = True
            model.connect_error_message = (
                'Cannot connect to Pebble; did you forget to call begin_with_initial_hooks() '
                'or set_can_connect()?'
            )
            model.unmatched_exec = _unmatched_exec
            self._pebble_models[container_name] = model
        return model

    def _pebble_client(self, container_name: str) -> ops_pebble.Client:
        model = self._pebble_model(container_name)
        clients: dict[str, tuple[PebbleModel, ops_pebble.Client]]
        clients = self.__dict__.setdefault('_pebble_clients', {})
        known = clients.get(container_name)
        if known is not None and known[0] is model:
            return known[1]
        from .._pebble import PebbleAPI, in_process_client

        client = in_process_client(PebbleAPI(model, ops39_errors=True))
        clients[container_name] = (model, client)
        return client


def _unmatched_exec(command: list[str]) -> Exception:
    from .._pebble import api_error

    return api_error(
        500, 'execution handler not found, please register one using Harness.handle_exec'
    )
