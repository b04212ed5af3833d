"""A charm for the long-running trials, run by ``ctx.run`` in-process and by ``dispatch``.

Every ``update-status`` changes stored state, writes relation data, sets the unit status,
pushes and pulls a file in its container (when Pebble is reachable) and records the
process's memory and open descriptors (when ``TEST_RECORD`` is set). ``config-changed``
is deferred every other time, so the deferred queue stays bounded but is always exercised.
"""

import json
import os

import ops


def _process_figures():
    figures = {'fds': len(os.listdir('/proc/self/fd'))}
    with open('/proc/self/status', encoding='ascii') as f:
        for line in f:
            if line.startswith(('VmRSS:', 'VmHWM:')):
                figures[line.split(':')[0]] = int(line.split()[1])  # KiB
    return figures


class SoakCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(n=0, recent=[], configs=0)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.config_changed, self._on_config_changed)

    def _on_config_changed(self, event):
        self._stored.configs += 1
        if self._stored.configs % 2:
            event.defer()

    def _on_update_status(self, event):
        n = self._stored.n + 1
        self._stored.n = n
        self._stored.recent.append(n)
        del self._stored.recent[:-10]
        relation = self.model.get_relation('db')
        if relation is not None:
            relation.data[self.unit]['n'] = str(n)
            relation.data[self.unit]['host'] = relation.data[relation.app].get('host', '')
        self.unit.status = ops.ActiveStatus(f'run {n}')
        container = self.unit.get_container('workload')
        if container.can_connect():
            container.push('/etc/soak.txt', f'run {n}\n' * 100, make_dirs=True)
            assert container.pull('/etc/soak.txt').read().startswith(f'run {n}\n')
        if os.environ.get('TEST_RECORD'):
            with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
                f.write(json.dumps({'n': n, **_process_figures()}) + '\n')


if __name__ == '__main__':
    ops.main(SoakCharm)
