"""The secrets of the simulated Juju: content, owners, grants and revisions.

Secrets are the State's own ``Secret`` values, held by id and replaced (never changed in
place) when they change. What a State cannot say about a secret, the simulation keeps in
a :class:`SecretRecord` beside it: which other application or unit owns it, whether the
user added it, which revisions exist and who the test granted it to. A secret without a
record is one the State lists: visible to this unit, as the State says.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from ops_hookcmds.sister import field, record

from .._state._secrets import Secret, canonical_secret_id

__all__ = ['SecretRecord', 'Secrets']


@record
class SecretRecord:
    """What the simulation knows about a secret beyond its State value.

    Attributes:
        owner_name: the other application or unit that owns it (a secret added as owned by
            someone else); ``None`` for a user secret or one this charm owns.
        user: whether the user added it (``juju add-secret``).
        revisions: the revisions that exist, oldest first.
        observers: the applications and units of this model it is granted to.
        rotates: when Juju next asks its owner to rotate it, if known.
    """

    owner_name: str | None
    user: bool = False
    revisions: list[int] = field(default_factory=lambda: [1])
    observers: set[str] = field(default_factory=set)
    rotates: datetime.datetime | None = None


class Secrets:
    """Every secret the simulated Juju knows, found by id (any form) or label.

    Args:
        secrets: the secrets to start with (a State's; they are not changed).
    """

    def __init__(self, secrets: Iterable[Secret] = ()):
        self._by_key: dict[str, Secret] = {s.id: s for s in secrets}
        # canonical id -> key, label -> keys; built when first needed, kept current.
        self._ids: dict[str, str] | None = None
        self._labels: dict[str, list[str]] = {}
        self.records: dict[str, SecretRecord] = {}
        self._changed = False

    def __iter__(self) -> Iterator[Secret]:
        return iter(list(self._by_key.values()))

    def changed(self) -> bool:
        """Whether any secret was added, changed or removed since loading."""
        return self._changed

    # ---- lookup --------------------------------------------------------------------------

    def _index(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        if self._ids is None:
            self._ids = {}
            self._labels = {}
            for key, secret in self._by_key.items():
                self._index_one(key, secret)
        return self._ids, self._labels

    def _index_one(self, key: str, secret: Secret) -> None:
        if self._ids is None:
            return  # built from _by_key when first needed
        self._ids.setdefault(canonical_secret_id(key), key)
        if secret.label is not None:
            keys = self._labels.setdefault(secret.label, [])
            if key not in keys:
                keys.append(key)

    def by_id(self, secret_id: str) -> Secret | None:
        """The secret with this id, in any of its forms (``secret:ID``, ``secret://UUID/ID``)."""
        key = self._index()[0].get(canonical_secret_id(secret_id))
        if key is None:
            return None
        return self._by_key.get(key)

    def by_label(self, label: str) -> Secret | None:
        """The secret with this label (the first in the State's order if several have it)."""
        found = [
            key
            for key in self._index()[1].get(label, ())
            if key in self._by_key and self._by_key[key].label == label
        ]
        if not found:
            return None
        if len(found) > 1:  # the first in the State's order, as a scan would find
            order = {key: i for i, key in enumerate(self._by_key)}
            found.sort(key=order.__getitem__)
        return self._by_key[found[0]]

    def record_for(self, secret: Secret) -> SecretRecord:
        """The record of ``secret`` (made for a secret this charm owns, on first use)."""
        record = self.records.get(secret.id)
        if record is None:
            record = self.records[secret.id] = SecretRecord(
                None, revisions=list(range(1, secret._latest_revision + 1))
            )
        return record

    # ---- changes -------------------------------------------------------------------------

    def put(self, secret: Secret, record: SecretRecord | None = None) -> None:
        """Add (or replace) a secret and, if given, its record."""
        self._by_key[secret.id] = secret
        self._index_one(secret.id, secret)
        if record is not None:
            self.records[secret.id] = record
        self._changed = True

    def replace(self, secret: Secret, **changes: Any) -> Secret:
        """Replace ``secret`` with a copy that has ``changes``; return the copy."""
        import dataclasses  # on first use only: it imports inspect

        new = dataclasses.replace(secret, **changes)
        self._by_key[secret.id] = new
        self._index_one(secret.id, new)
        self._changed = True
        return new

    def drop(self, secret: Secret) -> None:
        """Forget a secret and its record."""
        if self._by_key.pop(secret.id, None) is not None and self._ids is not None:
            canonical = canonical_secret_id(secret.id)
            if self._ids.get(canonical) == secret.id:
                del self._ids[canonical]
                if any(canonical_secret_id(k) == canonical for k in self._by_key):
                    self._ids = None  # another secret has the same id: index again
        self.records.pop(secret.id, None)
        self._changed = True
