"""The charm's resources: ``resource-get``."""

from __future__ import annotations

import pathlib

from ._exports import publish
from ._runner import bad_output, run


def resource_get(name: str) -> pathlib.Path:
    """Fetch a resource declared in metadata and return its local path (``resource-get``).

    Raises:
        Error: the resource could not be downloaded, or the tool failed or printed no path.
    """
    out = run('resource-get', name).rstrip('\n')
    if not out:
        bad_output(['resource-get', name], 'it printed no path')
    return pathlib.Path(out)


publish(__name__)
