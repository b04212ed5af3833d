"""The workload version shown in ``juju status``: ``application-version-set``."""

from __future__ import annotations

from ._exports import publish
from ._runner import check_no_nul, run


def app_version_set(version: str) -> None:
    """Set the workload version shown in ``juju status`` (``application-version-set``).

    Raises:
        Error: the tool failed.
    """
    check_no_nul('application-version-set', 'the workload version', version)
    run('application-version-set', '--', version)


publish(__name__)
