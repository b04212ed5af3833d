#!/usr/bin/env python3
"""A charm with one of everything, for the simulator's tests."""

import logging

import kitchen_helpers
import kitchen_recipes
import ops

logger = logging.getLogger(__name__)


class KitchenCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.db_relation_joined, self._on_db)
        framework.observe(self.on.db_relation_changed, self._on_db)
        framework.observe(self.on.backup_action, self._on_backup)
        framework.observe(self.on.secret_changed, self._on_secret_changed)
        framework.observe(self.on.pantry_storage_attached, self._on_pantry)

    def _on_install(self, event: ops.InstallEvent) -> None:
        logger.info('installing the kitchen')
        self.unit.status = ops.MaintenanceStatus('installed')

    def _on_start(self, event: ops.StartEvent) -> None:
        if not self.config['ready']:
            logger.warning('not ready to start; deferring')
            self.unit.status = ops.WaitingStatus('not ready')
            event.defer()
            return
        self.unit.status = ops.ActiveStatus('cooking')

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        if self.config['explode']:
            kitchen_helpers.fail_loudly(str(self.config['dish']))
        logger.debug('config is fine')

    def _on_leader_elected(self, event: ops.LeaderElectedEvent) -> None:
        self.app.status = ops.ActiveStatus('head chef')

    def _on_db(self, event: ops.RelationEvent) -> None:
        if self.unit.is_leader():
            event.relation.data[self.app]['menu'] = kitchen_recipes.greeting(
                str(self.config['dish'])
            )
        unit = event.unit.name if event.unit else 'none'
        event.relation.data[self.unit]['seen'] = unit

    def _on_backup(self, event: ops.ActionEvent) -> None:
        target = event.params.get('target', '')
        event.log(f'backing up to {target}')
        if target == 'fail':
            event.fail('no space left on the target')
            return
        event.set_results(
            {
                'target': target,
                'count-type': type(event.params.get('count')).__name__,
                'compress-type': type(event.params.get('compress')).__name__,
                'params': ', '.join(f'{k}={v}' for k, v in sorted(event.params.items())),
            }
        )

    def _on_secret_changed(self, event: ops.SecretChangedEvent) -> None:
        content = event.secret.get_content(refresh=True)
        logger.info('secret %s changed; it has %d keys', event.secret.label, len(content))
        self.unit.status = ops.ActiveStatus('secret refreshed')

    def _on_pantry(self, event: ops.StorageAttachedEvent) -> None:
        logger.info('pantry attached at %s', event.storage.location)


if __name__ == '__main__':
    ops.main(KitchenCharm)
