"""Storage instances (add, attach, detach, remove) and resources."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import ops
import pytest
import yaml


def test_add_storage_ids_use_one_counter(harness: Any) -> None:
    assert harness.add_storage('cache') == ['cache/0']
    assert harness.add_storage('data', 2) == ['data/1', 'data/2']
    assert harness.model.storages['data'] == []  # added, not attached


def test_add_storage_unknown(harness: Any) -> None:
    with pytest.raises(RuntimeError, match='not specified as a storage key'):
        harness.add_storage('nope')


def test_attach_before_begin_is_silent(harness: Any) -> None:
    (storage_id,) = harness.add_storage('data', attach=True)
    harness.begin()
    assert harness.charm.seen == []
    (storage,) = harness.model.storages['data']
    assert storage.full_id == storage_id
    assert Path(storage.location).is_dir()


def test_attach_detach_remove_emit_events(begun: Any) -> None:
    (first,) = begun.add_storage('data', attach=True)
    (second,) = begun.add_storage('data')
    assert begun.charm.kinds == ['data_storage_attached']
    assert begun.charm.seen[0].storage.full_id == first
    begun.attach_storage(second)
    begun.attach_storage(second)  # already attached: nothing happens
    assert len(begun.model.storages['data']) == 2
    begun.detach_storage(first)
    assert [s.full_id for s in begun.model.storages['data']] == [second]
    begun.detach_storage(first)  # already detached: nothing happens (as in ops 3.9)
    begun.remove_storage(second)
    begun.remove_storage(first)
    assert begun.model.storages['data'] == []
    assert begun.charm.kinds == [
        'data_storage_attached',
        'data_storage_attached',
        'data_storage_detaching',
        'data_storage_detaching',
    ]
    detaching = begun.charm.seen[2]
    assert detaching.storage.full_id == first
    with pytest.raises(ops.ModelError, match='storage not found'):
        begun.attach_storage(first)


def test_detach_before_begin(harness: Any) -> None:
    (storage_id,) = harness.add_storage('data', attach=True)
    with pytest.raises(RuntimeError, match='before Harness is initialised'):
        harness.detach_storage(storage_id)


def test_storage_requested_by_the_charm(begun: Any) -> None:
    begun.charm.model.storages.request('data', 2)  # accepted; Juju would add later


def test_file_resource(begun: Any) -> None:
    begun.add_resource('config-file', 'key = value\n')
    path = begun.model.resources.fetch('config-file')
    assert path.name == 'app.conf'
    assert path.read_text() == 'key = value\n'
    begun.add_resource('config-file', b'\x00binary')
    assert begun.model.resources.fetch('config-file').read_bytes() == b'\x00binary'
    begun.add_resource('config-file', io.StringIO('from a file'))
    assert begun.model.resources.fetch('config-file').read_text() == 'from a file'


def test_oci_resource(begun: Any) -> None:
    begun.add_oci_resource('workload-image')
    path = begun.model.resources.fetch('workload-image')
    assert yaml.safe_load(path.read_text()) == {
        'registrypath': 'registrypath',
        'username': 'username',
        'password': 'password',
    }
    begun.add_oci_resource(
        'workload-image', {'registrypath': 'r', 'username': 'u', 'password': 'p'}
    )
    assert (
        yaml.safe_load(begun.model.resources.fetch('workload-image').read_text())['username']
        == 'u'
    )


def test_populate_oci_resources(harness: Any) -> None:
    harness.populate_oci_resources()
    assert harness.model.resources.fetch('workload-image').exists()


def test_resource_errors(begun: Any) -> None:
    with pytest.raises(RuntimeError, match='not a defined resource'):
        begun.add_resource('nope', 'x')
    with pytest.raises(RuntimeError, match='not a file'):
        begun.add_resource('workload-image', 'x')
    with pytest.raises(RuntimeError, match='not an OCI Image'):
        begun.add_oci_resource('config-file')
    with pytest.raises(ops.ModelError):
        begun.model.resources.fetch('config-file')  # declared but never added
    with pytest.raises(NameError):
        begun.model.resources.fetch('undeclared')
