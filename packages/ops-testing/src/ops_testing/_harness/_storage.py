"""Harness storage (add, attach, detach, remove) and resources (files and OCI images)."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import Any

from ops_core.model import ModelError
from ops_core.sister import forget

from .._state._resources import Resource
from .._state._storage import Storage
from .._types import CharmType, ReadableBuffer
from ._base import HarnessBase

__all__ = ['StorageMixin']


class StorageMixin(HarnessBase[CharmType]):
    """Storage instances and resources."""

    # ---- storage -----------------------------------------------------------------------------

    _detached_storage: dict[tuple[str, int], None]

    def _parse_storage_id(self, storage_id: str) -> tuple[str, int]:
        name, _, index = storage_id.partition('/')
        if not index.isdigit():
            raise ValueError(
                f'invalid storage id {storage_id!r}: use <name>/<index>, e.g. "data/0"'
            )
        return name, int(index)

    def _is_attached(self, name: str, index: int) -> bool:
        return Storage(name, index=index) in self._juju.storages

    def add_storage(self, storage_name: str, count: int = 1, *, attach: bool = False) -> list[str]:
        """Add ``count`` instances of a storage declared in the metadata; return their ids.

        With ``attach=True`` they are attached too (emitting ``storage-attached`` once the
        charm has begun); otherwise attach them with :meth:`attach_storage` or
        :meth:`begin_with_initial_hooks`.

        Raises:
            RuntimeError: the metadata declares no such storage.
        """
        if storage_name not in self._spec.storages:
            raise RuntimeError(
                f'the key {storage_name!r} is not specified as a storage key in metadata'
            )
        ids = []
        for _ in range(count):
            index = self._next_storage_index
            self._next_storage_index += 1
            self._detached_storage[(storage_name, index)] = None
            ids.append(f'{storage_name}/{index}')
        if attach:
            for storage_id in ids:
                self.attach_storage(storage_id)
        return ids

    def _declared_storage(self, storage_id: str, *, exc: type[Exception]) -> tuple[str, int]:
        """Parse a storage id whose name the metadata declares.

        Raises:
            exc: the metadata declares no storage of that name.
        """
        name, index = self._parse_storage_id(storage_id)
        if name not in self._spec.storages:
            raise exc(f'the key {name!r} is not specified as a storage key in metadata')
        return name, index

    def _is_added(self, name: str, index: int) -> bool:
        return (name, index) in self._detached_storage or self._is_attached(name, index)

    def _ops_storage(self, name: str, index: int) -> Any:
        for storage in self._model.storages[name]:
            if storage.index == index:
                return storage
        raise RuntimeError(f'storage {name}/{index} is not attached')

    def attach_storage(self, storage_id: str) -> None:
        """Attach an added storage instance, emitting ``storage-attached`` once begun.

        Attaching an attached instance does nothing.

        Raises:
            KeyError: the metadata declares no storage of that name.
            ModelError: that instance was never added (what ``storage-get`` says).
        """
        name, index = self._declared_storage(storage_id, exc=KeyError)
        if self._is_attached(name, index):
            return
        if not self._is_added(name, index):
            raise ModelError(
                f'ERROR invalid value "{storage_id}" for option -s: storage not found'
            )
        self._mount(name, index)
        del self._detached_storage[(name, index)]
        juju = self._juju
        juju.storages = juju.storages | {Storage(name, index=index)}
        forget(self._model, storage=name)
        if self._charm is not None and self._hooks_enabled:
            self._emit(f'{self._attr(name)}_storage_attached', self._ops_storage(name, index))

    def detach_storage(self, storage_id: str) -> None:
        """Detach an attached storage instance, emitting ``storage-detaching`` first.

        Detaching an instance that is not attached (already detached, or never added) does
        nothing, as in ops 3.9.

        Raises:
            RuntimeError: before ``begin()``.
            KeyError: the metadata declares no storage of that name.
        """
        if self._charm is None:
            raise RuntimeError('cannot detach storage before Harness is initialised')
        name, index = self._declared_storage(storage_id, exc=KeyError)
        if not self._is_attached(name, index):
            return
        self._emit(f'{self._attr(name)}_storage_detaching', self._ops_storage(name, index))
        self._drop_attached(name, index)
        self._detached_storage[(name, index)] = None

    def _drop_attached(self, name: str, index: int) -> None:
        self._unmount(name, index)
        juju = self._juju
        juju.storages = juju.storages - {Storage(name, index=index)}
        forget(self._model, storage=name)

    def remove_storage(self, storage_id: str) -> None:
        """Remove a storage instance; an attached one is detached first (with its event).

        Removing an instance that was never added does nothing, as in ops 3.9.

        Raises:
            RuntimeError: the metadata declares no storage of that name.
        """
        name, index = self._declared_storage(storage_id, exc=RuntimeError)
        if self._is_attached(name, index):
            if self._charm is not None:
                self._emit(f'{self._attr(name)}_storage_detaching', self._ops_storage(name, index))
            self._drop_attached(name, index)
        self._detached_storage.pop((name, index), None)

    # ---- storage mounted in containers ---------------------------------------------------------

    def _mount_points(self, name: str) -> list[tuple[str, str]]:
        """The (container, location) pairs where the metadata mounts storage ``name``.

        Raises:
            RuntimeError: a mount of it has no absolute location.
        """
        points = []
        for container, spec in self._spec.containers.items():
            for mount in spec.get('mounts') or ():
                if not isinstance(mount, Mapping) or mount.get('storage') != name:
                    continue
                location = mount.get('location')
                if not isinstance(location, str) or not location.startswith('/'):
                    raise RuntimeError(
                        f'container {container!r} mounts storage {name!r} at {location!r}; '
                        'give the mount an absolute "location" in the metadata'
                    )
                points.append((container, location))
        return points

    def _mount(self, name: str, index: int) -> None:
        """Show the storage's directory at its mount location in each container that mounts it.

        As in ops 3.9, a mount is a symbolic link in the container's root directory (so the
        container's files are written out to disk). A location that already shows another
        instance of the storage keeps it.

        Raises:
            RuntimeError: the location is already a file or a non-empty directory.
        """
        points = self._mount_points(name)
        if not points:
            return
        target = str(self._ctx._storage_root(name, index))
        for container, location in points:
            fs = self._pebble_model(container).fs
            link = fs.host_path(location)
            if os.path.islink(link):
                continue  # this instance, or another one mounted first
            if os.path.isdir(link) and not os.listdir(link):
                os.rmdir(link)
            elif os.path.lexists(link):
                raise RuntimeError(
                    f'cannot mount storage {name}/{index} at {location} in container '
                    f'{container!r}: the container already has files there; remove them first'
                )
            fs.mount(location, target)

    def _unmount(self, name: str, index: int) -> None:
        """Take the storage's directory away from the mount locations that show it."""
        points = self._mount_points(name)
        if not points:
            return
        target = str(self._ctx._storage_root(name, index))
        for container, location in points:
            fs = self._pebble_model(container).fs
            if fs.in_memory:
                continue  # nothing was ever mounted: mounting writes the files out
            if fs.mounted(location) == target:
                fs.unmount(location)

    # ---- resources ---------------------------------------------------------------------------

    def _resource_spec(self, resource_name: str) -> Mapping[str, Any]:
        spec = self._spec.resources.get(resource_name)
        if spec is None:
            raise RuntimeError(f'Resource {resource_name} is not a defined resource')
        return spec

    def _write_resource(self, resource_name: str, filename: str, data: bytes) -> None:
        directory = self._ctx._tmp_dir / 'resources' / resource_name
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / filename
        path.write_bytes(data)
        juju = self._juju
        others = {r for r in juju.resources if r.name != resource_name}
        juju.resources = frozenset(others | {Resource(name=resource_name, path=path)})
        forget(self._model, resource=resource_name)

    def add_resource(self, resource_name: str, content: ReadableBuffer) -> None:
        """Provide the file of a ``file`` resource (``Model.resources.fetch`` returns its path).

        Args:
            resource_name: the resource, as named in the metadata.
            content: the file's content (str, bytes, or an open file).

        Raises:
            RuntimeError: no such resource, or it is an ``oci-image`` resource.
        """
        spec = self._resource_spec(resource_name)
        if spec.get('type', 'file') != 'file':
            raise RuntimeError(
                f'Resource {resource_name} is not a file, but actually {spec.get("type")}'
            )
        if isinstance(content, (io.StringIO, io.BytesIO)):
            content = content.getvalue()
        elif not isinstance(content, (str, bytes)):
            content = content.read()
        data = content.encode('utf-8') if isinstance(content, str) else bytes(content)
        self._write_resource(resource_name, str(spec.get('filename') or resource_name), data)

    def add_oci_resource(
        self, resource_name: str, contents: Mapping[str, str] | None = None
    ) -> None:
        """Provide an ``oci-image`` resource (a YAML file of registry path and credentials).

        Args:
            resource_name: the resource, as named in the metadata.
            contents: ``registrypath``, ``username`` and ``password``; placeholders by default.

        Raises:
            RuntimeError: no such resource, or it is not an ``oci-image`` resource.
        """
        spec = self._resource_spec(resource_name)
        if spec.get('type') != 'oci-image':
            raise RuntimeError(f'Resource {resource_name} is not an OCI Image')
        if contents is None:
            contents = {
                'registrypath': 'registrypath',
                'username': 'username',
                'password': 'password',
            }
        import yaml  # only a resource given as a mapping needs it

        data = yaml.safe_dump(dict(contents)).encode('utf-8')
        self._write_resource(resource_name, 'contents.yaml', data)

    def populate_oci_resources(self) -> None:
        """Provide every ``oci-image`` resource of the metadata with placeholder contents."""
        for name, spec in self._spec.resources.items():
            if spec.get('type') == 'oci-image':
                self.add_oci_resource(name)
