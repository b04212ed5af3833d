"""Secrets as State values."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, Literal, cast

from ops_hookcmds.sister import field, record

from .._exports import publish
from ..errors import StateValidationError
from ._common import random_secret_id, set_field
from ._serialise import DictMixin

__all__ = ['Secret']


def _check_content(field: str, content: object) -> None:
    if not isinstance(content, dict) or not content:
        raise StateValidationError(
            f'Secret.{field} must be a non-empty dict of str to str, got {type(content).__name__}'
        )
    for key, value in content.items():
        if not isinstance(key, str) or not isinstance(value, str):
            # Name only the key: secret values never reach messages.
            raise StateValidationError(
                f'Secret.{field} must be a dict of str to str; the entry {key!r} is not'
            )


@record(frozen=True)
class Secret(DictMixin):
    """A Juju secret the charm owns or has been granted.

    Attributes:
        tracked_content: the content of the revision this unit tracks (``get_content()``).
        latest_content: the content of the latest revision (``peek_content()``); by default
            the same as ``tracked_content``.
        id: the secret id; by default a new random ``secret:...`` id.
        owner: ``None`` if this unit was only granted the secret, ``'unit'`` or ``'app'`` if
            this unit or its application owns it.
        remote_grants: the apps or units granted access, by relation id.
        label: the secret's label.
        description: the secret's description (owner only).
        expire: when the secret expires (owner only).
        rotate: the rotation policy (owner only).
    """

    # As in ops-scenario 8.9: every field, positional or not, for pattern matching.
    __match_args__ = (
        'tracked_content',
        'latest_content',
        'id',
        'owner',
        'remote_grants',
        'label',
        'description',
        'expire',
        'rotate',
    )

    tracked_content: Mapping[str, str]
    # Typed as always present (as in ops 3.9) because __post_init__ fills it in, so that
    # ``secret.latest_content['key']`` type-checks; None is still accepted as "the same".
    latest_content: Mapping[str, str] = field(
        default=cast('Mapping[str, str]', None), kw_only=True
    )
    id: str = field(default_factory=random_secret_id, kw_only=True)
    owner: Literal['unit', 'app'] | None = field(default=None, kw_only=True)
    remote_grants: Mapping[int, Iterable[str]] = field(default_factory=dict, kw_only=True)
    label: str | None = field(default=None, kw_only=True)
    description: str | None = field(default=None, kw_only=True)
    expire: datetime.datetime | None = field(default=None, kw_only=True)
    rotate: Any = field(default=None, kw_only=True)
    # Revision numbers of the tracked and latest content (not compared: tests compare content).
    _tracked_revision: int = field(default=1, kw_only=True, repr=False, compare=False)
    _latest_revision: int = field(default=1, kw_only=True, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_content('tracked_content', self.tracked_content)
        set_field(self, 'tracked_content', dict(self.tracked_content))
        if self.latest_content is None:
            set_field(self, 'latest_content', dict(self.tracked_content))
        else:
            _check_content('latest_content', self.latest_content)
            set_field(self, 'latest_content', dict(self.latest_content))
        if self.owner not in (None, 'unit', 'app'):
            raise StateValidationError(
                f"Secret.owner must be None, 'unit' or 'app', got {self.owner!r}"
            )
        grants: dict[int, frozenset[str]] = {}
        for rel_id, names in dict(self.remote_grants).items():
            if isinstance(names, (str, bytes)):
                raise StateValidationError(
                    'remote_grants values must be an iterable of strings, not a single string;'
                    f' did you mean [{names!r}]?'
                )
            grants[rel_id] = frozenset(names)
        set_field(self, 'remote_grants', grants)

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        # Secret values never reach a repr (nor a pytest failure report built from it):
        # the content fields show their keys only.
        import dataclasses  # on first use only: it imports inspect

        parts = []
        for spec in dataclasses.fields(self):
            if not spec.repr:
                continue
            value = getattr(self, spec.name)
            if spec.name in ('tracked_content', 'latest_content') and isinstance(value, dict):
                shown = '{' + ', '.join(f'{key!r}: <redacted>' for key in value) + '}'
            else:
                shown = repr(value)
            parts.append(f'{spec.name}={shown}')
        return f'{type(self).__name__}({", ".join(parts)})'

    def _matches_id(self, secret_id: str) -> bool:
        return canonical_secret_id(self.id) == canonical_secret_id(secret_id)


def canonical_secret_id(secret_id: str) -> str:
    """The unique part of a secret id (``secret:ID`` and ``secret://UUID/ID`` agree)."""
    return secret_id.rsplit('/', 1)[-1].rsplit(':', 1)[-1]


publish(__name__)
