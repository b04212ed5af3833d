"""``Context`` and ``Manager`` (``scenario.context``): run events on a charm."""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from . import (
        ActionFailed as ActionFailed,
    )
    from . import (
        ActionOutput as ActionOutput,
    )
    from . import (
        CharmEvents as CharmEvents,
    )
    from . import (
        CharmType as CharmType,
    )
    from . import (
        Context as Context,
    )
    from . import (
        Manager as Manager,
    )

_exports.install(globals())
