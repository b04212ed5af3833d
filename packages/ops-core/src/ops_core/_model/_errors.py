"""Exceptions raised by the model (`ops.model`): every failure a charm can see from Juju."""

from __future__ import annotations

from .._exports import publish

__all__ = [
    'InvalidStatusError',
    'ModelError',
    'RelationDataAccessError',
    'RelationDataError',
    'RelationDataTypeError',
    'RelationNotFoundError',
    'SecretNotFoundError',
    'TooManyRelatedAppsError',
]


class ModelError(Exception):
    """Base class for errors raised by the model.

    When a hook command fails, the single argument is the command's error output
    (for example ``'ERROR permission denied\\n'``).
    """


class TooManyRelatedAppsError(ModelError):
    """More than one relation exists on an endpoint where only one was expected.

    Raised by :meth:`Model.get_relation` when no relation id is given and the endpoint has
    several relations; pass the relation id, or iterate ``model.relations[name]``.

    Attributes:
        relation_name: The endpoint name.
        num_related: How many relations were found.
        max_supported: How many were expected (1).
    """

    def __init__(self, relation_name: str, num_related: int, max_supported: int):
        super().__init__(
            f'Too many remote applications on {relation_name} ({num_related} > {max_supported})'
        )
        self.relation_name = relation_name
        self.num_related = num_related
        self.max_supported = max_supported


class RelationDataError(ModelError):
    """Relation data could not be read or written (base of the two specific errors)."""


class RelationDataTypeError(RelationDataError):
    """A relation data key or value is not a string (relation data is ``str`` to ``str``)."""


class RelationDataAccessError(RelationDataError):
    """This unit is not allowed to read or write that relation data bag.

    Only the leader writes its application's data bag, a unit writes only its own unit bag,
    and nobody writes a remote application's or unit's bag.
    """


class RelationNotFoundError(ModelError):
    """The relation no longer exists (or never did) as far as Juju is concerned."""


class InvalidStatusError(ModelError):
    """A status is not one that can be set, or a status name is unknown."""


class SecretNotFoundError(ModelError):
    """No secret with that id or label exists, or this unit cannot see it."""


publish(__name__)
