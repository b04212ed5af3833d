"""Network command: ``network-get``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._exports import publish
from ._lazy_dataclass import field, record
from ._runner import expect_dict, expect_list, expect_str, expect_str_list, run_json


@record(frozen=True, kw_only=True)
class Address:
    """One address of a network interface.

    Attributes:
        hostname: the host name, if Juju knows one (``''`` otherwise).
        value: the address, such as ``10.1.2.3``.
        cidr: the subnet, such as ``10.1.2.0/24`` (``''`` if unknown).
    """

    hostname: str
    value: str
    cidr: str


@record(frozen=True, kw_only=True)
class BindAddress:
    """A network interface a binding is bound to, with its addresses.

    Attributes:
        mac_address: the interface's MAC address (``''`` if unknown).
        interface_name: the interface name, such as ``eth0`` (``''`` if unknown).
        addresses: the interface's addresses.
    """

    mac_address: str
    interface_name: str
    addresses: list[Address] = field(default_factory=list)


@record(frozen=True, kw_only=True)
class Network:
    """The network configuration of a binding (``network-get``).

    Attributes:
        bind_addresses: the interfaces the binding is bound to.
        egress_subnets: subnets outgoing traffic comes from, such as ``10.1.2.3/32``.
        ingress_addresses: addresses other units should use to reach this one.
    """

    bind_addresses: Sequence[BindAddress]
    egress_subnets: Sequence[str]
    ingress_addresses: Sequence[str]


def _text(argv: list[str], data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ''
    return expect_str(argv, value, f'{key!r} in {where}')


def network_get(binding_name: str, *, relation_id: int | None = None) -> Network:
    """The network configuration of an endpoint or extra binding (``network-get``).

    Missing keys are tolerated (Juju omits empty ones): no ``bind-addresses`` or
    ``addresses: null`` mean none, and an address's value falls back to the ``address`` key
    that Juju before 2.9 used.

    Args:
        binding_name: the endpoint or extra-binding name.
        relation_id: answer for this relation (the address the remote side should use).

    Raises:
        Error: no network config for the binding, the relation is unknown, the tool failed,
            or its output has the wrong shape.
    """
    argv = ['network-get', '--format=json']
    if relation_id is not None:
        argv += ['-r', str(relation_id)]
    argv.append(binding_name)
    data = expect_dict(argv, run_json(*argv))
    binds: list[BindAddress] = []
    for i, raw in enumerate(
        expect_list(argv, data.get('bind-addresses') or [], "'bind-addresses'")
    ):
        where = f'bind-addresses[{i}]'
        bind = expect_dict(argv, raw, where)
        addresses: list[Address] = []
        for j, raw_addr in enumerate(
            expect_list(argv, bind.get('addresses') or [], f'{where}.addresses')
        ):
            addr_where = f'{where}.addresses[{j}]'
            addr = expect_dict(argv, raw_addr, addr_where)
            value = addr.get('value') or addr.get('address') or ''
            addresses.append(
                Address(
                    hostname=_text(argv, addr, 'hostname', addr_where),
                    value=expect_str(argv, value, f"'value' in {addr_where}"),
                    cidr=_text(argv, addr, 'cidr', addr_where),
                )
            )
        binds.append(
            BindAddress(
                mac_address=_text(argv, bind, 'mac-address', where),
                interface_name=_text(argv, bind, 'interface-name', where),
                addresses=addresses,
            )
        )
    return Network(
        bind_addresses=binds,
        egress_subnets=expect_str_list(argv, data.get('egress-subnets') or [], "'egress-subnets'"),
        ingress_addresses=expect_str_list(
            argv, data.get('ingress-addresses') or [], "'ingress-addresses'"
        ),
    )


publish(__name__)
