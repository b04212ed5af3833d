"""Harness secrets: secrets owned by other applications or the user, grants, and the
secret events Juju would send (changed, rotate, remove, expired)."""

from __future__ import annotations

from collections.abc import Mapping

from ops_core.sister import validate_secret_content

from .._engine.secrets import SecretRecord
from .._state._secrets import Secret
from .._types import AppUnitOrName, CharmType
from ._base import HarnessBase

__all__ = ['SecretsMixin']


def _name_of(app_or_unit: AppUnitOrName) -> str:
    return app_or_unit if isinstance(app_or_unit, str) else app_or_unit.name


class SecretsMixin(HarnessBase[CharmType]):
    """Secrets seen by the charm and how the test drives them."""

    def add_model_secret(self, owner: AppUnitOrName, content: Mapping[str, str]) -> str:
        """Add a secret owned by another application (or unit); return its id.

        The charm can read it once it is related to the owner and granted access
        (:meth:`grant_secret`).

        Raises:
            ValueError, TypeError: ``content`` is not valid secret content.
        """
        validate_secret_content(dict(content))
        secret = Secret(dict(content))
        self._juju.secrets.put(secret, SecretRecord(_name_of(owner)))
        return secret.id

    def add_user_secret(self, content: Mapping[str, str]) -> str:
        """Add a secret owned by the user (``juju add-secret``); return its id.

        Grant it to the charm's application with :meth:`grant_secret` before the charm
        reads it.

        Raises:
            ValueError, TypeError: ``content`` is not valid secret content.
        """
        validate_secret_content(dict(content))
        secret = Secret(dict(content))
        self._juju.secrets.put(secret, SecretRecord(None, user=True))
        return secret.id

    def _secret(self, secret_id: str) -> Secret:
        """The secret ``secret_id`` (any id form).

        Raises:
            RuntimeError: no such secret.
        """
        secret = self._juju.secrets.by_id(secret_id)
        if secret is None:
            raise RuntimeError(f'Secret {secret_id!r} not found; add it first')
        return secret

    def set_secret_content(self, secret_id: str, content: Mapping[str, str]) -> None:
        """Give a secret owned by someone else a new revision, emitting ``secret-changed``.

        Raises:
            RuntimeError: the secret does not exist or is owned by the charm (the charm
                changes its own secrets with ``Secret.set_content``).
        """
        secret = self._secret(secret_id)
        if secret.owner is not None:
            raise RuntimeError(
                f"Secret {secret.id!r} owned by the charm under test, can't call "
                'set_secret_content'
            )
        validate_secret_content(dict(content))
        secrets = self._juju.secrets
        record = secrets.record_for(secret)
        revision = secret._latest_revision + 1
        import dataclasses  # on first use only: it imports inspect

        secret = dataclasses.replace(
            secret, latest_content=dict(content), _latest_revision=revision
        )
        record.revisions.append(revision)
        secrets.put(secret)
        self._emit('secret_changed', secret.id, secret.label)

    def grant_secret(self, secret_id: str, observer: AppUnitOrName) -> None:
        """Let ``observer`` (this charm's application or unit) read a secret.

        Raises:
            RuntimeError: the secret does not exist, is owned by the charm, or (for a
                secret of another application) there is no relation to its owner.
        """
        secret = self._secret(secret_id)
        record = self._check_foreign(secret, 'grant_secret')
        self._check_owner_related(secret, record)
        record.observers.add(_name_of(observer))

    def revoke_secret(self, secret_id: str, observer: AppUnitOrName) -> None:
        """Undo :meth:`grant_secret`.

        Raises:
            RuntimeError: as :meth:`grant_secret`.
        """
        secret = self._secret(secret_id)
        record = self._check_foreign(secret, 'revoke_secret')
        self._check_owner_related(secret, record)
        record.observers.discard(_name_of(observer))

    def _check_foreign(self, secret: Secret, method: str) -> SecretRecord:
        if secret.owner is not None:
            raise RuntimeError(
                f"Secret {secret.id!r} owned by the charm under test; use the charm's "
                f'Secret.grant()/revoke() instead of Harness.{method}'
            )
        return self._juju.secrets.record_for(secret)

    def _check_owner_related(self, secret: Secret, record: SecretRecord) -> None:
        if record.owner_name is None:
            return
        owner_app = record.owner_name.split('/')[0]
        juju = self._juju
        for relation in juju.relations:
            if juju.relations.remote_app(relation) == owner_app:
                return
        raise RuntimeError(
            f'No relation between this charm ({juju.app_name}) and secret owner '
            f'({owner_app}); add one with Harness.add_relation()'
        )

    def get_secret_grants(self, secret_id: str, relation_id: int) -> set[str]:
        """The applications and units the charm granted a secret to, on one relation."""
        secret = self._secret(secret_id)
        return set(secret.remote_grants.get(relation_id, ()))

    def get_secret_revisions(self, secret_id: str) -> list[int]:
        """The revision numbers of a secret that exist, oldest first."""
        secret = self._secret(secret_id)
        return list(self._juju.secrets.record_for(secret).revisions)

    def _label(self, secret: Secret, label: str | None) -> str | None:
        return label if label is not None else secret.label

    def trigger_secret_rotation(self, secret_id: str, *, label: str | None = None) -> None:
        """Emit ``secret-rotate`` for a secret, as Juju does when its rotation is due.

        Raises:
            RuntimeError: a user secret (those never rotate), or before ``begin()``.
        """
        secret = self._secret(secret_id)
        if self._juju.secrets.record_for(secret).user:
            raise RuntimeError('Cannot trigger the secret-rotate event for a user secret.')
        self._emit_always('secret_rotate', secret.id, self._label(secret, label))

    def trigger_secret_removal(
        self, secret_id: str, revision: int, *, label: str | None = None
    ) -> None:
        """Emit ``secret-remove`` for a revision no observer tracks any more.

        Raises:
            RuntimeError: before ``begin()``.
        """
        secret = self._secret(secret_id)
        self._emit_always('secret_remove', secret.id, self._label(secret, label), revision)

    def trigger_secret_expiration(
        self, secret_id: str, revision: int, *, label: str | None = None
    ) -> None:
        """Emit ``secret-expired`` for a revision whose expiry time has passed.

        Raises:
            RuntimeError: a user secret (those never expire), or before ``begin()``.
        """
        secret = self._secret(secret_id)
        if self._juju.secrets.record_for(secret).user:
            raise RuntimeError('Cannot trigger the secret-expired event for a user secret.')
        self._emit_always('secret_expired', secret.id, self._label(secret, label), revision)
