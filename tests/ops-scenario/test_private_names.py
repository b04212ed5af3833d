"""ops-scenario 8.9's private names that pytest-interface-tester imports, used as it uses them.

pytest-interface-tester (autoloaded by pytest in any environment where it is installed)
imports ``_DEFAULT_JUJU_DATABAG``, ``_Event``, ``_EventPath`` and ``_CharmSpec`` from
``scenario.state`` and ``CharmEvents`` from ``scenario.context``. These tests do what it
does with them: build a relation event from a hook name, re-target it at another relation
with ``dataclasses.replace`` and ``event.path.suffix``, run it, and read a charm's metadata.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import pathlib
import sys
import textwrap
from typing import Any, ClassVar

import ops
import pytest
import scenario
import scenario.context
import scenario.errors
import scenario.state
from ops import testing

META = {
    'name': 'tracer',
    'requires': {'foo-one': {'interface': 'tracing'}},
}


class DatabagCharm(ops.CharmBase):
    seen: ClassVar[list[str]] = []

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on['foo-one'].relation_changed, self._on_changed)

    def _on_changed(self, event: ops.RelationChangedEvent) -> None:
        self.seen.append(event.relation.name)
        event.relation.data[self.app]['endpoint'] = 'http://tracer:4318'


def test_the_names_are_the_objects_context_uses() -> None:
    event = scenario.context.CharmEvents.relation_changed(testing.Relation('foo-one'))
    assert isinstance(event, scenario.state._Event)
    assert isinstance(event.path, scenario.state._EventPath)
    assert scenario.context.CharmEvents is type(testing.Context(DatabagCharm, meta=META).on)
    assert scenario.state.Relation is testing.Relation


def test_a_relation_event_retargeted_by_path_suffix_runs_on_the_new_relation() -> None:
    # What the plugin does with a test's 'tracing-relation-changed': build the event for a
    # template relation, then point it at the charm's own endpoint (with a hyphen).
    template = testing.Relation('tracing', interface='tracing')
    event = scenario.context.CharmEvents.relation_changed(template)
    assert event.path.suffix == '_relation_changed'
    assert event.path.prefix == 'tracing'

    relation = testing.Relation('foo-one', interface='tracing')
    retargeted = dataclasses.replace(
        event, relation=relation, path=relation.endpoint + event.path.suffix
    )
    assert retargeted.name == 'foo_one_relation_changed'
    assert retargeted.path.juju_prefix == 'foo-one'

    DatabagCharm.seen.clear()
    ctx = testing.Context(DatabagCharm, meta=META)
    state = ctx.run(retargeted, testing.State(leader=True, relations={relation}))
    assert DatabagCharm.seen == ['foo-one']
    assert state.get_relation(relation.id).local_app_data == {'endpoint': 'http://tracer:4318'}
    assert ctx.emitted_events[0].handle.kind == 'foo_one_relation_changed'


@pytest.mark.parametrize(
    ('path', 'prefix', 'suffix', 'python_suffix', 'kind'),
    [
        ('db_relation_joined', 'db', '_relation_joined', '_relation_joined', 'relation'),
        ('data-store_storage_attached', 'data_store', '_storage_attached', None, 'storage'),
        ('workload_pebble_ready', 'workload', '_pebble_ready', None, 'workload'),
        ('do_thing_action', 'do_thing', '_action', None, 'action'),
        ('update_status', 'update_status', '', 'update_status', 'lifecycle'),
        ('secret_changed', 'secret_changed', '', 'secret_changed', 'secret'),
        ('my_custom', 'my_custom', '', '', 'custom'),
    ],
)
def test_event_path_parts(
    path: str, prefix: str, suffix: str, python_suffix: str | None, kind: str
) -> None:
    parsed = scenario.state._EventPath(path)
    assert (parsed.prefix, parsed.suffix, parsed.type) == (prefix, suffix, kind)
    assert parsed.python_suffix == (suffix if python_suffix is None else python_suffix)
    assert parsed.python_name == parsed.name == str(parsed)
    assert parsed.owner_path == ['on']


def test_a_juju_hook_name_is_an_event_path() -> None:
    # ops-scenario 8.9 tests build events as _Event('foo-pebble-ready', container=...).
    parsed = scenario.state._EventPath('foo-bar-pebble-ready')
    assert parsed == 'foo_bar_pebble_ready'
    assert (parsed.prefix, parsed.suffix, parsed.juju_prefix) == (
        'foo_bar',
        '_pebble_ready',
        'foo-bar',
    )
    container = testing.Container('foo-bar')
    event = scenario.state._Event('foo-bar-pebble-ready', container=container)
    assert event.prefix == 'foo_bar'
    assert event.hook_name == 'foo-bar-pebble-ready'


def test_a_dotted_event_path_names_its_owner() -> None:
    parsed = scenario.state._EventPath('my_lib.on.ready')
    assert parsed.owner_path == ['my_lib', 'on']
    assert parsed.python_name == 'ready'


def test_default_juju_databag_is_what_a_unit_databag_starts_with() -> None:
    relation = testing.Relation('db')
    assert set(scenario.state._DEFAULT_JUJU_DATABAG) == set(relation.local_unit_data)
    assert dict(relation.local_unit_data) == dict(scenario.state._DEFAULT_JUJU_DATABAG)


class SpecCharm(ops.CharmBase):
    pass


def test_charm_spec_from_keywords() -> None:
    spec = scenario.state._CharmSpec(
        meta=META, actions={'go': {}}, config={'options': {}}, charm_type=SpecCharm
    )
    assert (spec.meta, spec.actions, spec.config) == (META, {'go': {}}, {'options': {}})
    assert spec.charm_type is SpecCharm
    assert spec.get_all_relations() == [('foo-one', {'interface': 'tracing'})]
    assert scenario.state._CharmSpec[SpecCharm] is scenario.state._CharmSpec


def test_charm_spec_autoload_without_metadata_is_metadata_not_found() -> None:
    # This module's directory has no charmcraft.yaml or metadata.yaml above it.
    with pytest.raises(scenario.errors.MetadataNotFoundError):
        scenario.state._CharmSpec.autoload(SpecCharm)


def test_charm_spec_autoload_reads_the_charm_root(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / 'src').mkdir()
    (tmp_path / 'metadata.yaml').write_text('name: disk\nprovides:\n  web: {interface: http}\n')
    (tmp_path / 'config.yaml').write_text('options:\n  port: {type: int, default: 80}\n')
    (tmp_path / 'src' / 'disk_charm.py').write_text(
        textwrap.dedent(
            """
            import ops

            class DiskCharm(ops.CharmBase):
                pass
            """
        )
    )
    loaded = importlib.util.spec_from_file_location(
        'disk_charm', tmp_path / 'src' / 'disk_charm.py'
    )
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    monkeypatch.setitem(sys.modules, 'disk_charm', module)  # inspect.getfile looks here
    loaded.loader.exec_module(module)

    spec: Any = scenario.state._CharmSpec.autoload(module.DiskCharm)
    assert spec.is_autoloaded
    assert spec.meta['name'] == 'disk'
    assert spec.config == {'options': {'port': {'type': 'int', 'default': 80}}}
    assert spec.actions is None
    assert spec.get_all_relations() == [('web', {'interface': 'http'})]
