"""Juju secrets as the charm sees them (`Secret`)."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from .._exports import publish
from ._secret_types import SecretInfo, SecretRotate, canonical_secret_id

if TYPE_CHECKING:
    from ._backend import Backend
    from ._model import Unit
    from ._relation import Relation

__all__ = ['Secret', 'expire_datetime', 'validate_secret_content']

# Pattern source only: ``re`` compiles (and caches) it on first use, not at import.
_KEY_RE = r'^([a-z](?:-?[a-z0-9]){2,})$'


def validate_secret_content(content: Any) -> None:
    """Check that ``content`` can be stored in a secret (never echoing values).

    Raises:
        TypeError: if it is not a dict, or a value is not a str.
        ValueError: if it is empty or a key is not valid.
    """
    if not isinstance(content, dict):
        raise TypeError(f'Secret content must be a dict, not {type(content).__name__}')
    if not content:
        raise ValueError('Secret content must not be empty')
    bad_keys = [k for k in content if not (isinstance(k, str) and re.match(_KEY_RE, k))]
    if bad_keys:
        raise ValueError(
            f'Invalid secret keys: {bad_keys}. Keys should be lowercase letters and digits, '
            'at least 3 characters long, start with a letter, and not start or end with a '
            'hyphen.'
        )
    bad_values = [k for k, v in content.items() if not isinstance(v, str)]
    if bad_values:
        types = sorted({type(content[k]).__name__ for k in bad_values})
        raise TypeError(
            f'Invalid secret values for keys: {bad_values}. Values should be of type str, '
            f'not {", ".join(types)}.'
        )


def expire_datetime(
    expire: datetime.datetime | datetime.timedelta | None,
) -> datetime.datetime | None:
    """``expire`` as a point in time: a timedelta counts from now (UTC).

    Raises:
        TypeError: if it is neither a datetime, a timedelta nor None.
    """
    if expire is None or isinstance(expire, datetime.datetime):
        return expire
    if isinstance(expire, datetime.timedelta):
        return datetime.datetime.now(datetime.timezone.utc) + expire
    raise TypeError(f'expire must be a datetime, a timedelta or None, not {type(expire).__name__}')


class Secret:
    """One Juju secret: its id and/or label, and (lazily) its content.

    Get one from :meth:`Model.get_secret`, :meth:`Application.add_secret`,
    :meth:`Unit.add_secret` or a secret event's ``.secret``. The content fetched first is
    kept for the rest of the hook; ``get_content(refresh=True)`` and :meth:`peek_content`
    ask Juju again. The content never appears in the ``repr``.
    """

    def __init__(
        self,
        backend: Backend,
        id: str | None = None,
        label: str | None = None,
        content: dict[str, str] | None = None,
    ):
        if not (id or label):
            raise TypeError('Must provide an id or label, or both')
        self._backend = backend
        self._id = canonical_secret_id(id, backend.model_uuid) if id else None
        self._label = label
        self._content = dict(content) if content is not None else None

    def __repr__(self) -> str:
        fields = []
        if self._id is not None:
            fields.append(f'id={self._id!r}')
        if self._label is not None:
            fields.append(f'label={self._label!r}')
        return f'<Secret {" ".join(fields)}>'

    @property
    def id(self) -> str | None:
        """The canonical secret id (``secret://<model uuid>/<id>``), if known.

        ``None`` for a secret obtained by label only, until an operation needed the id.
        """
        return self._id

    @property
    def unique_identifier(self) -> str | None:
        """The id without its ``secret:`` prefix or model part (e.g. ``'cjv9bnbp8lhs7cfv1p3g'``)."""
        if self._id is None:
            return None
        return self._id.rsplit('/', 1)[-1].removeprefix('secret:')

    @property
    def label(self) -> str | None:
        """This unit's (or application's) label for the secret, if any."""
        return self._label

    def _ensure_id(self) -> str:
        if self._id is None:
            info = self._backend.secret_info_get(id=None, label=self._label)
            self._id = info.id
        return self._id

    def get_content(self, *, refresh: bool = False) -> dict[str, str]:
        """The content of the revision this unit tracks (a copy).

        Args:
            refresh: Fetch the latest revision and start tracking it (for observers
                after ``secret-changed``).

        Raises:
            SecretNotFoundError: if the secret is gone or not visible.
            ModelError: if access is denied.
        """
        if refresh or self._content is None:
            self._content = self._backend.secret_get(
                id=self._id, label=self._label, refresh=refresh, peek=False
            )
        return dict(self._content)

    def peek_content(self) -> dict[str, str]:
        """The content of the latest revision, without tracking it (always asks Juju)."""
        return self._backend.secret_get(id=self._id, label=self._label, refresh=False, peek=True)

    def get_info(self) -> SecretInfo:
        """The secret's metadata (owners only).

        Raises:
            SecretNotFoundError: if this unit does not own the secret.
        """
        if self._id is not None:
            info = self._backend.secret_info_get(id=self._id, label=None)
        else:
            info = self._backend.secret_info_get(id=None, label=self._label)
            self._id = info.id
        return info

    def set_content(self, content: dict[str, str]) -> None:
        """Store ``content`` as a new revision (owners only); observers get ``secret-changed``.

        Raises:
            TypeError, ValueError: if ``content`` is not valid secret content.
            SecretNotFoundError, ModelError: if Juju refuses.
        """
        validate_secret_content(content)
        self._backend.secret_set(
            self._ensure_id(),
            content=dict(content),
            label=None,
            description=None,
            expire=None,
            rotate=None,
        )

    def set_info(
        self,
        *,
        label: str | None = None,
        description: str | None = None,
        expire: datetime.datetime | datetime.timedelta | None = None,
        rotate: SecretRotate | None = None,
    ) -> None:
        """Change the secret's metadata without a new revision (owners only).

        Set attributes cannot be unset.

        Raises:
            TypeError: if no attribute is given, or ``rotate`` is not a SecretRotate.
        """
        if label is None and description is None and expire is None and rotate is None:
            raise TypeError(
                'Must provide a label, description, expiration time, or rotation policy'
            )
        if rotate is not None and not isinstance(rotate, SecretRotate):
            raise TypeError(f'rotate must be a SecretRotate or None, not {type(rotate).__name__}')
        self._backend.secret_set(
            self._ensure_id(),
            content=None,
            label=label,
            description=description,
            expire=expire_datetime(expire),
            rotate=rotate,
        )
        if label is not None:
            self._label = label

    def grant(self, relation: Relation, *, unit: Unit | None = None) -> None:
        """Let the other side of ``relation`` (or only ``unit`` of it) read this secret."""
        self._backend.secret_grant(
            self._ensure_id(), relation.id, unit=unit.name if unit is not None else None
        )

    def revoke(self, relation: Relation, *, unit: Unit | None = None) -> None:
        """Withdraw access granted with :meth:`grant`."""
        self._backend.secret_revoke(
            self._ensure_id(), relation.id, unit=unit.name if unit is not None else None
        )

    def remove_revision(self, revision: int) -> None:
        """Remove one revision (usually ``event.revision`` in ``secret-remove``)."""
        self._backend.secret_remove(self._ensure_id(), revision=revision)

    def remove_all_revisions(self) -> None:
        """Remove the whole secret, every revision."""
        self._backend.secret_remove(self._ensure_id(), revision=None)


publish(__name__)
