"""A charm whose ``update-status`` handler uses one hook tool, chosen by ``REL_TOOL_OP``.

It bumps a stored counter first, so a hook that fails must leave the counter unchanged.
``REL_TOOL_TIMEOUT`` sets the framework's own per-tool timeout (``ops_hookcmds``) in
seconds; every handler line goes to the record file named by ``TEST_RECORD``.
"""

import json
import logging
import os

import ops
import ops_hookcmds._runner

logger = logging.getLogger(__name__)
OP = os.environ.get('REL_TOOL_OP', '')
if os.environ.get('REL_TOOL_TIMEOUT'):
    ops_hookcmds._runner.timeout = float(os.environ['REL_TOOL_TIMEOUT'])


def record(**fields):
    with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
        f.write(json.dumps(fields) + '\n')


class ToolsCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(count=0)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event):
        self._stored.count += 1
        logger.info('update-status number %d', self._stored.count)
        if OP == 'status-set':
            self.unit.status = ops.ActiveStatus('fine')
        elif OP == 'config-get':
            record(name=self.config['name'])
        elif OP == 'relation-get':
            relation = self.model.get_relation('db')
            record(data=dict(relation.data[relation.app]))
        elif OP == 'is-leader':
            record(leader=self.unit.is_leader())
        elif OP == 'relation-set-bad':
            relation = self.model.get_relation('db')
            relation.data[self.unit].update({'good': 'yes', 'port': 5432})
        elif OP == 'secret-add-bad':
            self.app.add_secret({'password': 'fine-value', 'x': 'bad key'})
        elif OP == 'secret-add':
            self.unit.add_secret({'password': 'hunter2-in-a-file'})
        elif OP == 'secret-set':
            secret = self.unit.add_secret({'password': 'first-value'})
            secret.set_content({'password': 'hunter2-in-a-file'})
        elif OP == 'log-many':
            for n in range(10):
                logger.warning('warning number %d', n)
        elif OP == 'catch':
            try:
                self.unit.status = ops.ActiveStatus('fine')
            except ops.ModelError as e:
                record(caught=type(e).__name__, message=str(e))
        record(done=self._stored.count)


if __name__ == '__main__':
    ops.main(ToolsCharm)
