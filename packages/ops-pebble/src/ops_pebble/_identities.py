"""Identities: who may talk to Pebble and with which access."""

from __future__ import annotations

import enum
from typing import Any, TypedDict

from ops_hookcmds.sister import record

from ._exports import publish


class IdentityAccess(str, enum.Enum):
    """The access level granted to an identity."""

    ADMIN = 'admin'
    READ = 'read'
    METRICS = 'metrics'
    UNTRUSTED = 'untrusted'


# 'user-id' is not an identifier, hence the functional form.
LocalIdentityDict = TypedDict('LocalIdentityDict', {'user-id': int})
LocalIdentityDict.__doc__ = 'The wire form of :class:`LocalIdentity`.'


class BasicIdentityDict(TypedDict):
    """The wire form of :class:`BasicIdentity`."""

    password: str


class _IdentityRequired(TypedDict):
    """The keys every identity's wire form has."""

    access: str


class IdentityDict(_IdentityRequired, total=False):
    """The wire form of :class:`Identity`."""

    local: LocalIdentityDict
    basic: BasicIdentityDict


@record
class LocalIdentity:
    """An identity recognised by the UID of the process on the unix socket.

    Attributes:
        user_id: The UID.
    """

    user_id: int

    @classmethod
    def from_dict(cls, d: LocalIdentityDict | dict[str, Any]) -> LocalIdentity:
        """Build from the API's JSON object."""
        return cls(user_id=d['user-id'])

    def to_dict(self) -> LocalIdentityDict:
        """Return the API's JSON object."""
        return {'user-id': self.user_id}


@record
class BasicIdentity:
    """An identity recognised by HTTP basic authentication.

    Attributes:
        password: A sha512-crypt hash when writing; Pebble reads it back as ``'*****'``.
    """

    password: str

    @classmethod
    def from_dict(cls, d: BasicIdentityDict | dict[str, Any]) -> BasicIdentity:
        """Build from the API's JSON object."""
        return cls(password=d['password'])

    def to_dict(self) -> BasicIdentityDict:
        """Return the API's JSON object."""
        return {'password': self.password}

    def __repr__(self) -> str:
        return "BasicIdentity(password='*****')"


@record
class Identity:
    """A named identity: its access level and how it is recognised.

    Attributes:
        access: The access level (an :class:`IdentityAccess` or its string value).
        local: Recognition by UID, if any.
        basic: Recognition by basic authentication, if any.

    Raises:
        ValueError: if neither ``local`` nor ``basic`` is given.
    """

    access: IdentityAccess | str
    local: LocalIdentity | None = None
    basic: BasicIdentity | None = None

    def __post_init__(self) -> None:
        if self.local is None and self.basic is None:
            raise ValueError('an Identity needs at least one of local or basic; give one')
        try:
            self.access = IdentityAccess(self.access)
        except ValueError:
            pass

    @classmethod
    def from_dict(cls, d: IdentityDict | dict[str, Any]) -> Identity:
        """Build from the API's JSON object."""
        local = LocalIdentity.from_dict(d['local']) if d.get('local') else None
        basic = BasicIdentity.from_dict(d['basic']) if d.get('basic') else None
        return cls(access=d['access'], local=local, basic=basic)

    def to_dict(self) -> IdentityDict:
        """Return the API's JSON object."""
        access = self.access.value if isinstance(self.access, IdentityAccess) else self.access
        out: IdentityDict = {'access': access}
        if self.local is not None:
            out['local'] = self.local.to_dict()
        if self.basic is not None:
            out['basic'] = self.basic.to_dict()
        return out


publish(__name__)
