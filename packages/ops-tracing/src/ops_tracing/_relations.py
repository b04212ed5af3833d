"""Reading the requirer's side of the ``tracing`` (v2) and ``certificate_transfer`` (v1)
relation interfaces.

``tracing`` v2: the requirer's leader asks for protocols by writing
``receivers = '["otlp_http"]'`` to its application databag; the provider answers in its
application databag with ``receivers``, a JSON list of
``{"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://host:4318"}``.

``certificate_transfer`` v1: the requirer's leader writes ``version = '1'`` to its
application databag; the provider publishes ``certificates``, a JSON list of PEM
certificates, in its application databag (v0 providers put ``ca``/``chain`` in a unit
databag instead).

A databag that does not have this shape is treated as "not ready": no error is raised.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    'REQUESTED_PROTOCOLS',
    'ca_certificates',
    'certificate_transfer_ready',
    'receiver_url',
    'receivers',
]

logger = logging.getLogger(__name__)

REQUESTED_PROTOCOLS = ('otlp_http',)
"""The receiver protocols a charm's tracing asks the provider for."""

_TRANSPORTS = frozenset({'http', 'grpc'})


def _json(databag: Mapping[str, str], key: str) -> Any:
    """``databag[key]`` decoded from JSON; raises ValueError if it is not JSON."""
    return json.loads(databag[key])


def receivers(databag: Mapping[str, str]) -> list[tuple[str, str]] | None:
    """The provider's receivers as ``(protocol name, url)``, or ``None`` if not ready.

    Args:
        databag: the tracing provider's application databag.
    """
    if 'receivers' not in databag:
        return None
    try:
        entries = _json(databag, 'receivers')
    except ValueError:
        logger.info('The tracing provider published receivers that are not JSON.')
        return None
    if not isinstance(entries, list):
        return None
    found: list[tuple[str, str]] = []
    for entry in entries:
        protocol = entry.get('protocol') if isinstance(entry, dict) else None
        url = entry.get('url') if isinstance(entry, dict) else None
        if (
            not isinstance(protocol, dict)
            or not isinstance(protocol.get('name'), str)
            or protocol.get('type') not in _TRANSPORTS
            or not isinstance(url, str)
        ):
            logger.info('The tracing provider published a malformed receiver: %r', entry)
            return None
        found.append((protocol['name'], url))
    return found


def receiver_url(databag: Mapping[str, str], protocol: str) -> str | None:
    """The URL of the provider's first receiver for ``protocol``, if it has one."""
    for name, url in receivers(databag) or ():
        if name == protocol:
            return url
    return None


def certificate_transfer_ready(databag: Mapping[str, str]) -> bool:
    """Whether the provider's application databag is valid v1 data (possibly empty)."""
    try:
        if 'certificates' in databag:
            certificates = _json(databag, 'certificates')
            if not isinstance(certificates, list) or not all(
                isinstance(c, str) for c in certificates
            ):
                return False
        if 'version' in databag and not isinstance(_json(databag, 'version'), int):
            return False
    except ValueError:
        logger.info('The certificate_transfer provider published data that is not JSON.')
        return False
    return True


def ca_certificates(
    app_databag: Mapping[str, str], unit_databags: Sequence[Mapping[str, str]]
) -> set[str]:
    """The certificates a provider publishes (v1 app databag, else a v0 unit databag).

    Args:
        app_databag: the provider's application databag.
        unit_databags: the provider units' databags, for v0 providers.
    """
    if certificate_transfer_ready(app_databag) and 'certificates' in app_databag:
        certificates = set(_json(app_databag, 'certificates'))
        if certificates:
            return certificates
    for databag in unit_databags:
        chain: Any = None
        if 'chain' in databag:
            try:
                chain = _json(databag, 'chain')
            except ValueError:
                chain = None
        if isinstance(chain, list) and all(isinstance(c, str) for c in chain) and chain:
            return set(chain)
        if databag.get('ca'):
            return {databag['ca']}
    return set()
