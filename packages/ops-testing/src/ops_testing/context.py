"""``Context`` and ``Manager`` (``scenario.context``): run events on a charm."""

from ._context import Context, Manager
from ._events import CharmEvents
from ._types import ActionFailed, ActionOutput, CharmType

__all__ = ['ActionFailed', 'ActionOutput', 'CharmEvents', 'CharmType', 'Context', 'Manager']
