"""Objects ops-scenario 8.9 keeps under private names that the ecosystem imports anyway.

pytest-interface-tester (and charms' own test helpers) import ``_Event``, ``_EventPath``,
``_CharmSpec`` and ``_DEFAULT_JUJU_DATABAG`` from ``scenario.state`` and use them: it checks
``isinstance(event, _Event)``, rebuilds a relation event with ``dataclasses.replace(event,
relation=..., path=endpoint + event.path.suffix)``, reads a charm's metadata with
``_CharmSpec.autoload(charm_type)`` (or ``_CharmSpec(charm_type=..., meta=...)``) and strips
``_DEFAULT_JUJU_DATABAG``'s keys from a unit databag. This module is the seam through which
the ``scenario`` distribution offers them; they are the very objects ``Context`` uses.
"""

from ._charm_spec import CharmSpec
from ._events import Action, Event, EventKind, EventPath
from ._state._common import DEFAULT_JUJU_DATABAG
from ._state._status import _EntityStatus as EntityStatus

__all__ = [
    'DEFAULT_JUJU_DATABAG',
    'Action',
    'CharmSpec',
    'EntityStatus',
    'Event',
    'EventKind',
    'EventPath',
]
