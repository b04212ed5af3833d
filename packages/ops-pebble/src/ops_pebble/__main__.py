"""A small command-line Pebble client: ``python -m ops_pebble --socket PATH COMMAND ...``.

For operators and scripts outside charms. Exit status: 0 on success, the command's own exit
code for ``exec``, 1 for a Pebble error, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from ._changes import ChangeState
from ._client import Client
from ._errors import Error, ExecError

_DEFAULT_SOCKET = os.environ.get('PEBBLE_SOCKET') or (
    os.path.join(os.environ['PEBBLE'], '.pebble.socket') if os.environ.get('PEBBLE') else None
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='python -m ops_pebble',
        description='Talk to a Pebble daemon over its unix socket.',
    )
    parser.add_argument(
        '--socket',
        default=_DEFAULT_SOCKET,
        help='path of the Pebble socket (default: $PEBBLE_SOCKET, or $PEBBLE/.pebble.socket)',
    )
    parser.add_argument(
        '--timeout', type=float, default=5.0, help='seconds per request (default 5)'
    )
    sub = parser.add_subparsers(dest='command', metavar='COMMAND', required=True)
    sub.add_parser('system-info', help='show the Pebble version')
    sub.add_parser('plan', help='show the combined plan as YAML')
    services = sub.add_parser('services', help='list services and their status')
    services.add_argument('names', nargs='*', help='only these services')
    for action in ('start', 'stop', 'restart'):
        p = sub.add_parser(action, help=f'{action} services and wait for the change')
        p.add_argument('names', nargs='+', help='service names')
    sub.add_parser('replan', help='apply the plan (start enabled services, restart changed ones)')
    layer = sub.add_parser('add-layer', help='add a layer from a YAML file')
    layer.add_argument('label', help='the layer label')
    layer.add_argument('file', help='YAML file with the layer ("-" for stdin)')
    layer.add_argument('--combine', action='store_true', help='combine into an existing layer')
    ls = sub.add_parser('ls', help='list a directory')
    ls.add_argument('path', help='absolute path in the workload')
    ls.add_argument('--pattern', help='only names matching this glob')
    ls.add_argument('-d', '--itself', action='store_true', help='describe the directory itself')
    push = sub.add_parser('push', help='copy a local file into the workload')
    push.add_argument('local', help='local file ("-" for stdin)')
    push.add_argument('path', help='absolute destination path')
    push.add_argument('-p', '--parents', action='store_true', help='create parent directories')
    push.add_argument('-m', '--mode', help='permissions in octal, such as 644')
    pull = sub.add_parser('pull', help='copy a file from the workload')
    pull.add_argument('path', help='absolute path in the workload')
    pull.add_argument('local', nargs='?', default='-', help='local destination (default stdout)')
    exec_ = sub.add_parser('exec', help='run a command in the workload (after "--")')
    exec_.add_argument('-w', '--working-dir', help='working directory')
    exec_.add_argument(
        '-t', '--exec-timeout', type=float, help='kill the command after this many seconds'
    )
    exec_.add_argument('-e', '--env', action='append', default=[], help='KEY=VALUE (repeatable)')
    exec_.add_argument('argv', nargs=argparse.REMAINDER, help='the command and its arguments')
    checks = sub.add_parser('checks', help='list health checks')
    checks.add_argument('--level', choices=('alive', 'ready'), help='only checks of this level')
    checks.add_argument('names', nargs='*', help='only these checks')
    notices = sub.add_parser('notices', help='list notices')
    notices.add_argument(
        '--type', action='append', dest='types', help='only this type (repeatable)'
    )
    notices.add_argument('--key', action='append', dest='keys', help='only this key (repeatable)')
    notify = sub.add_parser('notify', help='record a custom notice')
    notify.add_argument('key', help='the key, like example.com/thing')
    notify.add_argument('data', nargs='*', help='KEY=VALUE data')
    changes = sub.add_parser('changes', help='list changes')
    changes.add_argument('--all', action='store_true', help='include finished changes')
    logs = sub.add_parser('logs', help='show service logs')
    logs.add_argument('names', nargs='*', help='only these services')
    logs.add_argument('-n', type=int, default=30, help='number of lines (-1 for all)')
    return parser


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        '  '.join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    return '\n'.join(lines)


def _value(x: Any) -> str:
    return str(getattr(x, 'value', x))


def _pairs(items: Sequence[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition('=')
        if not sep:
            raise SystemExit(f'error: {what} must be KEY=VALUE, got {item!r}')
        out[key] = value
    return out


def run(args: argparse.Namespace, out: Any = None) -> int:
    """Run one parsed command; return the process exit status."""
    out = out or sys.stdout
    client = Client(args.socket, timeout=args.timeout)
    cmd = args.command
    if cmd == 'system-info':
        print(f'version: {client.get_system_info().version}', file=out)
    elif cmd == 'plan':
        out.write(client.get_plan().to_yaml())
    elif cmd == 'services':
        infos = client.get_services(args.names or None)
        print(
            _table(
                [[s.name, _value(s.startup), _value(s.current)] for s in infos],
                ['Service', 'Startup', 'Current'],
            ),
            file=out,
        )
    elif cmd in ('start', 'stop', 'restart'):
        method = getattr(client, f'{cmd}_services')
        change_id = method(args.names)
        print(f'{cmd}: {", ".join(args.names)} (change {change_id})', file=out)
    elif cmd == 'replan':
        print(f'replan: done (change {client.replan_services()})', file=out)
    elif cmd == 'add-layer':
        text = sys.stdin.read() if args.file == '-' else open(args.file, encoding='utf-8').read()
        client.add_layer(args.label, text, combine=args.combine)
        print(f'Layer "{args.label}" added.', file=out)
    elif cmd == 'ls':
        files = client.list_files(args.path, pattern=args.pattern, itself=args.itself)
        rows = [
            [format(f.permissions, '03o'), f.user or str(f.user_id), f.group or str(f.group_id),
             '-' if f.size is None else str(f.size), f.last_modified.strftime('%Y-%m-%d %H:%M'),
             f.name + ('/' if _value(f.type) == 'directory' else '')]
            for f in files
        ]  # fmt: skip
        print(_table(rows, ['Mode', 'User', 'Group', 'Size', 'Modified', 'Name']), file=out)
    elif cmd == 'push':
        mode = int(args.mode, 8) if args.mode else None
        if args.local == '-':
            client.push(args.path, sys.stdin.buffer, make_dirs=args.parents, permissions=mode)
        else:
            with open(args.local, 'rb') as f:
                client.push(args.path, f, make_dirs=args.parents, permissions=mode)
    elif cmd == 'pull':
        with client.pull(args.path, encoding=None) as source:
            if args.local == '-':
                shutil.copyfileobj(source, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                with open(args.local, 'wb') as dest:
                    shutil.copyfileobj(source, dest)
    elif cmd == 'exec':
        argv = args.argv[1:] if args.argv[:1] == ['--'] else args.argv
        if not argv:
            raise SystemExit('error: exec needs a command, e.g. exec -- ls -l /')
        process = client.exec(
            argv,
            environment=_pairs(args.env, '--env'),
            working_dir=args.working_dir,
            timeout=args.exec_timeout,
            stdin=sys.stdin.buffer if not sys.stdin.isatty() else b'',
            stdout=sys.stdout.buffer,
            stderr=sys.stderr.buffer,
            encoding=None,
        )
        try:
            process.wait()
        except ExecError as e:
            sys.stdout.buffer.flush()
            return e.exit_code if 0 < e.exit_code < 256 else 1
        finally:
            sys.stdout.buffer.flush()
            sys.stderr.buffer.flush()
    elif cmd == 'checks':
        from ._checks import CheckLevel

        level = CheckLevel(args.level) if args.level else None
        check_infos = client.get_checks(level=level, names=args.names or None)
        rows = [
            [
                c.name,
                _value(c.level) or '-',
                _value(c.status),
                f'{c.failures}/{c.threshold}',
                str(c.change_id or '-'),
            ]
            for c in check_infos
        ]
        print(_table(rows, ['Check', 'Level', 'Status', 'Failures', 'Change']), file=out)
    elif cmd == 'notices':
        notices = client.get_notices(types=args.types, keys=args.keys)
        rows = [
            [
                n.id,
                _value(n.type),
                n.key,
                n.first_occurred.strftime('%Y-%m-%d %H:%M:%S'),
                str(n.occurrences),
            ]
            for n in notices
        ]
        print(_table(rows, ['ID', 'Type', 'Key', 'First', 'Occurrences']), file=out)
    elif cmd == 'notify':
        from ._notices import NoticeType

        notice_id = client.notify(
            NoticeType.CUSTOM, args.key, data=_pairs(args.data, 'data') or None
        )
        print(f'Recorded notice {notice_id}', file=out)
    elif cmd == 'changes':
        changes = client.get_changes(ChangeState.ALL if args.all else ChangeState.IN_PROGRESS)
        rows = [[c.id, c.status, c.kind, c.summary] for c in changes]
        print(_table(rows, ['ID', 'Status', 'Kind', 'Summary']), file=out)
    elif cmd == 'logs':
        for entry in client._get_logs(args.names, args.n):
            print(
                f'{entry.get("time", "")} [{entry.get("service", "")}] {entry.get("message", "")}',
                file=out,
            )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.socket:
        parser.error('no socket: give --socket PATH (or set PEBBLE_SOCKET)')
    try:
        return run(args)
    except Error as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    except OSError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
