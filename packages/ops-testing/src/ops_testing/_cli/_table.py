"""Plain-text rendering for the simulator: statuses, state summaries and wrapped tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._state._state import State

__all__ = [
    'Column',
    'Table',
    'deferred_names',
    'relation_data_written',
    'running_services',
    'status_text',
    'wrap_cell',
]

_MAX_VALUE = 40
_MIN_COLUMN = 8


def status_text(status: Any) -> str:
    """``'waiting: waiting for Pebble'`` for a status; just the name when there's no message."""
    name = str(getattr(status, 'name', status))
    message = str(getattr(status, 'message', '') or '')
    return f'{name}: {message}' if message else name


def running_services(state: State) -> str:
    """The services Pebble runs in every container, as ``container/service`` (``-`` if none)."""
    import ops_pebble as pebble

    names: list[str] = []
    containers = sorted(state.containers, key=lambda c: c.name)
    for container in containers:
        for service, status in sorted(container.service_statuses.items()):
            if status == pebble.ServiceStatus.ACTIVE:
                names.append(service if len(containers) == 1 else f'{container.name}/{service}')
    return ', '.join(names) or '-'


def _short(value: str) -> str:
    return value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 3] + '...'


def relation_data_written(before: State, after: State) -> str:
    """What the charm changed in its own (local app and unit) databags between two states.

    One ``endpoint:id app|unit key=value, ...`` entry per changed databag; deleted keys are
    shown as ``-key``. Long values are cut short.
    """
    old = {r.id: r for r in before.relations}
    entries: list[str] = []
    for relation in sorted(after.relations, key=lambda r: r.id):
        previous = old.get(relation.id)
        for owner, attr in (('app', 'local_app_data'), ('unit', 'local_unit_data')):
            now = dict(getattr(relation, attr))
            was = dict(getattr(previous, attr)) if previous is not None else {}
            changes = [f'{k}={_short(v)}' for k, v in sorted(now.items()) if was.get(k) != v]
            changes += [f'-{k}' for k in sorted(was) if k not in now]
            if changes:
                entries.append(f'{relation.endpoint}:{relation.id} {owner} ' + ', '.join(changes))
    return '; '.join(entries) or '-'


def deferred_names(state: State) -> str:
    """The events deferred in ``state``, by event name (``-`` if none)."""
    names: list[str] = []
    for deferred in state.deferred:
        path = deferred.handle_path.rsplit('/', 1)[-1]
        names.append(path.split('[', 1)[0])
    return ', '.join(names) or '-'


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a :class:`Table` after the first one.

    Attributes:
        header: the heading (wraps at spaces like any cell).
        cap: the widest the column gets; wider cells wrap.
        weight: the column's share of the room left on a narrow screen.
    """

    header: str
    cap: int
    weight: int = 1


class Table:
    """A text table printed row by row, as the rows become known.

    The column widths are fixed up front: the first column (the row's name) is as wide as
    the longest of ``names`` and never wraps; the others share what is left of ``width``
    by weight, each between its header's longest word and its cap. Cells wrap at spaces;
    a word longer than its column is cut after punctuation where possible (see
    :func:`wrap_cell`).
    """

    separator = ' | '

    def __init__(
        self, first: str, names: Sequence[str], columns: Sequence[Column], width: int
    ) -> None:
        self.widths = [max([len(first), *map(len, names)])]
        self.widths += _share(columns, width - self.widths[0] - len(self.separator) * len(columns))
        self.headers = [first, *(c.header for c in columns)]

    def head(self) -> list[str]:
        """The header lines and the rule under them."""
        return [*self.row(self.headers), '-+-'.join('-' * w for w in self.widths)]

    def row(self, cells: Sequence[str]) -> list[str]:
        """The lines of one row (``cells`` in column order)."""
        wrapped = [wrap_cell(cell, w) for cell, w in zip(cells, self.widths, strict=True)]
        height = max(len(c) for c in wrapped)
        return [
            self.separator.join(
                (c[n] if n < len(c) else '').ljust(w)
                for c, w in zip(wrapped, self.widths, strict=True)
            ).rstrip()
            for n in range(height)
        ]


def _share(columns: Sequence[Column], room: int) -> list[int]:
    """Widths for ``columns`` that fit in ``room`` if their minimums allow it."""
    least = [max(_MIN_COLUMN, *(len(word) for word in c.header.split())) for c in columns]
    widths = list(least)
    spare = room - sum(least)
    # Hand out the spare room a character at a time, to the column furthest below its share.
    while spare > 0:
        open_columns = [i for i, c in enumerate(columns) if widths[i] < c.cap]
        if not open_columns:
            break
        i = min(open_columns, key=lambda i: (widths[i] - least[i]) / columns[i].weight)
        widths[i] += 1
        spare -= 1
    return widths


_CUT_AFTER = '=:,;/-_.'


def wrap_cell(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces.

    A word longer than ``width`` is cut after the last of ``= : , ; / - _ .`` that fits
    on the line, when one comes late enough, else at ``width``.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or ['']:
        current = ''
        for word in paragraph.split():
            if len(current) + 1 + len(word) <= width and current:
                current = f'{current} {word}'
                continue
            if current:
                lines.append(current)
            while len(word) > width:
                cut = max(
                    (i + 1 for i, ch in enumerate(word[:width]) if ch in _CUT_AFTER), default=0
                )
                if cut < width // 2:
                    cut = width
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines
