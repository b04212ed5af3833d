"""Emitting a custom (library or charm-defined) event with ``ctx.on.custom(...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ops_core.sister import live_objects

from ._state._containers import Container
from ._state._relations import RelationBase
from ._state._secrets import Secret
from ._state._storage import Storage
from .errors import BadOwnerPath

if TYPE_CHECKING:
    from ops_core.charm import CharmBase

    from ._events import Event

__all__ = ['emit_custom_event']


def _to_ops(charm: CharmBase, value: Any) -> Any:
    """Convert State objects among the event arguments into the matching ``ops`` objects."""
    model = charm.model
    if isinstance(value, Secret):
        return model.get_secret(id=value.id, label=value.label)
    if isinstance(value, RelationBase):
        return model.get_relation(value.endpoint, value.id)
    if isinstance(value, Container):
        return model.unit.get_container(value.name)
    if isinstance(value, Storage):
        for storage in model.storages[value.name]:
            if storage.index == value.index:
                return storage
        raise ValueError(f'storage {value.name}/{value.index} is not attached in the State')
    to_ops = getattr(value, '_to_ops', None)
    if callable(to_ops):
        return to_ops()
    return value


def _find_emitter(charm: CharmBase, events_type: type[Any]) -> Any:
    """The live object (the charm or one of its libraries) whose ``on`` is ``events_type``."""
    candidates: list[Any] = [charm]
    candidates.extend(live_objects(charm.framework))
    for obj in candidates:
        on = obj.__dict__.get('on') if hasattr(obj, '__dict__') else None
        if on is None:
            on = getattr(obj, 'on', None)
        if isinstance(on, events_type):
            return on
    raise BadOwnerPath(
        f'no object of the charm has an `on` of type {events_type.__name__}: instantiate the '
        'library that defines the event in the charm (as an attribute) before emitting it'
    )


def emit_custom_event(charm: CharmBase, event: Event) -> None:
    """Emit the custom event ``event`` on the charm's live emitter for it.

    Raises:
        BadOwnerPath: no live object of the charm owns the event.
    """
    source = event.custom_event
    emitter_events = getattr(source, 'emitter', None)
    events_type: type[Any] | None
    if emitter_events is not None:  # a BoundEvent: find the same kind of emitter in this run
        events_type = type(getattr(emitter_events, 'on', emitter_events))
    else:
        events_type = getattr(source, 'emitter_type', None)
    if events_type is None:
        raise BadOwnerPath(f'cannot tell which object emits {source!r}')
    on = _find_emitter(charm, events_type)
    bound = getattr(on, event.path)
    args = [_to_ops(charm, a) for a in event.custom_args]
    kwargs = {k: _to_ops(charm, v) for k, v in event.custom_kwargs.items()}
    bound.emit(*args, **kwargs)
