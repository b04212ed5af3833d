"""Charm resources: files Juju hands the charm."""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

from ops_hookcmds.sister import field, record

from .._exports import publish
from ._serialise import DictMixin

if TYPE_CHECKING:
    pass

__all__ = [
    'Resource',
]


@record(frozen=True)
class Resource(DictMixin):
    """A charm resource and the local file that stands for it.

    Attributes:
        name: the resource name, as declared in the charm metadata.
        path: the file returned by ``Model.resources.fetch``.
    """

    name: str = field(kw_only=True)
    path: str | pathlib.Path = field(kw_only=True)


publish(__name__)
