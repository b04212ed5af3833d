"""What ``ops_core`` offers its sister distributions (``ops-testing``, ...): not for charms.

A charm never needs anything here. The testing front-ends (``ops.testing``'s ``Context``
and ``Harness``) run a charm the way a deployed unit does, over a simulated Juju, and need a
few parts of ``ops_core`` that ``ops`` does not make public; this module is the one place
they get them from, so that no other distribution imports a private module of ``ops_core``
(import-linter holds that).

* Dispatch: :class:`Dispatcher` runs one Juju event through a charm exactly as ``ops.main``
  does, minus the process concerns; :class:`Abort` is what ends a dispatch early;
  :func:`evaluate_status` emits the collect-status events and sets what they collected.
* Juju: :class:`Backend` is the protocol the model talks to Juju through (one method per
  hook command; see its documentation for the contract), with :data:`ConfigValue` and
  :data:`SecretOwner`; :func:`add_hook_notes` gives a backend the exception notes a
  deployed charm's hook commands get.
* Storage: :class:`MemoryStorage` is the framework's store of a simulated unit.
* Secrets: :func:`validate_secret_content` checks content as ``Application.add_secret`` does.
* The model's caches: the model reads each thing from Juju once per dispatch (see
  :class:`Backend`). A front-end whose simulated Juju changes under a live model (a
  ``Harness`` between events) says what changed with :func:`forget` and the relation
  functions below, so that the model reads it again; it never writes into the model's
  private attributes. :func:`event_context` and :func:`running_event` say which event the
  model treats as being handled (relation-data access rules apply only then).
* The framework: :func:`live_objects` lists the charm's objects the framework knows (a
  custom event is emitted on the live emitter of the library that defines it).

Names here keep their meaning across releases of the monorepo; anything else in ``ops_core``
that starts with an underscore may change at any time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._charm._charm import _evaluate_status as evaluate_status
from ._dispatch._dispatcher import _Dispatcher as Dispatcher
from ._dispatch._hook_notes import add_hook_notes
from ._framework._abort import _Abort as Abort
from ._model._backend import Backend, ConfigValue, SecretOwner
from ._model._secret import validate_secret_content
from ._persistence._memory import MemoryStorage

if TYPE_CHECKING:
    from ._framework._framework import Framework
    from ._framework._handle import Object
    from ._model._model import Model
    from ._model._relation import Relation

__all__ = [
    'Abort',
    'Backend',
    'ConfigValue',
    'Dispatcher',
    'MemoryStorage',
    'SecretOwner',
    'add_hook_notes',
    'evaluate_status',
    'event_context',
    'forget',
    'forget_relation',
    'live_objects',
    'refresh_relation',
    'relation_added',
    'relation_broken',
    'running_event',
    'unit_departing',
    'validate_secret_content',
]


def forget(
    model: Model,
    *,
    leadership: bool = False,
    config: bool = False,
    unit_status: bool = False,
    bindings: bool = False,
    storage: str | None = None,
    resource: str | None = None,
) -> None:
    """Make ``model`` read these things from its backend again, the next time they are used.

    Args:
        model: the charm's model.
        leadership: whether this unit leads (``Unit.is_leader``, relation-data rules).
        config: ``Model.config``.
        unit_status: this unit's ``Unit.status``.
        bindings: every binding and network (``Model.get_binding``).
        storage: the attached instances of this storage (``Model.storages[storage]``).
        resource: where this resource is (``Model.resources.fetch(resource)``).
    """
    if leadership:
        model._cache.forget_leadership()
    if config:
        model._config._invalidate()
    if unit_status:
        model.unit._status = None
    if bindings:
        model._bindings._forget()
    if storage is not None:
        model._storages._invalidate(storage)
    if resource is not None:
        model._resources._forget(resource)


def relation_added(model: Model, endpoint: str, relation_id: int) -> None:
    """The backend has a new relation on ``endpoint``: ``model.relations`` lists it too.

    Cheaper than listing the endpoint again when it has many relations.
    """
    model._relations._added(endpoint, relation_id)


def refresh_relation(
    model: Model, endpoint: str, relation_id: int, *, joined: str | None = None
) -> None:
    """The backend's relation changed: the model's object for it (if any) shows it again.

    The same :class:`~ops_core.model.Relation` object the charm may hold is updated: its
    units, its remote application (if it was unknown) and its bags, which are read again.

    Args:
        model: the charm's model.
        endpoint: the relation's endpoint.
        relation_id: the relation's id.
        joined: the name of the one unit that has joined since (then only it is added,
            which keeps adding many units one by one linear).
    """
    relation = model._cache.relations.get((endpoint, relation_id))
    if relation is not None:
        relation._refresh(joined)


def forget_relation(model: Model, endpoint: str, relation_id: int) -> None:
    """The backend no longer has the relation: the model forgets its object and listing."""
    model._relations._forget(endpoint, relation_id)


@contextlib.contextmanager
def relation_broken(model: Model, endpoint: str, relation_id: int) -> Iterator[Relation]:
    """While the block runs, the relation is being broken, as in its ``relation-broken`` hook.

    ``model.relations`` leaves it out and its object is inactive; the object is yielded (to
    emit the event with). Afterwards the endpoint is listed again when next read.
    """
    relations = model._relations
    relations._broken_relation_id = relation_id
    relations._invalidate(endpoint)
    try:
        relation = model.get_relation(endpoint, relation_id)
        assert relation is not None  # get_relation with an id always gives an object
        relation.active = False
        yield relation
    finally:
        relations._broken_relation_id = None
        relations._invalidate(endpoint)


@contextlib.contextmanager
def unit_departing(
    model: Model, endpoint: str, relation_id: int, unit_name: str
) -> Iterator[None]:
    """While the block runs, ``unit_name``'s bag stays readable, as in ``relation-departed``.

    The unit must already be gone from the backend's relation (it no longer shows in
    ``Relation.units``); afterwards its bag goes too.
    """
    relation = model._cache.relations.get((endpoint, relation_id))
    unit = model.get_unit(unit_name)
    if relation is not None:
        relation._refresh()
        relation.data._show(unit)
    try:
        yield
    finally:
        relation = model._cache.relations.get((endpoint, relation_id))
        if relation is not None:
            relation.data._hide(unit)


def event_context(model: Model, event_name: str) -> contextlib.AbstractContextManager[None]:
    """While the block runs, ``model`` treats ``event_name`` as the event being handled.

    Relation-data access rules apply only while an event is handled; ``''`` means none
    (a test reading or writing any bag as Juju itself would).
    """
    return model._event_context(event_name)


def running_event(model: Model) -> str:
    """The name of the event ``model`` treats as being handled, or ``''`` if none."""
    return model._hook_is_running


def live_objects(framework: Framework) -> list[Object]:
    """Every object registered with ``framework`` that is still alive (charm and libraries).

    The charm and every ``Object`` built with the framework (a charm library's requirer,
    its ``on`` emitter, ...) are registered by their handle path; the framework keeps them
    weakly, so an object the charm dropped is not listed.
    """
    return list(framework._objects.values())
