"""Plain secret records shared by the model and its backends (`SecretRotate`, `SecretInfo`)."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from typing import Any

from ops_hookcmds.sister import parse_rfc3339

from .._exports import publish

__all__ = ['SecretInfo', 'SecretRotate', 'canonical_secret_id']


class SecretRotate(enum.Enum):
    """How often Juju should remind the owner to rotate a secret (``secret-rotate`` events)."""

    NEVER = 'never'
    HOURLY = 'hourly'
    DAILY = 'daily'
    WEEKLY = 'weekly'
    MONTHLY = 'monthly'
    QUARTERLY = 'quarterly'
    YEARLY = 'yearly'


def _timestamp(value: object) -> datetime.datetime | None:
    """A time of ``secret-info-get``'s output (RFC 3339; one without a zone is in UTC)."""
    if not isinstance(value, str) or not value:
        return None
    return parse_rfc3339(value, default_zone=datetime.timezone.utc)


def canonical_secret_id(id: str, model_uuid: str | None) -> str:
    """The canonical form of a secret id.

    An id already starting with ``secret:`` is returned stripped; a bare id becomes
    ``secret://<model uuid>/<id>`` (or ``secret:<id>`` when the model uuid is unknown).
    """
    id = id.strip()
    if id.startswith('secret:'):
        return id
    if model_uuid is None:
        return f'secret:{id}'
    return f'secret://{model_uuid}/{id}'


class SecretInfo:
    """Metadata of a secret owned by this unit or its application (no content).

    Attributes:
        id: The canonical secret id (``secret://<model uuid>/<id>``).
        label: The label this unit knows the secret by, if any.
        revision: The latest revision number.
        expires: When the current revision expires, if ever.
        rotation: The rotation policy, if any.
        rotates: When the next rotation is due, if any.
        description: The owner's description of the secret, if any.
    """

    def __init__(
        self,
        id: str,
        label: str | None,
        revision: int,
        expires: datetime.datetime | None,
        rotation: SecretRotate | None,
        rotates: datetime.datetime | None,
        description: str | None = None,
        *,
        model_uuid: str | None = None,
    ):
        if model_uuid is None:
            import warnings

            warnings.warn(
                '`model_uuid` should always be provided when creating a SecretInfo instance, '
                'and will be required in the future.',
                DeprecationWarning,
                stacklevel=2,
            )
        self.id: str = canonical_secret_id(id, model_uuid)
        self.label = label
        self.revision = revision
        self.expires = expires
        self.rotation = rotation
        self.rotates = rotates
        self.description = description

    @classmethod
    def from_dict(cls, id: str, d: Mapping[str, Any], model_uuid: str | None = None) -> SecretInfo:
        """Build from one entry of ``secret-info-get --format=json`` output.

        Args:
            id: The secret id (the key of the entry; bare or canonical).
            d: The entry: ``revision`` and optionally ``label``, ``expiry``, ``rotation``,
                ``rotates``, ``description``.
            model_uuid: The model's uuid, used to canonicalise a bare id.
        """
        try:
            rotation: SecretRotate | None = SecretRotate(d.get('rotation'))
        except ValueError:
            rotation = None
        return cls(
            id=id,
            label=d.get('label'),
            revision=int(d['revision']),
            expires=_timestamp(d.get('expiry')),
            rotation=rotation,
            rotates=_timestamp(d.get('rotates')),
            description=d.get('description'),
            model_uuid=model_uuid,
        )

    def __repr__(self) -> str:
        return (
            f'SecretInfo(id={self.id!r}, label={self.label!r}, revision={self.revision!r}, '
            f'expires={self.expires!r}, rotation={self.rotation}, rotates={self.rotates!r}, '
            f'description={self.description!r})'
        )


publish(__name__)
