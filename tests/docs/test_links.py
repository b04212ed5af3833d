"""The README and the docs point only at files inside the repository, and those exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [
        REPO / 'README.md',
        REPO / 'CHANGELOG.md',
        *REPO.glob('docs/*.md'),
        *REPO.glob('packages/*/README.md'),
    ]
)
# [text](target) links, and paths written as code that leave the repository (`../shared/x`).
_LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
_OUTSIDE = re.compile(r'`(\.\./[^`\s]+)`')


@pytest.mark.parametrize('page', PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_links_resolve_inside_the_repository(page: Path):
    text = page.read_text()
    prose = re.sub(r'`[^`\n]*`', '', re.sub(r'^```.*?^```', '', text, flags=re.M | re.S))
    for target in _LINK.findall(prose):
        if re.match(r'[a-z]+:', target) or target.startswith('#'):
            continue
        path = (page.parent / target.split('#')[0]).resolve()
        assert path.is_relative_to(REPO), f'{page.name} links outside the repository: {target}'
        assert path.exists(), f'{page.name} links to a missing file: {target}'
    for written in _OUTSIDE.findall(text):
        path = (page.parent / written).resolve()
        assert path.is_relative_to(REPO), f'{page.name} points outside the repository: {written}'
