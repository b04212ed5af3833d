"""Goal-state command: ``goal-state``."""

from __future__ import annotations

import datetime
from typing import Any

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import bad_output, expect_dict, expect_str, output_key, require_key, run_json
from ._timestamp import parse_rfc3339


@record(frozen=True, kw_only=True)
class Goal:
    """The status a unit or relation is heading for.

    Attributes:
        status: for units ``allocating``, ``active``, ``waiting``, ``blocked``, ``error``
            or ``dying``; for relations ``joining``, ``joined``, ``broken``, ``suspended``
            or ``error``.
        since: when it entered that status.
    """

    status: str
    since: datetime.datetime


@record(frozen=True, kw_only=True)
class GoalState:
    """Where the model is heading for this application (``goal-state``).

    Attributes:
        units: the application's units and their goals, by unit name.
        relations: for each endpoint, the related applications and units and their goals.
    """

    units: dict[str, Goal]
    relations: dict[str, dict[str, Goal]]


def _goal(argv: list[str], raw: Any, where: str) -> Goal:
    data = expect_dict(argv, raw, where)
    status = expect_str(argv, require_key(argv, data, 'status', where), f"'status' in {where}")
    since_text = expect_str(argv, require_key(argv, data, 'since', where), f"'since' in {where}")
    try:
        since = parse_rfc3339(since_text)
    except ValueError:
        bad_output(argv, f"'since' in {where} is not a timestamp")
    return Goal(status=status, since=since)


def goal_state() -> GoalState:
    """The goal state of this application's units and relations (``goal-state``).

    Timestamps are parsed from Juju's ``2023-05-23 17:05:05Z`` form (any RFC 3339 form
    is accepted).

    Raises:
        Error: the tool failed or its output has the wrong shape.
    """
    argv = ['goal-state', '--format=json']
    data = expect_dict(argv, run_json(*argv))
    units_raw = expect_dict(argv, data.get('units') or {}, "'units'")
    relations_raw = expect_dict(argv, data.get('relations') or {}, "'relations'")
    units = {
        name: _goal(argv, raw, f'units[{output_key(name)}]') for name, raw in units_raw.items()
    }
    relations: dict[str, dict[str, Goal]] = {}
    for endpoint, members in relations_raw.items():
        where = f'relations[{output_key(endpoint)}]'
        relations[endpoint] = {
            name: _goal(argv, raw, f'{where}[{output_key(name)}]')
            for name, raw in expect_dict(argv, members, where).items()
        }
    return GoalState(units=units, relations=relations)


publish(__name__)
