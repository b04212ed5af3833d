"""Cloud credential command: ``credential-get``."""

from __future__ import annotations

from typing import Any

from ._exports import publish
from ._lazy_dataclass import field, record
from ._runner import (
    expect_dict,
    expect_str,
    expect_str_dict,
    expect_str_list,
    require_key,
    run_json,
)


@record(frozen=True, kw_only=True)
class CloudCredential:
    """The credential a trusted charm can use against its cloud.

    Attributes:
        auth_type: how the credential authenticates, such as ``certificate``.
        attributes: the credential's attributes (secret material: handle with care).
        redacted: names of attributes Juju withheld.
    """

    auth_type: str
    attributes: dict[str, str] = field(default_factory=dict)
    redacted: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        # The attribute values are credentials: keep them out of logs and tracebacks.
        return (
            f'CloudCredential(auth_type={self.auth_type!r}, '
            f'attributes=<{len(self.attributes)} redacted>, redacted={self.redacted!r})'
        )


@record(frozen=True, kw_only=True)
class CloudSpec:
    """The cloud this model runs on, with its credential (``credential-get``).

    Attributes:
        type: the cloud type, such as ``lxd`` or ``ec2``.
        name: the cloud name.
        region: the region, if any.
        endpoint: the cloud API endpoint, if any.
        identity_endpoint: the identity endpoint, if any.
        storage_endpoint: the storage endpoint, if any.
        credential: the credential, if any.
        ca_certificates: CA certificates for the endpoints (PEM).
        skip_tls_verify: whether TLS verification is to be skipped.
        is_controller_cloud: whether this is the cloud the controller runs on.
    """

    type: str
    name: str
    region: str | None = None
    endpoint: str | None = None
    identity_endpoint: str | None = None
    storage_endpoint: str | None = None
    credential: CloudCredential | None = None
    ca_certificates: list[str] = field(default_factory=list)
    skip_tls_verify: bool = False
    is_controller_cloud: bool = False


def _optional(argv: list[str], data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return expect_str(argv, value, repr(key)) if value else None


def credential_get() -> CloudSpec:
    """The cloud spec and credential of this model (``credential-get``).

    Only charms deployed with ``juju trust`` may read it.

    Raises:
        Error: the application is not trusted (``permission denied``), the tool failed, or
            its output lacks ``type``, ``name`` or the credential's ``auth-type``.
    """
    argv = ['credential-get', '--format=json']
    data = expect_dict(argv, run_json(*argv))
    credential = None
    raw_cred = data.get('credential')
    if raw_cred:
        cred = expect_dict(argv, raw_cred, "'credential'")
        credential = CloudCredential(
            auth_type=expect_str(
                argv, require_key(argv, cred, 'auth-type', "'credential'"), "'auth-type'"
            ),
            attributes=expect_str_dict(argv, cred.get('attrs') or {}, "'attrs'"),
            redacted=expect_str_list(argv, cred.get('redacted') or [], "'redacted'"),
        )
    return CloudSpec(
        type=expect_str(argv, require_key(argv, data, 'type'), "'type'"),
        name=expect_str(argv, require_key(argv, data, 'name'), "'name'"),
        region=_optional(argv, data, 'region'),
        endpoint=_optional(argv, data, 'endpoint'),
        identity_endpoint=_optional(argv, data, 'identity-endpoint'),
        storage_endpoint=_optional(argv, data, 'storage-endpoint'),
        credential=credential,
        ca_certificates=expect_str_list(
            argv, data.get('cacertificates') or [], "'cacertificates'"
        ),
        skip_tls_verify=bool(data.get('skip-tls-verify', False)),
        is_controller_cloud=bool(data.get('is-controller-cloud', False)),
    )


publish(__name__)
