"""Harness construction, metadata loading, begin and the initial hooks, hooks on/off."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import ops
import pytest
from ops import testing


class Plain(ops.CharmBase):
    pass


def test_constructing_warns_pending_deprecation_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        harness = testing.Harness(Plain, meta='name: plain')
    harness.cleanup()
    deprecations = [w for w in caught if w.category is PendingDeprecationWarning]
    assert len(deprecations) == 1
    assert str(deprecations[0].message).startswith('Harness is deprecated.')
    assert deprecations[0].filename == __file__


def test_defaults_before_begin(harness: Any) -> None:
    assert harness.model.unit.name == 'app/0'
    assert harness.model.app.name == 'app'
    assert harness.model.name is None
    assert str(harness.model.juju_version) == '0.0.0'
    assert harness.model.unit.status == ops.MaintenanceStatus('')
    assert harness.model.unit.is_leader() is False
    assert isinstance(harness.framework, ops.Framework)
    with pytest.raises(RuntimeError):
        _ = harness.charm


def test_juju_version_comes_from_the_environment(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('JUJU_VERSION', '3.4.2')
    harness = make()
    assert harness.model.juju_version == '3.4.2'


def test_begin_instantiates_once(harness: Any) -> None:
    harness.begin()
    assert isinstance(harness.charm, ops.CharmBase)
    assert harness.charm.framework is harness.framework
    assert harness.charm.seen == []  # begin() emits nothing
    with pytest.raises(RuntimeError, match='more than once'):
        harness.begin()


def test_changes_before_begin_emit_nothing(harness: Any) -> None:
    harness.set_leader(True)
    harness.update_config({'port': 9000})
    rel = harness.add_relation('db', 'postgresql', unit_data={'host': 'pg'})
    harness.begin()
    assert harness.charm.seen == []
    assert harness.model.config['port'] == 9000
    assert harness.model.get_relation('db', rel).data[harness.model.get_unit('postgresql/0')] == {
        'host': 'pg'
    }


def test_begin_with_initial_hooks_order(harness: Any) -> None:
    harness.add_storage('data', 2)
    db = harness.add_relation('db', 'postgresql', app_data={'ready': 'yes'})
    harness.set_leader(True)
    harness.begin_with_initial_hooks()
    kinds = harness.charm.kinds
    assert kinds[:3] == ['data_storage_attached', 'data_storage_attached', 'install']
    created = kinds[3:5]
    assert sorted(created) == ['cluster_relation_created', 'db_relation_created']
    assert kinds[5:9] == ['leader_elected', 'config_changed', 'start', 'workload_pebble_ready']
    assert kinds[9:] == ['db_relation_changed', 'db_relation_joined', 'db_relation_changed']
    # The peer relation was added, the container became reachable, storage attached.
    assert harness.model.get_relation('cluster') is not None
    assert harness.model.unit.get_container('workload').can_connect()
    assert [s.full_id for s in harness.model.storages['data']] == ['data/0', 'data/1']
    joined = harness.charm.seen[10]
    assert joined.unit.name == 'postgresql/0' and joined.relation.id == db


def test_begin_with_initial_hooks_non_leader_gets_leader_settings_changed(harness: Any) -> None:
    harness.begin_with_initial_hooks()
    assert 'leader_settings_changed' in harness.charm.kinds
    assert 'leader_elected' not in harness.charm.kinds


def test_initial_hooks_reset_the_untouched_maintenance_status(harness: Any) -> None:
    harness.begin_with_initial_hooks()
    assert harness.model.unit.status == ops.UnknownStatus()


class StatusCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event: ops.StartEvent) -> None:
        self.unit.status = ops.ActiveStatus('up')


def test_initial_hooks_keep_a_status_the_charm_set(make: Any) -> None:
    harness = make(StatusCharm, meta='name: s')
    harness.begin_with_initial_hooks()
    assert harness.model.unit.status == ops.ActiveStatus('up')


def test_hooks_disabled_context_manager(begun: Any) -> None:
    with begun.hooks_disabled():
        begun.update_config({'port': 1})
        with begun.hooks_disabled():
            begun.set_leader(True)
        begun.add_relation('db', 'pg')
    assert begun.charm.seen == []
    assert begun.model.config['port'] == 1
    begun.update_config({'port': 2})
    assert begun.charm.kinds == ['config_changed']


def test_disable_and_enable_hooks(begun: Any) -> None:
    begun.disable_hooks()
    begun.set_leader(True)
    assert begun.charm.seen == []
    begun.enable_hooks()
    begun.set_leader(True)
    assert begun.charm.kinds == ['leader_elected']


def test_cleanup_removes_simulated_files(begun: Any) -> None:
    begun.set_can_connect('workload', True)
    root = begun.get_filesystem_root('workload')
    begun.model.unit.get_container('workload').push('/etc/x', 'x', make_dirs=True)
    assert (root / 'etc/x').exists()
    begun.cleanup()
    assert not root.exists()


def test_events_go_through_the_framework_with_deferral(make: Any) -> None:
    class Deferring(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            self.calls = 0
            framework.observe(self.on.config_changed, self._on_config)

        def _on_config(self, event: ops.ConfigChangedEvent) -> None:
            self.calls += 1
            if self.calls == 1:
                event.defer()

    harness = make(Deferring, meta='name: d', config=CONFIG_MIN)
    harness.begin()
    harness.update_config({'a': 'x'})
    assert harness.charm.calls == 1
    harness.framework.reemit()
    assert harness.charm.calls == 2
    harness.framework.reemit()
    assert harness.charm.calls == 2


CONFIG_MIN = 'options:\n  a: {type: string}\n'


# ---- metadata loading --------------------------------------------------------------------


def _charm_in(directory: Path, files: dict[str, str]) -> type[ops.CharmBase]:
    """Write a charm package (src/charm.py plus metadata files) and import its class."""
    src = directory / 'src'
    src.mkdir(parents=True)
    for name, content in files.items():
        (directory / name).write_text(textwrap.dedent(content))
    module_path = src / 'charm.py'
    module_path.write_text('import ops\n\nclass C(ops.CharmBase):\n    pass\n')
    name = f'harness_loaded_charm_{abs(hash(str(directory)))}'
    spec = importlib.util.spec_from_file_location(name, module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.C  # type: ignore[no-any-return]


def test_metadata_from_charmcraft_yaml(make: Any, tmp_path: Path) -> None:
    cls = _charm_in(
        tmp_path,
        {
            'charmcraft.yaml': """
                name: crafted
                summary: s
                description: d
                requires:
                  db: {interface: pgsql}
                config:
                  options:
                    level: {type: string, default: info}
                actions:
                  go: {}
            """
        },
    )
    harness = make(cls)
    assert harness.model.app.name == 'crafted'
    assert 'db' in harness.model.relations
    assert harness.model.config['level'] == 'info'
    harness.begin()
    assert 'go_action' in harness.charm.on.events()


def test_metadata_from_legacy_files(make: Any, tmp_path: Path) -> None:
    cls = _charm_in(
        tmp_path,
        {
            'metadata.yaml': 'name: legacy\nprovides:\n  web: {interface: http}\n',
            'config.yaml': 'options:\n  x: {type: int, default: 3}\n',
            'actions.yaml': 'do-it: {}\n',
        },
    )
    harness = make(cls)
    assert harness.model.unit.name == 'legacy/0'
    assert harness.model.config['x'] == 3
    harness.begin()
    assert 'do_it_action' in harness.charm.on.events()


def test_metadata_defaults_to_test_charm(make: Any, tmp_path: Path) -> None:
    cls = _charm_in(tmp_path, {})
    harness = make(cls)
    assert harness.model.app.name == 'test-charm'
    assert dict(harness.model.config) == {}


def test_explicit_yaml_is_dedented_and_files_are_accepted(make: Any, tmp_path: Path) -> None:
    meta_file = tmp_path / 'meta.yaml'
    meta_file.write_text('name: from-file\n')
    with meta_file.open() as f:
        harness = make(
            Plain,
            meta=f,
            config="""
            options:
              a:
                type: string
                default: z
        """,
        )
    assert harness.model.app.name == 'from-file'
    assert harness.model.config['a'] == 'z'


def test_initial_hooks_attach_every_known_storage_and_replay_peer_data(harness: Any) -> None:
    harness.add_storage('data', attach=True)
    harness.add_storage('cache')
    harness.add_storage('data')
    peers = harness.add_relation('cluster', 'app')
    harness.add_relation_unit(peers, 'app/1')
    harness.update_relation_data(peers, 'app', {'leader-said': 'hi'})
    harness.begin_with_initial_hooks()
    storage_events = [
        (e.handle.kind, e.storage.full_id) for e in harness.charm.seen if hasattr(e, 'storage')
    ]
    assert storage_events == [
        ('data_storage_attached', 'data/0'),
        ('data_storage_attached', 'data/2'),
        ('cache_storage_attached', 'cache/1'),
    ]
    assert harness.charm.kinds[-3:] == [
        'cluster_relation_changed',
        'cluster_relation_joined',
        'cluster_relation_changed',
    ]
    assert harness.charm.seen[-3].unit is None
