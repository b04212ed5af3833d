"""Leadership: ``is-leader``."""

from __future__ import annotations

from ._exports import publish
from ._runner import bad_output, json_kind, run_json


def is_leader() -> bool:
    """Whether this unit is the application's leader (``is-leader``).

    Raises:
        Error: the tool failed or did not print a JSON boolean.
    """
    argv = ['is-leader', '--format=json']
    result = run_json(*argv)
    if not isinstance(result, bool):
        bad_output(argv, f'expected true or false, got {json_kind(result)}')
    return result


publish(__name__)
