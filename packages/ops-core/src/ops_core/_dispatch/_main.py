"""``ops.main``: the process entry point a charm's ``dispatch`` script calls for every hook.

It reads the Juju context from the environment, sets up logging through ``juju-log``,
loads the metadata, runs a legacy hook if there is one, chooses the state storage and
hands over to :class:`ops_core._dispatch._dispatcher._Dispatcher`.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import TYPE_CHECKING

from .._exports import publish
from .._framework._abort import _Abort

if TYPE_CHECKING:
    from .._charm._charm import CharmBase
    from .._charm._meta import CharmMeta
    from .._model._backend import Backend
    from .._persistence._juju import JujuStorage
    from .._persistence._sqlite import SQLiteStorage
    from ._jujucontext import JujuContext

logger = logging.getLogger('ops.main')

CHARM_STATE_FILE = '.unit-state.db'
"""The name of the charm's state file (SQLite) in the charm directory."""


def _ops_version() -> str:
    ops = sys.modules.get('ops')
    version = getattr(ops, '__version__', None)
    return version if isinstance(version, str) else '3.9.0'


def _production_backend(context: JujuContext) -> Backend:
    """The model backend over the real hook tools."""
    from ._hookcmds_backend import HookCommandsBackend

    return HookCommandsBackend(context)


def _run_legacy_hook(charm_dir: str, dispatch_path: str) -> None:
    """Run ``<charm_dir>/<dispatch_path>`` if it is a separate executable (old-style hooks).

    Raises:
        _Abort: with the hook's exit status if it failed (the ops event is not emitted),
            or 1 if it could not be run.
    """
    if not dispatch_path:
        return
    path = os.path.join(charm_dir, dispatch_path)
    if not os.path.exists(path) or os.path.isdir(path):
        return
    warnings.warn('Legacy hooks are deprecated.', DeprecationWarning, stacklevel=2)
    if not os.access(path, os.X_OK):
        logger.warning('Legacy %s exists but is not executable.', dispatch_path)
        return
    try:
        same = os.path.realpath(path) == os.path.realpath(sys.argv[0])
    except (OSError, IndexError):
        same = False
    if same:
        logger.debug('Legacy %s is just a link to ourselves.', dispatch_path)
        return
    argv = [path, *sys.argv[1:]]
    logger.info('Running legacy %s.', dispatch_path)
    import subprocess  # only legacy hooks need it; a plain hook never loads it

    try:
        subprocess.run(argv, check=True)
    except subprocess.CalledProcessError as exc:
        logger.warning('Legacy %s exited with status %d.', dispatch_path, exc.returncode)
        raise _Abort(exc.returncode) from exc
    except OSError as exc:
        logger.warning('Unable to run legacy %s: %s', dispatch_path, exc)
        raise _Abort(1) from exc
    logger.debug('Legacy %s exited with status 0.', dispatch_path)


def _should_use_controller_storage(db_path: str, meta: CharmMeta, context: JujuContext) -> bool:
    if os.path.exists(db_path):
        return False
    if 'kubernetes' not in meta.series:
        logger.debug('Using local storage: not a Kubernetes podspec charm')
        return False
    if context.version.has_controller_storage():
        logger.debug('Using controller storage: JUJU_VERSION=%s', context.version)
        return True
    logger.debug('Using local storage: JUJU_VERSION=%s', context.version)
    return False


def _make_storage(
    use_juju_for_storage: bool | None,
    meta: CharmMeta,
    context: JujuContext,
    restricted: bool,
    event_name: str,
) -> SQLiteStorage | JujuStorage:
    from .._persistence._juju import JujuStorage, juju_backend_available
    from .._persistence._sqlite import SQLiteStorage
    from ._jujucontext import charm_dir_text

    db_path = os.path.join(charm_dir_text(context), CHARM_STATE_FILE)
    if use_juju_for_storage and not juju_backend_available():
        raise RuntimeError(
            'charm set use_juju_for_storage=True, but Juju version '
            f'{context.version} does not support it (no state-get hook tool on PATH)'
        )
    if use_juju_for_storage is None:
        use_controller = _should_use_controller_storage(db_path, meta, context)
    else:
        use_controller = use_juju_for_storage
        if use_controller:
            warnings.warn(
                "Controller storage is deprecated; it's intended for podspec charms and will "
                'be removed in a future release.',
                DeprecationWarning,
                stacklevel=3,
            )
    if use_controller and restricted:
        logger.debug(
            '"%s" is not supported when using Juju for storage\n'
            'see: https://github.com/canonical/operator/issues/348',
            event_name,
        )
        raise _Abort(0)
    if use_juju_for_storage:
        return JujuStorage()
    return SQLiteStorage(db_path)


def main(charm_class: type[CharmBase], use_juju_for_storage: bool | None = None) -> None:
    """Run the charm for the current hook or action; call it from the charm's entry point.

    Example (``src/charm.py``)::

        if __name__ == '__main__':
            ops.main(MyCharm)

    Reads the Juju context from the environment, forwards logging to ``juju-log`` (every
    record the charm logs, as ops 3.9 does; the framework's own DEBUG chatter only under
    ``JUJU_DEBUG`` or ``OPS_JUJU_LOG_LEVEL=DEBUG``), re-emits deferred events, emits the event Juju dispatched,
    evaluates collect-status and commits the charm's state. An uncaught exception is
    logged with its traceback, nothing is committed, and the process exits non-zero.

    Args:
        charm_class: the charm's :class:`~ops.CharmBase` subclass.
        use_juju_for_storage: keep state on the controller (deprecated; podspec charms)
            rather than in ``.unit-state.db``; ``None`` chooses automatically.
    """
    import gc

    # Everything that exists now (modules, classes, functions of the charm and its
    # libraries) lives until the process exits: moving it to the permanent generation
    # spares every later collection, and the two at interpreter exit, from walking it
    # (a tenth of a trivial hook's instructions). Objects the hook creates from here on
    # are collected as usual.
    gc.freeze()
    try:
        _main(charm_class, use_juju_for_storage)
    except _Abort as abort:
        sys.exit(abort.exit_code)


def _main(charm_class: type[CharmBase], use_juju_for_storage: bool | None) -> None:
    from .._charm._meta_cache import load_charm_meta
    from ._dispatcher import RESTRICTED_EVENTS, _Dispatcher, event_name_from_dispatch_path
    from ._jujucontext import JujuContext, charm_dir_text
    from ._log import _juju_log_levels, _setup_logging

    context = JujuContext._from_dict(os.environ)
    backend = _production_backend(context)
    level, framework_level = _juju_log_levels(os.environ, context.debug)
    _setup_logging(
        backend,
        debug=context.debug,
        exc_stderr=bool(context.action_name),
        level=level,
        framework_level=framework_level,
    )
    logger.debug('ops %s up and running.', _ops_version())

    meta = load_charm_meta(charm_dir_text(context))

    if 'OPERATOR_DISPATCH' in os.environ:
        logger.debug('Charm called itself via %s.', context.dispatch_path)
        raise _Abort(0)
    os.environ['OPERATOR_DISPATCH'] = '1'
    event_name = event_name_from_dispatch_path(context.dispatch_path)

    _run_legacy_hook(charm_dir_text(context), context.dispatch_path)

    storage = _make_storage(
        use_juju_for_storage,
        meta,
        context,
        restricted=event_name in RESTRICTED_EVENTS,
        event_name=event_name,
    )
    dispatcher = _Dispatcher(
        charm_class,
        context=context,
        backend=backend,
        storage=storage,
        meta=meta,
        event_name=event_name,
    )
    dispatcher.run()


publish(__name__)
