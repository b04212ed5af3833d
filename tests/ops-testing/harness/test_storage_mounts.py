"""Storage mounted into containers: the container path shows the storage's directory.

The first three tests pass unchanged on ops 3.9's Harness too; the others cover where we
differ on purpose (files in memory, several instances, files already at the location).
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

import ops
import pytest
from ops import pebble

META = """
name: mounter
containers:
  app:
    mounts:
      - storage: data
        location: /var/lib/data
  sidecar: {}
storage:
  data:
    type: filesystem
  logs:
    type: filesystem
"""


class Mounter(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.data_storage_attached, self._attached)
        framework.observe(self.on.data_storage_detaching, self._detaching)
        self.seen: list[tuple[str, list[str]]] = []

    def _files(self) -> list[str]:
        container = self.unit.get_container('app')
        try:
            return [f.name for f in container.list_files('/var/lib/data')]
        except pebble.APIError:
            return ['<missing>']
        except pebble.ConnectionError:
            return ['<no pebble>']

    def _attached(self, event: ops.StorageAttachedEvent) -> None:
        self.seen.append(('attached', self._files()))

    def _detaching(self, event: ops.StorageDetachingEvent) -> None:
        self.seen.append(('detaching', self._files()))


@pytest.fixture
def tmp_root(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    return tmp_path


def _ready(harness: Any) -> Any:
    harness.begin()
    harness.set_can_connect('app', True)
    return harness.model.unit.get_container('app')


def test_files_go_both_ways_between_container_and_storage(make: Any) -> None:
    harness = make(Mounter, meta=META)
    [storage_id] = harness.add_storage('data', attach=True)  # before begin, as in ops 3.9
    container = _ready(harness)
    location = harness.model.storages['data'][0].location
    container.push('/var/lib/data/from-charm', 'charm')
    assert (location / 'from-charm').read_text() == 'charm'
    (location / 'from-test').write_text('test')
    assert container.pull('/var/lib/data/from-test').read() == 'test'
    assert [f.name for f in container.list_files('/var/lib/data')] == ['from-charm', 'from-test']
    # The mount point itself shows as a symbolic link, as in ops 3.9.
    [point] = container.list_files('/var/lib/data', itself=True)
    assert point.type is pebble.FileType.SYMLINK
    root = harness.get_filesystem_root('app')
    assert (root / 'var/lib/data').resolve() == location.resolve()
    assert storage_id == 'data/0'


def test_detach_takes_the_directory_away_and_attach_brings_it_back(make: Any) -> None:
    harness = make(Mounter, meta=META)
    container = _ready(harness)
    [storage_id] = harness.add_storage('data')
    with pytest.raises(pebble.APIError, match='no such file or directory'):
        container.list_files('/var/lib/data')
    harness.attach_storage(storage_id)
    container.push('/var/lib/data/kept', 'x')
    harness.detach_storage(storage_id)
    with pytest.raises(pebble.APIError, match='no such file or directory'):
        container.list_files('/var/lib/data')
    harness.attach_storage(storage_id)
    assert container.pull('/var/lib/data/kept').read() == 'x'
    # The charm sees the mount while handling both events.
    assert harness.charm.seen == [
        ('attached', []),
        ('detaching', ['kept']),
        ('attached', ['kept']),
    ]
    harness.remove_storage(storage_id)
    with pytest.raises(pebble.PathError, match='no such file or directory'):
        container.pull('/var/lib/data/kept')


def test_initial_hooks_mount_added_storage(make: Any) -> None:
    harness = make(Mounter, meta=META)
    harness.add_storage('data')
    harness.begin_with_initial_hooks()
    assert harness.charm.seen == [('attached', ['<no pebble>'])]
    container = harness.model.unit.get_container('app')
    container.push('/var/lib/data/x', 'x')
    assert (harness.model.storages['data'][0].location / 'x').read_text() == 'x'


def test_unmounted_storage_and_other_containers_stay_in_memory(
    make: Any, tmp_root: pathlib.Path
) -> None:
    harness = make(Mounter, meta=META)
    harness.begin()
    harness.add_storage('logs', attach=True)
    harness.set_can_connect('sidecar', True)
    harness.model.unit.get_container('sidecar').push('/x', 'x')
    assert not list(tmp_root.rglob('container-*'))
    harness.add_storage('data', attach=True)
    made = sorted(p.name for p in tmp_root.rglob('container-*'))
    assert made == ['container-app']
    harness.cleanup()
    assert not any(tmp_root.iterdir())


def test_a_second_instance_leaves_the_first_mounted(make: Any) -> None:
    harness = make(Mounter, meta=META)
    container = _ready(harness)
    first, second = harness.add_storage('data', count=2, attach=True)
    container.push('/var/lib/data/x', 'x')
    locations = {s.index: s.location for s in harness.model.storages['data']}
    assert (locations[0] / 'x').exists() and not (locations[1] / 'x').exists()
    harness.detach_storage(second)
    assert container.pull('/var/lib/data/x').read() == 'x'
    harness.detach_storage(first)
    with pytest.raises(pebble.PathError):
        container.pull('/var/lib/data/x')


def test_mounting_over_files_is_refused_but_an_empty_directory_is_covered(make: Any) -> None:
    harness = make(Mounter, meta=META)
    container = _ready(harness)
    container.push('/var/lib/data/old', 'old', make_dirs=True)
    with pytest.raises(RuntimeError, match='already has files there'):
        harness.add_storage('data', attach=True)
    assert harness.model.storages['data'] == []
    container.remove_path('/var/lib/data/old')
    [storage_id] = harness.add_storage('data', attach=True)
    container.push('/var/lib/data/new', 'new')
    assert (harness.model.storages['data'][0].location / 'new').exists()
    assert storage_id == 'data/1'


def test_a_mount_without_an_absolute_location_is_reported(make: Any) -> None:
    meta = META.replace('location: /var/lib/data', 'location: var/lib/data')
    harness = make(Mounter, meta=meta)
    with pytest.raises(RuntimeError, match='absolute "location"'):
        harness.add_storage('data', attach=True)
