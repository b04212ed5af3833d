"""The Juju model the unit is in, and its cloud spec and credential."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import (
    random_model_name,
    set_field,
    string_list,
)
from ._serialise import DictMixin

if TYPE_CHECKING:
    pass

__all__ = [
    'CloudCredential',
    'CloudSpec',
    'Model',
]


def _random_uuid() -> str:
    import uuid  # on first use only: it imports platform

    return str(uuid.uuid4())


@record(frozen=True)
class CloudCredential(DictMixin):
    """The credential of a cloud, as ``credential-get`` returns it.

    Attributes:
        auth_type: the authentication type, for example ``'certificate'``.
        attributes: the credential attributes (secret values are never logged).
        redacted: the names of attributes that Juju redacts.
    """

    auth_type: str = field(kw_only=True)
    attributes: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    redacted: Sequence[str] = field(default_factory=list, kw_only=True)

    def __post_init__(self) -> None:
        set_field(self, 'attributes', dict(self.attributes))
        set_field(self, 'redacted', string_list('redacted', self.redacted))

    def __hash__(self) -> int:
        return hash((self.auth_type, tuple(sorted(self.attributes)), tuple(self.redacted)))

    def __repr__(self) -> str:
        # The attribute values are credentials: show only their names.
        return (
            f'CloudCredential(auth_type={self.auth_type!r}, '
            f'attributes=<{len(self.attributes)} hidden>, redacted={self.redacted!r})'
        )

    def _to_juju(self) -> dict[str, Any]:
        return {
            'auth-type': self.auth_type,
            'attrs': dict(self.attributes),
            'redacted': list(self.redacted),
        }


@record(frozen=True)
class CloudSpec(DictMixin):
    """The cloud a model runs on, as ``credential-get`` returns it.

    Attributes:
        type: the cloud type, for example ``'lxd'`` or ``'openstack'``.
        name: the cloud name.
        region: the region.
        endpoint: the API endpoint.
        identity_endpoint: the identity endpoint.
        storage_endpoint: the storage endpoint.
        credential: the cloud credential.
        ca_certificates: CA certificates (PEM).
        skip_tls_verify: whether to skip TLS verification.
        is_controller_cloud: whether this is the controller's cloud.
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = (
        'type',
        'name',
        'region',
        'endpoint',
        'identity_endpoint',
        'storage_endpoint',
        'credential',
        'ca_certificates',
        'skip_tls_verify',
        'is_controller_cloud',
    )

    type: str
    name: str = field(default='localhost', kw_only=True)
    region: str | None = field(default=None, kw_only=True)
    endpoint: str | None = field(default=None, kw_only=True)
    identity_endpoint: str | None = field(default=None, kw_only=True)
    storage_endpoint: str | None = field(default=None, kw_only=True)
    credential: CloudCredential | None = field(default=None, kw_only=True)
    ca_certificates: Sequence[str] = field(default_factory=list, kw_only=True)
    skip_tls_verify: bool = field(default=False, kw_only=True)
    is_controller_cloud: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        set_field(self, 'ca_certificates', string_list('ca_certificates', self.ca_certificates))
        if self.credential is not None and not isinstance(self.credential, CloudCredential):
            raise StateValidationError(
                f'CloudSpec.credential must be a CloudCredential, not a '
                f'{type(self.credential).__name__}'
            )

    def __hash__(self) -> int:
        return hash((self.type, self.name, self.region, self.endpoint))

    def _to_juju(self) -> dict[str, Any]:
        out: dict[str, Any] = {'type': self.type, 'name': self.name}
        for key, value in (
            ('region', self.region),
            ('endpoint', self.endpoint),
            ('identity-endpoint', self.identity_endpoint),
            ('storage-endpoint', self.storage_endpoint),
        ):
            if value is not None:
                out[key] = value
        if self.credential is not None:
            out['credential'] = self.credential._to_juju()
        out['cacertificates'] = list(self.ca_certificates)
        out['skip-tls-verify'] = self.skip_tls_verify
        out['is-controller-cloud'] = self.is_controller_cloud
        return out


_MODEL_TYPES = ('kubernetes', 'lxd')


@record(frozen=True)
class Model(DictMixin):
    """The Juju model the charm runs in.

    Attributes:
        name: the model name; by default a random one.
        uuid: the model UUID; by default a random one.
        type: ``'kubernetes'`` or ``'lxd'`` (a machine model).
        cloud_spec: the cloud spec ``Model.get_cloud_spec()`` returns (needs
            ``Context(app_trusted=True)``).
    """

    name: str = field(default_factory=random_model_name)
    uuid: str = field(default_factory=_random_uuid, kw_only=True)
    type: Literal['kubernetes', 'lxd'] = field(default='kubernetes', kw_only=True)
    cloud_spec: CloudSpec | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.type not in _MODEL_TYPES:
            raise StateValidationError(
                f"Model.type must be 'kubernetes' or 'lxd', got {self.type!r}"
            )
        if self.cloud_spec is not None and not isinstance(self.cloud_spec, CloudSpec):
            raise StateValidationError(
                f'Model.cloud_spec must be a CloudSpec, not a {type(self.cloud_spec).__name__}'
            )


publish(__name__)
