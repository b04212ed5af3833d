"""Network bindings as State values: ``Network``, ``BindAddress``, ``Address``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from ._common import check_members, members_of, set_field, string_list
from ._serialise import DictMixin

__all__ = ['Address', 'BindAddress', 'Network']


@record(frozen=True)
class Address(DictMixin):
    """One address of a network interface.

    Attributes:
        value: the IP address, for example ``'10.0.0.1'``.
        hostname: the hostname for the address, if any.
        cidr: the subnet in CIDR form; empty means a single-host subnet.
    """

    value: str
    hostname: str = field(default='', kw_only=True)
    cidr: str = field(default='', kw_only=True)

    @property
    def address(self) -> str:
        """Deprecated alias of :attr:`value`."""
        warnings.warn('Address.address is deprecated; use Address.value', DeprecationWarning, 2)
        return self.value

    def _to_juju(self) -> dict[str, str]:
        return {'hostname': self.hostname, 'value': self.value, 'cidr': self.cidr}


@record(frozen=True)
class BindAddress(DictMixin):
    """The addresses of one network interface a binding uses.

    Attributes:
        addresses: the interface's addresses.
        interface_name: the interface's name, for example ``'eth0'``.
        mac_address: the interface's MAC address, if known.
    """

    addresses: Sequence[Address]
    interface_name: str = field(default='', kw_only=True)
    mac_address: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        # Items are checked when a run starts (Network._check_items), as for Container.
        addresses = members_of('BindAddress.addresses', self.addresses, Address, check_items=False)
        set_field(self, 'addresses', addresses)

    def __hash__(self) -> int:
        return hash((tuple(self.addresses), self.interface_name, self.mac_address))

    def _to_juju(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            'interface-name': self.interface_name,
            'addresses': [a._to_juju() for a in self.addresses],
        }
        if self.mac_address:
            out['mac-address'] = self.mac_address
        return out


def _default_bind_addresses() -> list[BindAddress]:
    return [BindAddress([Address('192.0.2.0')])]


@record(frozen=True)
class Network(DictMixin):
    """The network configuration of one binding (a relation endpoint or an extra-binding).

    Attributes:
        binding_name: the endpoint or extra-binding name.
        bind_addresses: the interfaces and addresses the binding uses.
        ingress_addresses: the addresses other applications should connect to.
        egress_subnets: the subnets outgoing traffic comes from.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = ('binding_name', 'bind_addresses', 'ingress_addresses', 'egress_subnets')

    binding_name: str
    bind_addresses: Sequence[BindAddress] = field(default_factory=_default_bind_addresses)
    ingress_addresses: Sequence[str] = field(default_factory=lambda: ['192.0.2.0'], kw_only=True)
    egress_subnets: Sequence[str] = field(default_factory=lambda: ['192.0.2.0/24'], kw_only=True)

    def __post_init__(self) -> None:
        set_field(
            self,
            'bind_addresses',
            members_of(
                'Network.bind_addresses', self.bind_addresses, BindAddress, check_items=False
            ),
        )
        set_field(
            self, 'ingress_addresses', string_list('ingress_addresses', self.ingress_addresses)
        )
        set_field(self, 'egress_subnets', string_list('egress_subnets', self.egress_subnets))

    def __hash__(self) -> int:
        return hash(self.binding_name)

    def _check_items(self) -> None:
        """Check the items left unchecked when the network and its interfaces were built.

        Raises:
            StateValidationError: an interface or address of the wrong type.
        """
        check_members('Network.bind_addresses', self.bind_addresses, BindAddress)
        for bind_address in self.bind_addresses:
            check_members('BindAddress.addresses', bind_address.addresses, Address)

    def _to_juju(self) -> dict[str, Any]:
        """The binding as ``network-get --format=json`` prints it."""
        return {
            'bind-addresses': [b._to_juju() for b in self.bind_addresses],
            'egress-subnets': list(self.egress_subnets),
            'ingress-addresses': list(self.ingress_addresses),
        }


publish(__name__)
