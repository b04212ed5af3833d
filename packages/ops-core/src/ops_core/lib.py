"""The legacy charm library loader (`ops.lib`).

Deprecated: prefer charm libraries fetched with ``charmcraft fetch-lib``.
"""

from ._lib import autoimport, use

__all__: list[str] = ['autoimport', 'use']
