"""The parsed metadata cache: a hook after the first loads no YAML, and never trusts stale data."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

from ops_core._charm._meta_cache import CACHE_FILE

CharmDir = Any  # the conftest's CharmDir


def _cache(charm_dir: CharmDir) -> dict[str, Any]:
    return json.loads((charm_dir.path / CACHE_FILE).read_text(encoding='utf-8'))


def _config_changed(charm_dir: CharmDir) -> dict[str, Any]:
    charm_dir.clear()
    proc = charm_dir.run('hooks/config-changed', mode='yaml-loaded')
    assert proc.returncode == 0, proc.stderr
    records = charm_dir.records()
    assert records[-1]['event'] == 'exit'
    return {'options': records[0]['options'], 'yaml_loaded': records[-1]['yaml_loaded']}


def test_the_second_hook_reads_the_parsed_metadata_without_loading_yaml(
    charm_dir: CharmDir,
) -> None:
    first = _config_changed(charm_dir)
    assert first == {'options': {'name': "'world'", 'port': 'None'}, 'yaml_loaded': True}
    cache_file = charm_dir.path / CACHE_FILE
    assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in charm_dir.path.iterdir() if p.name.startswith('.')) == [
        CACHE_FILE,
        '.unit-state.db',
    ]  # no temporary file left behind

    second = _config_changed(charm_dir)
    assert second == {'options': {'name': "'world'", 'port': 'None'}, 'yaml_loaded': False}


def test_a_changed_file_is_parsed_again_and_the_cache_refreshed(charm_dir: CharmDir) -> None:
    _config_changed(charm_dir)
    config = charm_dir.path / 'config.yaml'
    config.write_text(config.read_text() + '  greeting: {type: string, default: hi}\n')
    changed = _config_changed(charm_dir)
    assert changed == {
        'options': {'name': "'world'", 'port': 'None', 'greeting': "'hi'"},
        'yaml_loaded': True,
    }
    assert _config_changed(charm_dir)['yaml_loaded'] is False

    config.unlink()  # a file that disappears is a change too
    assert _config_changed(charm_dir) == {'options': {}, 'yaml_loaded': True}


def test_a_cache_whose_sources_differ_is_not_trusted(charm_dir: CharmDir) -> None:
    _config_changed(charm_dir)
    cache_file = charm_dir.path / CACHE_FILE
    data = _cache(charm_dir)
    # Same documents claimed for other sources: a cache made from other files.
    data['sources'][2][1] = data['sources'][2][1].replace('world', 'moon')
    data['documents'][2]['options']['name']['default'] = 'moon'
    cache_file.write_text(json.dumps(data))
    assert _config_changed(charm_dir) == {
        'options': {'name': "'world'", 'port': 'None'},
        'yaml_loaded': True,
    }
    assert _cache(charm_dir)['documents'][2]['options']['name']['default'] == 'world'


def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(charm_dir: CharmDir) -> None:
    cache_file = charm_dir.path / CACHE_FILE
    for content in ('{"format": 1, "sourc', '[1, 2]', '{"format": 99}', '\udcff'):
        cache_file.write_text(content, errors='surrogateescape')
        assert _config_changed(charm_dir) == {
            'options': {'name': "'world'", 'port': 'None'},
            'yaml_loaded': True,
        }
        assert _cache(charm_dir)['format'] == 1


def test_metadata_json_cannot_hold_exactly_is_not_cached(charm_dir: CharmDir) -> None:
    # YAML reads 2024-01-02 as a date and 8080 keys as ints: JSON would change both.
    config = charm_dir.path / 'config.yaml'
    config.write_text(
        'options:\n'
        '  name: {type: string, default: world}\n'
        '  since: {type: string, default: 2024-01-02}\n'
    )
    charm_dir.clear()
    proc = charm_dir.run('hooks/config-changed', mode='yaml-loaded')
    assert proc.returncode == 0, proc.stderr
    assert not (charm_dir.path / CACHE_FILE).exists()
    assert charm_dir.records()[0]['options'] == {
        'name': "'world'",
        'since': 'datetime.date(2024, 1, 2)',
    }


def test_a_read_only_charm_directory_only_means_no_cache(charm_dir: CharmDir) -> None:
    if os.geteuid() == 0:
        # root ignores directory permissions; make the cache's place a directory instead.
        (charm_dir.path / CACHE_FILE).mkdir()
    else:
        charm_dir.run('hooks/install')  # the state file must exist before locking it down
        charm_dir.path.chmod(0o555)
    try:
        assert _config_changed(charm_dir) == {
            'options': {'name': "'world'", 'port': 'None'},
            'yaml_loaded': True,
        }
    finally:
        charm_dir.path.chmod(0o755)
    assert sorted(p.name for p in charm_dir.path.iterdir() if p.name.endswith('.tmp')) == []


def test_a_unified_charmcraft_yaml_is_cached_too(charm_dir: CharmDir) -> None:
    root = charm_dir.path
    for name in ('metadata.yaml', 'actions.yaml', 'config.yaml'):
        (root / name).unlink()
    (root / 'charmcraft.yaml').write_text(
        'name: testcharm\n'
        'type: charm\n'
        'requires: {db: {interface: pgsql}}\n'
        'storage: {data: {type: filesystem, location: /srv/data}}\n'
        'containers: {workload: {}}\n'
        'actions: {go: {params: {value: {type: integer}}}, explode: {}}\n'
        'config:\n'
        '  options:\n'
        '    name: {type: string, default: world}\n'
    )
    expected = {'name': "'world'"}
    assert _config_changed(charm_dir) == {'options': expected, 'yaml_loaded': True}
    assert _cache(charm_dir)['sources'][0][0] == 'charmcraft.yaml'
    assert _config_changed(charm_dir) == {'options': expected, 'yaml_loaded': False}
