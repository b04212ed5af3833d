"""The code in docs/*.md runs as written, with only the distributions each page installs.

Fenced blocks are processed in order, per page, in a fresh directory:

* ```` ```LANG file=PATH ```` writes the block to PATH (a charm's files, a test module);
* ```` ```sh install expect=NAME,... ```` is how the page installs what its examples need,
  from the wheelhouse ``dist/`` (docs/install.md). With ``OPS_DOCS_WHEELHOUSE=DIR`` (CI, once
  ``packages/wheelhouse.py`` has built DIR) the block runs in a fresh virtual environment with
  a copy of DIR as ``dist``, ``packages/wheelhouse.py verify`` checks that the distributions
  named by ``expect`` are installed and are ours (and that no other of ours is), and the
  blocks that follow run with that environment's ``python``. Without it (the development environment) install blocks are
  skipped and the blocks run with this interpreter, where every distribution is installed;
* ```` ```python runnable ```` runs the block with that ``python``;
* ```` ```sh runnable ```` runs the block with ``bash -e``, that ``python`` first on ``PATH``,
  the real Pebble (``../shared/bin/pebble``) as ``pebble`` when it is there, and ``examples/``
  and ``packages/`` of the repository reachable as ``examples/`` and ``packages/``;
  ``exit=N`` expects that exit status instead of 0;
* ``installed`` on a runnable block runs it only in an environment the page's install block
  made (it may change that environment: install or remove something); a page with such
  blocks gets environments of its own.

Blocks without these markers are illustrations and are not run. A page with runnable
blocks must install what they need first: that is what makes "runnable with only the
distributions it names" checkable.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).parents[2]
DOCS = REPO / 'docs'


def _find_pebble() -> pathlib.Path:
    """The real Pebble: $OPS_PEBBLE, else ``shared/bin/pebble`` beside the checkout (CI's
    ``../shared``, or one level further up for a worktree), else ``pebble`` on PATH."""
    candidates = [os.environ.get('OPS_PEBBLE', '')]
    candidates += [str(parent / 'shared' / 'bin' / 'pebble') for parent in REPO.parents[:2]]
    candidates.append(shutil.which('pebble') or '')
    return next((pathlib.Path(c) for c in candidates if c and os.access(c, os.X_OK)), REPO / '-')


PEBBLE = _find_pebble()
WHEELHOUSE = os.environ.get('OPS_DOCS_WHEELHOUSE')
_FENCE = re.compile(r'^```(?P<lang>[\w-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^```\s*$', re.M | re.S)
DISTRIBUTION_PAGES = ('ops-hookcmds', 'ops-pebble', 'ops-core', 'ops-testing', 'ops')


def blocks(page: pathlib.Path) -> list[tuple[str, dict[str, str], str]]:
    """The page's fenced blocks as (language, info attributes, body)."""
    out = []
    for match in _FENCE.finditer(page.read_text()):
        attrs: dict[str, str] = {}
        for word in match.group('info').split():
            key, _, value = word.partition('=')
            attrs[key] = value
        out.append((match.group('lang'), attrs, match.group('body')))
    return out


def pages() -> list[pathlib.Path]:
    """The pages with code to run or files to write."""
    return sorted(
        p
        for p in DOCS.glob('*.md')
        if any('runnable' in attrs or 'file' in attrs for _, attrs, _ in blocks(p))
    )


def _env(bindir: pathlib.Path, cwd: pathlib.Path) -> dict[str, str]:
    path = [str(bindir), '/usr/bin', '/bin']
    if PEBBLE.is_file():
        pebble_dir = cwd / '.bin'
        pebble_dir.mkdir(exist_ok=True)
        if not (pebble_dir / 'pebble').exists():
            (pebble_dir / 'pebble').symlink_to(PEBBLE)
        path.insert(1, str(pebble_dir))
    env = {
        'PATH': ':'.join(path),
        'HOME': str(cwd),
        'COLUMNS': '120',
        'PYTHONDONTWRITEBYTECODE': '1',
    }
    # How pip reaches an index here (a mirror, a proxy, certificates) carries over.
    env.update(
        (k, v)
        for k, v in os.environ.items()
        if k.startswith('PIP_') or k.lower() in ('http_proxy', 'https_proxy', 'no_proxy')
    )
    if bindir.parent.joinpath('pyvenv.cfg').is_file():
        env['VIRTUAL_ENV'] = str(bindir.parent)
    return env


def _run(argv: list[str], cwd: pathlib.Path, bindir: pathlib.Path, timeout: float = 180):
    """Run ``argv``; afterwards end whatever it left running in the background (a Pebble)."""
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=_env(bindir, cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    return subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)


class _Venvs:
    """One virtual environment per distinct install block, shared by the pages that use it."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.made: dict[str, pathlib.Path] = {}

    def install(
        self, body: str, expect: list[str], cwd: pathlib.Path, written: str
    ) -> pathlib.Path:
        """The bin directory of a venv in which ``body`` has run (in ``cwd``).

        ``written`` is what the page wrote before (``-r requirements.txt`` reads it): the
        same block after the same files shares one venv.
        """
        key = f'{body}\0{written}'
        if key in self.made:
            return self.made[key]
        venv = self.root / f'venv-{len(self.made)}'
        subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True, timeout=300)
        bindir = venv / 'bin'
        result = _run(['bash', '-e', '-c', body], cwd, bindir, timeout=900)
        assert result.returncode == 0, (
            f'install block failed ({result.returncode})\n--- block\n{body}'
            f'--- stdout\n{result.stdout[-3000:]}--- stderr\n{result.stderr[-3000:]}'
        )
        verify = [str(bindir / 'python'), str(REPO / 'packages' / 'wheelhouse.py'), 'verify']
        checked = _run(
            [*verify, '--wheelhouse', 'dist', '--only', '--expect', *expect], cwd, bindir
        )
        assert checked.returncode == 0, (
            f'after\n{body}the environment is not ours:\n{checked.stderr}{checked.stdout}'
        )
        self.made[key] = bindir
        return bindir


@pytest.fixture(scope='module')
def venvs(tmp_path_factory: pytest.TempPathFactory) -> _Venvs:
    return _Venvs(tmp_path_factory.mktemp('docs-venvs'))


@pytest.mark.parametrize('page', pages(), ids=lambda p: p.name)
def test_page_code_runs(page: pathlib.Path, tmp_path: pathlib.Path, venvs: _Venvs):
    (tmp_path / 'examples').symlink_to(REPO / 'examples')
    (tmp_path / 'packages').symlink_to(REPO / 'packages')
    if WHEELHOUSE:
        shutil.copytree(WHEELHOUSE, tmp_path / 'dist')
    bindir = pathlib.Path(sys.executable).parent
    ran = 0
    # What an install block's environment depends on: the files written before it, and the
    # page itself when the page changes its environments.
    written = page.name if any('installed' in attrs for _, attrs, _ in blocks(page)) else ''
    for n, (lang, attrs, body) in enumerate(blocks(page), 1):
        if 'file' in attrs:
            target = tmp_path / attrs['file']
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)
            written += f'{attrs["file"]}\0{body}\0'
            continue
        if 'install' in attrs:
            if WHEELHOUSE:
                expect = [name for name in attrs.get('expect', '').split(',') if name]
                bindir = venvs.install(body, expect, tmp_path, written)
            continue
        if 'runnable' not in attrs or ('installed' in attrs and not WHEELHOUSE):
            continue
        if re.search(r'^\s*pebble ', body, re.M) and not PEBBLE.is_file():
            pytest.skip(f'{page.name} block {n} needs the real Pebble, {PEBBLE}, which is absent')
        if lang == 'python':
            script = tmp_path / f'_block_{n}.py'
            script.write_text(body)
            result = _run([str(bindir / 'python'), script.name], tmp_path, bindir)
        elif lang in ('sh', 'bash', 'console'):
            result = _run(['bash', '-e', '-c', body], tmp_path, bindir)
        else:
            pytest.fail(f'{page.name} block {n}: cannot run a {lang!r} block')
        expected = int(attrs.get('exit') or 0)
        assert result.returncode == expected, (
            f'{page.name} block {n} exited {result.returncode}, expected {expected}\n'
            f'--- block\n{body}--- stdout\n{result.stdout}--- stderr\n{result.stderr}'
        )
        ran += 1
    assert ran, f'{page.name} has file blocks but nothing runnable'


@pytest.mark.parametrize('page', pages(), ids=lambda p: p.name)
def test_page_installs_what_its_examples_need_first(page: pathlib.Path):
    kinds = [
        'install' if 'install' in attrs else 'runnable'
        for _, attrs, _ in blocks(page)
        if 'install' in attrs or 'runnable' in attrs
    ]
    assert kinds and kinds[0] == 'install', (
        f'{page.name}: add a ```sh install expect=...``` block (pip install from the '
        f'wheelhouse, docs/install.md) before its first runnable block'
    )
    for _, attrs, body in blocks(page):
        if 'install' in attrs:
            assert attrs.get('expect'), f'{page.name}: an install block without expect=NAMES'
            assert 'dist' in body or './packages/' in body, (
                f'{page.name}: install from the wheelhouse, dist/ (or a checkout): {body}'
            )


@pytest.mark.parametrize('name', DISTRIBUTION_PAGES)
def test_every_distribution_page_has_a_runnable_example(name: str):
    page = DOCS / f'{name}.md'
    assert page.is_file(), f'docs/{name}.md is missing'
    assert any('runnable' in attrs for _, attrs, _ in blocks(page))
