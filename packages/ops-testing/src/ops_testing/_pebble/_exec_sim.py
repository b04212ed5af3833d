"""Simulated commands: what ``exec`` gives in-process, from the model's exec handlers.

A command's outcome is computed when it starts (the handler runs at once, no process and no
thread); the process object then reports it exactly as :class:`ops_pebble.ExecProcess`
does, which is what ``Context``'s ``Exec`` mocks and ``Harness.handle_exec`` rely on.
"""

from __future__ import annotations

import io
from typing import Any

import ops_pebble
from ops_pebble import ExecError, ExecProcess
from ops_pebble.sister import signal_name
from ops_pebble.transport import ExecOptions

from ._errors import api_error
from ._model import ExecOutcome, ExecRequest, PebbleModel


class InMemoryExecProcess(ExecProcess[Any]):
    """The process object the in-memory client's ``exec`` returns.

    The command's outcome is computed when it starts; ``wait``/``wait_output`` then report it
    exactly as :class:`ops_pebble.ExecProcess` does.
    """

    def __init__(
        self,
        command: list[str],
        outcome: ExecOutcome | None,
        error: BaseException | None,
        *,
        encoding: str | None,
        combine_stderr: bool,
        stdout_dest: Any,
        stderr_dest: Any,
        stdin_given: bool,
        timeout: float | None,
        change_id: str,
        model: PebbleModel,
    ):
        self._command = command
        self._outcome = outcome
        self._error = error
        self._encoding = encoding
        self._exec_timeout = timeout
        self._change_id_str = change_id
        self._model = model
        self._waited = False
        out = self._convert(outcome.stdout if outcome else b'')
        err = self._convert(outcome.stderr if outcome else b'')
        if combine_stderr:
            # Everything went to stdout; stderr is empty (not None), as in ops 3.9's
            # Harness and Scenario, whose tests compare it with ''.
            out, err = out + err, err[:0]
        self._out = out
        self._err = err
        self._stdout_given = stdout_dest is not None
        if stdout_dest is not None:
            stdout_dest.write(out)
        if stderr_dest is not None and err is not None:
            stderr_dest.write(err)
        text = encoding is not None
        self.stdin: Any = None if stdin_given else (io.StringIO() if text else io.BytesIO())
        self.stdout: Any = None
        if stdout_dest is None:
            self.stdout = io.StringIO(out) if text else io.BytesIO(out)
        self.stderr: Any = None
        if stderr_dest is None and err is not None:
            self.stderr = io.StringIO(err) if text else io.BytesIO(err)

    def _convert(self, value: str | bytes) -> Any:
        if self._encoding is None:
            return value.encode('utf-8') if isinstance(value, str) else bytes(value)
        return value.decode(self._encoding) if isinstance(value, bytes) else value

    def _finish(self) -> int:
        self._waited = True
        if self._error is not None:
            if isinstance(self._error, TimeoutError) and not isinstance(
                self._error, ops_pebble.Error
            ):
                if self._exec_timeout is None:
                    raise RuntimeError(
                        'the exec handler raised TimeoutError but exec was called without a timeout'
                    )
                raise ops_pebble.TimeoutError(
                    f'timed out waiting for change {self._change_id_str} ({self._exec_timeout} seconds)'
                )
            raise self._error
        assert self._outcome is not None
        return self._outcome.exit_code

    def wait(self) -> None:
        """Report the command's result (see :meth:`ops_pebble.ExecProcess.wait`)."""
        exit_code = self._finish()
        if exit_code != 0:
            raise ExecError(self._command, exit_code, None, None)

    def wait_output(self) -> tuple[Any, Any]:
        """Return the command's output (see :meth:`ops_pebble.ExecProcess.wait_output`)."""
        if self._stdout_given:
            raise TypeError(
                "can't use wait_output() when exec was called with the stdout argument"
            )
        exit_code = self._finish()
        if exit_code != 0:
            raise ExecError(self._command, exit_code, self._out, self._err)
        return self._out, self._err

    def send_signal(self, sig: int | str) -> None:
        """Signals cannot reach a simulated command.

        Raises:
            NotImplementedError: always; the command has already produced its outcome.
        """
        raise NotImplementedError(
            f'cannot send {signal_name(sig)} to a simulated command: its outcome is fixed when it starts'
        )

    def __del__(self) -> None:
        pass


def exec_request(
    model: PebbleModel,
    command: list[str],
    *,
    service_context: str | None,
    environment: dict[str, str] | None,
    working_dir: str | None,
    timeout: float | None,
    user_id: int | None,
    user: str | None,
    group_id: int | None,
    group: str | None,
) -> ExecRequest:
    """The exec-history entry for a command, with its service context applied.

    Raises:
        APIError: 400 if ``service_context`` names no service of the plan.
    """
    env = dict(environment or {})
    if service_context is not None:
        services = model.plan_dict().get('services') or {}
        if service_context not in services:
            raise api_error(400, f'service "{service_context}" not found in plan')
        context = services[service_context]
        env = {**(context.get('environment') or {}), **env}
        working_dir = working_dir if working_dir is not None else context.get('working-dir')
        user_id = user_id if user_id is not None else context.get('user-id')
        user = user if user is not None else context.get('user')
        group_id = group_id if group_id is not None else context.get('group-id')
        group = group if group is not None else context.get('group')
    return ExecRequest(
        command=list(command),
        environment=env,
        working_dir=working_dir,
        timeout=timeout,
        user_id=user_id,
        user=user,
        group_id=group_id,
        group=group,
        service_context=service_context,
    )


def run_exec(model: PebbleModel, request: ExecRequest, options: ExecOptions) -> ExecProcess[Any]:
    """Run a command on the model's exec handlers and return its (finished) process.

    The request is recorded in ``model.exec_history`` with the input the caller gave.

    Raises:
        Exception: what ``model.unmatched_exec`` makes of a command no handler matches.
    """
    stdin = options.stdin
    request.stdin = stdin if stdin is None or isinstance(stdin, (str, bytes)) else stdin.read()
    request.encoding = options.encoding
    request.combine_stderr = options.combine_stderr
    command = request.command
    with model.lock:
        model.exec_history.append(request)
    handler = model.find_exec_handler(command)
    if handler is None:
        raise model.unmatched_exec(list(command))
    outcome: ExecOutcome | None = None
    error: BaseException | None = None
    try:
        outcome = handler(request) or ExecOutcome()
    except TimeoutError as e:
        error = e
    change_id = model.new_change(
        'exec',
        f'Execute command "{command[0]}"',
        task_data={'exit-code': outcome.exit_code if outcome else -1},
    )
    return InMemoryExecProcess(
        list(command),
        outcome,
        error,
        encoding=options.encoding,
        combine_stderr=options.combine_stderr,
        stdout_dest=options.stdout,
        stderr_dest=options.stderr,
        stdin_given=stdin is not None,
        timeout=options.timeout,
        change_id=change_id,
        model=model,
    )
