"""The distributions' packaging: one version source, the version scheme, licence and metadata.

The wheels and sdists themselves are built and installed by ``packages/wheelhouse.py`` (run by
``.ci/run``); here a small sdist is built to prove it is self-contained.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.helpers.load import load_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
PACKAGES = REPO / 'packages'


hooks = load_file('hatch_hooks', PACKAGES / 'hatch_hooks.py')
release = hooks.load_release()
DISTRIBUTIONS = sorted(p.parent.name for p in PACKAGES.glob('*/pyproject.toml'))

# What ops 3.9.0, ops-scenario 8.9.0 and ops-tracing 3.9.0 require of third-party projects
# (from their published metadata). `ops[testing]` installs both ops and ops-scenario, so a
# range of ours must sit inside every upstream range for the same project: as strict or
# stricter, never looser.
UPSTREAM_RANGES = {
    'pyyaml': ['==6.*', '>=6.0.1'],
    'websocket-client': ['==1.*'],
    'opentelemetry-api': ['~=1.0'],
    'opentelemetry-sdk': ['~=1.30'],
    'typing-extensions': ['>=4.9.0'],
}


def _pyproject(dist: str) -> dict:
    with (PACKAGES / dist / 'pyproject.toml').open('rb') as f:
        return tomllib.load(f)


def test_release_lists_exactly_the_distributions_under_packages():
    assert sorted(release.distributions) == sorted(canonicalize_name(d) for d in DISTRIBUTIONS)


def _requirements(dist: str) -> list[str]:
    project = _pyproject(dist)['project']
    texts = list(project.get('dependencies', []))
    for reqs in project.get('optional-dependencies', {}).values():
        texts += reqs
    return texts


@pytest.mark.parametrize('dist', DISTRIBUTIONS)
def test_version_and_sister_pins_come_from_the_release_file_only(dist: str):
    data = _pyproject(dist)
    project = data['project']
    assert 'version' not in project, f'{dist}: the version belongs in packages/release.toml'
    assert sorted(project['dynamic']) == sorted(hooks.DYNAMIC_FIELDS)
    hatch = data['tool']['hatch']
    assert hatch['metadata']['hooks']['custom']['path'] == '../hatch_hooks.py'
    assert hatch['build']['hooks']['custom']['path'] == '../hatch_hooks.py'
    for text in _requirements(dist):
        req = Requirement(text)
        if canonicalize_name(req.name) in release.distributions:
            assert not req.specifier, f'{dist}: {text!r} must name the sister bare'
    assert Requirement(data['build-system']['requires'][0]).specifier.contains('1.27')


@pytest.mark.parametrize('dist', DISTRIBUTIONS)
def test_every_distribution_carries_the_apache_licence(dist: str):
    root = (REPO / 'LICENSE').read_text()
    assert 'Apache License' in root and 'Version 2.0, January 2004' in root
    assert (PACKAGES / dist / 'LICENSE').read_text() == root, (
        f'packages/{dist}/LICENSE differs from LICENSE: copy it again'
    )
    assert _pyproject(dist)['project']['license'] == 'Apache-2.0'


@pytest.mark.parametrize(
    'pin',
    ['ops ~= 3.9', 'ops >= 2.17', 'ops == 3.9.*', 'ops == 3.9.0', 'ops >= 3.0, < 4', 'ops'],
)
def test_charms_usual_pins_accept_our_ops(pin: str):
    ours = Version(release.version('ops'))
    assert Requirement(pin).specifier.contains(ours, prereleases=True)


def test_our_version_sorts_after_upstreams_and_before_its_next_release():
    ours = Version(release.version('ops'))
    upstream = Version(release.upstream['ops'])
    assert ours.public == str(upstream) and ours.local == release.label
    assert upstream < ours < Version(f'{upstream.major}.{upstream.minor}.{upstream.micro + 1}')


def test_pins_between_ours_cannot_be_met_by_upstream_or_index_releases():
    pin = SpecifierSet(f'=={release.version("ops-core")}')
    for other in ('3.9.0', '3.9.0+other.1', '0.1.0', '3.9.1', '99'):
        assert not pin.contains(other), other
    assert pin.contains(release.version('ops-core'))


def test_pinning_rejects_a_sister_written_with_a_version():
    with pytest.raises(hooks.ReleaseError, match="without a version .*'ops-core>=3'"):
        release.pin(['ops-core>=3'], owner='ops')
    with pytest.raises(hooks.ReleaseError, match='is not listed under .distributions.'):
        release.version('ops-unknown')


def test_sister_pins_become_extra_requires_dist_lines():
    ours = release.version('ops')
    pins = release.sister_pins(['PyYAML', 'ops-core[pebble]'], owner='x')
    assert pins == [f'ops-core[pebble]=={ours}']
    pins = release.sister_pins(['ops-testing; python_version >= "3.10"'], owner='x', extra='t')
    assert pins == [f'ops-testing=={ours}; (python_version >= "3.10") and extra == "t"']
    assert release.pin(
        ['ops-core[pebble]; python_version >= "3.10"', 'PyYAML==6.*'], owner='x'
    ) == [
        f'ops-core[pebble]=={release.version("ops-core")}; python_version >= "3.10"',
        'PyYAML==6.*',
    ]


@pytest.mark.parametrize('dist', DISTRIBUTIONS)
def test_third_party_ranges_are_no_looser_than_upstreams(dist: str):
    texts = _requirements(dist)
    probes = [
        f'{major}.{minor}.{micro}'
        for major in range(9)
        for minor in (0, 1, 30, 99)
        for micro in (0, 1)
    ]
    for text in texts:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if name in release.distributions:
            continue
        assert name in UPSTREAM_RANGES, f'{dist}: {text!r} is not a dependency of ops 3.9'
        assert req.specifier, f'{dist}: {text!r} needs a range (upstream: {UPSTREAM_RANGES[name]})'
        for upstream in UPSTREAM_RANGES[name]:
            looser = [
                v
                for v in probes
                if req.specifier.contains(v) and not SpecifierSet(upstream).contains(v)
            ]
            assert not looser, f'{dist}: {text!r} accepts {looser[:3]}, which {upstream!r} refuses'


def test_ops_version_attribute_is_the_release_public_version():
    """``ops.__version__`` is the API version (3.9.0), as charms compare it: no local label."""
    import ops
    import ops.version

    assert ops.__version__ == ops.version.version == release.upstream['ops']


def test_static_pyproject_reads_back_and_names_no_hook():
    source = (PACKAGES / 'ops' / 'pyproject.toml').read_text()
    fields = {
        'version': '1.0+x.1',
        'dependencies': ['a==1', 'ops-core[pebble]==1.0+x.1'],
        'optional-dependencies': {'t': ['b']},
        'authors': [{'name': 'N', 'email': 'n@example.org'}],
        'keywords': ['k'],
        'classifiers': ['Typing :: Typed'],
        'urls': {'Homepage': 'https://example.org/"q"'},
    }
    text = hooks.static_pyproject(source, fields)
    data = tomllib.loads(text)
    assert {k: data['project'][k] for k in fields} == fields
    assert 'dynamic' not in data['project'] and 'hatch_hooks' not in text
    assert 'hooks' not in data['tool']['hatch'].get('metadata', {})
    assert 'hooks' not in data['tool']['hatch']['build']
    assert data['tool']['hatch']['build']['targets']['wheel'] == {'packages': ['src/ops']}


def test_an_sdist_builds_its_wheel_away_from_the_repository(tmp_path: Path):
    """The sdist's pyproject.toml is static: its wheel builds with no packages/ beside it."""
    dist = 'ops-hookcmds'
    run = [sys.executable, '-m', 'build', '--no-isolation', '--outdir']
    subprocess.run(
        [*run, str(tmp_path), '--sdist', str(PACKAGES / dist)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (sdist,) = tmp_path.glob('*.tar.gz')
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / 'x', filter='data')
    top = names[0].split('/')[0]
    assert f'{top}/LICENSE' in names and names.count(f'{top}/pyproject.toml') == 1
    subprocess.run(
        [*run, str(tmp_path / 'w'), '--wheel', str(tmp_path / 'x' / top)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = (tmp_path / 'w').glob('*.whl')
    with zipfile.ZipFile(wheel) as zf:
        meta = Parser().parsestr(zf.read(f'{top}.dist-info/METADATA').decode())
        assert zf.read(f'{top}.dist-info/licenses/LICENSE') == (REPO / 'LICENSE').read_bytes()
    assert meta['Version'] == release.version(dist)
    assert meta['License-Expression'] == 'Apache-2.0'
    assert 'Typing :: Typed' in meta.get_all('Classifier')
    assert meta.get_all('Project-URL')


def test_the_changelog_has_a_section_for_this_release():
    changelog = (REPO / 'CHANGELOG.md').read_text()
    assert f'\n## {release.version("ops")} ' in changelog


def test_versions_written_in_the_docs_are_this_releases():
    """A new release label must not leave the docs naming the old one (the changelog may)."""
    current = {release.version(name) for name in release.distributions}
    pages = [REPO / 'README.md', *REPO.glob('docs/*.md'), *REPO.glob('packages/*/README.md')]
    for page in pages:
        for written in re.findall(r'\b\d+\.\d+\.\d+\+[a-z]+(?:\.\d+)*', page.read_text()):
            assert written in current, f'{page.relative_to(REPO)} names {written}: not {current}'
