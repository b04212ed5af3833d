"""Describe the public API of the installed ``ops`` and compare it with a reference manifest.

The reference (``tests/data/ops-3.9.0.json``) records, for every module of ops 3.9, each
public name with its kind, call signature (parameter names, kinds, presence of defaults and
literal default values), class bases, public members and enum members. A name *conforms*
when ours accepts every call the reference documents: same kind, compatible signatures,
the same bases and members. Annotations and docstrings are not compared.

Run as a script to print the report: ``python tests/meta/api_surface.py [-v]``.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import json
import sys
import types
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent.parent / 'data' / 'ops-3.9.0.json'
FLOOR_FILE = Path(__file__).resolve().parent.parent / 'data' / 'api-floor.txt'

Param = dict[str, Any]
_IGNORED_NAMES = frozenset({'annotations', 'TYPE_CHECKING', 'logger', 'tracer', 'AnyStr'})
_LITERALS = (bool, int, float, str)


def signature_of(obj: Any) -> list[Param] | None:
    """The parameters of ``obj`` as manifest entries, or None if it has no signature."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params: list[Param] = []
    for p in sig.parameters.values():
        has_default = p.default is not inspect.Parameter.empty
        entry: Param = {'name': p.name, 'kind': p.kind.name, 'default': has_default}
        if has_default and (p.default is None or isinstance(p.default, _LITERALS)):
            entry['value'] = p.default
        params.append(entry)
    return params


def _describe_class(cls: type) -> dict[str, Any]:
    bases = [b.__name__ for b in cls.__mro__[1:] if b is not object]
    if issubclass(cls, enum.Enum):
        return {
            'kind': 'enum',
            'bases': bases,
            'members': {m.name: m.value if isinstance(m.value, (str, int, float)) else repr(m.value) for m in cls},
        }
    info: dict[str, Any] = {'kind': 'exception' if issubclass(cls, BaseException) else 'class', 'bases': bases}
    init = signature_of(cls)
    if init is not None:
        info['init'] = init
    if dataclasses.is_dataclass(cls):
        info['fields'] = [f.name for f in dataclasses.fields(cls)]
    members: dict[str, Any] = {}
    for name in sorted(dir(cls)):
        if name.startswith('_'):
            continue
        try:
            raw = inspect.getattr_static(cls, name)
        except AttributeError:
            continue
        if isinstance(raw, property):
            members[name] = {'kind': 'property'}
        elif isinstance(raw, (staticmethod, classmethod)):
            members[name] = {'kind': type(raw).__name__, 'sig': signature_of(getattr(cls, name))}
        elif inspect.isfunction(raw):
            members[name] = {'kind': 'method', 'sig': signature_of(raw)}
        elif inspect.isclass(raw):
            members[name] = {'kind': 'class'}
        else:
            members[name] = {'kind': 'attribute'}
    info['members'] = members
    return info


def describe_module(modname: str) -> dict[str, Any]:
    """Describe every public name of one module."""
    module = importlib.import_module(modname)
    explicit = getattr(module, '__all__', None)
    names = explicit if explicit is not None else [n for n in dir(module) if not n.startswith('_')]
    ours = ('ops', 'scenario')
    out: dict[str, Any] = {}
    for name in sorted(set(names) - _IGNORED_NAMES):
        try:
            obj = getattr(module, name)
        except AttributeError:
            out[name] = {'kind': 'missing-from-all'}
            continue
        if isinstance(obj, types.ModuleType):
            if modname == 'ops' and obj.__name__.startswith('ops'):
                out[name] = {'kind': 'module'}
            continue
        if inspect.isclass(obj):
            if explicit is None and not (obj.__module__ or '').startswith(ours):
                continue
            out[name] = _describe_class(obj)
        elif callable(obj):
            if explicit is None and not (getattr(obj, '__module__', '') or '').startswith(ours):
                continue
            out[name] = {'kind': 'function', 'sig': signature_of(obj)}
        else:
            out[name] = {'kind': 'constant'}
    return out


def accepts_same_calls(ref: list[Param] | None, got: list[Param] | None) -> bool:
    """True if a callable with parameters ``got`` accepts every call ``ref`` documents."""
    if ref is None or got is None:
        return True
    got_by_name = {p['name']: p for p in got}
    has_var_kw = any(p['kind'] == 'VAR_KEYWORD' for p in got)
    has_var_pos = any(p['kind'] == 'VAR_POSITIONAL' for p in got)
    positional = ('POSITIONAL_ONLY', 'POSITIONAL_OR_KEYWORD')
    ref_pos = [p for p in ref if p['kind'] in positional]
    got_pos = [p for p in got if p['kind'] in positional]
    for i, p in enumerate(ref_pos):
        if i >= len(got_pos):
            if not has_var_pos:
                return False
            continue
        if p['kind'] == 'POSITIONAL_OR_KEYWORD' and got_pos[i]['name'] != p['name'] and not has_var_kw:
            return False
    for p in ref:
        if p['kind'] == 'KEYWORD_ONLY' and p['name'] not in got_by_name and not has_var_kw:
            return False
        mine = got_by_name.get(p['name'])
        if mine is not None and 'value' in p and mine.get('default') and 'value' in mine and mine['value'] != p['value']:
            return False
    ref_names = {p['name'] for p in ref}
    for i, p in enumerate(got):
        if p['default'] or p['kind'] in ('VAR_POSITIONAL', 'VAR_KEYWORD'):
            continue
        if p['name'] not in ref_names and not (p['kind'] != 'KEYWORD_ONLY' and i < len(ref_pos)):
            return False
    return True


def _problems_with(ref: dict[str, Any], got: dict[str, Any]) -> list[str]:
    if ref['kind'] != got['kind'] and {ref['kind'], got['kind']} != {'class', 'exception'}:
        return [f'is a {got["kind"]}, expected {ref["kind"]}']
    bad: list[str] = []
    if ref.get('sig') is not None and not accepts_same_calls(ref['sig'], got.get('sig')):
        bad.append('signature differs')
    if ref.get('init') is not None and not accepts_same_calls(ref['init'], got.get('init')):
        bad.append('constructor signature differs')
    for base in ref.get('bases', []):
        if base not in got.get('bases', []) and base not in ('Generic', 'ABC', 'Protocol'):
            bad.append(f'not a subclass of {base}')
    if ref['kind'] == 'enum':
        missing = set(ref['members']) - set(got.get('members', {}))
        if missing:
            bad.append(f'enum members missing: {sorted(missing)}')
        return bad
    for name, member in ref.get('members', {}).items():
        mine = got.get('members', {}).get(name)
        if mine is None:
            bad.append(f'member {name} missing')
        elif member.get('sig') is not None and not accepts_same_calls(member['sig'], mine.get('sig')):
            bad.append(f'member {name}() signature differs')
    return bad


@dataclasses.dataclass
class Report:
    """The outcome of comparing the installed ``ops`` with the reference."""

    ok: int
    total: int
    per_module: dict[str, tuple[int, int]]
    problems: list[str]

    @property
    def percent(self) -> float:
        return 100.0 * self.ok / max(self.total, 1)


def compare(reference: Path = REFERENCE) -> Report:
    """Compare every module of the reference manifest with what is importable here."""
    ref = json.loads(reference.read_text())
    ok = total = 0
    per_module: dict[str, tuple[int, int]] = {}
    problems: list[str] = []
    for modname, names in ref.items():
        try:
            ours = describe_module(modname)
        except Exception as exc:  # an import failure is a finding, not a crash
            problems.append(f'{modname}: cannot import ({exc!r}) - {len(names)} names missing')
            per_module[modname] = (0, len(names))
            total += len(names)
            continue
        mod_ok = 0
        for name, ref_info in names.items():
            got = ours.get(name)
            bad = ['missing'] if got is None else _problems_with(ref_info, got)
            if bad:
                problems.append(f'{modname}.{name}: ' + '; '.join(bad))
            else:
                mod_ok += 1
        per_module[modname] = (mod_ok, len(names))
        ok += mod_ok
        total += len(names)
    return Report(ok, total, per_module, problems)


def recorded_floor() -> int:
    """The conformance (matching names) that no change may go below."""
    return int(FLOOR_FILE.read_text().split()[0])


if __name__ == '__main__':
    # ``--check-floor`` makes the exit status say whether the floor holds (for .ci/run's
    # check of the installed wheels, where pytest is not available).
    report = compare()
    for line in report.problems if '-v' in sys.argv else report.problems[:60]:
        print(line)
    for modname, (mod_ok, mod_total) in report.per_module.items():
        print(f'  {modname:16} {mod_ok:4}/{mod_total}')
    print(f'api-conformance: {report.ok}/{report.total} public names match ({report.percent:.1f}%)')
    if '--check-floor' in sys.argv and report.ok < recorded_floor():
        print(f'below the recorded floor of {recorded_floor()}')
        sys.exit(1)
