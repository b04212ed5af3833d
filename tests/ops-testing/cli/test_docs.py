"""The code in docs/*.md runs as written.

Fenced blocks are processed in order, per page, in a fresh directory:

* ```` ```LANG file=PATH ```` writes the block to PATH (a charm's files, a test module);
* ```` ```python runnable ```` runs the block with this interpreter;
* ```` ```sh runnable ```` runs the block with ``bash -e``, with this interpreter's
  ``python`` first on ``PATH`` and ``examples/`` of the repository reachable as
  ``examples/``; ``exit=N`` expects that exit status instead of 0.

Blocks without these markers are illustrations and are not run.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).parents[3]
DOCS = REPO / 'docs'
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


def _run(argv: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {
        'PATH': f'{pathlib.Path(sys.executable).parent}:/usr/bin:/bin',
        'HOME': str(cwd),
        'COLUMNS': '120',
        'PYTHONDONTWRITEBYTECODE': '1',
    }
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize('page', pages(), ids=lambda p: p.name)
def test_page_code_runs(page: pathlib.Path, tmp_path: pathlib.Path):
    (tmp_path / 'examples').symlink_to(REPO / 'examples')
    ran = 0
    for n, (lang, attrs, body) in enumerate(blocks(page), 1):
        if 'file' in attrs:
            target = tmp_path / attrs['file']
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)
            continue
        if 'runnable' not in attrs:
            continue
        if lang == 'python':
            script = tmp_path / f'_block_{n}.py'
            script.write_text(body)
            result = _run([sys.executable, script.name], tmp_path)
        elif lang in ('sh', 'bash', 'console'):
            result = _run(['bash', '-e', '-c', body], tmp_path)
        else:
            pytest.fail(f'{page.name} block {n}: cannot run a {lang!r} block')
        expected = int(attrs.get('exit') or 0)
        assert result.returncode == expected, (
            f'{page.name} block {n} exited {result.returncode}, expected {expected}\n'
            f'--- block\n{body}--- stdout\n{result.stdout}--- stderr\n{result.stderr}'
        )
        ran += 1
    assert ran, f'{page.name} has file blocks but nothing runnable'


@pytest.mark.parametrize('name', DISTRIBUTION_PAGES)
def test_every_distribution_page_has_a_runnable_example(name: str):
    page = DOCS / f'{name}.md'
    assert page.is_file(), f'docs/{name}.md is missing'
    assert any('runnable' in attrs for _, attrs, _ in blocks(page))
