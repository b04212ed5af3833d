"""Plain-text rendering for the simulator: statuses, state summaries and wrapped tables."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._state import State

__all__ = [
    'deferred_names',
    'relation_data_written',
    'render_table',
    'running_services',
    'status_text',
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


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """A text table at most ``width`` characters wide (when possible), wrapping long cells.

    The widest columns (all but the first) are narrowed first until the table fits; cells
    and headers wrap on spaces, and break long words only when they must.
    """
    columns = len(headers)
    natural = [
        max([len(headers[i])] + [len(line) for row in rows for line in row[i].splitlines()])
        for i in range(columns)
    ]
    widths = list(natural)
    separator = ' | '
    budget = width - len(separator) * (columns - 1)
    # The first column names the row: it never wraps.
    while sum(widths) > budget:
        widest = max(range(1, columns), key=lambda i: widths[i])
        if widths[widest] <= _MIN_COLUMN:
            break
        widths[widest] -= 1
    lines = _row_lines(headers, widths, separator)
    lines.append('-+-'.join('-' * w for w in widths))
    for row in rows:
        lines.extend(_row_lines(row, widths, separator))
    return '\n'.join(line.rstrip() for line in lines)


def _row_lines(cells: Sequence[str], widths: Sequence[int], separator: str) -> list[str]:
    wrapped = [
        textwrap.wrap(cell, width=w, break_on_hyphens=False) or ['']
        for cell, w in zip(cells, widths, strict=True)
    ]
    height = max(len(c) for c in wrapped)
    out: list[str] = []
    for n in range(height):
        parts = [
            (c[n] if n < len(c) else '').ljust(w) for c, w in zip(wrapped, widths, strict=True)
        ]
        out.append(separator.join(parts))
    return out
