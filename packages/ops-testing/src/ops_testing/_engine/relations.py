"""The relations of the simulated Juju: who is related, and every databag.

Relations are the State's own relation values (``Relation``, ``PeerRelation``,
``SubordinateRelation``), held by id. Loading a State costs one dictionary entry per
relation; nothing is copied until it changes: this unit's and application's bags get a
working copy when first read or written, and a relation the test side changes (a unit
joins, a remote bag is written) is copied once, so the State it came from never changes.
Relations the test side adds itself are its own from the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._state._relations import PeerRelation, Relation, RelationBase, SubordinateRelation

__all__ = ['Relations', 'detached']

#: Per relation class: (fields holding a container, fields holding containers of containers).
_COPY_PLANS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_CONTAINER_HINTS = ('Mapping', 'Sequence', 'Iterable', 'dict', 'list', 'Any')
_COPYABLE = (dict, list, set)


def _copy_plan(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    plan = _COPY_PLANS.get(cls)
    if plan is None:
        flat: list[str] = []
        nested: list[str] = []
        import dataclasses  # on first use only: it imports inspect

        for field in dataclasses.fields(cls):
            hint = str(field.type)
            if any(word in hint for word in _CONTAINER_HINTS):
                # Mapping[UnitID, Mapping[str, str]], Mapping[int, Iterable[str]], ...
                (nested if hint.count('[') > 1 else flat).append(field.name)
        plan = _COPY_PLANS[cls] = (tuple(flat), tuple(nested))
    return plan


def detached(component: Any) -> Any:
    """A copy of a State component that shares no dict, list or set with the original.

    Containers nested one level down (``remote_units_data``) are copied too; below that
    the values are strings. Cheaper than ``copy.deepcopy`` by far, and enough: a State
    component holds nothing deeper.
    """
    cls = component.__class__
    flat, nested = _COPY_PLANS.get(cls) or _copy_plan(cls)
    attrs = component.__dict__.copy()
    for name in flat:
        value = attrs[name]
        if value.__class__ in _COPYABLE:
            attrs[name] = value.copy()
    for name in nested:
        value = attrs[name]
        if value.__class__ is dict:
            attrs[name] = {
                k: v.copy() if v.__class__ in _COPYABLE else v for k, v in value.items()
            }
        elif value.__class__ in _COPYABLE:
            attrs[name] = value.copy()
    new = object.__new__(cls)
    object.__setattr__(new, '__dict__', attrs)
    return new


class Relations:
    """The relations one unit is in, with their members and bags.

    Args:
        app_name: this unit's application (the remote application of peer relations).
        unit_name: this unit (whose bag is ``local_unit_data``).
        relations: the relations to start with (a State's; they are not changed).
    """

    def __init__(self, app_name: str, unit_name: str, relations: Iterable[RelationBase] = ()):
        self.app_name = app_name
        self.unit_name = unit_name
        self._by_id: dict[int, RelationBase] = {r.id: r for r in relations}
        # endpoint -> ids, in the order the relations were added; built when first needed.
        self._by_endpoint: dict[str, dict[int, None]] | None = None
        # (relation id, is_app) -> this unit's (or app's) bag as written so far.
        self._local: dict[tuple[int, bool], dict[str, str]] = {}
        # Relations whose dicts are this simulation's own to change in place.
        self._owned: set[int] = set()
        # Relations changed by the test side (for the State written out).
        self._changed: set[int] = set()
        #: Remote units whose name does not follow ``<remote app>/<n>``: name -> bag.
        self.odd_units: dict[int, dict[str, dict[str, str]]] = {}
        #: While a unit departs: (relation id, unit name, its bag), readable until it is gone.
        self.departing: tuple[int, str, dict[str, str]] | None = None

    # ---- lookup --------------------------------------------------------------------------

    def get(self, relation_id: int) -> RelationBase | None:
        """The relation ``relation_id``, or ``None``."""
        return self._by_id.get(relation_id)

    def on_endpoint(self, relation_id: int, endpoint: str) -> RelationBase | None:
        """The relation ``relation_id`` if it is on ``endpoint``, else ``None``."""
        relation = self._by_id.get(relation_id)
        if relation is None or relation.endpoint != endpoint:
            return None
        return relation

    def __iter__(self) -> Iterator[RelationBase]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self, endpoint: str) -> list[int]:
        """The ids of the relations on ``endpoint``, in the order they were added."""
        index = self._by_endpoint
        if index is None:
            index = self._by_endpoint = {}
            for relation in self._by_id.values():
                index.setdefault(relation.endpoint, {})[relation.id] = None
        return list(index.get(endpoint, ()))

    def remote_app(self, relation: RelationBase) -> str:
        """The application on the other side (this one, for a peer relation)."""
        return relation._remote_app_name_for(self.app_name)

    def remote_units(self, relation: RelationBase) -> list[str]:
        """The names of the remote units in ``relation``."""
        app = relation._remote_app_name_for(self.app_name)
        names = [f'{app}/{uid}' for uid in relation._remote_unit_ids]
        names.extend(self.odd_units.get(relation.id, ()))
        return names

    # ---- bags ----------------------------------------------------------------------------

    def local_bag(self, relation: RelationBase, is_app: bool) -> dict[str, str]:
        """This unit's (or, with ``is_app``, its application's) bag, to read or change."""
        key = (relation.id, is_app)
        bag = self._local.get(key)
        if bag is None:
            source = relation.local_app_data if is_app else relation.local_unit_data
            bag = self._local[key] = dict(source)
        return bag

    def bag(self, relation: RelationBase, member: str, is_app: bool) -> dict[str, str] | None:
        """The live bag of any member of ``relation`` (``None`` if it has none).

        A remote bag returned here may be changed in place only through :meth:`write`
        (which copies a State's relation first). A departing unit has no bag here (see
        :attr:`departing`).
        """
        if is_app:
            if member == self.app_name:
                return self.local_bag(relation, True)
            if member == relation._remote_app_name_for(self.app_name):
                bag: dict[str, str] | None = getattr(relation, 'remote_app_data', None)
                return bag
            return None
        if member == self.unit_name:
            return self.local_bag(relation, False)
        odd = self.odd_units.get(relation.id)
        if odd is not None and member in odd:
            return odd[member]
        app, _, number = member.rpartition('/')
        if app != relation._remote_app_name_for(self.app_name) or not number.isdigit():
            return None
        uid = int(number)
        if not relation._has_remote_unit(uid):
            return None
        if isinstance(relation, PeerRelation):
            return relation.peers_data[uid]  # type: ignore[return-value]
        if isinstance(relation, SubordinateRelation):
            return relation.remote_unit_data  # type: ignore[return-value]
        return relation.remote_units_data[uid]  # type: ignore[attr-defined,no-any-return]

    def write(
        self, relation_id: int, member: str, is_app: bool, changes: Mapping[str, str]
    ) -> bool:
        """Change a member's bag as Juju (or the remote side) would; ``''`` deletes a key.

        Returns:
            Whether anything changed.

        Raises:
            KeyError: no such relation, or the member has no bag in it.
        """
        relation = self._own(relation_id)
        bag = self.bag(relation, member, is_app)
        if bag is None:
            raise KeyError(member)
        changed = False
        for key, value in changes.items():
            if value == '':
                if key in bag:
                    del bag[key]
                    changed = True
            elif bag.get(key) != value:
                bag[key] = value
                changed = True
        return changed

    # ---- the test side: relations and units come and go --------------------------------

    def add(self, relation: RelationBase) -> None:
        """Add a relation (the simulation may change its dicts from now on)."""
        self._by_id[relation.id] = relation
        self._owned.add(relation.id)
        self._changed.add(relation.id)
        if self._by_endpoint is not None:
            self._by_endpoint.setdefault(relation.endpoint, {})[relation.id] = None

    def remove(self, relation_id: int) -> RelationBase:
        """Forget a relation and its bags.

        Raises:
            KeyError: no such relation.
        """
        relation = self._by_id.pop(relation_id)
        if self._by_endpoint is not None:
            self._by_endpoint.get(relation.endpoint, {}).pop(relation_id, None)
        self._local.pop((relation_id, True), None)
        self._local.pop((relation_id, False), None)
        self.odd_units.pop(relation_id, None)
        self._owned.discard(relation_id)
        self._changed.add(relation_id)
        return relation

    def _own(self, relation_id: int) -> RelationBase:
        relation = self._by_id[relation_id]
        if relation_id not in self._owned:
            relation = self._by_id[relation_id] = detached(relation)
            self._owned.add(relation_id)
        self._changed.add(relation_id)
        return relation

    def _unit_bags(self, relation: RelationBase) -> dict[int, dict[str, str]]:
        if isinstance(relation, PeerRelation):
            return relation.peers_data  # type: ignore[return-value]
        if isinstance(relation, Relation):
            return relation.remote_units_data  # type: ignore[return-value]
        raise TypeError(f'the units of a {type(relation).__name__} are fixed')

    def add_unit(self, relation_id: int, unit_name: str, *, conventional: bool) -> None:
        """A remote unit joins (with an empty bag; joining again keeps its bag).

        Args:
            relation_id: the relation.
            unit_name: ``<remote app>/<n>``, or any name with ``conventional=False``.
            conventional: whether the name follows ``<remote app>/<n>``.
        """
        relation = self._own(relation_id)
        if conventional:
            self._unit_bags(relation).setdefault(int(unit_name.rpartition('/')[2]), {})
        else:
            self.odd_units.setdefault(relation_id, {}).setdefault(unit_name, {})

    def remove_unit(self, relation_id: int, unit_name: str) -> dict[str, str]:
        """A remote unit leaves; its bag is returned.

        Raises:
            KeyError: the unit is not in the relation.
        """
        relation = self._own(relation_id)
        odd = self.odd_units.get(relation_id, {})
        if unit_name in odd:
            return odd.pop(unit_name)
        bags = self._unit_bags(relation)
        number = unit_name.rpartition('/')[2]
        if not number.isdigit() or int(number) not in bags:
            raise KeyError(unit_name)
        return bags.pop(int(number))

    # ---- the State written out ---------------------------------------------------------

    def changed(self) -> bool:
        """Whether any bag was written or any relation changed since loading."""
        return bool(self._local or self._changed)

    def values(self) -> list[RelationBase]:
        """Every relation as a State value, this unit's bags as written so far."""
        import dataclasses  # on first use only: it imports inspect

        out = dict(self._by_id)
        for (relation_id, is_app), bag in self._local.items():
            relation = out.get(relation_id)
            if relation is None:
                continue
            field = 'local_app_data' if is_app else 'local_unit_data'
            changes: dict[str, Any] = {field: bag}
            out[relation_id] = dataclasses.replace(relation, **changes)
        return list(out.values())
