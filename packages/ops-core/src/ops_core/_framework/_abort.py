"""The internal signal that ends a dispatch early with a given exit code."""

from __future__ import annotations


class _Abort(Exception):
    """Raised to stop the dispatch now and exit with ``exit_code`` without committing.

    Used by ``CharmBase.load_config(errors='blocked')`` and
    ``ActionEvent.load_params(errors='fail')``, which have already told Juju what went
    wrong (a blocked status, a failed action) and want the hook to end cleanly.
    """

    def __init__(self, exit_code: int):
        super().__init__(exit_code)
        self.exit_code = exit_code
