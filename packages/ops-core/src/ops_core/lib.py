"""The legacy charm library loader (`ops.lib`).

Deprecated: prefer charm libraries fetched with ``charmcraft fetch-lib``.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._charm._lib import (
        autoimport as autoimport,
    )
    from ._charm._lib import (
        use as use,
    )

_exports.install(globals())
