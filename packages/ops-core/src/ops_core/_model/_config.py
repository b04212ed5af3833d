"""The application's config as the charm sees it (`ConfigData`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import publish
from ._lazy import _GenericLazyMapping

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ['ConfigData']


class ConfigData(_GenericLazyMapping[bool | int | float | str]):
    """The application's config options (read-only), fetched once on first use.

    Contains every option that is set or has a default; options of type ``secret`` hold
    a secret URI (use :meth:`Model.get_secret` with it). Use ``self.model.config``.
    """

    def __init__(self, backend: Backend):
        self._backend = backend

    def _load(self) -> dict[str, bool | int | float | str]:
        return self._backend.config_get()


publish(__name__)
