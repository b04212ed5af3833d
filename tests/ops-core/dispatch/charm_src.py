#!/usr/bin/env python3
"""The charm the dispatch tests install into a charm directory and run the way Juju does.

Every handler appends one JSON line to the file named by ``TEST_RECORD``; ``TEST_MODE``
(comma-separated words) switches behaviours on.
"""

import atexit
import dataclasses
import json
import logging
import os
import sys

import ops

logger = logging.getLogger(__name__)
MODE = set(filter(None, os.environ.get('TEST_MODE', '').split(',')))


def record(**fields):
    with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
        f.write(json.dumps(fields) + '\n')


@dataclasses.dataclass
class Config:
    name: str = 'world'
    port: int = 8080

    def __post_init__(self):
        if self.port <= 0:
            raise ValueError(f'port must be positive, not {self.port}')


if 'modules' in MODE:

    def _report_modules():
        heavy = ('ops_pebble', 'websocket', 'ssl', 'http.client', 'ops_testing')
        record(event='exit', modules=sorted(m for m in heavy if m in sys.modules))

    atexit.register(_report_modules)


if 'yaml-loaded' in MODE:
    atexit.register(lambda: record(event='exit', yaml_loaded='yaml' in sys.modules))


if 'count-reads' in MODE:
    import builtins
    import io

    _reads = []
    _original_open = io.open

    def _counting_open(file, *args, **kwargs):
        name = os.path.basename(os.fspath(file)) if isinstance(file, (str, os.PathLike)) else ''
        if name.endswith('.yaml'):
            _reads.append(name)
        return _original_open(file, *args, **kwargs)

    io.open = builtins.open = _counting_open
    atexit.register(lambda: record(event='reads', files=sorted(_reads)))


class TestCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(runs=0)
        self._stored.runs += 1
        on = self.on
        for event in (
            on.install,
            on.config_changed,
            on.start,
            on.leader_elected,
            on.update_status,
            on.secret_changed,
        ):
            framework.observe(event, self._on_simple)
        for kind in ('created', 'joined', 'changed', 'departed', 'broken'):
            framework.observe(getattr(on, f'db_relation_{kind}'), self._on_relation)
        framework.observe(on.data_storage_attached, self._on_storage)
        for kind in ('ready', 'custom_notice', 'check_failed', 'check_recovered'):
            framework.observe(getattr(on, f'workload_pebble_{kind}'), self._on_workload)
        framework.observe(on.go_action, self._on_go)
        framework.observe(on.explode_action, self._on_explode)
        if 'collect-status' in MODE:
            framework.observe(on.collect_unit_status, self._on_collect_unit)
        if 'collect-app-status' in MODE:
            framework.observe(on.collect_app_status, self._on_collect_app)

    def _on_simple(self, event):
        kind = event.handle.kind
        extra = {}
        if isinstance(event, ops.SecretChangedEvent):
            extra['secret_id'] = event.secret.id
            extra['content'] = event.secret.get_content()['key']
        if kind == 'config_changed':
            extra['config'] = dict(self.config)
            if 'yaml-loaded' in MODE:
                extra['options'] = {n: repr(o.default) for n, o in self.meta.config.items()}
            if 'typed-config' in MODE:
                extra['typed'] = dataclasses.asdict(self.load_config(Config, errors='blocked'))
        record(event=kind, runs=self._stored.runs, **extra)
        if 'debug-log' in MODE:
            logger.debug('charm debug line in %s', kind)
            logging.getLogger('charms.lib').debug('library debug line')
        if f'defer-{kind}' in MODE:
            logger.info('deferring %s', kind)
            event.defer()
        if f'raise-{kind}' in MODE:
            raise RuntimeError(f'charm failed in {kind}')
        if kind == 'update_status' and 'status-only' in MODE:
            self.unit.status = ops.ActiveStatus('all good')
        if kind == 'start':
            self.unit.status = ops.ActiveStatus('started')

    def _on_relation(self, event):
        rel = event.relation
        fields = {
            'event': event.handle.kind,
            'relation_id': rel.id,
            'app': event.app.name if event.app else None,
            'unit': event.unit.name if event.unit else None,
            'active': rel.active,
            'listed': [r.id for r in self.model.relations['db']],
        }
        if isinstance(event, ops.RelationDepartedEvent):
            fields['departing'] = event.departing_unit.name if event.departing_unit else None
        if isinstance(event, ops.RelationChangedEvent):
            fields['remote'] = dict(rel.data[event.unit]) if event.unit else None
            rel.data[self.unit]['seen'] = 'yes'
        record(**fields)

    def _on_workload(self, event):
        fields = {'event': event.handle.kind, 'container': event.workload.name}
        if isinstance(event, ops.PebbleCustomNoticeEvent):
            fields['notice'] = [event.notice.id, str(event.notice.type.value), event.notice.key]
        if isinstance(event, ops.PebbleCheckEvent):
            fields['check'] = event.info.name
        record(**fields)
        if 'defer-workload' in MODE:
            event.defer()

    def _on_storage(self, event):
        record(
            event=event.handle.kind,
            name=event.storage.name,
            index=event.storage.index,
            location=str(event.storage.location),
        )

    def _on_go(self, event):
        record(event='go_action', params=event.params, id=event.id)
        if 'raise-go' in MODE:
            raise ValueError('bad things in the action')
        event.log('working')
        event.set_results({'answer': event.params['value'] * 2, 'nested': {'key': 'v'}})

    def _on_explode(self, event):
        record(event='explode_action')
        event.fail('it blew up')

    def _on_collect_unit(self, event):
        event.add_status(ops.ActiveStatus('fine'))
        event.add_status(ops.BlockedStatus('needs db'))
        event.add_status(ops.WaitingStatus('waiting'))

    def _on_collect_app(self, event):
        event.add_status(ops.MaintenanceStatus('app busy'))


if __name__ == '__main__':
    if 'juju-storage' in MODE:
        ops.main(TestCharm, use_juju_for_storage=True)
    elif 'legacy-spelling' in MODE:
        import ops.main

        ops.main.main(TestCharm)
    else:
        ops.main(TestCharm)
