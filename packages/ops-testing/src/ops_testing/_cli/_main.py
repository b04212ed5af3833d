"""``python -m ops_testing``: try a charm from the command line, without Juju.

Two commands, both running the charm in-process through :class:`~ops_testing.Context`:

* ``run CHARM_DIR EVENT [--state IN] [--out OUT]`` runs one event and writes the output
  State (YAML or JSON, by the file's extension);
* ``lifecycle CHARM_DIR`` drives the charm through a first deployment and prints a table.

Exit status: 0 when the charm handled every event, 1 when the charm raised (or an action
failed), 2 for a bad command line, event name, or state file. Errors are one line on
stderr; for a charm error, the frames of the traceback that are in the charm's files follow.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import pathlib
import shutil
import sys
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import yaml

from .._state._log import JujuLogLine
from ._event_args import EXAMPLES, EventRequest, UsageError, build_event, convert_options
from ._files import (
    CharmImportError,
    charm_traceback,
    check_output_path,
    load_charm,
    read_state,
    write_state,
)
from ._lifecycle import COLUMNS, empty_state, lifecycle_steps, table_row
from ._sandbox import SideEffectGuard, describe, guarded
from ._table import (
    Table,
    deferred_names,
    relation_data_written,
    running_services,
    status_text,
)

if TYPE_CHECKING:
    from .._context import Context
    from .._events import Event
    from .._state._state import State

__all__ = ['main']

PROG = 'python -m ops_testing'
_READER_GONE = 128 + 13  # the status of a process killed by SIGPIPE
_QUIET_LEVELS = ('DEBUG', 'TRACE')
_EPILOG = """\
exit status: 0 if the charm handled every event, 1 if it raised (or an action failed),
2 for a bad command line, event, charm directory or state file.

The charm's code runs on this machine, but the processes it starts and its writes outside
a scratch directory are only recorded and shown, unless --allow-side-effects is given.
See docs/simulator.md for every event name and the state file format."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f'{PROG}: error: {message} (see {self.prog} --help)\n')


class CharmFailed(Exception):
    """The charm raised, or an action failed: exit status 1.

    Attributes:
        lines: the traceback summary to print after the message.
        state: the output State, when there is one (a failed action has one).
    """

    def __init__(self, message: str, lines: Sequence[str] = (), state: State | None = None):
        super().__init__(message)
        self.lines = list(lines)
        self.state = state


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description='Run a charm through Juju events in-process, without Juju.',
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)
    commands.required = True

    run = commands.add_parser(
        'run',
        help='run one event and write the output state',
        description='Run one event on the charm, from a state file (default: an empty state).',
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument('charm_dir', metavar='CHARM_DIR', help='the charm (with src/charm.py)')
    run.add_argument('event', metavar='EVENT', help=f'the event, for example: {EXAMPLES}')
    run.add_argument('--state', metavar='IN', help='input state file (.yaml or .json)')
    run.add_argument('--out', metavar='OUT', help='where to write the output state')
    run.add_argument(
        '--param', action='append', default=[], metavar='KEY=VALUE', help='an action parameter'
    )
    run.add_argument('--remote-unit', type=int, metavar='N', help='remote unit of the event')
    run.add_argument('--departing-unit', type=int, metavar='N', help='for relation-departed')
    run.add_argument('--revision', type=int, metavar='N', help='for secret-expired/-remove')
    _common_options(run)

    life = commands.add_parser(
        'lifecycle',
        help='drive the charm through a first deployment',
        description=(
            'Drive the charm from an empty state through a first deployment (install,\n'
            'leader-elected, config-changed, start, pebble-ready, a relation joining,\n'
            'update-status) and print a table, one row per event.'
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    life.add_argument('charm_dir', metavar='CHARM_DIR', help='the charm (with src/charm.py)')
    life.add_argument('--out', metavar='OUT', help='where to write the final state')
    life.add_argument('--width', type=int, metavar='N', help='table width (default: terminal)')
    _common_options(life)
    return parser


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--config',
        action='append',
        default=[],
        metavar='KEY=VALUE',
        help='set a config option (on top of the state and the defaults)',
    )
    parser.add_argument('--charm-class', metavar='NAME', help='the charm class, if several')
    parser.add_argument(
        '-v', '--verbose', action='store_true', help='show the whole charm log, DEBUG included'
    )
    parser.add_argument(
        '--allow-side-effects',
        action='store_true',
        help=(
            'really start the processes the charm starts and let it write anywhere '
            '(by default they are recorded and shown, not performed)'
        ),
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the simulator with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    stdout = out if out is not None else sys.stdout
    args = _parser().parse_args(argv)
    _show_simulator_warnings()
    scratch = None if args.allow_side_effects else tempfile.mkdtemp(prefix='ops-simulator-')
    guard = None if scratch is None else SideEffectGuard(scratch)
    try:
        if args.out is not None:
            check_output_path(args.out)
        with guarded(guard):
            charm_type = load_charm(args.charm_dir, args.charm_class)
        _print_side_effects(stdout, guard, 'importing the charm')
        ctx = _context(charm_type, args.charm_dir)
        run = _run if args.command == 'run' else _lifecycle
        status = run(ctx, args, stdout, guard)
        stdout.flush()
        return status
    except BrokenPipeError:
        # The reader went away (``| head``): stop, quietly, as a program killed by SIGPIPE.
        _discard_output(stdout)
        return _READER_GONE
    except UsageError as e:
        print(f'{PROG}: error: {e}', file=sys.stderr)
        return 2
    except CharmImportError as e:
        print(f'{PROG}: error: {e}', file=sys.stderr)
        for line in charm_traceback(e.error, args.charm_dir):
            print(f'  {line}', file=sys.stderr)
        return 1
    except CharmFailed as e:
        try:
            stdout.flush()
        except BrokenPipeError:
            _discard_output(stdout)
        print(f'{PROG}: error: {e}', file=sys.stderr)
        for line in e.lines:
            print(f'  {line}', file=sys.stderr)
        return 1
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _discard_output(stream: TextIO) -> None:
    """Send what is left of ``stream`` nowhere, so that exiting does not fail to flush it."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _print_side_effects(out: TextIO, guard: SideEffectGuard | None, when: str) -> None:
    """Show what the charm tried to do to the host (and was not let do) ``when``."""
    effects = describe(guard.take()) if guard is not None else []
    if effects:
        print(f'not performed while {when} (--allow-side-effects to perform):', file=out)
        for line in effects:
            print(f'  {line}', file=out)


def _show_simulator_warnings() -> None:
    """Print ops_testing's own warnings (an implicit remote unit, ...) as one-liners."""
    sim_logger = logging.getLogger('ops_testing')
    if not any(getattr(h, '_ops_testing_cli', False) for h in sim_logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(f'{PROG}: warning: %(message)s'))
        handler.setLevel(logging.WARNING)
        handler._ops_testing_cli = True  # type: ignore[attr-defined]
        sim_logger.addHandler(handler)


def _context(charm_type: type[Any], charm_dir: str) -> Context[Any]:
    from ops_core.charm import MetadataError

    from .._context import Context
    from ..errors import ContextSetupError

    try:
        ctx: Context[Any] = Context(charm_type)
        # Also what Context leaves to the run's consistency check: an unknown config
        # option type, an endpoint declared twice.
        ctx._spec.validate(strict=True)
    except ContextSetupError:
        raise UsageError(
            f'no charm metadata in {charm_dir!r}: a charmcraft.yaml needs type: charm, name, '
            'summary and description (or put the metadata in metadata.yaml)'
        ) from None
    except MetadataError as e:
        # The message starts with the file's absolute path: show it as given instead.
        root = str(pathlib.Path(charm_dir).resolve())
        text = ' '.join(str(e).split())
        if text.startswith(root + os.sep):
            text = os.path.join(charm_dir, text[len(root) + 1 :])
        raise UsageError(f'invalid charm metadata: {text}') from None
    except (ValueError, TypeError) as e:
        raise UsageError(f'invalid charm metadata in {charm_dir!r}: {e}') from None
    if not ctx._spec.name:
        raise UsageError(f'the charm metadata in {charm_dir!r} has no name')
    return ctx


def _with_config(ctx: Context[Any], state: State, pairs: Sequence[str]) -> State:
    if not pairs:
        return state
    values = convert_options(pairs, ctx._spec.config_options, what='the charm', strict=True)
    return dataclasses.replace(state, config={**state.config, **values})


def simulate(
    ctx: Context[Any],
    event: Event,
    state: State,
    label: str,
    charm_dir: str,
    guard: SideEffectGuard | None = None,
) -> State:
    """Run one event (under ``guard``, if given); translate failures into the simulator's errors.

    Raises:
        UsageError: the event and state do not fit the charm (inconsistent scenario).
        CharmFailed: the charm raised, or the action failed.
    """
    from .._types import ActionFailed
    from ..errors import InconsistentScenarioError, UncaughtCharmError

    try:
        # Like Scenario, each run starts with empty container filesystems (files persist only
        # through mounts); closing the Context gives the next run fresh directories.
        with guarded(guard), ctx:
            return ctx.run(event, state)
    except InconsistentScenarioError as e:
        text = str(e).split(': ', 1)[-1]
        problems = '; '.join(line.strip() for line in text.splitlines() if line.strip())
        raise UsageError(f'the state does not fit the charm for {label}: {problems}') from None
    except ActionFailed as e:
        name = event.action.name if event.action is not None else label
        raise CharmFailed(f'action {name!r} failed: {e}', state=e.state) from None
    except UncaughtCharmError as e:
        cause = e.__cause__ or e
        raise CharmFailed(
            f'the charm raised {type(cause).__name__} while handling {label}',
            charm_traceback(cause, charm_dir),
        ) from None
    except Exception as e:
        raise CharmFailed(
            f'running {label} failed with {type(e).__name__}', charm_traceback(e, charm_dir)
        ) from None


def _log_lines(ctx: Context[Any], start: int, verbose: bool) -> list[str]:
    return [
        f'{line.level:<8} {line.message}'
        for line in ctx.juju_log[start:]
        if verbose or line.level not in _QUIET_LEVELS
    ]


def _unit_name(ctx: Context[Any]) -> str:
    return f'{ctx.app_name}/{ctx.unit_id}'


def _ports(state: State) -> str:
    ports = sorted(state.opened_ports, key=lambda p: (p.protocol, p.port or 0))
    return ', '.join(f'{p.port}/{p.protocol}' if p.port else p.protocol for p in ports) or '-'


def _run(
    ctx: Context[Any], args: argparse.Namespace, out: TextIO, guard: SideEffectGuard | None
) -> int:
    state = read_state(args.state) if args.state else empty_state(ctx._spec)
    state = _with_config(ctx, state, args.config)
    request = EventRequest(
        params=args.param,
        remote_unit=args.remote_unit,
        departing_unit=args.departing_unit,
        revision=args.revision,
    )
    event, state, notes = build_event(ctx, state, args.event, request)
    for note in notes:
        print(f'note: {note}', file=out)
    start = len(ctx.juju_log)
    try:
        output = simulate(ctx, event, state, args.event, args.charm_dir, guard)
    except CharmFailed as e:
        _print_log(out, _log_lines(ctx, start, args.verbose))
        _print_action(ctx, out)
        _print_side_effects(out, guard, f'running {args.event}')
        if e.state is not None and args.out:
            write_state(args.out, e.state)
            print(f'output state written to {args.out}', file=out)
        raise
    print(f'{args.event} on {_unit_name(ctx)}: done', file=out)
    rows = (
        ('unit status', status_text(output.unit_status)),
        ('app status', status_text(output.app_status)),
        ('workload version', output.workload_version or '-'),
        ('opened ports', _ports(output)),
        ('services', running_services(output)),
        ('relation data written', relation_data_written(state, output)),
        ('deferred', deferred_names(output)),
    )
    for name, value in rows:
        print(f'  {name + ":":<23}{value}', file=out)
    _print_action(ctx, out)
    _print_log(out, _log_lines(ctx, start, args.verbose))
    _print_side_effects(out, guard, f'running {args.event}')
    if args.out:
        write_state(args.out, output)
        print(f'output state written to {args.out}', file=out)
    return 0


def _print_log(out: TextIO, lines: Sequence[str]) -> None:
    if lines:
        print('charm log:', file=out)
        for line in lines:
            print(f'  {line}', file=out)


def _print_action(ctx: Context[Any], out: TextIO) -> None:
    if ctx.action_logs:
        print('action log:', file=out)
        for line in ctx.action_logs:
            print(f'  {line}', file=out)
    if ctx.action_results:
        print('action results:', file=out)
        text = yaml.safe_dump(ctx.action_results, default_flow_style=False, sort_keys=True)
        for line in text.splitlines():
            print(f'  {line}', file=out)


def _lifecycle(
    ctx: Context[Any], args: argparse.Namespace, out: TextIO, guard: SideEffectGuard | None
) -> int:
    spec = ctx._spec
    state = _with_config(ctx, empty_state(spec), args.config)
    steps = list(lifecycle_steps(ctx, spec))
    width = args.width or shutil.get_terminal_size((120, 24)).columns
    table = Table('event', [step.label for step in steps], COLUMNS, width)
    print(
        f'Deploying {spec.name or ctx.charm_type.__name__} '
        f'({ctx.charm_type.__name__}) as {_unit_name(ctx)}, from an empty state:\n',
        file=out,
    )
    _show(out, table.head())
    log: list[str] = []
    blocked: list[str] = []
    failure: CharmFailed | None = None
    live = _LiveLog(out, args.verbose)
    ctx.juju_log = live
    for step in steps:
        event, prepared = step.prepare(state)
        start = len(ctx.juju_log)
        live.label = step.label
        try:
            after = simulate(ctx, event, prepared, step.label, args.charm_dir, guard)
        except CharmFailed as e:
            failure = e
            row = [step.label, f'error: {e}', '', '', '', '']
        else:
            row = table_row(step.label, prepared, after)
            state = after
        live.check()
        log.extend(f'[{step.label}] {line}' for line in _log_lines(ctx, start, verbose=False))
        blocked.extend(f'[{step.label}] {line}' for line in _take(guard))
        _show(out, table.row(row))
        if failure is not None:
            break
    print(file=out)
    print(
        f'opened ports: {_ports(state)}; workload version: {state.workload_version or "-"}; '
        f'secrets: {len(list(state.secrets))}',
        file=out,
    )
    notable = [line for line in log if _is_notable(line)]
    if notable and not args.verbose:
        print('charm log (warnings and errors; -v for all):', file=out)
        for line in notable:
            print(f'  {line}', file=out)
    if blocked:
        print('not performed (--allow-side-effects to perform):', file=out)
        for line in blocked:
            print(f'  {line}', file=out)
    if failure is not None:
        raise failure
    if args.out:
        write_state(args.out, state)
        print(f'final state written to {args.out}', file=out)
    return 0


def _show(out: TextIO, lines: Sequence[str]) -> None:
    """Print ``lines`` now (not when the buffer fills): each row as its event finishes."""
    for line in lines:
        print(line, file=out)
    out.flush()


class _LiveLog(list[JujuLogLine]):
    """``Context.juju_log`` that also prints each line as the charm logs it (with ``-v``).

    Printing happens inside the charm's run, so a reader that has gone away (a closed pipe)
    is only noted there; :meth:`check` raises ``BrokenPipeError`` after the event.
    """

    def __init__(self, out: TextIO, verbose: bool) -> None:
        super().__init__()
        self.out = out
        self.verbose = verbose
        self.label = ''
        self.reader_gone = False

    def append(self, line: JujuLogLine) -> None:
        super().append(line)
        if not self.verbose or self.reader_gone:
            return
        try:
            _show(self.out, [f'  [{self.label}] {line.level:<8} {line.message}'])
        except BrokenPipeError:
            self.reader_gone = True

    def check(self) -> None:
        """Raise ``BrokenPipeError`` if the output's reader went away during the event."""
        if self.reader_gone:
            raise BrokenPipeError('the output was closed')


def _take(guard: SideEffectGuard | None) -> list[str]:
    return describe(guard.take()) if guard is not None else []


def _is_notable(line: str) -> bool:
    level = line.split('] ', 1)[-1].split(' ', 1)[0]
    return level in ('WARNING', 'ERROR', 'CRITICAL')
