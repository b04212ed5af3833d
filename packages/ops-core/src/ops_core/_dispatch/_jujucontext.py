"""The hook context Juju passes to a charm process through environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ops_hookcmds.sister import field, record

from .._exports import publish
from .._model._jujuversion import JujuVersion

if TYPE_CHECKING:
    from pathlib import Path


def _default_charm_dir() -> Path:
    # The charm is normally installed as <charm_dir>/venv/ops_core/, so without
    # JUJU_CHARM_DIR the charm directory is two levels above this package. Resolved only
    # when needed: Juju always sets JUJU_CHARM_DIR.
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


class _ResolvedDir(str):
    """``JUJU_CHARM_DIR`` as :meth:`JujuContext.from_dict` resolved it, not yet a ``Path``."""

    __slots__ = ()


class _PathOnFirstRead:
    """``JujuContext.charm_dir``: a :class:`_ResolvedDir` becomes a ``pathlib.Path`` when read.

    Every hook builds a JujuContext, but the dispatch itself needs only the directory's
    text; importing :mod:`pathlib` (with the ``urllib.parse`` and ``ipaddress`` it imports)
    is about 8% of a trivial hook's work, so it waits until a charm reads the field. Any
    other value (a ``Path`` or string given to the constructor) is kept as given, as the
    field of a plain dataclass would be.
    """

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # a field with a default factory has no class attribute
            raise AttributeError('charm_dir')
        value = obj.__dict__['charm_dir']
        if type(value) is _ResolvedDir:
            from pathlib import Path

            value = obj.__dict__['charm_dir'] = Path(value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__['charm_dir'] = value


def charm_dir_text(context: JujuContext) -> str:
    """The charm directory of ``context`` as a string, without making a ``Path`` of it."""
    raw = context.__dict__.get('charm_dir')
    return os.fspath(raw if raw is not None else context.charm_dir)


_ALWAYS_REQUIRED = (
    'JUJU_DISPATCH_PATH',
    'JUJU_HOOK_NAME',
    'JUJU_MODEL_NAME',
    'JUJU_MODEL_UUID',
    'JUJU_UNIT_NAME',
    'JUJU_VERSION',
)
_SIMPLE_HOOKS = frozenset(
    {
        'install',
        'start',
        'stop',
        'remove',
        'config-changed',
        'update-status',
        'upgrade-charm',
        'leader-elected',
    }
)
_RELATION_SUFFIXES = ('created', 'joined', 'changed', 'departed', 'broken')


def _required_for_hook(hook_name: str, dispatch_path: str) -> list[str]:
    """The variables Juju always sets for this kind of hook, beyond the common ones."""
    if hook_name in _SIMPLE_HOOKS:
        return []
    need: list[str] = []
    if hook_name in ('secret-changed', 'secret-rotate', 'secret-remove', 'secret-expired'):
        need.append('JUJU_SECRET_ID')
        if hook_name in ('secret-remove', 'secret-expired'):
            need.append('JUJU_SECRET_REVISION')
    if not hook_name and dispatch_path.startswith('actions/'):
        need += ['JUJU_ACTION_NAME', 'JUJU_ACTION_UUID']
    if hook_name.endswith('-pebble-custom-notice'):
        need += ['JUJU_WORKLOAD_NAME', 'JUJU_NOTICE_ID', 'JUJU_NOTICE_KEY', 'JUJU_NOTICE_TYPE']
    elif hook_name.endswith(('-pebble-check-failed', '-pebble-check-recovered')):
        need += ['JUJU_WORKLOAD_NAME', 'JUJU_PEBBLE_CHECK_NAME']
    elif hook_name.endswith('-pebble-ready'):
        need.append('JUJU_WORKLOAD_NAME')
    if hook_name.endswith(('-storage-attached', '-storage-detaching')):
        need.append('JUJU_STORAGE_ID')
    if hook_name.endswith(tuple(f'-relation-{s}' for s in _RELATION_SUFFIXES)):
        need += ['JUJU_RELATION', 'JUJU_RELATION_ID', 'JUJU_REMOTE_APP']
        if hook_name.endswith(('-relation-joined', '-relation-changed', '-relation-departed')):
            need.append('JUJU_REMOTE_UNIT')
        if hook_name.endswith('-relation-departed'):
            need.append('JUJU_DEPARTING_UNIT')
    return need


def _int_from(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f'environment variable {name}={value!r} is not valid: expected an integer'
        ) from None


@record(frozen=True)
class JujuContext:
    """What Juju tells a charm about the current hook, read from the environment.

    Build one with :meth:`from_environ`. Fields that Juju did not set (or set to an empty
    string) are ``None`` (or the documented default).

    Attributes:
        dispatch_path: ``JUJU_DISPATCH_PATH``, e.g. ``hooks/install`` or ``actions/backup``.
        hook_name: ``JUJU_HOOK_NAME`` (empty for actions), e.g. ``db-relation-changed``.
        model_name: ``JUJU_MODEL_NAME``.
        model_uuid: ``JUJU_MODEL_UUID``.
        unit_name: ``JUJU_UNIT_NAME``, e.g. ``myapp/0``.
        version: ``JUJU_VERSION`` as a :class:`JujuVersion` (``0.0.0`` when unset).
        availability_zone: ``JUJU_AVAILABILITY_ZONE``.
        charm_dir: ``JUJU_CHARM_DIR``, resolved.
        debug: whether ``JUJU_DEBUG`` is set at all.
        debug_at: the names in ``JUJU_DEBUG_AT`` (comma-separated).
        machine_id: ``JUJU_MACHINE_ID``.
        principal_unit: ``JUJU_PRINCIPAL_UNIT`` (subordinate charms).
        action_name: ``JUJU_ACTION_NAME``.
        action_uuid: ``JUJU_ACTION_UUID``.
        notice_id: ``JUJU_NOTICE_ID``.
        notice_key: ``JUJU_NOTICE_KEY``.
        notice_type: ``JUJU_NOTICE_TYPE``.
        pebble_check_name: ``JUJU_PEBBLE_CHECK_NAME``.
        relation_departing_unit_name: ``JUJU_DEPARTING_UNIT``.
        relation_name: ``JUJU_RELATION`` (the endpoint name).
        relation_id: the number in ``JUJU_RELATION_ID`` (``db:3`` or ``3`` gives 3).
        remote_app_name: ``JUJU_REMOTE_APP``.
        remote_unit_name: ``JUJU_REMOTE_UNIT``.
        secret_id: ``JUJU_SECRET_ID``.
        secret_label: ``JUJU_SECRET_LABEL``.
        secret_revision: ``JUJU_SECRET_REVISION`` as an int.
        storage_index: the number in ``JUJU_STORAGE_ID`` (``data/1`` gives 1).
        storage_name: the name in ``JUJU_STORAGE_ID`` (``data/1`` gives ``data``).
        workload_name: ``JUJU_WORKLOAD_NAME`` (the container name).
    """

    dispatch_path: str
    hook_name: str
    model_name: str
    model_uuid: str
    unit_name: str
    version: JujuVersion
    availability_zone: str | None = None
    charm_dir: Path = field(default_factory=_default_charm_dir)
    debug: bool = False
    debug_at: set[str] = field(default_factory=set[str])
    machine_id: str | None = None
    principal_unit: str | None = None
    action_name: str | None = None
    action_uuid: str | None = None
    notice_id: str | None = None
    notice_key: str | None = None
    notice_type: str | None = None
    pebble_check_name: str | None = None
    relation_departing_unit_name: str | None = None
    relation_name: str | None = None
    relation_id: int | None = None
    remote_app_name: str | None = None
    remote_unit_name: str | None = None
    secret_id: str | None = None
    secret_label: str | None = None
    secret_revision: int | None = None
    storage_index: int | None = None
    storage_name: str | None = None
    workload_name: str | None = None

    def __hash__(self) -> int:
        return hash((self.dispatch_path, self.unit_name, self.model_uuid, self.action_uuid))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> JujuContext:
        """Build the context from ``environ`` (default: ``os.environ``), checking it is complete.

        Args:
            environ: the environment to read; ``os.environ`` when omitted.

        Raises:
            ValueError: ``Missing required environment variable: <NAME>`` if a variable Juju
                always sets for this kind of hook is absent, or a numeric variable
                (``JUJU_RELATION_ID``, ``JUJU_SECRET_REVISION``, ``JUJU_STORAGE_ID``) is malformed.
            RuntimeError: if ``JUJU_VERSION`` is not a valid Juju version string.
        """
        if environ is None:
            import os

            environ = os.environ
        for name in _ALWAYS_REQUIRED:
            if name not in environ:
                raise ValueError(f'Missing required environment variable: {name}')
        for name in _required_for_hook(environ['JUJU_HOOK_NAME'], environ['JUJU_DISPATCH_PATH']):
            if name not in environ:
                raise ValueError(f'Missing required environment variable: {name}')
        return cls._from_dict(environ)

    @classmethod
    def _from_dict(cls, env: Mapping[str, str]) -> JujuContext:
        """Build the context leniently: anything missing takes its default."""

        def opt(name: str) -> str | None:
            return env.get(name) or None

        relation_id = storage_name = storage_index = secret_revision = None
        if raw := opt('JUJU_RELATION_ID'):
            relation_id = _int_from('JUJU_RELATION_ID', raw.rsplit(':', 1)[-1])
        if raw := opt('JUJU_STORAGE_ID'):
            storage_name = raw.split('/', 1)[0]
            storage_index = _int_from('JUJU_STORAGE_ID', raw.rsplit('/', 1)[-1])
        if raw := opt('JUJU_SECRET_REVISION'):
            secret_revision = _int_from('JUJU_SECRET_REVISION', raw)
        charm_dir = opt('JUJU_CHARM_DIR')
        resolved_dir: Any = (
            _ResolvedDir(os.path.realpath(charm_dir)) if charm_dir else _default_charm_dir()
        )
        debug_at = opt('JUJU_DEBUG_AT')
        return cls(
            dispatch_path=env.get('JUJU_DISPATCH_PATH', ''),
            hook_name=env.get('JUJU_HOOK_NAME', ''),
            model_name=env.get('JUJU_MODEL_NAME', ''),
            model_uuid=env.get('JUJU_MODEL_UUID', ''),
            unit_name=env.get('JUJU_UNIT_NAME', ''),
            version=JujuVersion(env.get('JUJU_VERSION') or '0.0.0'),
            availability_zone=opt('JUJU_AVAILABILITY_ZONE'),
            charm_dir=resolved_dir,
            debug='JUJU_DEBUG' in env,
            debug_at={n.strip() for n in debug_at.split(',') if n.strip()} if debug_at else set(),
            machine_id=opt('JUJU_MACHINE_ID'),
            principal_unit=opt('JUJU_PRINCIPAL_UNIT'),
            action_name=opt('JUJU_ACTION_NAME'),
            action_uuid=opt('JUJU_ACTION_UUID'),
            notice_id=opt('JUJU_NOTICE_ID'),
            notice_key=opt('JUJU_NOTICE_KEY'),
            notice_type=opt('JUJU_NOTICE_TYPE'),
            pebble_check_name=opt('JUJU_PEBBLE_CHECK_NAME'),
            relation_departing_unit_name=opt('JUJU_DEPARTING_UNIT'),
            relation_name=opt('JUJU_RELATION'),
            relation_id=relation_id,
            remote_app_name=opt('JUJU_REMOTE_APP'),
            remote_unit_name=opt('JUJU_REMOTE_UNIT'),
            secret_id=opt('JUJU_SECRET_ID'),
            secret_label=opt('JUJU_SECRET_LABEL'),
            secret_revision=secret_revision,
            storage_index=storage_index,
            storage_name=storage_name,
            workload_name=opt('JUJU_WORKLOAD_NAME'),
        )


# The record's generated __init__ stores fields with object.__setattr__, which goes through
# this data descriptor; reads, eq, repr and hash all read the field through it too.
type.__setattr__(JujuContext, 'charm_dir', _PathOnFirstRead())

publish(__name__)
