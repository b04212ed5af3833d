"""Derive, from ops 3.9 itself, the module attributes our ``ops.*`` modules must also have.

Tests reach through whatever attributes ops 3.9's modules happen to have:
``mock.patch('ops.charm.model.Model.get_secret')`` works because ops 3.9's ``charm.py``
imports the ``model`` module; ``mock.patch('ops.storage.sqlite3.connect')`` because its
``storage.py`` imports ``sqlite3``. This tool lists every attribute of each public ops 3.9
module (``dir()`` in an interpreter with ops 3.9 installed), finds which ones our module
lacks, and says what each one is (a module, a standard-library or typing object, a logger,
...), so that ``ops`` can resolve it on first use. It writes:

- ``tests/data/ops39-module-attrs.json``: the ``dir()`` of each ops 3.9 module (the snapshot
  the compatibility test checks against, so the test needs no ops 3.9 installed);
- ``packages/ops/src/ops/_ops39_attrs.py``: for each of our modules, the missing public
  names and how to resolve them, and the ops 3.9-private names left unsupported;
- the ``SUBMODULES`` block of ``packages/ops/src/ops/_incidental.py``: the standard-library submodules (``urllib.request``, ``http.client``, ...) that ops 3.9's
  ``import ops`` leaves loaded and ours does not, which their parent packages resolve on
  first attribute access (charms write ``import urllib`` and call ``urllib.request``).

Usage, from the repository root (``/tmp/ops39`` is a venv with ``ops==3.9.0``)::

    .venv/bin/python tools/ops39-attrs/generate.py --ops39 /tmp/ops39/bin/python

A name it cannot classify is an error: decide what it should be and add it to ``MANUAL``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / 'tests' / 'data' / 'ops39-module-attrs.json'
TABLE = ROOT / 'packages' / 'ops' / 'src' / 'ops' / '_ops39_attrs.py'
RUNTIME = TABLE.with_name('_incidental.py')
_BLOCK = re.compile(
    r'(# --- begin: written by tools/ops39-attrs/generate.py.*?\n)(.*?)(# --- end ---)', re.S
)

MODULES = [
    'ops.charm',
    'ops.framework',
    'ops.hookcmds',
    'ops.jujucontext',
    'ops.jujuversion',
    'ops.lib',
    'ops.log',
    'ops.main',
    'ops.model',
    'ops.pebble',
    'ops.storage',
    'ops.testing',
    'ops.version',
]

# Names whose ops 3.9 value is defined by ops itself and is not part of its API manifest:
# what ours resolves them to.
MANUAL = {
    ('ops.model', 'K8sSpec'): 'special:K8sSpec',
}

# Run inside ops 3.9's interpreter: each module's dir(), and for each name what it is.
_DESCRIBE = r"""
import importlib, json, logging, sys, types

# Where a name is found first wins (``abc.abstractmethod``, not typing's import of it).
CANDIDATES = [
    'abc', 'collections.abc', 'pathlib', 'contextlib', 'functools', 'types',
    'importlib.machinery', 'importlib.util', 'pkgutil', 'ast', 'datetime', '__future__',
    'enum', 'dataclasses', 're', 'io', 'typing', 'typing_extensions',
]
OWN_MODULES = {'ops._private.yaml': 'yaml'}  # private module with a public stand-in name

def spec(value, name):
    if isinstance(value, types.ModuleType):
        real = value.__name__
        if real in OWN_MODULES:
            return 'module:' + OWN_MODULES[real]
        if real.startswith('ops.') and real.split('.')[1].startswith('_'):
            return 'private:' + real  # a private module of ops 3.9
        return 'module:' + real
    if isinstance(value, logging.Logger):
        return 'logger:' + ('' if value is logging.getLogger() else value.name)
    if type(value).__name__ == 'ProxyTracer':
        return 'tracer:' + value._instrumenting_module_name
    for candidate in CANDIDATES:
        try:
            module = importlib.import_module(candidate)
        except ImportError:
            continue
        if getattr(module, name, object()) is value:
            return f'attr:{candidate}:{name}'
    return None

import ops
out = {}
for module_name in sys.argv[1:]:
    module = importlib.import_module(module_name)
    if module_name == 'ops.main':
        module = sys.modules['ops.main']
    names = {name: spec(getattr(module, name), name) for name in dir(module)}
    out[module_name] = names
print(json.dumps(out))
"""

# Run inside an interpreter: the modules ``import ops`` leaves loaded.
_LOADED = 'import json, sys; import ops; print(json.dumps(sorted(sys.modules)))'

# Run inside our interpreter, per parent package: which of the given submodules are still
# not loaded after ``import ops`` and ``import <parent>`` (those the parent must resolve).
_UNLOADED = r"""
import importlib, json, sys
import ops
parent, names = sys.argv[1], sys.argv[2:]
importlib.import_module(parent)
print(json.dumps([n for n in names if f'{parent}.{n}' not in sys.modules]))
"""

# Run inside our interpreter: which names each module resolves without any fallback
# (the underlying modules are imported directly, never through ``ops``; ``ops.version`` is
# the one module of the ``ops`` package itself).
_NATIVE = r"""
import ast, importlib, json, sys
aliases = {}
for node in ast.parse(open(sys.argv[1]).read()).body:  # ALIASES, without importing ops
    if isinstance(node, ast.AnnAssign) and getattr(node.target, 'id', '') == 'ALIASES':
        aliases = ast.literal_eval(node.value)
wanted = json.loads(sys.stdin.read())
out = {}
for module_name, names in wanted.items():
    module = importlib.import_module(aliases.get(module_name, module_name))
    out[module_name] = [n for n in names if hasattr(module, n)]
print(json.dumps(out))
"""


HEADER = '''"""Attributes of ops 3.9's modules that ours lack, and how to resolve each one.

Generated by ``tools/ops39-attrs/generate.py`` from ``dir()`` of each ops 3.9 module; do
not edit by hand. Read by :mod:`ops._incidental` on the first lookup of a missing name.
Specs: ``module:NAME`` (that module), ``attr:MODULE:NAME``, ``logger:NAME``
(``logging.getLogger(NAME)``, ``''`` for the root logger), ``tracer:NAME`` (an OpenTelemetry
tracer, with ``ops[tracing]``), ``special:NAME`` (built in :mod:`ops._incidental`).
"""

'''


# Never hooked: ops's own modules, and OpenTelemetry (loaded only by ops[tracing]).
_NOT_HOOKED = ('ops', 'opentelemetry')


def _literal(target: str, value: dict[str, Any]) -> str:
    """``value`` as Python source, one entry a line, in the project's format."""
    lines = [f'{target} = {{']
    for key in sorted(value):
        entry = value[key]
        if isinstance(entry, dict):
            lines.append(f'    {key!r}: {{')
            lines += [f'        {name!r}: {entry[name]!r},' for name in sorted(entry)]
            lines.append('    },')
        else:
            lines.append(f'    {key!r}: [')
            lines += [f'        {name!r},' for name in sorted(entry)]
            lines.append('    ],')
    return '\n'.join([*lines, '}', ''])


def _run(python: str, code: str, *args: str) -> Any:
    done = subprocess.run(
        [python, '-c', code, *args], capture_output=True, text=True, check=True, cwd='/'
    )
    return json.loads(done.stdout)


def _submodules(ops39: str, ours: str) -> dict[str, list[str]]:
    """Parent package -> public submodules it must resolve on first attribute access."""
    missing = set(_run(ops39, _LOADED)) - set(_run(ours, _LOADED))
    by_parent: dict[str, list[str]] = {}
    for name in sorted(missing):
        parent, _, child = name.rpartition('.')
        if not parent or name.split('.')[0] in _NOT_HOOKED:
            continue
        if any(part.startswith('_') for part in name.split('.')):
            continue
        by_parent.setdefault(parent, []).append(child)
    result = {}
    for parent, children in by_parent.items():
        # A parent whose own import loads the child (json loads json.decoder) needs no hook.
        still = _run(ours, _UNLOADED, parent, *children)
        if still:
            result[parent] = still
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--ops39', default='/tmp/ops39/bin/python', help='python with ops 3.9')
    parser.add_argument('--ours', default=sys.executable, help='python with this project')
    options = parser.parse_args()

    described = json.loads(
        subprocess.run(
            [options.ops39, '-c', _DESCRIBE, *MODULES],
            capture_output=True,
            text=True,
            check=True,
            cwd='/',
        ).stdout
    )
    SNAPSHOT.write_text(
        json.dumps({m: sorted(names) for m, names in described.items()}, indent=1) + '\n'
    )

    native = json.loads(
        subprocess.run(
            [options.ours, '-c', _NATIVE, str(TABLE.parent / '_alias.py')],
            input=json.dumps({m: list(names) for m, names in described.items()}),
            capture_output=True,
            text=True,
            check=True,
            cwd='/',
        ).stdout
    )

    submodules = _submodules(options.ops39, options.ours)

    table: dict[str, dict[str, str]] = {}
    unsupported: dict[str, list[str]] = {}
    unknown = []
    for module_name, names in described.items():
        have = set(native[module_name])
        for name, how in sorted(names.items()):
            if name.startswith('__') or name in have:
                continue
            how = MANUAL.get((module_name, name), how)
            if name.startswith('_') or (how or '').startswith('private:'):
                unsupported.setdefault(module_name, []).append(name)
            elif how is None:
                unknown.append(f'{module_name}.{name}')
            else:
                table.setdefault(module_name, {})[name] = how
    if unknown:
        print('cannot classify (add them to MANUAL):', ', '.join(unknown), file=sys.stderr)
        return 1

    TABLE.write_text(
        HEADER
        + _literal('ATTRIBUTES: dict[str, dict[str, str]]', table)
        + '\n#: ops 3.9-private names (underscore-prefixed, or bound to a private module of\n'
        '#: ops 3.9) that ours does not provide.\n'
        + _literal('UNSUPPORTED: dict[str, list[str]]', unsupported)
    )
    block = _literal('SUBMODULES: dict[str, list[str]]', submodules)
    RUNTIME.write_text(
        _BLOCK.sub(lambda m: m.group(1) + block + m.group(3), RUNTIME.read_text(), count=1)
    )
    print(f'{sum(map(len, table.values()))} names to resolve, written to {TABLE}')
    print(f'{sum(map(len, unsupported.values()))} ops 3.9-private names left unsupported')
    return 0


if __name__ == '__main__':
    sys.exit(main())
