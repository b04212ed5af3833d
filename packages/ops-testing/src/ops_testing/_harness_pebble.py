"""Harness workloads: each container's Pebble is the repository's one in-memory Pebble
(``ops_testing._pebble``), the same simulation a Context uses."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ops_pebble
from ops_core.model import Container, ModelError

from ._harness._base import HarnessBase
from ._types import CharmType, ExecArgs, ExecHandler, ExecResult

if TYPE_CHECKING:
    from ._pebble import ExecOutcome, ExecRequest

__all__ = ['PebbleMixin']


def _container_name(container: str | Container) -> str:
    return container if isinstance(container, str) else container.name


def _outcome(result: object, request: ExecRequest) -> ExecOutcome:
    """What the in-memory Pebble reports for a Harness exec handler's ``result``.

    Raises:
        TypeError: the handler returned something other than an ExecResult or None.
        ValueError: the output cannot be what ``exec`` was asked for (text with
            ``encoding=None``, or stderr output with ``combine_stderr=True``).
    """
    if result is None:
        result = ExecResult()
    if not isinstance(result, ExecResult):
        raise TypeError(
            f'execution handler returned an unexpected type: {type(result)!r}; '
            'return an ExecResult (or None for success)'
        )
    if request.combine_stderr and result.stderr:
        raise ValueError(
            'execution handler returned a non-empty stderr, but exec was called with '
            'combine_stderr=True (everything goes to stdout); return the output as stdout'
        )
    if request.encoding is None and (
        isinstance(result.stdout, str) or isinstance(result.stderr, str)
    ):
        raise ValueError(
            'execution handler must return bytes when exec is called with encoding=None, not str'
        )
    # The simulated Pebble loads when a container's client is first used, not with Harness.
    from ._pebble import ExecOutcome

    return ExecOutcome(result.exit_code, result.stdout or b'', result.stderr or b'')


class PebbleMixin(HarnessBase[CharmType]):
    """Containers: connectivity, pebble-ready, notices, the plan, files and exec."""

    def set_can_connect(self, container: str | Container, val: bool) -> None:
        """Make a container's Pebble reachable (``True``) or not (``False``).

        Raises:
            ModelError: the metadata declares no such container.
        """
        name = _container_name(container)
        if name not in self._spec.containers:
            raise ModelError(f'container {name!r} not found; declare it in the metadata')
        self._pebble_model(name).can_connect = val

    def container_pebble_ready(self, container_name: str) -> None:
        """Make the container reachable and emit its ``pebble-ready`` event.

        Does nothing before ``begin()``.

        Raises:
            KeyError: the metadata declares no such container.
        """
        model = self._pebble_model(container_name)
        if self._charm is None:
            return
        model.can_connect = True
        container = self._model.unit.get_container(container_name)
        self._emit(f'{self._attr(container_name)}_pebble_ready', container)

    def pebble_notify(
        self,
        container_name: str,
        key: str,
        *,
        data: dict[str, str] | None = None,
        repeat_after: datetime.timedelta | None = None,
        type: ops_pebble.NoticeType = ops_pebble.NoticeType.CUSTOM,
    ) -> str:
        """Record a notice in the container's Pebble and emit the event Juju would.

        A new or repeated custom notice emits ``pebble-custom-notice``. A
        ``change-update`` notice for a failed ``perform-check`` change emits
        ``pebble-check-failed``; for a finished ``recover-check`` change,
        ``pebble-check-recovered``.

        Returns:
            The notice's id.

        Raises:
            KeyError: the metadata declares no such container.
            APIError: a ``change-update`` notice whose data names a kind, for a change
                the container's Pebble does not have.
        """
        model = self._pebble_model(container_name)
        type_value = type.value if isinstance(type, ops_pebble.NoticeType) else str(type)
        notice_id, repeated = model.add_notice(
            type_value,
            key,
            data=dict(data or {}),  # each occurrence replaces the data, as Pebble does
            repeat_after=repeat_after.total_seconds() if repeat_after is not None else None,
        )
        if self._charm is None or not repeated:
            return notice_id
        if type_value == ops_pebble.NoticeType.CUSTOM.value:
            container = self._model.unit.get_container(container_name)
            prefix = self._attr(container_name)
            self._emit(f'{prefix}_pebble_custom_notice', container, notice_id, type_value, key)
        elif type_value == ops_pebble.NoticeType.CHANGE_UPDATE.value:
            self._emit_check_event(container_name, key, data or {})
        return notice_id

    def _emit_check_event(self, container_name: str, change_id: str, data: dict[str, str]) -> None:
        """Emit check-failed/recovered for a change-update notice of a check's change.

        A notice naming the change's kind (as Pebble's do) is followed up through the
        container's client, as the charm's dispatch would: an unknown change id is then
        Pebble's APIError. Without a kind, an unknown change is ignored.
        """
        model = self._pebble_model(container_name)
        if 'kind' not in data and change_id not in model.changes:
            return
        change = self._pebble_client(container_name).get_change(ops_pebble.ChangeID(change_id))
        check = data.get('check-name') or self._check_of_change(model.checks, change.summary)
        outcome = {('perform-check', 'Error'): 'failed', ('recover-check', 'Done'): 'recovered'}
        event = outcome.get((change.kind, change.status))
        if check is not None and event is not None:
            container = self._model.unit.get_container(container_name)
            prefix = self._attr(container_name)
            self._emit(f'{prefix}_pebble_check_{event}', container, check)

    @staticmethod
    def _check_of_change(checks: dict[str, dict[str, Any]], summary: str) -> str | None:
        """The check a perform-check/recover-check change belongs to (named in its summary)."""
        for name in checks:
            if summary.endswith(f'"{name}"'):
                return name
        return None

    def get_container_pebble_plan(self, container_name: str) -> ops_pebble.Plan:
        """The container's current Pebble plan (every layer combined).

        Raises:
            KeyError: the metadata declares no such container.
        """
        return self._pebble_model(container_name).plan()

    def get_filesystem_root(self, container: str | Container) -> pathlib.Path:
        """The host directory holding the container's simulated filesystem.

        Files written there are visible to the charm through ``Container.pull`` and
        friends, and the other way round. Until this is first called, the container's files
        are kept in memory; the call writes them out here (with their modes and times), and
        from then on the directory is the only copy.

        Raises:
            KeyError: the metadata declares no such container.
        """
        return pathlib.Path(self._pebble_model(_container_name(container)).fs.root)

    def handle_exec(
        self,
        container: str | Container,
        command_prefix: Sequence[str],
        *,
        handler: ExecHandler | None = None,
        result: int | str | bytes | ExecResult | None = None,
    ) -> None:
        """Simulate the commands starting with ``command_prefix`` in a container.

        Give exactly one of ``handler`` (called with :class:`ExecArgs`, returning an
        :class:`ExecResult` or ``None`` for success, or raising ``TimeoutError``) and
        ``result`` (an exit code, the stdout text/bytes, or an :class:`ExecResult`). The
        longest matching prefix wins; registering a prefix again replaces it.

        Raises:
            TypeError: both or neither of ``handler`` and ``result``.
            KeyError: the metadata declares no such container.
        """
        if (handler is None) == (result is None):
            raise TypeError('Either handler or result must be provided, but not both.')
        if handler is None:
            if isinstance(result, int):
                fixed = ExecResult(exit_code=result)
            elif isinstance(result, (str, bytes)):
                fixed = ExecResult(stdout=result)
            elif isinstance(result, ExecResult):
                fixed = result
            else:
                raise TypeError(
                    f'result must be an int, str, bytes or ExecResult, not {type(result).__name__}'
                )

            def handler(args: ExecArgs) -> ExecResult:
                return fixed

        user_handler = handler
        model = self._pebble_model(_container_name(container))

        def run(request: ExecRequest) -> ExecOutcome:
            args = ExecArgs._from_request(request, stdin=request.stdin)
            return _outcome(user_handler(args), request)

        model.add_exec_handler(list(command_prefix), run)
