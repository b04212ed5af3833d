"""Harness relations and networks: add/remove relations and units, databags, bindings."""

from __future__ import annotations

import functools
import ipaddress
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ops_core.model import ModelError, RelationDataTypeError, RelationNotFoundError
from ops_core.sister import forget_relation, relation_added, relation_broken, unit_departing

from .._state._network import Address, BindAddress, Network
from .._state._relations import PeerRelation, Relation, RelationBase
from .._types import AppUnitOrName, CharmType
from ._base import HarnessBase

__all__ = ['RelationsMixin', 'make_network']


def make_network(
    address: str,
    *,
    cidr: str | None = None,
    interface: str = 'eth0',
    ingress_addresses: Iterable[str] | None = None,
    egress_subnets: Iterable[str] | None = None,
) -> Network:
    """A binding's network with one address (the subnet defaults to the address's /24)."""
    if cidr is None:
        parsed = ipaddress.ip_address(address)
        prefix = 24 if parsed.version == 4 else 64
        cidr = str(ipaddress.ip_network(f'{address}/{prefix}', strict=False))
    return Network(
        '',
        [BindAddress([Address(address, cidr=cidr)], interface_name=interface)],
        ingress_addresses=list(ingress_addresses) if ingress_addresses is not None else [address],
        egress_subnets=list(egress_subnets) if egress_subnets is not None else [cidr],
    )


@functools.cache
def _default_network(address: str) -> Network:
    """The network a new relation gets until ``add_network``: built once, shared (frozen)."""
    return make_network(address)


def _name_of(app_or_unit: AppUnitOrName) -> str:
    return app_or_unit if isinstance(app_or_unit, str) else app_or_unit.name


class RelationsMixin(HarnessBase[CharmType]):
    """Relations, their units and databags, and network bindings."""

    # ---- relations -------------------------------------------------------------------------

    def add_relation(
        self,
        relation_name: str,
        remote_app: str,
        *,
        app_data: Mapping[str, str] | None = None,
        unit_data: Mapping[str, str] | None = None,
    ) -> int:
        """Add a relation to ``remote_app`` on endpoint ``relation_name``; return its id.

        Emits ``relation-created`` (once the charm has begun). With ``app_data`` or
        ``unit_data``, the unit ``<remote_app>/0`` joins and the data is set, emitting
        ``relation-joined`` and ``relation-changed`` as Juju would.

        Raises:
            RelationNotFoundError: the metadata declares no such endpoint.
        """
        endpoint = self._spec.endpoints.get(relation_name)
        if endpoint is None:
            raise RelationNotFoundError(f'relation {relation_name!r} not declared in metadata')
        role, endpoint_spec = endpoint
        relation_id = self._next_relation_id
        self._next_relation_id += 1
        interface = endpoint_spec.get('interface')
        relation: RelationBase
        if role == 'peers':
            relation = PeerRelation(
                relation_name, interface, id=relation_id, local_unit_data={}, peers_data={}
            )
        else:
            relation = Relation(
                relation_name,
                interface,
                id=relation_id,
                remote_app_name=remote_app,
                local_unit_data={},
                remote_units_data={},
            )
        juju = self._juju
        juju.relations.add(relation)
        networks = juju.networks
        if (None, None) not in networks:
            networks.setdefault((relation_name, relation_id), _default_network('10.0.0.10'))
            networks.setdefault((relation_name, None), _default_network('192.0.2.0'))
        relation_added(self._model, relation_name, relation_id)
        self._invalidate_bindings()
        if self._charm is not None and self._hooks_enabled:
            model_relation = self._model.get_relation(relation_name, relation_id)
            self._emit(
                f'{self._attr(relation_name)}_relation_created',
                model_relation,
                self._model.get_app(remote_app),
            )
        if app_data is not None or unit_data is not None:
            remote_unit = f'{remote_app}/0'
            self.add_relation_unit(relation_id, remote_unit)
            if app_data is not None:
                self.update_relation_data(relation_id, remote_app, app_data)
            if unit_data is not None:
                self.update_relation_data(relation_id, remote_unit, unit_data)
        return relation_id

    def _emit_relation(
        self,
        relation_id: int,
        suffix: str,
        unit_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if self._charm is None or not self._hooks_enabled:
            return
        record = self._relation(relation_id)
        model_relation = self._model.get_relation(record.endpoint, relation_id)
        assert model_relation is not None
        unit = self._model.get_unit(unit_name) if unit_name else None
        app = unit.app if unit is not None else model_relation.app
        self._emit(f'{self._attr(record.endpoint)}_{suffix}', model_relation, app, unit, **kwargs)

    def _split_unit(self, relation: RelationBase, unit_name: str) -> tuple[bool, int]:
        """Whether ``unit_name`` is ``<remote app>/<n>`` for this relation, and its ``n``."""
        app, _, number = unit_name.rpartition('/')
        if not number.isdigit():
            raise ValueError(
                f'invalid unit name {unit_name!r}: use <application>/<number>, e.g. "db/0"'
            )
        return app == self._juju.relations.remote_app(relation), int(number)

    def add_relation_unit(self, relation_id: int, remote_unit_name: str) -> None:
        """Add a remote unit to a relation, emitting ``relation-joined``.

        Raises:
            RelationNotFoundError: no such relation.
            ValueError: the unit name is not ``<application>/<number>``.
        """
        relations = self._juju.relations
        relation = self._relation(relation_id)
        matches, _ = self._split_unit(relation, remote_unit_name)
        if not matches:
            remote_app = relations.remote_app(relation)
            warnings.warn(
                f'Remote unit name invalid: the remote application of {relation.endpoint} is '
                f'called {remote_app!r}; the remote unit name should be {remote_app}/<n>, not '
                f'{remote_unit_name!r}.',
                stacklevel=2,
            )
        relations.add_unit(relation_id, remote_unit_name, conventional=matches)
        self._refresh_relation(relation_id, joined=remote_unit_name)
        self._emit_relation(relation_id, 'relation_joined', remote_unit_name)

    def remove_relation_unit(self, relation_id: int, remote_unit_name: str) -> None:
        """Remove a remote unit from a relation, emitting ``relation-departed``.

        The unit's databag stays readable during the event and is dropped afterwards.

        Raises:
            RelationNotFoundError: no such relation.
            KeyError: the unit is not in the relation.
        """
        relations = self._juju.relations
        relation = self._relation(relation_id)
        if remote_unit_name not in relations.odd_units.get(relation_id, {}):
            self._split_unit(relation, remote_unit_name)  # a malformed name is a ValueError
        try:
            bag = relations.remove_unit(relation_id, remote_unit_name)
        except KeyError:
            raise KeyError(f'unit {remote_unit_name!r} is not in relation {relation_id}') from None
        relations.departing = (relation_id, remote_unit_name, bag)
        try:
            with unit_departing(self._model, relation.endpoint, relation_id, remote_unit_name):
                self._emit_relation(
                    relation_id,
                    'relation_departed',
                    remote_unit_name,
                    departing_unit_name=remote_unit_name,
                )
        finally:
            relations.departing = None

    def remove_relation(self, relation_id: int) -> None:
        """Remove a relation: its units depart, then ``relation-broken`` is emitted.

        During ``relation-broken`` the relation is no longer listed in
        ``model.relations``. Afterwards it is forgotten, with its secret grants.

        Raises:
            RelationNotFoundError: no such relation.
        """
        juju = self._juju
        relation = self._relation(relation_id)
        for unit_name in juju.relations.remote_units(relation):
            self.remove_relation_unit(relation_id, unit_name)
        try:
            if self._charm is not None and self._hooks_enabled:
                with relation_broken(self._model, relation.endpoint, relation_id) as broken:
                    self._emit(
                        f'{self._attr(relation.endpoint)}_relation_broken', broken, broken.app
                    )
        finally:
            juju.relations.remove(relation_id)
            forget_relation(self._model, relation.endpoint, relation_id)
            for key in [k for k in juju.networks if k[1] == relation_id]:
                del juju.networks[key]
            self._invalidate_bindings()
            self._forget_grants(relation_id)

    def _forget_grants(self, relation_id: int) -> None:
        secrets = self._juju.secrets
        for secret in secrets:
            if relation_id in secret.remote_grants:
                grants = {k: v for k, v in secret.remote_grants.items() if k != relation_id}
                secrets.replace(secret, remote_grants=grants)

    # ---- databags ----------------------------------------------------------------------------

    def _bag_for(self, relation: RelationBase, name: str) -> dict[str, str] | None:
        """The bag of ``name`` (an application without '/', else a unit) in ``relation``."""
        return self._juju.relations.bag(relation, name, '/' not in name)

    def get_relation_data(self, relation_id: int, app_or_unit: AppUnitOrName) -> Mapping[str, str]:
        """The raw databag of an application or unit in a relation (no access checks).

        Returns ``None`` if that application or unit has no bag in the relation.

        Raises:
            KeyError: no such relation.
        """
        relation = self._juju.relations.get(relation_id)
        if relation is None:
            raise KeyError(relation_id)
        return self._bag_for(relation, _name_of(app_or_unit))  # type: ignore[return-value]

    def update_relation_data(
        self, relation_id: int, app_or_unit: str, key_values: Mapping[str, str]
    ) -> None:
        """Change a databag as the remote side (or Juju) would; ``''`` deletes a key.

        Emits ``relation-changed`` when something changed and the bag is not this unit's
        own (for this application's bag: only on a peer relation, as a non-leader).

        Raises:
            RelationNotFoundError: no such relation.
            RelationDataTypeError: a key or value is not a str.
            KeyError: the application or unit has no bag in the relation.
        """
        juju = self._juju
        relation = self._relation(relation_id)
        name = _name_of(app_or_unit)
        for key, value in key_values.items():
            if not isinstance(key, str):
                raise RelationDataTypeError(f'relation data keys must be strings, not {type(key)}')
            if not isinstance(value, str):
                raise RelationDataTypeError(
                    f'relation data values must be strings, not {type(value)}'
                )
        if self._bag_for(relation, name) is None:
            raise KeyError(
                f'{name!r} has no databag in relation {relation_id}; add it first with '
                'add_relation_unit()'
            )
        changed = juju.relations.write(relation_id, name, '/' not in name, key_values)
        self._refresh_relation(relation_id)
        if not changed or name == juju.unit_name:
            return
        if name == juju.app_name and (not isinstance(relation, PeerRelation) or juju.leader):
            return
        self._emit_relation_changed(relation_id, name)

    def _emit_relation_changed(self, relation_id: int, app_or_unit: str) -> None:
        """Emit ``relation-changed`` for ``relation_id`` as seen from ``app_or_unit``.

        Nothing happens before ``begin()`` or while hooks are disabled. Charms' tests call
        this private method of ops 3.9's Harness directly, so it keeps that name and
        signature (``app_or_unit`` is a unit name such as ``'db/0'`` or an app name).
        """
        if self._charm is None or not self._hooks_enabled:
            return
        relation = self._relation(relation_id)
        model_relation = self._model.get_relation(relation.endpoint, relation_id)
        assert model_relation is not None
        event = f'{self._attr(relation.endpoint)}_relation_changed'
        if '/' in app_or_unit:
            unit = self._model.get_unit(app_or_unit)
            self._emit(event, model_relation, unit.app, unit)
        else:
            self._emit(event, model_relation, self._model.get_app(app_or_unit))

    # ---- networks ----------------------------------------------------------------------------

    def add_network(
        self,
        address: str,
        *,
        endpoint: str | None = None,
        relation_id: int | None = None,
        cidr: str | None = None,
        interface: str = 'eth0',
        ingress_addresses: Iterable[str] | None = None,
        egress_subnets: Iterable[str] | None = None,
    ) -> None:
        """Add the network ``network-get`` reports for a binding.

        With neither ``endpoint`` nor ``relation_id`` it is the default for every binding;
        with ``endpoint`` only, for that endpoint; with both, for that one relation.

        Raises:
            ModelError: unknown endpoint, or ``relation_id`` is not a relation on it.
            TypeError: ``relation_id`` without ``endpoint``.
        """
        spec = self._spec
        if endpoint is not None and endpoint != 'juju-info':
            if endpoint not in spec.endpoints and endpoint not in spec.extra_bindings:
                raise ModelError(f'{endpoint!r} is not a known endpoint')
        if relation_id is not None:
            if endpoint is None:
                raise TypeError('endpoint must be set if relation_id is provided')
            if relation_id not in self._juju.relations.ids(endpoint):
                raise ModelError(f'relation_id {relation_id} has not been added; use add_relation')
        self._juju.networks[(endpoint, relation_id)] = make_network(
            address,
            cidr=cidr,
            interface=interface,
            ingress_addresses=ingress_addresses,
            egress_subnets=egress_subnets,
        )
        self._invalidate_bindings()
