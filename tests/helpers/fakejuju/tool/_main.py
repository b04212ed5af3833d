"""Entry point of the fake hook tools: dispatch on the invoked name, faults, call log."""

from __future__ import annotations

import fcntl
import os
import sys
import time

from . import _data_tools, _unit_tools
from ._common import FLAGS, ToolError, parse_argv, read_stdin
from ._jsonlite import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn


def _tool_function(name: str) -> Any:
    attr = 't_' + name.replace('-', '_')
    return getattr(_unit_tools, attr, None) or getattr(_data_tools, attr)


TOOLS = {name: _tool_function(name) for name in FLAGS}


def log_call(tool: str, args: list[str], stdin: str | None) -> None:
    path = os.environ.get('FAKE_JUJU_LOG')
    if not path:
        return
    line = json.dumps({'tool': tool, 'argv': [tool, *args], 'stdin': stdin}, ensure_ascii=False)
    with open(path, 'a', encoding='utf-8') as f:
        f.write(line + '\n')


def stdin_needed(tool: str, flags: dict[str, Any]) -> bool:
    return flags.get('file') == '-' or (tool == 'pod-spec-set' and 'file' not in flags)


def inject_faults(state: dict[str, Any], tool: str) -> None:
    """Apply faults configured in the state for this tool.

    (``state['hang'][tool]``, seconds to sleep first or ``true`` for an hour, is applied by
    ``main`` without holding the state lock.)
    ``state['fail'][tool]``: ``{"code": n, "stderr": text, "stdout": text, "times": k}``;
    exit with that code (``times`` limits how many calls fail).
    ``state['garbage'][tool]``: text printed instead of the real answer (exit 0).
    """
    fail = (state.get('fail') or {}).get(tool)
    if fail:
        times = fail.get('times')
        if times is None or times > 0:
            if times is not None:
                fail['times'] = times - 1
            raise Fault(
                int(fail.get('code', 1)),
                str(fail.get('stdout', '')),
                str(fail.get('stderr', f'ERROR {tool} failed')),
            )
    garbage = (state.get('garbage') or {}).get(tool)
    if garbage is not None:
        raise Fault(0, str(garbage), '')


class Fault(Exception):
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        super().__init__(code)
        self.code, self.stdout, self.stderr = code, stdout, stderr


def finish(code: int, stdout: str, stderr: str) -> NoReturn:
    if stdout:
        sys.stdout.write(stdout)
    if stderr:
        sys.stderr.write(stderr if stderr.endswith('\n') else stderr + '\n')
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def main() -> NoReturn:
    tool = os.path.basename(sys.argv[0])
    if tool.endswith('.py'):
        tool = os.environ.get('FAKE_JUJU_TOOL', tool)
    args = sys.argv[1:]
    if tool not in TOOLS:
        finish(1, '', f'ERROR unknown fake hook tool {tool!r}')
    state_path = os.environ.get('FAKE_JUJU_STATE')
    if not state_path:
        finish(1, '', 'ERROR FAKE_JUJU_STATE is not set')
    try:
        flags, positional = parse_argv(tool, args)
    except ToolError as e:
        log_call(tool, args, None)
        finish(e.code, '', f'ERROR {e.message}')
    stdin = read_stdin() if stdin_needed(tool, flags) else None
    with open(state_path, 'r+', encoding='utf-8') as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # one tool at a time: the log and state stay consistent
        log_call(tool, args, stdin)
        state = json.load(f)
        hang = (state.get('hang') or {}).get(tool)
        if hang:
            fcntl.flock(f, fcntl.LOCK_UN)  # don't block other tools while hanging
            time.sleep(3600 if hang is True else float(hang))
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            state = json.load(f)
        code, out, err = 0, '', ''
        try:
            inject_faults(state, tool)
            out = TOOLS[tool](state, flags, positional)
        except Fault as e:
            code, out, err = e.code, e.stdout, e.stderr
        except ToolError as e:
            code, err = e.code, f'ERROR {e.message}'
        state.setdefault('call_count', {})[tool] = state.get('call_count', {}).get(tool, 0) + 1
        f.seek(0)
        json.dump(state, f, ensure_ascii=False, indent=1)
        f.truncate()
    finish(code, out, err)


if __name__ == '__main__':
    main()
