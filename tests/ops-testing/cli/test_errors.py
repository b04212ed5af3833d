"""Bad command lines, events, state files and charms: one line on stderr, exit status 2."""

from __future__ import annotations

import pathlib
import subprocess
import textwrap
from collections.abc import Callable

import pytest

HERE = pathlib.Path(__file__).parent
KITCHEN = HERE / 'charms' / 'kitchen'
Cli = Callable[..., subprocess.CompletedProcess[str]]


def assert_usage_error(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('python -m ops_testing: error: ')
    for text in expected:
        assert text in lines[0]
    assert result.stdout == ''


@pytest.mark.parametrize(
    ('event', 'expected'),
    [
        ('bogus', "unknown event 'bogus'"),
        ('install:x', 'takes no ":" arguments'),
        ('action:nope', "no action 'nope' (its actions: backup)"),
        ('relation-changed', 'needs an endpoint'),
        ('relation-changed:nope', "no relation endpoint 'nope' (its endpoints: cooks, db)"),
        ('relation-changed:db:x', "relation id 'x'"),
        ('relation-changed:db:99', 'no relation with id 99'),
        ('pebble-ready:web', "no container 'web' (its containers: none)"),
        ('secret-changed:nope', "no secret with id or label 'nope'"),
        ('storage-attached:nope', "no storage 'nope' (its storages: pantry)"),
        ('storage-attached:pantry:x', "storage index 'x'"),
    ],
)
def test_bad_event(cli: Cli, event: str, expected: str):
    assert_usage_error(cli('run', KITCHEN, event), expected)


@pytest.mark.parametrize(
    ('args', 'expected'),
    [
        (['action:backup', '--param', 'count=many'], "count='many' for action 'backup'"),
        (
            ['action:backup', '--param', 'novalue'],
            "'novalue' for action 'backup' is not of the form",
        ),
        (['install', '--param', 'a=b'], '--param is only for actions'),
        (['install', '--config', 'ready=maybe'], "ready='maybe' for the charm"),
        (['install', '--config', 'colour=red'], "no option 'colour' (its options: dish,"),
        (['install', '--out', 'out.txt'], 'must end in .yaml, .yml or .json'),
        (['install', '--out', 'missing/out.yaml'], 'does not exist'),
        (['install', '--state', 'missing.yaml'], "cannot read state file 'missing.yaml'"),
        (['relation-joined:db', '--departing-unit', '1'], '--departing-unit is only for'),
        (['install', '--remote-unit', 'x'], "argument --remote-unit: invalid int value: 'x'"),
        (['install', '--frobnicate'], 'unrecognized arguments: --frobnicate'),
    ],
)
def test_bad_options(cli: Cli, args: list[str], expected: str):
    assert_usage_error(cli('run', KITCHEN, *args), expected)


def test_bad_command(cli: Cli):
    assert_usage_error(cli('frob'), "invalid choice: 'frob'")
    assert_usage_error(cli('run', KITCHEN), 'the following arguments are required: EVENT')
    assert_usage_error(cli(), 'the following arguments are required: COMMAND')


@pytest.mark.parametrize(
    ('name', 'content', 'expected'),
    [
        ('s.yaml', 'relations: [1', "'s.yaml' is not valid YAML: line 1, column 14"),
        ('s.json', '{"leader": tru}', "'s.json' is not valid JSON"),
        ('s.yaml', '- 1\n- 2\n', 'must hold a mapping of State fields, not a list'),
        ('s.yaml', 'relations: [{$type: Nope}]', "unknown State component type 'Nope'"),
        ('s.yaml', 'colour: red', 'not a valid State: TypeError'),
        ('s.yaml', '$type: Relation\nendpoint: db', 'describes a Relation, not a State'),
        ('s.toml', 'leader = true', "state file 's.toml' must end in .yaml, .yml or .json"),
    ],
)
def test_invalid_state_file(
    cli: Cli, tmp_path: pathlib.Path, name: str, content: str, expected: str
):
    (tmp_path / name).write_text(content)
    assert_usage_error(cli('run', KITCHEN, 'install', '--state', name), expected)


def test_empty_state_file_is_an_empty_state(cli: Cli, tmp_path: pathlib.Path):
    (tmp_path / 'empty.yaml').write_text('')
    result = cli('run', KITCHEN, 'install', '--state', 'empty.yaml')
    assert result.returncode == 0, result.stderr


def test_inconsistent_state_is_a_usage_error(cli: Cli, tmp_path: pathlib.Path):
    # A relation on an endpoint the charm does not declare.
    (tmp_path / 's.yaml').write_text('relations: [{$type: Relation, endpoint: nope, id: 1}]')
    assert_usage_error(
        cli('run', KITCHEN, 'install', '--state', 's.yaml'), 'the state does not fit the charm'
    )


def make_charm(root: pathlib.Path, source: str, meta: str = 'name: tmp\n') -> pathlib.Path:
    (root / 'src').mkdir(parents=True)
    (root / 'metadata.yaml').write_text(meta)
    (root / 'src' / 'charm.py').write_text(textwrap.dedent(source))
    return root


def test_not_a_charm_directory(cli: Cli, tmp_path: pathlib.Path):
    assert_usage_error(cli('run', tmp_path / 'nowhere', 'install'), 'does not exist')
    assert_usage_error(cli('run', tmp_path, 'install'), 'has no charmcraft.yaml or metadata.yaml')
    (tmp_path / 'metadata.yaml').write_text('name: x\n')
    assert_usage_error(cli('run', tmp_path, 'install'), 'has no src/charm.py')


def test_module_without_a_charm_class(cli: Cli, tmp_path: pathlib.Path):
    charm = make_charm(tmp_path / 'c', 'import ops\n')
    assert_usage_error(cli('run', charm, 'install'), 'defines no ops.CharmBase subclass')


def test_several_charm_classes_need_charm_class(cli: Cli, tmp_path: pathlib.Path):
    charm = make_charm(
        tmp_path / 'c',
        """
        import ops

        class First(ops.CharmBase):
            pass

        class Second(ops.CharmBase):
            def __init__(self, framework):
                super().__init__(framework)
                framework.observe(self.on.install, self._on_install)

            def _on_install(self, event):
                self.unit.status = ops.ActiveStatus('second')
        """,
    )
    assert_usage_error(cli('run', charm, 'install'), 'several charm classes (First, Second)')
    assert_usage_error(
        cli('run', charm, 'install', '--charm-class', 'Third'), "no charm class 'Third'"
    )
    chosen = cli('run', charm, 'install', '--charm-class', 'Second')
    assert chosen.returncode == 0, chosen.stderr
    assert 'active: second' in chosen.stdout


def test_subclass_of_an_imported_charm_is_chosen(cli: Cli, tmp_path: pathlib.Path):
    charm = make_charm(
        tmp_path / 'c',
        """
        import ops

        class Base(ops.CharmBase):
            pass

        class Concrete(Base):
            pass
        """,
    )
    result = cli('run', charm, 'install')
    assert result.returncode == 0, result.stderr
    assert 'install on tmp/0: done' in result.stdout


def test_charm_module_that_raises_on_import(cli: Cli, tmp_path: pathlib.Path):
    charm = make_charm(
        tmp_path / 'c', "import ops\n\nraise ImportError('no module named fancy')\n"
    )
    result = cli('run', charm, 'install')
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        'python -m ops_testing: error: importing src/charm.py raised ImportError: '
        'no module named fancy'
    )
    assert lines[1].startswith('  src/charm.py:3 in <module>')
    assert 'Traceback' not in result.stderr


def test_invalid_metadata_is_a_usage_error(cli: Cli, tmp_path: pathlib.Path):
    charm = make_charm(
        tmp_path / 'c',
        'import ops\n\nclass C(ops.CharmBase):\n    pass\n',
        meta='summary: no name here\n',
    )
    assert_usage_error(cli('run', charm, 'install'), 'has no name')
    (charm / 'metadata.yaml').write_text('')
    (charm / 'charmcraft.yaml').write_text('name: x\ntype: charm\n')
    assert_usage_error(cli('run', charm, 'install'), 'charmcraft.yaml needs type: charm, name,')


@pytest.mark.parametrize(
    ('files', 'expected'),
    [
        (
            {'metadata.yaml': 'name: x\nrequires: 5\n'},
            'c/metadata.yaml: requires: expected a mapping, got int',
        ),
        (
            {'metadata.yaml': 'name: x\nrequires:\n  db: 5\n'},
            'c/metadata.yaml: requires.db: expected a mapping',
        ),
        (
            {'metadata.yaml': 'name: [x\n'},
            "c/metadata.yaml: not valid YAML: line 2, column 1: expected ','",
        ),
        ({'metadata.yaml': '- 1\n'}, 'c/metadata.yaml: expected a mapping, got list'),
        (
            {'metadata.yaml': 'name: x\n', 'actions.yaml': 'backup: 5\n'},
            'c/actions.yaml: actions.backup: expected a mapping, got int',
        ),
        (
            {'metadata.yaml': 'name: x\n', 'config.yaml': 'options: {a: {type: bool}}\n'},
            "c/config.yaml: config.options.a.type: expected one of string, int, float, boolean, secret, got 'bool'",
        ),
        (
            {
                'charmcraft.yaml': 'type: charm\nname: x\nsummary: s\ndescription: d\nstorage: {data: 3}\n'
            },
            'c/charmcraft.yaml: storage.data: expected a mapping, got int',
        ),
    ],
)
def test_malformed_metadata_is_one_line_naming_file_and_field(
    cli: Cli, tmp_path: pathlib.Path, files: dict[str, str], expected: str
):
    charm = make_charm(tmp_path / 'c', 'import ops\n\nclass C(ops.CharmBase):\n    pass\n')
    (charm / 'metadata.yaml').unlink()
    for name, content in files.items():
        (charm / name).write_text(content)
    assert_usage_error(cli('run', 'c', 'install'), f'error: invalid charm metadata: {expected}')
    assert_usage_error(cli('lifecycle', 'c'), f'error: invalid charm metadata: {expected}')
