"""Network bindings of endpoints (`BindingMapping`, `Binding`, `Network`, `NetworkInterface`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .._exports import publish
from ._errors import ModelError, RelationNotFoundError

if TYPE_CHECKING:
    from ._backend import Backend
    from ._relation import Relation

__all__ = ['Binding', 'BindingMapping', 'Network', 'NetworkInterface']

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address_or_str(value: str) -> _IPAddress | str:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return value  # a hostname, for example


class BindingMapping(Mapping[str, 'Binding']):
    """Bindings by endpoint name; use :meth:`Model.get_binding` rather than this directly."""

    def __init__(self, backend: Backend):
        self._backend = backend
        self._data: dict[tuple[str, int | None], Binding] = {}

    def get(self, binding_key: str | Relation) -> Binding:  # type: ignore[override]
        """The binding of an endpoint name, or of one relation (falls back to its endpoint).

        Raises:
            ModelError: if ``binding_key`` is neither a str nor a Relation.
        """
        from ._relation import Relation

        if isinstance(binding_key, Relation):
            name, relation_id = binding_key.name, binding_key.id
        elif isinstance(binding_key, str):
            name, relation_id = binding_key, None
        else:
            raise ModelError(
                f'binding key must be str or relation instance, not {type(binding_key).__name__}'
            )
        key = (name, relation_id)
        binding = self._data.get(key)
        if binding is None:
            binding = self._data[key] = Binding(name, relation_id, self._backend)
        return binding

    def __getitem__(self, binding_key: str) -> Binding:
        return self.get(binding_key)

    def _forget(self) -> None:
        """Forget every binding read so far, so that networks are asked for again."""
        self._data.clear()

    def __iter__(self) -> Iterator[str]:
        return iter({name for name, _ in self._data})

    def __len__(self) -> int:
        return len({name for name, _ in self._data})


class Binding:
    """The network binding of an endpoint (or of one relation on it).

    Attributes:
        name: The endpoint (or extra-binding) name, e.g. ``'db'``.
    """

    def __init__(self, name: str, relation_id: int | None, backend: Backend):
        self.name: str = name
        self._relation_id = relation_id
        self._backend = backend
        self._network: Network | None = None

    @property
    def network(self) -> Network:
        """The binding's addresses (fetched with ``network-get`` once).

        For a relation that no longer exists, the endpoint's default binding is used.

        Raises:
            ModelError: if Juju has no network for this binding.
        """
        if self._network is None:
            try:
                info = self._backend.network_get(self.name, self._relation_id)
            except RelationNotFoundError:
                if self._relation_id is None:
                    raise
                info = self._backend.network_get(self.name, None)
            self._network = Network(info)
        return self._network

    def __repr__(self) -> str:
        return f'<ops.model.Binding {self.name}>'


class Network:
    """The network configuration of a binding, parsed from ``network-get`` output.

    Attributes:
        interfaces: One :class:`NetworkInterface` per address (an interface with two
            addresses appears twice).
        ingress_addresses: Addresses others should use to reach this unit
            (``ipaddress`` objects, or strings for hostnames).
        egress_subnets: Subnets this unit's traffic appears to come from.
    """

    def __init__(self, network_info: Mapping[str, Any]):
        self.interfaces: list[NetworkInterface] = []
        for interface in network_info.get('bind-addresses') or ():
            name = interface.get('interface-name') or ''
            for address_info in interface.get('addresses') or ():
                self.interfaces.append(NetworkInterface(name, address_info))
        self.ingress_addresses: list[_IPAddress | str] = [
            _address_or_str(a) for a in network_info.get('ingress-addresses') or ()
        ]
        self.egress_subnets: list[_IPNetwork] = [
            ipaddress.ip_network(s, strict=False) for s in network_info.get('egress-subnets') or ()
        ]

    @property
    def bind_address(self) -> _IPAddress | str | None:
        """The address to bind/listen on: the first interface's, or ``None``."""
        return self.interfaces[0].address if self.interfaces else None

    @property
    def ingress_address(self) -> _IPAddress | str | None:
        """The address others should connect to: the first ingress address, or ``None``."""
        return self.ingress_addresses[0] if self.ingress_addresses else None

    def __repr__(self) -> str:
        return (
            f'<ops.model.Network interfaces={self.interfaces!r} '
            f'ingress_addresses={self.ingress_addresses!r}>'
        )


class NetworkInterface:
    """One address of a network interface.

    Attributes:
        name: The interface name, e.g. ``'eth0'``.
        address: The address (``ipaddress`` object, or the raw string if it is not an
            IP address), or ``None`` if empty.
        subnet: The address's network (from its CIDR, else a single-address network), or
            ``None`` when unknown.
    """

    def __init__(self, name: str, address_info: Mapping[str, Any]):
        self.name: str = name
        raw = address_info.get('value') or address_info.get('address') or ''
        self.address: _IPAddress | str | None = _address_or_str(raw) if raw else None
        cidr = address_info.get('cidr') or ''
        self.subnet: _IPNetwork | None = None
        if cidr:
            self.subnet = ipaddress.ip_network(cidr, strict=False)
        elif raw:
            try:
                self.subnet = ipaddress.ip_network(raw)
            except ValueError:
                self.subnet = None

    def __repr__(self) -> str:
        return f'<ops.model.NetworkInterface {self.name} {self.address}>'


publish(__name__)
