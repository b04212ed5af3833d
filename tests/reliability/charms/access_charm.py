"""A charm that tries every kind of relation data access in ``update-status`` and records
which were allowed; the same class runs under ``dispatch``, ``Context`` and ``Harness``."""

import json
import os

import ops

RESULTS = []


def attempt(label, fn):
    try:
        fn()
        RESULTS.append([label, 'ok'])
    except ops.RelationDataAccessError:
        RESULTS.append([label, 'denied'])


class AccessCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event):
        relation = self.model.get_relation('db')
        remote_unit = sorted(relation.units, key=lambda u: u.name)[0]
        attempt('write-remote-app', lambda: relation.data[relation.app].update({'k': 'v'}))
        attempt('write-remote-unit', lambda: relation.data[remote_unit].update({'k': 'v'}))
        attempt('write-own-app', lambda: relation.data[self.app].update({'k': 'v'}))
        attempt('write-own-unit', lambda: relation.data[self.unit].update({'k': 'v'}))
        attempt('read-own-app', lambda: dict(relation.data[self.app]))
        attempt('read-remote-app', lambda: dict(relation.data[relation.app]))
        if os.environ.get('TEST_RECORD'):
            with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
                f.write(json.dumps(RESULTS) + '\n')


if __name__ == '__main__':
    ops.main(AccessCharm)
