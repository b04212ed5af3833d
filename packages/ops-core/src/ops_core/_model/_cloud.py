"""The cloud this model runs on, and its credential (`CloudSpec`, `CloudCredential`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ops_hookcmds.sister import field, record

from .._exports import publish

__all__ = ['CloudCredential', 'CloudSpec']


def _required_str(d: Mapping[str, Any], key: str, what: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f'{what}: {key!r} must be a non-empty string, got {value!r}')
    return value


def _optional_str(d: Mapping[str, Any], key: str) -> str | None:
    value = d.get(key)
    return str(value) if value else None


@record(frozen=True)
class CloudCredential:
    """The credential a trusted charm may use to talk to its cloud.

    The attribute values are credentials; they are left out of the ``repr``.
    """

    auth_type: str
    """The authentication type, for example ``'certificate'`` or ``'userpass'``."""

    attributes: dict[str, str] = field(default_factory=dict, repr=False)
    """The credential's attributes (for example ``client-cert`` and ``client-key``)."""

    redacted: list[str] = field(default_factory=list)
    """Names of attributes whose values Juju withheld."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CloudCredential:
        """Build from the ``credential`` object of ``credential-get`` output.

        Raises:
            ValueError: if ``auth-type`` is missing.
        """
        return cls(
            auth_type=_required_str(d, 'auth-type', 'cloud credential'),
            attributes=dict(d.get('attrs') or {}),
            redacted=list(d.get('redacted') or []),
        )


@record(frozen=True)
class CloudSpec:
    """Where and how the model's cloud can be reached (the output of ``credential-get``)."""

    type: str
    """The cloud type, for example ``'lxd'``, ``'openstack'`` or ``'kubernetes'``."""

    name: str
    """The cloud's name."""

    region: str | None = None
    """The region the model is in, if the cloud has regions."""

    endpoint: str | None = None
    """The cloud's API endpoint."""

    identity_endpoint: str | None = None
    """The cloud's identity endpoint, if any."""

    storage_endpoint: str | None = None
    """The cloud's storage endpoint, if any."""

    credential: CloudCredential | None = None
    """The credential to use with the cloud, if any."""

    ca_certificates: list[str] = field(default_factory=list)
    """CA certificates (PEM) to trust when connecting to the cloud."""

    skip_tls_verify: bool = False
    """Whether TLS verification of the endpoint should be skipped."""

    is_controller_cloud: bool = False
    """Whether this is the cloud the Juju controller runs on."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CloudSpec:
        """Build from the JSON object printed by ``credential-get --format=json``.

        Raises:
            ValueError: if ``type`` or ``name`` is missing.
        """
        raw_credential = d.get('credential')
        return cls(
            type=_required_str(d, 'type', 'cloud spec'),
            name=_required_str(d, 'name', 'cloud spec'),
            region=_optional_str(d, 'region'),
            endpoint=_optional_str(d, 'endpoint'),
            identity_endpoint=_optional_str(d, 'identity-endpoint'),
            storage_endpoint=_optional_str(d, 'storage-endpoint'),
            credential=CloudCredential.from_dict(raw_credential) if raw_credential else None,
            ca_certificates=list(d.get('cacertificates') or []),
            skip_tls_verify=bool(d.get('skip-tls-verify', False)),
            is_controller_cloud=bool(d.get('is-controller-cloud', False)),
        )


publish(__name__)
