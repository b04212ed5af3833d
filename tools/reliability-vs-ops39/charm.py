"""The charm both implementations run in ``compare.py``: one public-API charm, ops 3.9 or ours.

``CMP_OP`` picks what ``update-status`` does; ``install`` defers itself (a deferred notice).
``CMP_TOOL_TIMEOUT`` shortens our per-hook-tool timeout (300 s by default).
"""

import logging
import os
import time

import ops

logger = logging.getLogger(__name__)
OP = os.environ.get('CMP_OP', '')
if os.environ.get('CMP_TOOL_TIMEOUT'):
    try:  # ours has a per-tool timeout (ops 3.9 has none, so nothing to shorten there)
        import ops_hookcmds._runner

        ops_hookcmds._runner.timeout = float(os.environ['CMP_TOOL_TIMEOUT'])
    except ImportError:
        pass


class CompareCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(count=0)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_install(self, event):
        event.defer()

    def _on_update_status(self, event):
        self._stored.count += 1
        if OP == 'sleep':
            time.sleep(3)
        elif OP == 'log-many':
            for n in range(5):
                logger.warning('warning number %d', n)
        elif OP == 'secret-add':
            self.unit.add_secret({'password': 'hunter2-in-a-file'})
        elif OP == 'config':
            logger.info('config has %d options', len(self.config))
        elif OP == 'nul-status':
            self.unit.status = ops.ActiveStatus('a\x00b')
        elif OP == 'nul-version':
            self.unit.set_workload_version('1.0\x00')


if __name__ == '__main__':
    ops.main(CompareCharm)
