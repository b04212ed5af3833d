"""Relations and their data bags, with Juju's access rules enforced before calling Juju."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .._exports import publish
from ._errors import (
    ModelError,
    RelationDataAccessError,
    RelationDataTypeError,
    RelationNotFoundError,
    TooManyRelatedAppsError,
)
from ._lazy import LazyMapping
from ._model import Application, RemoteModel, Unit
from ._typed_load import dump_typed, load_typed

if TYPE_CHECKING:
    from ._backend import Backend
    from ._model import _ModelCache

__all__ = ['Relation', 'RelationData', 'RelationDataContent', 'RelationMapping']

_T = TypeVar('_T')
_Entity = Unit | Application


def _is_peer(meta: Any) -> bool:
    role = getattr(meta, 'role', None)
    is_peer = getattr(role, 'is_peer', None)
    if callable(is_peer):
        return bool(is_peer())
    return getattr(role, 'value', role) == 'peer'


def _juju_at_least(version: str, major: int, minor: int) -> bool:
    if version == '0.0.0':
        return True  # no version known (e.g. the Harness's default): let Juju decide
    parts = version.split('.')
    try:
        return (int(parts[0]), int(''.join(c for c in parts[1] if c.isdigit()) or 0)) >= (
            major,
            minor,
        )
    except (IndexError, ValueError):
        return True  # unparseable: assume a modern Juju and let it decide


class RelationMapping(Mapping[str, list['Relation']]):
    """Every endpoint of the charm mapped to the list of its live relations.

    Relations are listed from Juju the first time an endpoint is read. In a
    ``relation-broken`` hook the broken relation is left out.
    """

    def __init__(
        self,
        relations_meta: Mapping[str, Any],
        our_unit: Unit,
        backend: Backend,
        cache: _ModelCache,
        broken_relation_id: int | None,
        _remote_unit: Unit | None = None,
    ):
        self._peers = {name for name, meta in relations_meta.items() if _is_peer(meta)}
        self._our_unit = our_unit
        self._backend = backend
        self._cache = cache
        self._broken_relation_id = broken_relation_id
        self._remote_unit = _remote_unit
        self._data: dict[str, list[Relation] | None] = dict.fromkeys(relations_meta)
        # The ids in each listed endpoint's list, so finding one by id costs O(1).
        self._listed_ids: dict[str, set[int]] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __getitem__(self, relation_name: str) -> list[Relation]:
        if relation_name not in self._data:
            raise KeyError(relation_name)
        relations = self._data[relation_name]
        if relations is None:
            relations = self._data[relation_name] = []
            ids = self._listed_ids[relation_name] = set()
            for relation_id in self._backend.relation_ids(relation_name):
                if relation_id == self._broken_relation_id:
                    continue
                relations.append(self._relation(relation_name, relation_id, active=True))
                ids.add(relation_id)
        return relations

    def __repr__(self) -> str:
        return f'<{type(self).__name__} endpoints={list(self._data)!r}>'

    def _relation(self, relation_name: str, relation_id: int, *, active: bool) -> Relation:
        key = (relation_name, relation_id)
        relation = self._cache.relations.get(key)
        if relation is None:
            relation = Relation(
                relation_name,
                relation_id,
                relation_name in self._peers,
                self._our_unit,
                self._backend,
                self._cache,
                active=active,
                _remote_unit=self._remote_unit,
            )
            self._cache.relations[key] = relation
        return relation

    def _invalidate(self, relation_name: str) -> None:
        """Forget the relations of ``relation_name`` so that they are listed again."""
        self._data[relation_name] = None

    def _added(self, relation_name: str, relation_id: int) -> None:
        """Note a relation the backend has just gained, without listing the endpoint again."""
        relations = self._data[relation_name]
        ids = self._listed_ids.get(relation_name)
        if relations is not None and ids is not None and relation_id not in ids:
            relations.append(self._relation(relation_name, relation_id, active=True))
            ids.add(relation_id)

    def _forget(self, relation_name: str, relation_id: int) -> None:
        """Forget a relation the backend no longer has: its object and the endpoint's list."""
        self._cache.relations.pop((relation_name, relation_id), None)
        self._invalidate(relation_name)

    def _get_unique(self, relation_name: str, relation_id: int | None = None) -> Relation | None:
        if relation_id is not None:
            if not isinstance(relation_id, int) or isinstance(relation_id, bool):
                raise ModelError(
                    f'relation id {relation_id} must be int or None, '
                    f'not {type(relation_id).__name__}'
                )
            self[relation_name]  # list the endpoint if it is not listed yet
            if relation_id in self._listed_ids[relation_name]:
                return self._relation(relation_name, relation_id, active=True)
            # Not listed (e.g. broken): still give the charm an inactive object for it.
            return self._relation(relation_name, relation_id, active=False)
        relations = self[relation_name]
        if not relations:
            return None
        if len(relations) > 1:
            raise TooManyRelatedAppsError(relation_name, len(relations), 1)
        return relations[0]


class Relation:
    """One established relation between this application and another (or its peers).

    Attributes:
        name: The local endpoint name, e.g. ``'db'``.
        id: The relation id.
        app: The remote application (this application for peer relations); ``None`` if
            Juju no longer knows it (e.g. in ``relation-broken``).
        units: The remote units that have joined (for peers: the other units).
        active: ``False`` once the relation is gone (broken or not listed by Juju).
        data: The data bags: ``relation.data[unit_or_app]['key']``.
    """

    def __init__(
        self,
        relation_name: str,
        relation_id: int,
        is_peer: bool,
        our_unit: Unit,
        backend: Backend,
        cache: _ModelCache,
        active: bool = True,
        _remote_unit: Unit | None = None,
    ):
        self.name: str = relation_name
        self.id: int = relation_id
        self.units: set[Unit] = set()
        self.active: bool = active
        self._backend = backend
        self._cache = cache
        self._our_unit = our_unit
        self._is_peer = is_peer
        self._remote_model: RemoteModel | None = None

        app: Application | None = our_unit.app if is_peer else None
        try:
            for unit_name in backend.relation_list(relation_name, relation_id):
                unit = cache.get_unit(unit_name)
                self.units.add(unit)
                if app is None:
                    app = unit.app
        except RelationNotFoundError:
            self.active = False
        if app is None:
            app_name = backend.relation_remote_app_name(relation_name, relation_id)
            if app_name:
                app = cache.get_app(app_name)
        # Typed as always present, as in ops 3.9, so that ``relation.data[relation.app]``
        # type-checks in charms; it is None only when Juju no longer knows the remote
        # application (documented above).
        self.app: Application = cast('Application', app)

        remote_unit = None
        if _remote_unit is not None and _remote_unit.app is self.app:
            remote_unit = _remote_unit
        self.data: RelationData = RelationData(self, our_unit, backend, remote_unit)

    def __repr__(self) -> str:
        return f'<ops.model.Relation {self.name}:{self.id}>'

    def _refresh(self, joined: str | None = None) -> None:
        """Show what the backend now says about this relation, in this same object.

        With ``joined`` (a unit that has just joined), only that unit is added and its bag
        made; otherwise the units are listed again, the remote application is looked up if
        it was unknown, a bag is made for each new member and every bag is read again.
        """
        backend = self._backend
        cache = self._cache
        bags = self.data._data
        if joined is not None and self.app is not None:
            unit = cache.get_unit(joined)
            self.units.add(unit)
            bag = bags.get(unit)
            if bag is None:
                bags[unit] = RelationDataContent(self, unit, backend)
            else:
                bag._invalidate()
            return
        units = {cache.get_unit(name) for name in backend.relation_list(self.name, self.id)}
        self.units.clear()
        self.units.update(units)
        if self.app is None:
            app_name = backend.relation_remote_app_name(self.name, self.id)
            if app_name:
                self.app = cache.get_app(app_name)
        members: list[_Entity] = list(units)
        if self.app is not None:
            members.append(self.app)
        for member in members:
            if member not in bags:
                bags[member] = RelationDataContent(self, member, backend)
        for bag in bags.values():
            bag._invalidate()

    @property
    def remote_model(self) -> RemoteModel:
        """The model of the remote application (this model unless cross-model); Juju >= 3.6.2.

        Raises:
            ModelError: on older Juju.
        """
        if self._remote_model is None:
            uuid = self._backend.relation_model_get(self.name, self.id)
            self._remote_model = RemoteModel(uuid=uuid)
        return self._remote_model

    def load(
        self,
        cls: Callable[..., _T],
        src: Unit | Application,
        *args: Any,
        decoder: Callable[[str], Any] | None = None,
        **kwargs: Any,
    ) -> _T:
        """Build a ``cls`` (dataclass, pydantic-style model or plain class) from a data bag.

        Each bag key that names a field of ``cls`` (its alias, for pydantic models and for
        dataclass fields with ``field(metadata={'alias': ...})``) is decoded with ``decoder``
        (``json.loads`` by default) and passed as a keyword argument; keys that are not
        fields are ignored (all keys for a plain class).

        Args:
            cls: The class to create.
            src: Whose bag to read: a :class:`Unit` or :class:`Application` of this relation.
            args: Extra positional arguments for ``cls``.
            decoder: Turns each stored string into a value.
            kwargs: Extra keyword arguments for ``cls`` (a bag value of the same name
                takes their place, as in ops 3.9).

        Raises:
            KeyError: if ``src`` has no bag in this relation.
            ValueError: if a field's value cannot be decoded (the message names the key).
        """
        bag = self.data[src]
        return load_typed(
            cls,
            # The bag's loaded dict (read rules checked), rather than a key-by-key walk.
            bag._data if isinstance(bag, RelationDataContent) else bag,
            *args,
            decoder=decoder or json.loads,
            what='relation data',
            **kwargs,
        )

    def save(
        self,
        obj: object,
        dst: Unit | Application,
        *,
        encoder: Callable[[Any], str] | None = None,
    ) -> None:
        """Write the fields of ``obj`` into a data bag, each encoded (``json.dumps`` by default).

        The fields are those of a dataclass (keyed by their ``alias`` metadata, if any;
        nested dataclasses are written as dicts), of a pydantic model (by alias), or the
        annotated attributes of any other object; a field with no value erases its key. All
        keys are written with one ``relation-set``.

        Raises:
            KeyError: if ``dst`` has no bag in this relation.
            RelationDataAccessError: if this unit may not write that bag.
            RelationDataTypeError: if ``encoder`` returns something other than a str.
        """
        values = dump_typed(obj, encoder or json.dumps)
        self.data[dst].update(values)


class RelationData(Mapping[_Entity, 'RelationDataContent']):
    """The data bags of one relation, keyed by :class:`Unit` or :class:`Application`.

    There is a bag for this unit, this application, each remote unit and the remote
    application. Everyone may read remote bags; a unit writes only its own bag, and the
    leader also writes its application's bag.
    """

    def __init__(
        self,
        relation: Relation,
        our_unit: Unit,
        backend: Backend,
        remote_unit: Unit | None = None,
    ):
        self.relation = relation
        self._data: dict[_Entity, RelationDataContent] = {
            our_unit: RelationDataContent(relation, our_unit, backend),
            our_unit.app: RelationDataContent(relation, our_unit.app, backend),
        }
        for unit in relation.units:
            self._data[unit] = RelationDataContent(relation, unit, backend)
        if remote_unit is not None and remote_unit not in self._data:
            self._data[remote_unit] = RelationDataContent(relation, remote_unit, backend)
        if relation.app is not None and relation.app not in self._data:
            self._data[relation.app] = RelationDataContent(relation, relation.app, backend)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[_Entity]:
        return iter(self._data)

    def __getitem__(self, key: _Entity) -> RelationDataContent:
        if key is None:
            raise KeyError(
                'Cannot index relation data with "None". Are you trying to access remote app '
                'data during a relation-broken event? This is not allowed.'
            )
        return self._data[key]

    def __repr__(self) -> str:
        return repr(self._data)

    def _show(self, member: _Entity) -> None:
        """Give ``member`` a bag here (a departing unit's stays readable while it departs)."""
        self._data[member] = RelationDataContent(self.relation, member, self.relation._backend)

    def _hide(self, member: _Entity) -> None:
        """Take ``member``'s bag away again."""
        self._data.pop(member, None)


class RelationDataContent(LazyMapping, MutableMapping[str, str]):
    """One data bag (``str`` to ``str``) of a relation; read from Juju on first use.

    Writes are checked, then sent to Juju at once as one ``relation-set`` with only the
    keys that change; setting a key to ``''`` deletes it.
    """

    def __init__(self, relation: Relation, entity: _Entity, backend: Backend):
        self.relation = relation
        self._entity = entity
        self._backend = backend
        self._is_app = isinstance(entity, Application)

    # -- access rules ------------------------------------------------------------

    @property
    def _hook_is_running(self) -> bool:
        return bool(self.relation._cache.hook_is_running)

    def _our_unit(self) -> Unit:
        return self.relation._our_unit

    def _is_our_app_bag(self) -> bool:
        return self._is_app and self._entity is self._our_unit().app

    def _check_read(self) -> None:
        if not self._hook_is_running or not self._is_our_app_bag() or self.relation._is_peer:
            return
        if not self.relation._cache.is_leader():
            raise RelationDataAccessError(
                f'{self._our_unit().name} is not leader and cannot read its own application '
                'databag (only the leader can read it on non-peer relations)'
            )

    def _check_write(self, key: object, value: object) -> None:
        self._check_types(key, value)
        self._check_access(key)

    def _check_types(self, key: object, value: object) -> None:
        if not isinstance(key, str):
            raise RelationDataTypeError(
                f'relation data keys must be str, got {type(key).__name__} for key {key!r}'
            )
        if not isinstance(value, str):
            raise RelationDataTypeError(
                f'relation data values must be str, got {type(value).__name__} for key '
                f'{key!r} (convert it first, e.g. with str() or json.dumps())'
            )

    def _check_access(self, key: object) -> None:
        """Raise unless this unit may write this bag (``key`` only names the key tried)."""
        if not self._hook_is_running:
            return
        our_unit = self._our_unit()
        entity = self._entity
        if entity is our_unit:
            return
        if entity is our_unit.app:
            if not self.relation._cache.is_leader():
                raise RelationDataAccessError(
                    f'{our_unit.name} is not leader and cannot write application data '
                    f'(key {key!r}); check self.unit.is_leader() before writing'
                )
            return
        if isinstance(entity, Unit):
            raise RelationDataAccessError(
                f'{our_unit.name} cannot write databag of {entity.name}: not the same unit '
                f'(key {key!r}); a unit may write only its own bag'
            )
        raise RelationDataAccessError(
            f'{our_unit.app.name} cannot write the data of remote application {entity.name} '
            f'(key {key!r}); write to your own unit or application bag instead'
        )

    # -- Mapping -------------------------------------------------------------------

    def _check_app_data_supported(self, action: str) -> None:
        if self._is_app and not _juju_at_least(self._backend.juju_version, 2, 7):
            raise RuntimeError(
                f'{action} application data is not supported on Juju version '
                f'{self._backend.juju_version} (Juju 2.7.0 or later is needed)'
            )

    def _load(self) -> dict[str, str]:
        self._check_app_data_supported('getting')
        try:
            return self._backend.relation_get(
                self.relation.name, self.relation.id, self._entity.name, self._is_app
            )
        except RelationNotFoundError:
            return {}

    @property
    def _data(self) -> dict[str, str]:
        self._check_read()
        return super()._data

    def __setitem__(self, key: str, value: str) -> None:
        self._check_write(key, value)  # first: an unhashable key cannot go into a dict
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        self.update({key: ''})

    def update(  # type: ignore[override]
        self, data: Mapping[str, str] | Iterable[tuple[str, str]] = (), /, **kwargs: str
    ) -> None:
        """Set several keys with one ``relation-set``; ``''`` values delete keys.

        Every key and value is checked before anything is sent.

        Raises:
            RelationDataTypeError: if a key or value is not a str.
            RelationDataAccessError: if this unit may not write this bag.
        """
        items = dict(data)
        items.update(kwargs)
        for index, (key, value) in enumerate(items.items()):
            self._check_types(key, value)
            if index == 0:  # the access rules are the same for every key of the bag
                self._check_access(key)
        current = self._data
        changes = {
            key: value
            for key, value in items.items()
            if (key in current and current[key] != value) or (key not in current and value != '')
        }
        if not changes:
            return
        self._check_app_data_supported('setting')
        entity = self._entity
        our_unit = self._our_unit()
        if entity is our_unit or entity is our_unit.app:
            self._backend.relation_set(self.relation.name, self.relation.id, changes, self._is_app)
        else:  # outside any event (access rules passed): a test writing another member's bag
            self._backend.relation_set(
                self.relation.name,
                self.relation.id,
                changes,
                self._is_app,
                member_name=entity.name,
            )
        for key, value in changes.items():
            if value == '':
                current.pop(key, None)
            else:
                current[key] = value

    def __repr__(self) -> str:
        # A bag this unit may not read shows as '<n/a>' (as in ops 3.9): a repr must not
        # raise, or printing a relation's data, a debugger or pytest's report would fail.
        try:
            return repr(self._data)
        except RelationDataAccessError:
            return '<n/a>'


publish(__name__)
