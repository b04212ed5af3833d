"""A container's files never reach the host outside its sandbox, whatever its links say.

Symbolic links inside a Harness container's root (``get_filesystem_root``) or inside a
Context ``Mount`` source are followed as the container would follow them: an absolute
target starts again at the container's ``/``, ``..`` stops there. So push, make_dir, pull,
list_files and remove_path, on the paths through such links, only ever touch files in the
root (or in the mount's source), and a host directory a link names stays as it was.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

import ops
import pytest
from ops import pebble, testing


@pytest.fixture
def host(tmp_path: pathlib.Path) -> pathlib.Path:
    """A host directory outside every sandbox, with a file in it."""
    victim = tmp_path / 'host'
    (victim / 'keep').mkdir(parents=True)
    (victim / 'keep' / 'precious.txt').write_text('do not touch')
    return victim


def _untouched(host: pathlib.Path) -> bool:
    names = sorted(str(p.relative_to(host)) for p in host.rglob('*'))
    return (
        names == ['keep', 'keep/precious.txt']
        and (host / 'keep' / 'precious.txt').read_text() == 'do not touch'
    )


def _attack(container: ops.Container | pebble.Client, links: tuple[str, ...]) -> dict[str, Any]:
    """Every file operation through each link; what each gave (a value or an error kind)."""
    seen: dict[str, Any] = {}
    for link in links:
        calls: dict[str, Any] = {
            'push': lambda at: container.push(f'{at}/keep/planted.txt', 'x', make_dirs=True),
            'mkdir': lambda at: container.make_dir(f'{at}/newdir', make_parents=True),
            'pull': lambda at: container.pull(f'{at}/keep/planted.txt').read(),
            'precious': lambda at: container.pull(f'{at}/keep/precious.txt').read(),
            'list': lambda at: sorted(f.name for f in container.list_files(f'{at}/keep')),
            'remove': lambda at: container.remove_path(f'{at}/keep', recursive=True),
        }
        for name, call in calls.items():
            try:
                seen[f'{name} {link}'] = call(link)
            except (pebble.PathError, pebble.APIError) as e:
                seen[f'{name} {link}'] = type(e).__name__
    return seen


def _plant_links(root: pathlib.Path, host: pathlib.Path) -> None:
    os.symlink(host, root / 'abs')  # an absolute host path
    os.symlink(os.path.relpath(host, root), root / 'rel')  # climbs out with ../..


@pytest.mark.filterwarnings('ignore::PendingDeprecationWarning')
def test_harness_container_root_links_stay_inside(host: pathlib.Path) -> None:
    harness = testing.Harness(ops.CharmBase, meta='name: app\ncontainers:\n  workload: {}\n')
    harness.set_can_connect('workload', True)
    harness.begin()
    root = harness.get_filesystem_root('workload')
    _plant_links(root, host)
    container = harness.model.unit.get_container('workload')
    # The links' targets do not exist in the container: every operation fails there.
    seen = _attack(container, ('/abs', '/rel'))
    assert _untouched(host)
    assert seen['precious /abs'] == seen['precious /rel'] == 'PathError'
    # Once the target exists in the container, the same operations work, inside the root.
    inside = root / str(host).lstrip('/')
    inside.mkdir(parents=True)
    seen = _attack(container, ('/abs', '/abs/../' + host.name))
    assert _untouched(host)
    assert seen['pull /abs'] == 'x'
    assert seen['list /abs'] == ['planted.txt']
    assert seen['precious /abs'] == 'PathError'
    assert (inside / 'newdir').is_dir()
    harness.cleanup()


def test_context_mount_source_links_stay_inside(
    tmp_path: pathlib.Path, host: pathlib.Path
) -> None:
    source = tmp_path / 'source'
    source.mkdir()
    # Inside the mount, /data/abs and /data/rel lead out of the source on the host.
    os.symlink(host, source / 'abs')
    os.symlink(os.path.relpath(host, source), source / 'rel')
    container = testing.Container(
        'workload',
        can_connect=True,
        mounts={'data': testing.Mount(location='/data', source=source)},
    )

    def attack(event_container: ops.Container) -> dict[str, Any]:
        return _attack(event_container, ('/data/abs', '/data/rel'))

    class MountCharm(ops.CharmBase):
        result: dict[str, Any] = {}

        def __init__(self, framework: ops.Framework):
            super().__init__(framework)
            framework.observe(self.on.workload_pebble_ready, self._ready)

        def _ready(self, event: ops.PebbleReadyEvent) -> None:
            type(self).result = attack(event.workload)

    ctx = testing.Context(MountCharm, meta={'name': 'app', 'containers': {'workload': {}}})
    ctx.run(ctx.on.pebble_ready(container), testing.State(containers=[container]))
    assert _untouched(host)
    assert MountCharm.result['precious /data/abs'] == 'PathError'
    assert MountCharm.result['precious /data/rel'] == 'PathError'
    # The mount itself still works: its files are the source's.
    assert os.path.islink(source / 'abs')


def test_pebble_model_resolves_inside_the_root(tmp_path: pathlib.Path, host: pathlib.Path) -> None:
    from ops_testing._pebble import PebbleAPI, PebbleModel, in_process_client

    root = tmp_path / 'root'
    model = PebbleModel(root, name='workload')
    _plant_links(root, host)
    os.symlink('loop', root / 'loop')
    client = in_process_client(PebbleAPI(model, ops39_errors=True))
    _attack(client, ('/abs', '/rel'))
    assert _untouched(host)
    with pytest.raises(pebble.PathError, match='too many levels of symbolic links'):
        client.push('/loop/x', 'x')
