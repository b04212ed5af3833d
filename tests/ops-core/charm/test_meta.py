"""Charm metadata: loading metadata.yaml/actions.yaml/config.yaml or charmcraft.yaml, and errors."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import ops
import pytest
from ops.charm import MetadataError, MetadataLinks

FULL = """
name: foo
summary: s
description: d
maintainer: bob
maintainers: [al]
assumes: [juju >= 3.1, {any-of: [k8s-api, {all-of: [x, y]}]}]
links: {website: [http://w], source: http://s, issues: http://i, documentation: http://d}
requires:
  db: {interface: pgsql, limit: 1, optional: true}
  my-cache: redis
provides:
  web: {interface: http, scope: container}
peers:
  peer: {interface: p}
storage:
  data: {type: filesystem, location: /data, multiple: {range: 1-3}, minimum-size: 1G}
  cache: {type: block, multiple: {range: 2+}, properties: [transient], read-only: true}
  one: {type: filesystem, multiple: {range: '3'}}
  open: {type: filesystem, multiple: {range: 2-}}
containers:
  wl: {resource: img, mounts: [{storage: data, location: /data}]}
  wl2:
    bases: [{name: ubuntu, channel: '22.04', architectures: [amd64]}]
    mounts: [{storage: data, location: /a}, {storage: data, location: /b}]
resources:
  img: {type: oci-image}
  f: {type: file, filename: x.tgz, description: dd}
payloads:
  p1: {type: docker}
extra-bindings: {ex: null}
charm-user: non-root
"""


def test_every_field_of_a_full_metadata_file() -> None:
    meta = ops.CharmMeta.from_yaml(
        FULL,
        actions='do-it: {description: xx, params: {x: {type: string}}, required: [x], '
        'additionalProperties: false}\nother: {}',
        config='options: {port: {type: int, default: 8080, description: The port}, '
        'name: {type: string}}',
    )
    assert meta.name == 'foo' and meta.summary == 's' and meta.description == 'd'
    assert meta.maintainers == ['bob', 'al']
    assert meta.links == MetadataLinks(['http://w'], ['http://s'], ['http://i'], 'http://d')
    assert meta.charm_user == 'non-root'
    assert meta.assumes == ops.JujuAssumes(
        [
            'juju >= 3.1',
            ops.JujuAssumes(
                ['k8s-api', ops.JujuAssumes(['x', 'y'])], ops.JujuAssumesCondition.ANY
            ),
        ]
    )
    db = meta.requires['db']
    assert (db.role, db.interface_name, db.limit, db.optional, db.scope) == (
        ops.RelationRole.requires,
        'pgsql',
        1,
        True,
        'global',
    )
    assert meta.requires['my-cache'].interface_name == 'redis'  # the short form
    assert meta.provides['web'].scope == 'container'
    assert meta.peers['peer'].role.is_peer()
    assert list(meta.relations) == ['db', 'my-cache', 'web', 'peer']
    assert meta.storages['data'].multiple_range == (1, 3)
    assert meta.storages['data'].minimum_size == '1G'
    assert meta.storages['cache'].multiple_range == (2, None)
    assert meta.storages['cache'].read_only and meta.storages['cache'].properties == ['transient']
    assert meta.storages['one'].multiple_range == (3, 3)
    assert meta.storages['open'].multiple_range == (2, None)
    assert meta.containers['wl'].mounts['data'].location == '/data'
    assert meta.containers['wl'].resource == 'img'
    wl2 = meta.containers['wl2']
    assert wl2.mounts['data'].locations == ['/a', '/b']
    with pytest.raises(RuntimeError, match='locations'):
        _ = wl2.mounts['data'].location
    assert wl2.bases == [ops.ContainerBase('ubuntu', '22.04', ['amd64'])]
    assert meta.resources['f'].filename == 'x.tgz' and meta.resources['img'].type == 'oci-image'
    assert meta.payloads['p1'].type == 'docker'
    assert meta.extra_bindings == {'ex': None}
    act = meta.actions['do-it']
    assert (act.description, act.parameters, act.required, act.additional_properties) == (
        'xx',
        {'x': {'type': 'string'}},
        ['x'],
        False,
    )
    assert meta.config['port'] == ops.ConfigMeta('port', 'int', 8080, 'The port')
    assert meta.config['name'].default is None


def test_empty_metadata_has_empty_defaults() -> None:
    meta = ops.CharmMeta()
    assert meta.name == '' and meta.relations == {} and meta.actions == {} and meta.config == {}
    assert meta.links == MetadataLinks([], [], [], None)
    assert meta.charm_user == 'root' and meta.subordinate is False


def test_additional_properties_defaults_by_juju_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('JUJU_VERSION', '3.6.0')
    assert ops.ActionMeta('a').additional_properties is True
    monkeypatch.setenv('JUJU_VERSION', '4.0.0')
    assert ops.ActionMeta('a').additional_properties is False


def test_from_charm_root_reads_the_three_files(tmp_path: Path) -> None:
    (tmp_path / 'metadata.yaml').write_text('name: x\nrequires: {db: {interface: a}}')
    (tmp_path / 'actions.yaml').write_text('go: {}')
    (tmp_path / 'config.yaml').write_text('options: {o: {type: boolean, default: true}}')
    meta = ops.CharmMeta.from_charm_root(tmp_path)
    assert (meta.name, list(meta.requires), list(meta.actions)) == ('x', ['db'], ['go'])
    assert meta.config['o'].default is True


def test_from_charm_root_reads_a_unified_charmcraft_yaml(tmp_path: Path) -> None:
    (tmp_path / 'charmcraft.yaml').write_text(
        'name: cc\ntype: charm\nrequires: {db: {interface: x}}\n'
        'actions: {a1: {description: hi}}\n'
        'config: {options: {o: {type: int, default: 3}}}\n'
    )
    meta = ops.CharmMeta.from_charm_root(str(tmp_path))
    assert meta.name == 'cc'
    assert meta.actions['a1'].description == 'hi'
    assert meta.config['o'].default == 3


def test_from_charm_root_without_metadata_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match='metadata.yaml'):
        ops.CharmMeta.from_charm_root(tmp_path)


@pytest.mark.parametrize(
    ('yaml_text', 'message'),
    [
        (
            'name: x\nrequires: {db: {interface: a}}\nprovides: {db: {interface: a}}',
            "'db' is declared twice",
        ),
        ('name: x\nrequires: {db: {interface: a, scope: bogus}}', 'requires.db.scope'),
        ('name: x\nrequires: {db: {}}', "requires.db: missing 'interface'"),
        ('name: x\nrequires: [db]', 'requires: expected a mapping, got list'),
        (
            'name: x\nstorage: {d: {type: filesystem, multiple: {range: bad}}}',
            'storage.d.multiple.range',
        ),
        ('name: x\nassumes: [{bogus-of: [a]}]', "unknown condition 'bogus-of'"),
        ('- a\n- b', 'metadata: expected a mapping, got list'),
        ('name: x\nrequires: {db: {interface: a, limit: many}}', 'requires.db.limit'),
        ('name: x\nsubordinate: maybe', 'subordinate: expected true or false'),
        ('name: x\ncharm-user: admin', 'charm-user'),
        (
            'name: x\ncontainers: {c: {mounts: [{location: /x}]}}',
            "containers.c.mounts[0]: missing 'storage'",
        ),
        ('name: [x', 'not valid YAML'),
        (
            'name: x\nrequires:\n  db: {interface: a}\n  db: {interface: b}',
            "duplicate key 'db' at line 4",
        ),
    ],
)
def test_malformed_metadata_names_the_field(yaml_text: str, message: str) -> None:
    with pytest.raises(MetadataError) as exc_info:
        ops.CharmMeta.from_yaml(yaml_text)
    assert message in str(exc_info.value)
    assert isinstance(exc_info.value, ValueError)


def test_wrong_types_are_also_type_errors() -> None:
    with pytest.raises(TypeError):
        ops.CharmMeta.from_yaml('name: x\nrequires: {db: {interface: a, scope: bogus}}')


def test_errors_from_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / 'metadata.yaml').write_text('name: x')
    (tmp_path / 'config.yaml').write_text('options: {o: {type: integer}}')
    with pytest.raises(MetadataError, match=r'config\.yaml: config\.options\.o\.type'):
        ops.CharmMeta.from_charm_root(tmp_path)


def test_each_metadata_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in [
        ('metadata.yaml', 'name: x'),
        ('actions.yaml', 'a: {}'),
        ('config.yaml', 'options: {}'),
    ]:
        (tmp_path / name).write_text(text)
    reads: list[str] = []
    original = builtins.open

    def counting(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith('.yaml'):
            reads.append(os.path.basename(file))
        return original(file, *args, **kwargs)

    monkeypatch.setattr(builtins, 'open', counting)
    ops.CharmMeta.from_charm_root(tmp_path)
    assert sorted(reads) == ['actions.yaml', 'config.yaml', 'metadata.yaml']


def test_charmcraft_links_contact_counts_as_a_maintainer() -> None:
    meta = ops.CharmMeta.from_yaml(
        'name: x\nmaintainers: [A <a@x>]\nlinks:\n  contact: Team <team@x>\n'
        '  website: [https://x]\n'
    )
    assert meta.maintainers == ['A <a@x>', 'Team <team@x>']
    assert meta.links.websites == ['https://x']


def test_charmcraft_links_contact_may_be_a_list() -> None:
    # haproxy-operator's charmcraft.yaml (charmcraft allows a string or a list of them).
    meta = ops.CharmMeta.from_yaml(
        'name: x\nlinks:\n  contact:\n  - https://launchpad.net/~team\n  - Team <team@x>\n'
    )
    assert meta.maintainers == ['https://launchpad.net/~team', 'Team <team@x>']


def test_a_container_with_both_a_resource_and_bases_is_refused() -> None:
    text = (
        'name: x\ncontainers:\n  web:\n    resource: img\n'
        '    bases: [{name: ubuntu, channel: "22.04", architectures: [amd64]}]\n'
    )
    with pytest.raises(ops.ModelError, match='containers.web: .*resource or bases, not both'):
        ops.CharmMeta.from_yaml(text)
    with pytest.raises(MetadataError):  # also the metadata error it is
        ops.CharmMeta.from_yaml(text)
