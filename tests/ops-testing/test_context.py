"""Context construction: explicit metadata, autoload from the charm's files, extensions."""

from __future__ import annotations

import importlib.util
import logging
import pathlib
import re
import sys
import textwrap
import uuid
from typing import Any

import ops
import pytest
from ops import testing
from ops.testing import errors

CHARM_SOURCE = """
import ops

class Charm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._start)

    def _start(self, event):
        self.unit.status = ops.ActiveStatus(self.meta.name)
"""


def _charm_in(root: pathlib.Path, files: dict[str, str]) -> type[ops.CharmBase]:
    (root / 'src').mkdir(parents=True)
    (root / 'src' / 'charm.py').write_text(CHARM_SOURCE)
    for name, content in files.items():
        (root / name).write_text(textwrap.dedent(content))
    module_name = f'charm_{uuid.uuid4().hex}'
    spec = importlib.util.spec_from_file_location(module_name, root / 'src' / 'charm.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module.Charm  # type: ignore[no-any-return]


def test_autoload_charmcraft_yaml(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(
        tmp_path,
        {
            'charmcraft.yaml': """
                type: charm
                name: crafted
                summary: s
                description: d
                requires:
                  db: {interface: pg}
                config:
                  options:
                    level: {type: string, default: info}
                actions:
                  go: {}
            """,
        },
    )
    ctx = testing.Context(charm)
    assert ctx.app_name == 'crafted'
    out = ctx.run(ctx.on.start(), testing.State(relations=[testing.Relation('db')]))
    assert out.unit_status == testing.ActiveStatus('crafted')
    ctx.run(ctx.on.action('go'), testing.State(config={'level': 'debug'}))


def test_autoload_legacy_files(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(
        tmp_path,
        {
            'metadata.yaml': 'name: legacy\n',
            'config.yaml': 'options:\n  a: {type: int, default: 1}\n',
            'actions.yaml': 'go: {}\n',
        },
    )
    ctx = testing.Context(charm)
    assert ctx.app_name == 'legacy'
    ctx.run(ctx.on.action('go'), testing.State(config={'a': 2}))


def test_charmcraft_yaml_without_required_keys_is_ignored(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(
        tmp_path,
        {'charmcraft.yaml': 'type: charm\nname: x\n', 'metadata.yaml': 'name: from-metadata\n'},
    )
    assert testing.Context(charm).app_name == 'from-metadata'


def test_no_metadata_at_all(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(tmp_path, {})
    with pytest.raises(errors.ContextSetupError, match='Did you forget to pass `meta`') as info:
        testing.Context(charm)
    assert isinstance(info.value.__cause__, errors.MetadataNotFoundError)


@pytest.mark.parametrize(
    ('meta', 'message', 'also'),
    [
        # ops-scenario 8.9 raised TypeError: 'int' object is not iterable (or similar) from
        # deep inside the run; a wrong type is still a TypeError.
        ({'name': 'x', 'requires': 5}, 'requires: expected a mapping, got int', TypeError),
        (
            {'name': 'x', 'requires': {'db': 5}},
            'requires.db: expected a mapping, got int',
            TypeError,
        ),
        ({'name': 'x', 'requires': {'db': {}}}, "requires.db: missing 'interface'", ValueError),
        (
            {'name': 'x', 'containers': ['a']},
            'containers: expected a mapping, got list',
            TypeError,
        ),
        ({'name': 'x', 'storage': {'d': 7}}, 'storage.d: expected a mapping, got int', TypeError),
        (
            {'name': 'x', 'provides': {'p': {'interface': 'i', 'limit': 'many'}}},
            "provides.p.limit: expected an integer, got 'many'",
            TypeError,
        ),
        ([1, 2], 'metadata: expected a mapping, got list', TypeError),
    ],
)
def test_malformed_metadata_is_a_metadata_error_naming_the_field(
    meta: Any, message: str, also: type[Exception]
) -> None:
    with pytest.raises(ops.charm.MetadataError, match=f'^{re.escape(message)}') as info:
        testing.Context(ops.CharmBase, meta=meta)
    assert isinstance(info.value, (ValueError, also))


def test_malformed_actions_and_config_are_metadata_errors() -> None:
    with pytest.raises(ops.charm.MetadataError, match=r'^actions.go: expected a mapping'):
        testing.Context(ops.CharmBase, meta={'name': 'x'}, actions={'go': 3})
    with pytest.raises(ops.charm.MetadataError, match=r'^config.options.a: expected a mapping'):
        testing.Context(ops.CharmBase, meta={'name': 'x'}, config={'options': {'a': 'b'}})


def test_interface_shorthand_is_accepted() -> None:
    ctx = testing.Context(ops.CharmBase, meta={'name': 'x', 'requires': {'db': 'pgsql'}})
    relation = testing.Relation('db')
    with ctx(ctx.on.relation_joined(relation), testing.State(relations=[relation])) as mgr:
        assert mgr.charm.meta.requires['db'].interface_name == 'pgsql'
        mgr.run()


def test_autoloaded_malformed_metadata_names_the_file(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(tmp_path / 'a', {'metadata.yaml': 'name: x\nrequires:\n  db: 5\n'})
    with pytest.raises(ops.charm.MetadataError) as info:
        testing.Context(charm)
    assert (
        str(info.value)
        == f'{tmp_path / "a" / "metadata.yaml"}: requires.db: expected a mapping, got int'
    )
    charm = _charm_in(
        tmp_path / 'b',
        {'metadata.yaml': 'name: x\n', 'config.yaml': 'options: {a: 5}\n'},
    )
    with pytest.raises(
        ops.charm.MetadataError,
        match=re.escape(f'{tmp_path / "b" / "config.yaml"}: config.options.a: expected a mapping'),
    ):
        testing.Context(charm)


def test_autoloaded_metadata_that_is_not_yaml(tmp_path: pathlib.Path) -> None:
    import yaml

    charm = _charm_in(tmp_path, {'metadata.yaml': 'name: [x\n'})
    with pytest.raises(ops.charm.MetadataError) as info:
        testing.Context(charm)
    assert str(info.value) == (
        f'{tmp_path / "metadata.yaml"}: not valid YAML: line 2, column 1: '
        "expected ',' or ']', but got '<stream end>'"
    )
    assert isinstance(info.value, yaml.YAMLError)  # what ops-scenario 8.9 raised


def test_duplicate_endpoints_stay_an_inconsistency_as_in_scenario() -> None:
    meta = {
        'name': 'x',
        'requires': {'a': {'interface': 'i'}},
        'provides': {'a': {'interface': 'j'}},
    }
    ctx = testing.Context(ops.CharmBase, meta=meta)
    with pytest.raises(errors.InconsistentScenarioError, match='duplicate endpoint name'):
        ctx.run(ctx.on.start(), testing.State())


def test_extensions_are_expanded(tmp_path: pathlib.Path) -> None:
    charm = _charm_in(
        tmp_path,
        {
            'charmcraft.yaml': """
                type: charm
                name: web
                summary: s
                description: d
                extensions: [flask-framework]
                requires:
                  db: {interface: pg}
                config:
                  options:
                    extra: {type: string}
            """,
        },
    )
    ctx = testing.Context(charm)
    state = testing.State.from_context(ctx)
    assert state.get_container('flask-app').can_connect
    assert state.config['flask-preferred-url-scheme'] == 'HTTPS'
    endpoints = {r.endpoint for r in state.relations}
    assert {
        'db',
        'ingress',
        'logging',
        'secret-storage',
        'grafana-dashboard',
        'metrics-endpoint',
    } <= endpoints
    ctx.run(ctx.on.action('rotate-secret-key'), state)


@pytest.mark.parametrize(
    ('extra', 'message'),
    [
        ('requires:\n  ingress: {interface: x}\n', 'overlapping keys'),
        (
            'config:\n  options:\n    flask-env: {type: string}\n',
            'in config.options of charmcraft.yaml',
        ),
        ('actions:\n  rotate-secret-key: {}\n', 'in actions of charmcraft.yaml'),
        ('assumes: juju\n', 'Conflict between local and extension metadata'),
    ],
)
def test_extension_conflicts(tmp_path: pathlib.Path, extra: str, message: str) -> None:
    base = 'type: charm\nname: web\nsummary: s\ndescription: d\nextensions: [flask-framework]\n'
    charm = _charm_in(tmp_path, {'charmcraft.yaml': base + extra})
    with pytest.raises(ValueError, match=message):
        testing.Context(charm)


def test_unknown_extension_warns(tmp_path: pathlib.Path) -> None:
    base = 'type: charm\nname: web\nsummary: s\ndescription: d\nextensions: [nope]\n'
    charm = _charm_in(tmp_path, {'charmcraft.yaml': base})
    with pytest.warns(UserWarning, match="Unknown charmcraft extension 'nope'"):
        testing.Context(charm)


def test_every_known_extension_loads(tmp_path: pathlib.Path) -> None:
    from ops_testing._extensions import KNOWN_EXTENSIONS, apply_extensions

    for name in sorted(KNOWN_EXTENSIONS):
        meta: dict[str, Any] = {'name': 'x'}
        apply_extensions(meta, [name])
        assert 'rotate-secret-key' in meta['actions']
        assert len(meta['containers']) == 1
    meta = {'name': 'x'}
    apply_extensions(meta, ['django-framework'])
    assert meta['actions']['create-superuser']['required'] == ['email', 'username']
    assert meta['config']['options']['django-debug']['default'] is False


def test_explicit_metadata_forms() -> None:
    class Charm(ops.CharmBase):
        pass

    full = {'name': 'full', 'actions': {'a': {}}, 'config': {'options': {'o': {'type': 'int'}}}}
    ctx = testing.Context(Charm, meta=full)
    ctx.run(ctx.on.action('a'), testing.State(config={'o': 1}))
    with pytest.raises(
        ValueError, match='Cannot specify actions in both charmcraft.yaml and separately'
    ):
        testing.Context(Charm, meta=full, actions={'b': {}})
    with pytest.raises(ValueError, match='Cannot specify config in both'):
        testing.Context(Charm, meta=full, config={'options': {}})
    only_actions = testing.Context(Charm, actions={'a': {}})
    assert only_actions.app_name == 'Charm'


def test_context_attributes() -> None:
    class Charm(ops.CharmBase):
        pass

    ctx = testing.Context(Charm, meta={'name': 'x'}, unit_id=None, app_trusted=True)
    assert ctx.unit_id == 0
    assert ctx.app_name == 'x'
    assert ctx.juju_version == '3.6.14'
    assert ctx.app_trusted
    assert ctx.juju_log == [] and ctx.emitted_events == [] and ctx.action_results is None
    with pytest.warns(DeprecationWarning):
        assert ctx.charm_spec is not None
    with testing.Context(Charm, meta={'name': 'x'}) as managed:
        managed.run(managed.on.start(), testing.State())


def test_juju_2_warns(caplog: pytest.LogCaptureFixture) -> None:
    class Charm(ops.CharmBase):
        pass

    with caplog.at_level(logging.WARNING):
        testing.Context(Charm, meta={'name': 'x'}, juju_version='2.9.44')
    assert any('Juju 2' in r.getMessage() for r in caplog.records)


def test_charm_root(tmp_path: pathlib.Path) -> None:
    (tmp_path / 'templates').mkdir()
    (tmp_path / 'templates' / 'x.txt').write_text('template')

    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._start)
            self.text = ''

        def _start(self, event: ops.StartEvent) -> None:
            self.text = (self.charm_dir / 'templates' / 'x.txt').read_text()
            self.text += (self.charm_dir / 'metadata.yaml').read_text()

    (tmp_path / 'metadata.yaml').write_text('name: original\n')
    ctx = testing.Context(Charm, meta={'name': 'x'}, charm_root=tmp_path)
    with ctx(ctx.on.start(), testing.State()) as mgr:
        mgr.run()
        assert mgr.charm.text == 'templatename: x\n'
    assert (tmp_path / 'metadata.yaml').read_text() == 'name: original\n'
    assert not (tmp_path / 'config.yaml').exists()


def test_scenario_import_name() -> None:
    import scenario
    import scenario.context
    import scenario.errors
    import scenario.state

    assert scenario.State is testing.State
    assert scenario.Context is testing.Context
    assert scenario.state.Relation is testing.Relation
    assert scenario.errors.UncaughtCharmError is errors.UncaughtCharmError
    assert scenario.context.Context is testing.Context


def test_default_charm_dir_has_the_metadata_files() -> None:
    class Charm(ops.CharmBase):
        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.start, self._start)
            self.files: dict[str, str] = {}

        def _start(self, event: ops.StartEvent) -> None:
            for name in ('metadata.yaml', 'config.yaml', 'actions.yaml'):
                path = self.charm_dir / name
                self.files[name] = path.read_text() if path.exists() else ''

    ctx = testing.Context(Charm, meta={'name': 'x'}, actions={'go': {}})
    with ctx(ctx.on.start(), testing.State()) as mgr:
        mgr.run()
        files = mgr.charm.files
    assert files['metadata.yaml'] == 'name: x\n'
    assert files['actions.yaml'] == 'go: {}\n'
    assert files['config.yaml'] == '{}\n'


def test_captured_framework_events_include_app_collect_status_on_the_leader() -> None:
    # As in ops 3.9: the leader collects app status too, even when no handler observes it.
    class Quiet(ops.CharmBase):
        pass

    for leader, expected in (
        (
            True,
            [
                'StartEvent',
                'CollectStatusEvent',
                'CollectStatusEvent',
                'PreCommitEvent',
                'CommitEvent',
            ],
        ),
        (False, ['StartEvent', 'CollectStatusEvent', 'PreCommitEvent', 'CommitEvent']),
    ):
        ctx = testing.Context(Quiet, meta={'name': 'quiet'}, capture_framework_events=True)
        ctx.run(ctx.on.start(), testing.State(leader=leader))
        assert [type(e).__name__ for e in ctx.emitted_events] == expected
