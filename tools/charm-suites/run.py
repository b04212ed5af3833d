"""Run real charms' unit suites with ops 3.9.0 and with this project's distributions.

Reads the pinned corpus in ``suites.toml``, and for each suite:

1. exports the pinned commit from its fetched mirror into a scratch directory
   (``/tmp/charm-suites/<name>/src-<side>``; nothing is written into this repository
   except ``docs/compatibility.md``);
2. builds one virtual environment per side from the suite's own test dependencies
   (constrained by the suite's lock file where it has one), then adds
   ``ops[testing]==3.9.0`` (side "ops39") or replaces ops, ops-scenario and ops-tracing
   with the wheels built from this repository (side "ours"), and checks that the
   imported ``ops`` really is the one meant;
3. runs pytest on the suite's unit test paths with a junit-xml report per side;
4. compares the two reports per test id and writes ``docs/compatibility.md``.

Environments are cached (keyed on the dependency lists and, for "ours", on the wheels'
contents), so a rerun only reinstalls what changed. It needs the package index, so it is
not part of CI. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SUITES_FILE = HERE / 'suites.toml'
CAUSES_FILE = HERE / 'causes.toml'
STAND_INS = HERE / 'stand-ins'
DOC_FILE = REPO / 'docs' / 'compatibility.md'
MIRRORS = Path(os.environ.get('CHARM_SUITES_MIRRORS', '/work/.mirror'))
SCRATCH = Path(os.environ.get('CHARM_SUITES_SCRATCH', '/tmp/charm-suites'))

SIDES = ('ops39', 'ours')
# The distributions being compared: never taken from a suite's lock file.
COMPARED = {'ops', 'ops-scenario', 'ops-tracing'}
# Added to both sides so that one hanging test cannot stall a whole run.
RUNNER_EXTRAS = ['pytest-timeout']
# An override replaces a requirement whole, extras included: the plan's ops requirement
# (with its extras) is the first line, these follow.
OVERRIDES = ['ops', 'ops-scenario==8.9.0', 'ops-tracing==3.9.0']
TEST_TIMEOUT = 300
SUITE_TIMEOUT = 60 * 60


def canonical(name: str) -> str:
    """The normalized form of a distribution name (PEP 503)."""
    return re.sub(r'[-_.]+', '-', name).lower()


def requirement_name(req: str) -> str:
    """The distribution name a PEP 508 requirement string names."""
    match = re.match(r'\s*([A-Za-z0-9][A-Za-z0-9._-]*)', req)
    if not match:
        raise ValueError(f'cannot read a distribution name from requirement {req!r}')
    return canonical(match.group(1))


@dataclass
class Suite:
    """One pinned charm suite, as declared in suites.toml."""

    name: str
    repo: str
    commit: str
    test_paths: list[str]
    deps: list[str]
    ref: str = ''
    root: str = '.'
    python: str | None = None
    lock: str | None = None
    unpin: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    tracing: bool = False
    env: dict[str, str] = field(default_factory=dict)
    pytest_args: list[str] = field(default_factory=list)
    exclude: list[dict[str, str]] = field(default_factory=list)
    note: str = ''
    stand_ins: list[str] = field(default_factory=list)

    @property
    def mirror(self) -> Path:
        owner, name = self.repo.split('/')
        return MIRRORS / f'{owner}+{name}' / 'repo'

    @property
    def scratch(self) -> Path:
        return SCRATCH / self.name


def load_suites() -> list[Suite]:
    data = tomllib.loads(SUITES_FILE.read_text())
    return [Suite(**entry) for entry in data['suite']]


# --- sources ----------------------------------------------------------------------------------


def export(suite: Suite, side: str) -> Path:
    """A fresh copy of the suite's pinned commit; returns the charm's directory in it."""
    if not suite.mirror.is_dir():
        raise SystemExit(
            f'{suite.name}: no mirror at {suite.mirror}; bring it in with the fetch tool '
            f'(github:{suite.repo}) or set CHARM_SUITES_MIRRORS'
        )
    dest = suite.scratch / f'src-{side}'
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ['git', '--git-dir', str(suite.mirror), 'archive', '--format=tar', suite.commit],
        check=True,
        capture_output=True,
    ).stdout
    tar_path = suite.scratch / 'src.tar'
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest, filter='data')
    tar_path.unlink()
    return dest / suite.root


# --- the suite's dependencies ---------------------------------------------------------------


def _poetry_requirement(name: str, spec: Any) -> str | None:
    """A requirement string for one poetry dependency (its version comes from the lock)."""
    if canonical(name) == 'python':
        return None
    if isinstance(spec, dict):
        if any(key in spec for key in ('git', 'path', 'url')):
            return f'{name} @ unavailable'
        extras = spec.get('extras') or []
        return f'{name}[{",".join(extras)}]' if extras else name
    return name


def _dependency_group(pyproject: dict[str, Any], group: str) -> list[str]:
    groups = pyproject.get('dependency-groups', {})
    out: list[str] = []
    for item in groups[group]:
        if isinstance(item, dict):
            out.extend(_dependency_group(pyproject, item['include-group']))
        else:
            out.append(item)
    return out


def _requirements_file(path: Path) -> list[str]:
    out: list[str] = []
    for line in path.read_text().splitlines():
        line = line.split(' #', 1)[0].strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith(('-r', '--requirement')):
            nested = line.split(None, 1)[1] if ' ' in line else line[2:]
            out.extend(_requirements_file(path.parent / nested.strip()))
        else:
            out.append(line)
    return out


def declared_requirements(suite: Suite, root: Path) -> list[str]:
    """The suite's test requirements, read from the files its own tox.ini uses."""
    pyproject_path = root / 'pyproject.toml'
    pyproject = tomllib.loads(pyproject_path.read_text()) if pyproject_path.exists() else {}
    poetry = pyproject.get('tool', {}).get('poetry', {})
    out: list[str] = []
    for source in suite.deps:
        kind, _, arg = source.partition(':')
        if source == 'project':
            out.extend(pyproject['project'].get('dependencies', []))
        elif kind == 'extra':
            out.extend(pyproject['project']['optional-dependencies'][arg])
        elif kind == 'group':
            out.extend(_dependency_group(pyproject, arg))
        elif source == 'poetry':
            deps = poetry.get('dependencies', {})
            out.extend(r for n, s in deps.items() if (r := _poetry_requirement(n, s)))
        elif kind == 'poetry-group':
            deps = poetry['group'][arg]['dependencies']
            out.extend(r for n, s in deps.items() if (r := _poetry_requirement(n, s)))
        elif kind == 'requirements':
            out.extend(_requirements_file(root / arg))
        else:
            out.append(source)
    return out


def locked_versions(root: Path, lock: str) -> dict[str, str]:
    """name -> version for every package the lock file pins from the package index."""
    data = tomllib.loads((root / lock).read_text())
    seen: dict[str, list[str]] = {}
    for package in data.get('package', []):
        source = package.get('source', {})
        if lock.endswith('uv.lock') and 'registry' not in source:
            continue
        if lock.endswith('poetry.lock') and source.get('type') not in (None, 'legacy'):
            continue
        seen.setdefault(canonical(package['name']), []).append(package['version'])
    # A name locked at several versions (per Python version) is left to the resolver.
    return {name: versions[0] for name, versions in seen.items() if len(versions) == 1}


@dataclass
class Plan:
    """What goes into a suite's environments."""

    requirements: list[str]
    constraints: list[str]
    dropped: list[str]
    ops39: list[str]

    def key(self, python: str) -> str:
        blob = json.dumps([python, self.requirements, self.constraints, self.ops39, OVERRIDES])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def plan(suite: Suite, root: Path) -> Plan:
    requirements: list[str] = []
    dropped: list[str] = []
    drop = {canonical(n) for n in suite.drop}
    for req in declared_requirements(suite, root):
        name = requirement_name(req)
        if name in COMPARED:
            continue
        if name in drop or 'git+' in req or req.endswith('@ unavailable'):
            dropped.append(req)
            continue
        if req not in requirements:
            requirements.append(req)
    constraints: list[str] = []
    if suite.lock:
        unpin = {canonical(n) for n in suite.unpin} | COMPARED | drop
        for name, version in sorted(locked_versions(root, suite.lock).items()):
            if name not in unpin:
                constraints.append(f'{name}=={version}')
    # ops[tracing] where the suite or anything it depends on asks for it (the lock has it).
    tracing = suite.tracing or (
        suite.lock is not None and 'ops-tracing' in locked_versions(root, suite.lock)
    )
    extras = 'testing,tracing' if tracing else 'testing'
    return Plan(requirements, constraints, dropped, [f'ops[{extras}]==3.9.0'])


# --- environments -----------------------------------------------------------------------------


def find_python(version: str | None) -> str:
    if version is None:
        return sys.executable
    # pyenv's installs first: its shims on PATH answer only for the active version.
    pyenv = sorted(
        glob.glob(os.path.expanduser(f'~/.pyenv/versions/{version}*/bin/python{version}'))
    )
    if pyenv:
        return pyenv[-1]
    found = shutil.which(f'python{version}')
    if found and '/shims/' not in found:
        return found
    raise SystemExit(
        f'Python {version} is needed but not found (python{version} on PATH or pyenv)'
    )


def have_uv() -> bool:
    return shutil.which('uv') is not None


def pip_install(venv: Path, args: list[str], log: Path, *, cache: bool = True) -> None:
    py = str(venv / 'bin' / 'python')
    if have_uv():
        cmd = ['uv', 'pip', 'install', '--python', py, *([] if cache else ['--no-cache']), *args]
    else:
        cmd = [py, '-m', 'pip', 'install', '-q', *args]
    run_logged(cmd, log)


def pip_uninstall(venv: Path, names: Iterable[str], log: Path) -> None:
    py = str(venv / 'bin' / 'python')
    installed = installed_distributions(venv)
    present = [n for n in names if canonical(n) in installed]
    if not present:
        return
    if have_uv():
        cmd = ['uv', 'pip', 'uninstall', '--python', py, *present]
    else:
        cmd = [py, '-m', 'pip', 'uninstall', '-y', *present]
    run_logged(cmd, log)


def installed_distributions(venv: Path) -> dict[str, str]:
    out = subprocess.run(
        [
            str(venv / 'bin' / 'python'),
            '-c',
            'import importlib.metadata as m, json; '
            'print(json.dumps({d.metadata["Name"]: d.version for d in m.distributions()}))',
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {canonical(k): v for k, v in json.loads(out).items()}


def run_logged(cmd: list[str], log: Path, **kwargs: Any) -> None:
    with log.open('a') as fh:
        fh.write(f'\n$ {" ".join(cmd)}\n')
        fh.flush()
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, **kwargs)
    if proc.returncode:
        tail = '\n'.join(log.read_text().splitlines()[-25:])
        raise RuntimeError(f'command failed ({proc.returncode}): {" ".join(cmd)}\n{tail}')


def build_venv(suite: Suite, side: str, root: Path, the_plan: Plan, wheels: Wheels | None) -> Path:
    """The side's environment, reusing the cached one when its inputs have not changed."""
    python = find_python(suite.python)
    venv = suite.scratch / f'venv-{side}'
    stamp = venv / '.charm-suites-deps'
    log = suite.scratch / f'install-{side}.log'
    key = the_plan.key(python)
    if not (stamp.exists() and stamp.read_text() == key):
        log.write_text('')
        if venv.exists():
            shutil.rmtree(venv)
        if have_uv():
            run_logged(['uv', 'venv', '--seed', '--python', python, str(venv)], log)
        else:
            run_logged([python, '-m', 'venv', str(venv)], log)
        reqs = suite.scratch / 'requirements.txt'
        cons = suite.scratch / 'constraints.txt'
        over = suite.scratch / 'overrides.txt'
        reqs.write_text('\n'.join(the_plan.requirements) + '\n')
        cons.write_text('\n'.join(the_plan.constraints) + '\n')
        # Some of a suite's dependencies cap ops below 3 (data-platform-helpers,
        # charmed-service-mesh-helpers, ...): ops 3.9.0 is put in their place regardless, as
        # the comparison is about exactly that.
        over.write_text('\n'.join([*the_plan.ops39, *OVERRIDES[1:]]) + '\n')
        # Both sides resolve the suite's dependencies next to ops 3.9.0, so that they get
        # the same versions of everything else; "ours" then swaps the compared distributions.
        args = ['-r', str(reqs), '-c', str(cons), *the_plan.ops39, *RUNNER_EXTRAS]
        pip_install(venv, [*args, '--override', str(over)] if have_uv() else args, log)
        stamp.write_text(key)
        (venv / '.charm-suites-ours').unlink(missing_ok=True)
    if side == 'ours':
        assert wheels is not None
        ours_stamp = venv / '.charm-suites-ours'
        if not (ours_stamp.exists() and ours_stamp.read_text() == wheels.digest):
            pip_uninstall(venv, sorted(COMPARED | set(wheels.names)), log)
            paths = [str(p) for p in wheels.paths]
            pip_install(venv, ['--find-links', str(wheels.directory), *paths], log, cache=False)
            ours_stamp.write_text(wheels.digest)
        check_ours(venv, wheels)
    else:
        check_ops39(venv)
    return venv


_PROBE = """
import importlib, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        mod = importlib.import_module(name)
    except Exception as exc:
        out[name] = 'not importable: %r' % (exc,)
        continue
    out[name] = getattr(mod, '__file__', None)
print(json.dumps(out))
"""


def probe(venv: Path, modules: list[str]) -> dict[str, str | None]:
    out = subprocess.run(
        [str(venv / 'bin' / 'python'), '-c', _PROBE, *modules],
        check=True,
        capture_output=True,
        text=True,
        cwd='/',
    ).stdout
    result: dict[str, str | None] = json.loads(out)
    return result


def check_ops39(venv: Path) -> None:
    dists = installed_distributions(venv)
    if dists.get('ops') != '3.9.0' or 'ops-core' in dists:
        raise RuntimeError(f'{venv}: expected upstream ops 3.9.0, found {dists.get("ops")}')


def check_ours(venv: Path, wheels: Wheels) -> None:
    """Every compared import name resolves to the file our wheel carries, byte for byte."""
    files = probe(venv, sorted(wheels.init_files))
    for module, expected in wheels.init_files.items():
        path = files.get(module)
        if not path or not Path(path).is_file():
            raise RuntimeError(f'{venv}: {module} is {path!r}, not ours')
        if Path(path).read_bytes() != expected:
            raise RuntimeError(f'{venv}: {module} at {path} is not the file our wheel carries')


@dataclass
class Wheels:
    """This repository's distributions, built as wheels."""

    directory: Path
    paths: list[Path]
    names: list[str]
    digest: str
    init_files: dict[str, bytes]
    commit: str


def build_wheels(source: Path) -> Wheels:
    out = SCRATCH / 'wheels'
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log = SCRATCH / 'wheels.log'
    log.write_text('')
    for package in sorted((source / 'packages').iterdir()):
        if (package / 'pyproject.toml').exists():
            run_logged(
                [
                    sys.executable,
                    '-m',
                    'build',
                    '--no-isolation',
                    '--wheel',
                    '--outdir',
                    str(out),
                    str(package),
                ],
                log,
            )
    paths = sorted(out.glob('*.whl'))
    digest = hashlib.sha256()
    names: list[str] = []
    init_files: dict[str, bytes] = {}
    for path in paths:
        digest.update(path.name.encode())
        with zipfile.ZipFile(path) as whl:
            for info in sorted(whl.infolist(), key=lambda i: i.filename):
                if info.filename.endswith('.dist-info/RECORD'):
                    continue
                digest.update(info.filename.encode())
                digest.update(whl.read(info))
                parts = info.filename.split('/')
                if len(parts) == 2 and parts[1] == '__init__.py':
                    init_files[parts[0]] = whl.read(info)
        names.append(canonical(path.name.split('-')[0]))
    # The import names whose provenance matters: what a charm's tests import.
    wanted = {'ops', 'scenario', 'ops_tracing'}
    init_files = {k: v for k, v in init_files.items() if k in wanted}
    return Wheels(out, paths, names, digest.hexdigest()[:16], init_files, tree_commit(source))


# --- running and comparing --------------------------------------------------------------------


def run_pytest(suite: Suite, side: str, root: Path, venv: Path) -> Path:
    report = suite.scratch / f'junit-{side}.xml'
    report.unlink(missing_ok=True)
    env = dict(os.environ)
    for key in ('PYTHONPATH', 'VIRTUAL_ENV', 'PYTHONHOME'):
        env.pop(key, None)
    env.update({k: v.replace('{root}', str(root)) for k, v in suite.env.items()})
    if suite.stand_ins:
        # Stand-ins for dependencies that cannot be installed here, the same on both sides.
        stand_ins = suite.scratch / f'stand-ins-{side}'
        if stand_ins.exists():
            shutil.rmtree(stand_ins)
        for name in suite.stand_ins:
            shutil.copytree(STAND_INS / name, stand_ins / name)
        env['PYTHONPATH'] = ':'.join(p for p in (env.get('PYTHONPATH'), str(stand_ins)) if p)
    env['PATH'] = f'{venv / "bin"}:{env["PATH"]}'
    env['VIRTUAL_ENV'] = str(venv)
    cmd = [
        str(venv / 'bin' / 'python'),
        '-m',
        'pytest',
        '-p',
        'no:cacheprovider',
        '-q',
        '--tb=short',
        f'--junitxml={report}',
        '-o',
        'junit_family=xunit1',
        f'--timeout={TEST_TIMEOUT}',
        *suite.pytest_args,
        *suite.test_paths,
    ]
    log = suite.scratch / f'pytest-{side}.log'
    with log.open('w') as fh:
        fh.write(f'$ {" ".join(cmd)}\n')
        fh.flush()
        try:
            subprocess.run(
                cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT, timeout=SUITE_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            fh.write(f'\n*** suite timed out after {SUITE_TIMEOUT}s\n')
    return report


def read_junit(report: Path) -> dict[str, str]:
    """test id -> passed / failed / error / skipped."""
    if not report.exists():
        return {}
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).iter('testcase'):
        test_id = f'{case.get("classname", "")}::{case.get("name", "")}'
        outcome = 'passed'
        for child in case:
            if child.tag in ('failure', 'error', 'skipped'):
                outcome = {'failure': 'failed'}.get(child.tag, child.tag)
                break
        # A test can appear twice (a failing teardown after a pass): the worse outcome wins.
        if outcomes.get(test_id) not in (None, 'passed'):
            continue
        outcomes[test_id] = outcome
    return outcomes


def excluded(suite: Suite, test_id: str) -> bool:
    return any(fnmatch.fnmatchcase(test_id, e['id']) for e in suite.exclude)


def run_suite(suite: Suite, wheels: Wheels, *, fresh: bool = False) -> dict[str, Any]:
    """Run both sides of one suite and save the comparison.

    The ops 3.9 side does not depend on this repository: its outcomes are reused from the
    last run when the suite's commit and environment are unchanged (unless ``fresh``).
    """
    suite.scratch.mkdir(parents=True, exist_ok=True)
    saved_path = suite.scratch / 'result.json'
    saved: dict[str, Any] = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    result: dict[str, Any] = {
        'name': suite.name,
        'repo': suite.repo,
        'commit': suite.commit,
        'ours_commit': wheels.commit,
        'when': time.strftime('%Y-%m-%d'),
        'sides': {},
    }
    for side in SIDES:
        root = export(suite, side)
        the_plan = plan(suite, root)
        key = the_plan.key(find_python(suite.python))
        result['dropped'] = the_plan.dropped
        result['env_key'] = key
        if (
            side == 'ops39'
            and not fresh
            and saved.get('commit') == suite.commit
            and saved.get('env_key') == key
            and 'ops39' in saved.get('sides', {})
        ):
            result['sides'][side] = saved['sides']['ops39']
            print(f'  {suite.name} [{side}] reused from the last run', flush=True)
            continue
        started = time.monotonic()
        venv = build_venv(suite, side, root, the_plan, wheels if side == 'ours' else None)
        report = run_pytest(suite, side, root, venv)
        outcomes = {k: v for k, v in read_junit(report).items() if not excluded(suite, k)}
        result['sides'][side] = outcomes
        counts = {
            o: sum(1 for v in outcomes.values() if v == o)
            for o in ('passed', 'failed', 'error', 'skipped')
        }
        print(f'  {suite.name} [{side}] {counts} in {time.monotonic() - started:.0f}s', flush=True)
    saved_path.write_text(json.dumps(result, indent=1, sort_keys=True))
    return result


def tree_commit(tree: Path) -> str:
    """The tree's commit, short, with ``+dirty`` when its packages have uncommitted changes."""
    proc = subprocess.run(
        ['git', '-C', str(tree), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ['git', '-C', str(tree), 'status', '--porcelain', '--untracked-files=no', 'packages'],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return proc.stdout.strip() + ('+dirty' if dirty else '')


# --- the report -------------------------------------------------------------------------------


@dataclass
class Cause:
    """An explanation for tests that pass on ops 3.9 but not on ours."""

    match: list[str]
    cause: str
    suite: str | None = None
    owner: str | None = None

    def applies(self, suite: str, test_id: str) -> bool:
        if self.suite and self.suite != suite:
            return False
        return any(fnmatch.fnmatchcase(test_id, m) for m in self.match)


def load_causes() -> list[Cause]:
    if not CAUSES_FILE.exists():
        return []
    return [Cause(**c) for c in tomllib.loads(CAUSES_FILE.read_text()).get('cause', [])]


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    ops39: dict[str, str] = result['sides'].get('ops39', {})
    ours: dict[str, str] = result['sides'].get('ours', {})
    passed39 = {t for t, o in ops39.items() if o == 'passed'}
    passed_ours = {t for t, o in ours.items() if o == 'passed'}
    return {
        'tests': len(ops39),
        'pass39': len(passed39),
        'pass_ours': len(passed_ours & set(ops39)),
        'regressions': sorted(passed39 - passed_ours),
        'gains': sorted((passed_ours & set(ops39)) - passed39),
    }


def write_doc(results: list[dict[str, Any]], suites: list[Suite]) -> None:
    causes = load_causes()
    lines = [
        "# Compatibility with real charms' unit suites",
        '',
        "Measured by `tools/charm-suites/run.py` (see its README): each charm's own unit suite,",
        'at a pinned commit, with its own test dependencies, run once with `ops[testing]==3.9.0`',
        'from the package index ("ops 3.9") and once with this project\'s distributions in place',
        'of ops, ops-scenario and ops-tracing ("ours"). Regenerate with',
        '`.venv/bin/python tools/charm-suites/run.py` (all suites; about an hour the first time,',
        'needs the package index).',
        '',
        '| suite | commit | ours at | tests | pass on ops 3.9 | pass on ours | pass on 3.9, not on ours |',
        '|---|---|---|---|---|---|---|',
    ]
    totals = {'tests': 0, 'pass39': 0, 'pass_ours': 0, 'regressions': 0}
    summaries = []
    for result in results:
        s = summarize(result)
        summaries.append((result, s))
        for key in ('tests', 'pass39', 'pass_ours'):
            totals[key] += s[key]
        totals['regressions'] += len(s['regressions'])
        lines.append(
            f'| [{result["name"]}](https://github.com/{result["repo"]}) | `{result["commit"][:10]}` '
            f'| `{result["ours_commit"]}` | {s["tests"]} | {s["pass39"]} | {s["pass_ours"]} '
            f'| {len(s["regressions"])} |'
        )
    share = (
        100.0 * (totals['pass39'] - totals['regressions']) / totals['pass39']
        if totals['pass39']
        else 0.0
    )
    lines.append(
        f'| **total** | | | {totals["tests"]} | {totals["pass39"]} | {totals["pass_ours"]} '
        f'| {totals["regressions"]} |'
    )
    lines += [
        '',
        f'Of the tests that pass on ops 3.9, **{share:.2f}%** pass on ours.',
        '',
    ]
    measured = {r['name'] for r in results}
    missing = [s.name for s in suites if s.name not in measured]
    if missing:
        lines += [f'Not measured yet at the pinned commit: {", ".join(missing)}.', '']
    dropped = {r['name']: r.get('dropped', []) for r in results}
    noted = [s for s in suites if s.note or s.exclude or dropped.get(s.name)]
    if noted:
        lines += ['## Notes on the suites', '']
        for suite_obj in noted:
            if suite_obj.note:
                lines.append(f'- {suite_obj.name}: {suite_obj.note}')
            for e in suite_obj.exclude:
                lines.append(
                    f'- {suite_obj.name}: left out on both sides: `{e["id"]}`: {e["reason"]}'
                )
            stood_in = {canonical(n) for n in suite_obj.stand_ins}
            for d in dropped.get(suite_obj.name, []):
                if requirement_name(d) in stood_in:
                    continue
                lines.append(
                    f'- {suite_obj.name}: requirement `{d}` not installed (not on the package '
                    'index); tests that need it fail on both sides'
                )
        lines.append('')
    lines += ['## Tests that pass on ops 3.9 but not on ours', '']
    any_listed = False
    for result, s in summaries:
        if not s['regressions']:
            continue
        any_listed = True
        lines += [f'### {result["name"]}', '']
        groups: dict[str, list[str]] = {}
        for test_id in s['regressions']:
            cause = next((c for c in causes if c.applies(result['name'], test_id)), None)
            if cause is None:
                text = 'not yet diagnosed'
            elif cause.owner:
                text = f'{cause.cause} (owned by {cause.owner})'
            else:
                text = cause.cause
            groups.setdefault(text, []).append(test_id)
        for text, ids in groups.items():
            for test_id in ids:
                lines.append(f'- `{test_id}`: {text}')
        lines.append('')
    if not any_listed:
        lines += ['None.', '']
    fixed = tomllib.loads(CAUSES_FILE.read_text()).get('fixed', []) if CAUSES_FILE.exists() else []
    if fixed:
        lines += [
            '## Causes found and fixed',
            '',
            'Each was a test passing on ops 3.9 and failing here; each fix has a regression test',
            'of our own that does not need the charm.',
            '',
        ]
        for item in fixed:
            lines.append(f'- {item["cause"]} ({", ".join(item["suites"])}; {item["fix"]})')
        lines.append('')
    DOC_FILE.write_text('\n'.join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('suites', nargs='*', help='suite names (default: all)')
    parser.add_argument(
        '--ours', type=Path, default=REPO, help='the tree to build our wheels from'
    )
    parser.add_argument(
        '--report-only', action='store_true', help='rewrite the doc from saved results'
    )
    parser.add_argument(
        '--no-doc', action='store_true', help='do not rewrite docs/compatibility.md'
    )
    parser.add_argument(
        '--fresh',
        action='store_true',
        help='rerun the ops 3.9 side even when its last outcomes still hold',
    )
    args = parser.parse_args()
    suites = load_suites()
    unknown = set(args.suites) - {s.name for s in suites}
    if unknown:
        raise SystemExit(f'unknown suites: {", ".join(sorted(unknown))}')
    chosen = [s for s in suites if not args.suites or s.name in args.suites]
    if not args.report_only:
        SCRATCH.mkdir(parents=True, exist_ok=True)
        wheels = build_wheels(args.ours)
        print(f'our wheels: {", ".join(p.name for p in wheels.paths)}', flush=True)
        for suite in chosen:
            print(f'{suite.name} ({suite.repo} @ {suite.commit[:10]})', flush=True)
            try:
                run_suite(suite, wheels, fresh=args.fresh)
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                print(f'  {suite.name}: FAILED TO RUN: {exc}', flush=True)
    results = []
    for suite in suites:
        saved = suite.scratch / 'result.json'
        if saved.exists():
            result = json.loads(saved.read_text())
            if result['commit'] == suite.commit:
                results.append(result)
    for result in results:
        s = summarize(result)
        print(
            f'{result["name"]:30} tests {s["tests"]:5} ops39 {s["pass39"]:5} ours {s["pass_ours"]:5} '
            f'regressions {len(s["regressions"])}'
        )
    if not args.no_doc:
        write_doc(results, suites)
        print(f'wrote {DOC_FILE}')


if __name__ == '__main__':
    main()
