"""Smaller State values: storage, resources, ports, the model, cloud spec, stored state,
deferred events and log lines."""

from __future__ import annotations

import dataclasses
import pathlib
import re
import uuid as _uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._exports import publish
from .._serialise import DictMixin
from ..errors import StateValidationError
from ._common import (
    check_name,
    copy_dict,
    random_model_name,
    set_field,
    storage_indices,
    string_list,
)

if TYPE_CHECKING:
    from .._context import Context

__all__ = [
    'CloudCredential',
    'CloudSpec',
    'DeferredEvent',
    'ICMPPort',
    'JujuLogLine',
    'Model',
    'Port',
    'Resource',
    'Storage',
    'StoredState',
    'TCPPort',
    'UDPPort',
]


@dataclasses.dataclass(frozen=True)
class JujuLogLine(DictMixin):
    """One line the charm logged through ``juju-log``.

    Attributes:
        level: the log level name, for example ``'INFO'``.
        message: the logged message.
    """

    level: str
    message: str


@dataclasses.dataclass(frozen=True, eq=False)
class Storage(DictMixin):
    """An attached storage instance.

    Attributes:
        name: the storage name, as declared in the charm metadata.
        index: the instance number (``data/3`` has index 3); by default a new
            process-wide unique number.
    """

    name: str
    index: int = dataclasses.field(default_factory=storage_indices.next, kw_only=True)

    def __post_init__(self) -> None:
        check_name('storage', self.name)
        # The index names the storage's directory on the test machine: only a number.
        if not isinstance(self.index, int) or isinstance(self.index, bool) or self.index < 0:
            raise StateValidationError(
                f'Storage.index must be a non-negative int, got {self.index!r}'
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Storage):
            return (self.name, self.index) == (other.name, other.index)
        other_name = getattr(other, 'name', None)
        other_index = getattr(other, 'index', None)
        if type(other).__name__ == 'Storage' and other_name is not None:
            return (self.name, self.index) == (other_name, other_index)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.name, self.index))

    def get_filesystem(self, ctx: Context[Any]) -> pathlib.Path:
        """The directory holding this storage's simulated filesystem for ``ctx``."""
        return ctx._storage_root(self.name, self.index)


@dataclasses.dataclass(frozen=True)
class Resource(DictMixin):
    """A charm resource and the local file that stands for it.

    Attributes:
        name: the resource name, as declared in the charm metadata.
        path: the file returned by ``Model.resources.fetch``.
    """

    name: str = dataclasses.field(kw_only=True)
    path: str | pathlib.Path = dataclasses.field(kw_only=True)


@dataclasses.dataclass(frozen=True, eq=False)
class Port(DictMixin):
    """A port the charm has opened. Use :class:`TCPPort`, :class:`UDPPort` or :class:`ICMPPort`.

    Attributes:
        port: the port number (``None`` for ICMP).
        protocol: ``'tcp'``, ``'udp'`` or ``'icmp'``.
    """

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = dataclasses.field(default='tcp', kw_only=True)

    def __post_init__(self) -> None:
        if type(self) is Port:
            raise RuntimeError(
                'Port cannot be instantiated directly; use TCPPort, UDPPort or ICMPPort'
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Port) or type(other).__name__ in ('Port', 'OpenedPort'):
            other_port = getattr(other, 'port', None)
            other_protocol = getattr(other, 'protocol', None)
            return (self.protocol, self.port) == (other_protocol, other_port)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.protocol, self.port))

    def _check_number(self) -> None:
        if not isinstance(self.port, int) or isinstance(self.port, bool):
            raise StateValidationError(
                f'{type(self).__name__} needs a port number between 1 and 65535, got {self.port!r}'
            )
        if not 1 <= self.port <= 65535:
            raise StateValidationError(
                f'port {self.port} is out of range for {type(self).__name__}: '
                'a port number must be between 1 and 65535'
            )


@dataclasses.dataclass(frozen=True, eq=False)
class TCPPort(Port):
    """An opened TCP port."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = 'tcp'

    def __post_init__(self) -> None:
        self._check_number()
        set_field(self, 'protocol', 'tcp')


@dataclasses.dataclass(frozen=True, eq=False)
class UDPPort(Port):
    """An opened UDP port."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = 'udp'

    def __post_init__(self) -> None:
        self._check_number()
        set_field(self, 'protocol', 'udp')


@dataclasses.dataclass(frozen=True, eq=False)
class ICMPPort(Port):
    """ICMP opened (it has no port number)."""

    port: int | None = None
    protocol: Literal['tcp', 'udp', 'icmp'] = dataclasses.field(default='icmp', kw_only=True)

    def __post_init__(self) -> None:
        if self.port is not None:
            raise StateValidationError('ICMPPort has no port number; use ICMPPort()')
        set_field(self, 'protocol', 'icmp')


def port_from_ops(port: Any) -> Port:
    """A State port equal to an ``ops.Port``."""
    if isinstance(port, Port):
        return port
    protocol = getattr(port, 'protocol', None)
    if protocol == 'tcp':
        return TCPPort(port.port)
    if protocol == 'udp':
        return UDPPort(port.port)
    if protocol == 'icmp':
        return ICMPPort()
    raise StateValidationError(f'not a port: {port!r}; use TCPPort, UDPPort or ICMPPort')


@dataclasses.dataclass(frozen=True)
class CloudCredential(DictMixin):
    """The credential of a cloud, as ``credential-get`` returns it.

    Attributes:
        auth_type: the authentication type, for example ``'certificate'``.
        attributes: the credential attributes (secret values are never logged).
        redacted: the names of attributes that Juju redacts.
    """

    auth_type: str = dataclasses.field(kw_only=True)
    attributes: Mapping[str, str] = dataclasses.field(default_factory=dict, kw_only=True)
    redacted: Sequence[str] = dataclasses.field(default_factory=list, kw_only=True)

    def __post_init__(self) -> None:
        set_field(self, 'attributes', dict(self.attributes))
        set_field(self, 'redacted', string_list('redacted', self.redacted))

    def __hash__(self) -> int:
        return hash((self.auth_type, tuple(sorted(self.attributes)), tuple(self.redacted)))

    def __repr__(self) -> str:
        # The attribute values are credentials: show only their names.
        return (
            f'CloudCredential(auth_type={self.auth_type!r}, '
            f'attributes=<{len(self.attributes)} hidden>, redacted={self.redacted!r})'
        )

    def _to_juju(self) -> dict[str, Any]:
        return {
            'auth-type': self.auth_type,
            'attrs': dict(self.attributes),
            'redacted': list(self.redacted),
        }


@dataclasses.dataclass(frozen=True)
class CloudSpec(DictMixin):
    """The cloud a model runs on, as ``credential-get`` returns it.

    Attributes:
        type: the cloud type, for example ``'lxd'`` or ``'openstack'``.
        name: the cloud name.
        region: the region.
        endpoint: the API endpoint.
        identity_endpoint: the identity endpoint.
        storage_endpoint: the storage endpoint.
        credential: the cloud credential.
        ca_certificates: CA certificates (PEM).
        skip_tls_verify: whether to skip TLS verification.
        is_controller_cloud: whether this is the controller's cloud.
    """

    type: str
    name: str = dataclasses.field(default='localhost', kw_only=True)
    region: str | None = dataclasses.field(default=None, kw_only=True)
    endpoint: str | None = dataclasses.field(default=None, kw_only=True)
    identity_endpoint: str | None = dataclasses.field(default=None, kw_only=True)
    storage_endpoint: str | None = dataclasses.field(default=None, kw_only=True)
    credential: CloudCredential | None = dataclasses.field(default=None, kw_only=True)
    ca_certificates: Sequence[str] = dataclasses.field(default_factory=list, kw_only=True)
    skip_tls_verify: bool = dataclasses.field(default=False, kw_only=True)
    is_controller_cloud: bool = dataclasses.field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        set_field(self, 'ca_certificates', string_list('ca_certificates', self.ca_certificates))
        if self.credential is not None and not isinstance(self.credential, CloudCredential):
            raise StateValidationError(
                f'CloudSpec.credential must be a CloudCredential, not a '
                f'{type(self.credential).__name__}'
            )

    def __hash__(self) -> int:
        return hash((self.type, self.name, self.region, self.endpoint))

    def _to_juju(self) -> dict[str, Any]:
        out: dict[str, Any] = {'type': self.type, 'name': self.name}
        for key, value in (
            ('region', self.region),
            ('endpoint', self.endpoint),
            ('identity-endpoint', self.identity_endpoint),
            ('storage-endpoint', self.storage_endpoint),
        ):
            if value is not None:
                out[key] = value
        if self.credential is not None:
            out['credential'] = self.credential._to_juju()
        out['cacertificates'] = list(self.ca_certificates)
        out['skip-tls-verify'] = self.skip_tls_verify
        out['is-controller-cloud'] = self.is_controller_cloud
        return out


_MODEL_TYPES = ('kubernetes', 'lxd')


@dataclasses.dataclass(frozen=True)
class Model(DictMixin):
    """The Juju model the charm runs in.

    Attributes:
        name: the model name; by default a random one.
        uuid: the model UUID; by default a random one.
        type: ``'kubernetes'`` or ``'lxd'`` (a machine model).
        cloud_spec: the cloud spec ``Model.get_cloud_spec()`` returns (needs
            ``Context(app_trusted=True)``).
    """

    name: str = dataclasses.field(default_factory=random_model_name)
    uuid: str = dataclasses.field(default_factory=lambda: str(_uuid.uuid4()), kw_only=True)
    type: Literal['kubernetes', 'lxd'] = dataclasses.field(default='kubernetes', kw_only=True)
    cloud_spec: CloudSpec | None = dataclasses.field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.type not in _MODEL_TYPES:
            raise StateValidationError(
                f"Model.type must be 'kubernetes' or 'lxd', got {self.type!r}"
            )
        if self.cloud_spec is not None and not isinstance(self.cloud_spec, CloudSpec):
            raise StateValidationError(
                f'Model.cloud_spec must be a CloudSpec, not a {type(self.cloud_spec).__name__}'
            )


@dataclasses.dataclass(frozen=True)
class StoredState(DictMixin):
    """The content of one ``ops.StoredState`` attribute.

    Attributes:
        name: the attribute name on its owner (``'_stored'`` by default).
        owner_path: the owner's handle path: the charm class name (its handle kind) for a
            charm attribute, ``None`` for the framework's own stored state.
        content: the stored values.
    """

    name: str = '_stored'
    owner_path: str | None = dataclasses.field(default=None, kw_only=True)
    content: Mapping[str, Any] = dataclasses.field(default_factory=dict, kw_only=True)
    _data_type_name: str = dataclasses.field(default='StoredStateData', kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.content, Mapping):
            raise StateValidationError(
                f'StoredState.content must be a mapping of attribute names to values, not a '
                f'{type(self.content).__name__}'
            )
        set_field(self, 'content', copy_dict(self.content))

    def __hash__(self) -> int:
        return hash((self.owner_path, self.name))

    @property
    def _handle_path(self) -> str:
        return f'{self.owner_path or ""}/{self._data_type_name}[{self.name}]'


_STORED_PATH = re.compile(r'((?P<owner_path>.*)/)?(?P<data_type>\D+)\[(?P<name>.*)\]')


def stored_state_from_path(path: str, content: Mapping[str, Any]) -> StoredState | None:
    """The StoredState for a snapshot path such as ``MyCharm/StoredStateData[_stored]``."""
    match = _STORED_PATH.fullmatch(path)
    if match is None:
        return None
    return StoredState(
        match.group('name'),
        owner_path=match.group('owner_path'),
        content=content,
        _data_type_name=match.group('data_type'),
    )


@dataclasses.dataclass(frozen=True)
class DeferredEvent(DictMixin):
    """An event the charm deferred in an earlier run, to be re-emitted before the next event.

    Build one with ``ctx.on.<event>(...).deferred(handler)`` rather than by hand.

    Attributes:
        handle_path: the event's handle path, for example ``'MyCharm/on/start[1]'``.
        owner: the path of the object that owns the observer (``'MyCharm'``).
        observer: the observer method's name.
        snapshot_data: the event's saved data.
    """

    handle_path: str
    owner: str
    observer: str
    snapshot_data: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for field in ('handle_path', 'owner', 'observer'):
            if not isinstance(getattr(self, field), str):
                raise StateValidationError(
                    f'DeferredEvent.{field} must be a str, not a '
                    f'{type(getattr(self, field)).__name__}; build deferred events with '
                    f'ctx.on.<event>(...).deferred(handler)'
                )
        if not isinstance(self.snapshot_data, Mapping):
            raise StateValidationError(
                f'DeferredEvent.snapshot_data must be a mapping, not a '
                f'{type(self.snapshot_data).__name__}'
            )
        set_field(self, 'snapshot_data', copy_dict(self.snapshot_data))

    def __hash__(self) -> int:
        return hash((self.handle_path, self.owner, self.observer))

    @property
    def name(self) -> str:
        """The event name: the last segment of the handle path, without ``[n]``."""
        return self.handle_path.split('/')[-1].split('[')[0]


def storage_from_ops(storage: Any) -> Storage:
    """A State storage equal to an ``ops.Storage``."""
    if isinstance(storage, Storage):
        return storage
    return Storage(storage.name, index=storage.index)


publish(__name__)
