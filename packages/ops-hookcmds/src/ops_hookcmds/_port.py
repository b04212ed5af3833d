"""Port commands: ``open-port``, ``close-port``, ``opened-ports``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import bad_output, expect_str_list, run, run_json


@record(frozen=True)
class Port:
    """A port or port range this unit has opened, as reported by ``opened-ports``.

    Attributes:
        protocol: ``tcp``, ``udp`` or ``icmp``.
        port: the (first) port number; None for ICMP.
        to_port: the last port of a range; None for a single port.
        endpoints: the endpoints the port is open on (``['*']`` for all of them), or None
            when endpoints were not requested.
    """

    protocol: Literal['tcp', 'udp', 'icmp'] | None = 'tcp'
    port: int | None = None
    to_port: int | None = None
    endpoints: list[str] | None = None


def _port_argv(
    tool: str,
    protocol: str | None,
    port: int | None,
    to_port: int | None,
    endpoints: str | Iterable[str] | None,
) -> list[str]:
    if protocol is None and port is None:
        raise TypeError(f'{tool.replace("-", "_")}() needs a protocol or a port (or both)')
    argv = [tool]
    if endpoints is not None:
        joined = endpoints if isinstance(endpoints, str) else ','.join(endpoints)
        argv += ['--endpoints', joined]
    if port is None:
        spec = str(protocol)
    else:
        spec = f'{port}' if to_port is None else f'{port}-{to_port}'
        if protocol is not None:
            spec += f'/{protocol}'
    argv.append(spec)
    return argv


def open_port(
    protocol: str | None = None,
    port: int | None = None,
    *,
    to_port: int | None = None,
    endpoints: str | Iterable[str] | None = None,
) -> None:
    """Open a port or range on this unit (``open-port``); applied when the hook succeeds.

    Args:
        protocol: ``tcp``, ``udp`` or ``icmp``; None lets Juju default to TCP.
        port: the port (the first of the range if ``to_port`` is given); None for ICMP.
        to_port: the last port of a range.
        endpoints: restrict to these endpoints (a comma-separated str or an iterable).

    Raises:
        TypeError: neither protocol nor port was given.
        Error: Juju rejected the port (e.g. an ICMP port number), or the tool failed.
    """
    run(*_port_argv('open-port', protocol, port, to_port, endpoints))


def close_port(
    protocol: str | None = None,
    port: int | None = None,
    *,
    to_port: int | None = None,
    endpoints: str | Iterable[str] | None = None,
) -> None:
    """Close a port or range on this unit (``close-port``); arguments as :func:`open_port`.

    Raises:
        TypeError: neither protocol nor port was given.
        Error: Juju rejected the port, or the tool failed.
    """
    run(*_port_argv('close-port', protocol, port, to_port, endpoints))


def _parse_port(argv: list[str], entry: str, with_endpoints: bool, index: int) -> Port:
    where = f'entry {index} of the output'
    text = entry.strip()
    endpoints: list[str] | None = None
    if with_endpoints and text.endswith(')') and ' (' in text:
        text, _, group = text.rpartition(' (')
        endpoints = [e.strip() for e in group[:-1].split(',') if e.strip()]
    if text == 'icmp':
        return Port(protocol='icmp', port=None, to_port=None, endpoints=endpoints)
    ports, _, protocol = text.partition('/')
    # A protocol this library does not know (a newer Juju's) is passed through as given,
    # as ops 3.9 does; ops.Unit.opened_ports() warns about it and leaves it out.
    protocol = protocol or 'tcp'
    first, _, last = ports.partition('-')
    try:
        port = int(first)
        to_port = int(last) if last else None
    except ValueError:
        bad_output(argv, f'{where} is not a port or port range')
    return Port(protocol=protocol, port=port, to_port=to_port, endpoints=endpoints)  # type: ignore[arg-type]


def opened_ports(*, endpoints: bool = False) -> list[Port]:
    """The ports this unit has opened (``opened-ports``).

    Calls to :func:`open_port`/:func:`close_port` earlier in the same hook are not reflected.

    Args:
        endpoints: also report which endpoints each port is open on.

    Note:
        Juju prints endpoints as a suffix like ``80/tcp (ep1, ep2)``. The whole
        parenthesised group is taken as the endpoint list, so names separated by a comma
        *and a space* are read correctly (upstream ops split on the last space and so
        mangled the protocol of ports open on several endpoints).

    Returns:
        The ports; ``protocol`` is ``tcp``, ``udp`` or ``icmp``, or, for a protocol Juju
        reports that this library does not know, the name Juju gave.

    Raises:
        Error: the tool failed or printed something that is not a list of ports.
    """
    argv = (
        ['opened-ports', '--endpoints', '--format=json']
        if endpoints
        else ['opened-ports', '--format=json']
    )
    entries = expect_str_list(argv, run_json(*argv))
    return [_parse_port(argv, entry, endpoints, i) for i, entry in enumerate(entries)]


publish(__name__)
