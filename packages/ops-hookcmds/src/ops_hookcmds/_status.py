"""Status commands (``status-get``, ``status-set``) and the status names they use."""

from __future__ import annotations

from typing import Any, Literal, Union

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import (
    check_no_nul,
    expect_dict,
    expect_str,
    output_key,
    require_key,
    run,
    run_json,
)

SettableStatusName = Literal['active', 'blocked', 'maintenance', 'waiting']
"""A status a charm may set with ``status-set``."""

StatusName = Union[SettableStatusName, Literal['error', 'unknown']]  # noqa: UP007
"""Any status ``status-get`` can report: the settable ones, plus ``error`` and ``unknown``."""


@record(frozen=True, kw_only=True)
class UnitStatus:
    """This unit's workload status (``status-get``).

    Attributes:
        status: ``active``, ``blocked``, ``maintenance``, ``waiting``, ``error`` or
            ``unknown``.
        message: the message shown with the status.
        status_data: extra data attached to the status.
    """

    status: str = ''
    message: str = ''
    status_data: dict[str, Any]


@record(frozen=True, kw_only=True)
class AppStatus:
    """This application's status and its units' statuses (``status-get --application``).

    Attributes:
        status: the application status name.
        message: the message shown with the status.
        status_data: extra data attached to the status.
        units: the status of each unit of the application, by unit name.
    """

    status: str = ''
    message: str = ''
    status_data: dict[str, Any]
    units: dict[str, UnitStatus]


def _unit_status(argv: list[str], raw: Any, where: str) -> UnitStatus:
    data = expect_dict(argv, raw, where)
    status = expect_str(argv, require_key(argv, data, 'status', where), f"'status' in {where}")
    message = data.get('message') or ''
    status_data = data.get('status-data') or {}
    return UnitStatus(
        status=status,
        message=expect_str(argv, message, f"'message' in {where}"),
        status_data=expect_dict(argv, status_data, f"'status-data' in {where}"),
    )


def status_get(*, app: bool = False) -> AppStatus | UnitStatus:
    """Read this unit's status, or (leader only) this application's (``status-get``).

    Note:
        Real Juju nests the units' statuses *inside* ``application-status``; upstream ops
        read ``units`` from the top level and so always reported no units. This reads the
        nested map, falling back to a top-level ``units`` map if that is where it is.

    Args:
        app: get the application status (only the leader may).

    Raises:
        Error: a non-leader asked for the application status (``this unit is not the
            leader``), the tool failed, or its output lacks the expected keys.
    """
    argv = [
        'status-get',
        '--include-data',
        '--format=json',
        f'--application={"true" if app else "false"}',
    ]
    data = expect_dict(argv, run_json(*argv))
    if not app:
        return _unit_status(argv, data, 'the output')
    app_raw = expect_dict(
        argv, require_key(argv, data, 'application-status'), "'application-status'"
    )
    base = _unit_status(argv, app_raw, "'application-status'")
    units_raw = app_raw.get('units')
    if units_raw is None:
        units_raw = data.get('units') or {}
    units = expect_dict(argv, units_raw, "'units'")
    return AppStatus(
        status=base.status,
        message=base.message,
        status_data=base.status_data,
        units={
            name: _unit_status(argv, raw, f'the status of {output_key(name)}')
            for name, raw in units.items()
        },
    )


def status_set(
    status: SettableStatusName, message: str | None = None, *, app: bool = False
) -> None:
    """Set this unit's status, or (leader only) this application's (``status-set``).

    Juju applies it immediately, even if the hook later fails.

    Args:
        status: ``active``, ``blocked``, ``maintenance`` or ``waiting``.
        message: the message to show; None leaves it out of the command.
        app: set the application status (only the leader may).

    Raises:
        Error: Juju rejected the status, a non-leader set the application status, or the
            tool failed.
    """
    check_no_nul('status-set', 'the status message', message)
    argv = ['status-set', f'--application={app}', status]
    if message is not None:
        argv += ['--', message]
    run(*argv)


publish(__name__)
