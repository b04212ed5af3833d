"""Build every distribution of this release into one directory: the wheelhouse.

    hatch run wheelhouse [--outdir DIR]

writes, for each distribution listed in ``packages/release.toml``, its sdist and the wheel
built from that sdist, plus ``constraints.txt``: one exact pin per distribution. Installing
with ``pip install --find-links DIR -c DIR/constraints.txt ...`` then takes every one of our
distributions from DIR and never a same-named project from the index (docs/install.md).

Earlier artifacts of these distributions in DIR are removed first; nothing else there is
touched. Each artifact is checked before the script says it is done: its version, its
licence, and (for an sdist) a pyproject.toml that no longer needs this repository.

    ENV/bin/python packages/wheelhouse.py verify --wheelhouse DIR [--expect NAME ...] [--only]

checks, with the interpreter of the environment to check (it needs only the standard
library), that every distribution of ours installed there is the one in DIR, that the
``--expect``-ed ones are installed (and, with ``--only``, no other of ours), and that their
packages import from that environment.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from email.parser import Parser
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = 'constraints.txt'


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location('hatch_hooks', REPO / 'packages/hatch_hooks.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class WheelhouseError(Exception):
    """A build failed or an artifact is not what this release should contain."""


def _file_stem(distribution: str, version: str) -> str:
    """The name an sdist or wheel of ``distribution`` starts with (PEP 625 / PEP 427)."""
    return f'{distribution.replace("-", "_")}-{version}'


def build(distribution: str, version: str, outdir: Path) -> list[Path]:
    """Build the sdist of ``packages/<distribution>``, then its wheel from that sdist.

    Raises:
        WheelhouseError: the build failed (with its output) or produced the wrong files.
    """
    with tempfile.TemporaryDirectory(prefix=f'wheelhouse-{distribution}-') as scratch:
        # --no-isolation: the hatchling of this environment, so building needs no network.
        argv = [sys.executable, '-m', 'build', '--no-isolation', '--outdir', scratch]
        result = subprocess.run(
            [*argv, str(REPO / 'packages' / distribution)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise WheelhouseError(
                f'building {distribution} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}'
            )
        stem = _file_stem(distribution, version)
        built = sorted(Path(scratch).iterdir())
        expected = [f'{stem}-py3-none-any.whl', f'{stem}.tar.gz']
        if [p.name for p in built] != expected:
            raise WheelhouseError(
                f'{distribution}: expected {expected}, the build made {[p.name for p in built]}'
            )
        check_wheel(built[0], version)
        check_sdist(built[1])
        moved = []
        for path in built:
            target = outdir / path.name
            shutil.move(str(path), target)
            moved.append(target)
        return moved


def check_wheel(wheel: Path, version: str) -> None:
    """The wheel has this release's version and carries the licence."""
    stem = wheel.name.split('-py3-')[0]
    with zipfile.ZipFile(wheel) as zf:
        meta = Parser().parsestr(zf.read(f'{stem}.dist-info/METADATA').decode())
        names = set(zf.namelist())
    if meta['Version'] != version:
        raise WheelhouseError(f'{wheel.name}: version {meta["Version"]}, expected {version}')
    if f'{stem}.dist-info/licenses/LICENSE' not in names or meta['License-File'] != 'LICENSE':
        raise WheelhouseError(f'{wheel.name}: the LICENSE file is missing')


def check_sdist(sdist: Path) -> None:
    """The sdist carries the licence and a pyproject.toml that builds without the repository."""
    top = sdist.name.removesuffix('.tar.gz')
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        member = tar.extractfile(f'{top}/pyproject.toml')
        pyproject = member.read().decode() if member else ''
    if f'{top}/LICENSE' not in names:
        raise WheelhouseError(f'{sdist.name}: the LICENSE file is missing')
    if 'hatch_hooks' in pyproject or 'dynamic =' in pyproject:
        raise WheelhouseError(f'{sdist.name}: its pyproject.toml still needs packages/')


def clean(outdir: Path, distributions: list[str]) -> None:
    """Remove earlier artifacts of our distributions and the constraints file from ``outdir``."""
    prefixes = tuple(f'{d.replace("-", "_")}-' for d in distributions)
    for path in outdir.iterdir():
        is_ours = path.name.startswith(prefixes) and path.name.endswith(('.whl', '.tar.gz'))
        if is_ours or path.name == CONSTRAINTS:
            path.unlink()


def read_constraints(wheelhouse: Path) -> dict[str, str]:
    """The wheelhouse's pins: distribution name to version."""
    pins = {}
    for line in (wheelhouse / CONSTRAINTS).read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            name, _, version = line.partition('==')
            pins[name.strip()] = version.strip()
    return pins


def verify(wheelhouse: Path, expect: list[str], *, only: bool = False) -> list[str]:
    """What is wrong with this interpreter's environment, given the wheelhouse it came from.

    Every distribution of ours that is installed must have the wheelhouse's version (not
    upstream's, not an index project's); each of ``expect`` must be installed, and each of
    its top-level packages must import from this environment (``sys.prefix``). With
    ``only``, none of ours but ``expect`` may be installed.

    Returns:
        One line per problem; nothing when all is well.
    """
    problems = []
    for name, version in read_constraints(wheelhouse).items():
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            if name in expect:
                problems.append(f'{name} is not installed')
            continue
        if dist.version != version:
            problems.append(f'{name} {dist.version} is installed, not ours ({version})')
            continue
        if name not in expect:
            if only:
                problems.append(f'{name} is installed too, but only {", ".join(expect)} should be')
            continue
        packages = {
            f.parts[0]
            for f in dist.files or []
            if f.suffix == '.py' and len(f.parts) > 1 and not f.parts[0].endswith('.dist-info')
        }
        for package in sorted(packages):
            module = importlib.import_module(package)
            where = Path(module.__file__ or '').resolve()
            if not where.is_relative_to(Path(sys.prefix).resolve()):
                problems.append(f'import {package} gives {where}, outside {sys.prefix}')
            else:
                print(f'  {name} {dist.version}: import {package} -> {where}')
    unknown = set(expect) - set(read_constraints(wheelhouse))
    problems.extend(f'{name} is not a distribution of this release' for name in sorted(unknown))
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build the wheelhouse, or verify an environment installed from it."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ['verify']:
        check = argparse.ArgumentParser(prog='wheelhouse.py verify')
        check.add_argument('--wheelhouse', type=Path, required=True)
        check.add_argument('--expect', nargs='*', default=[], metavar='NAME')
        check.add_argument('--only', action='store_true', help='no other of ours installed')
        checked = check.parse_args(argv[1:])
        problems = verify(checked.wheelhouse, checked.expect, only=checked.only)
        for problem in problems:
            print(f'wheelhouse verify: {problem}', file=sys.stderr)
        return 1 if problems else 0
    parser = argparse.ArgumentParser(description=(__doc__ or '').split('\n\n')[0])
    parser.add_argument(
        '--outdir', type=Path, default=REPO / 'dist', help='where to write (default: dist/)'
    )
    args = parser.parse_args(argv)
    release = _hooks().load_release()
    outdir: Path = args.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    distributions = list(release.distributions)
    clean(outdir, distributions)
    started = time.monotonic()
    print(f'Building {len(distributions)} distributions of release {release.label} ...')
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = {d: pool.submit(build, d, release.version(d), outdir) for d in distributions}
            for distribution, job in jobs.items():
                names = ', '.join(p.name for p in job.result())
                print(f'  {distribution:<13} {names}')
    except WheelhouseError as e:
        print(f'wheelhouse: {e}', file=sys.stderr)
        return 1
    lines = [
        '# Every distribution of this release, pinned exactly: pass with -c so that pip takes',
        '# each from this directory (--find-links) and never a same-named index project.',
        *release.constraints(),
    ]
    (outdir / CONSTRAINTS).write_text('\n'.join(lines) + '\n')
    shown = outdir.relative_to(Path.cwd()) if outdir.is_relative_to(Path.cwd()) else outdir
    print(f'Wrote {shown}/ ({time.monotonic() - started:.0f} s). Install from it with:')
    print(f"  python -m pip install --find-links {shown} -c {shown}/{CONSTRAINTS} 'ops[testing]'")
    return 0


if __name__ == '__main__':
    sys.exit(main())
