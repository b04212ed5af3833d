"""The README's main job: its first Quick start command runs the lifecycle simulation."""

from __future__ import annotations

import pathlib
import re
import shlex
import subprocess
import sys

REPO = pathlib.Path(__file__).parents[3]


def test_first_quick_start_command_is_dev_py_demo():
    readme = (REPO / 'README.md').read_text()
    block = readme.split('## Quick start', 1)[1].split('```sh', 1)[1].split('```', 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith('#')]
    assert commands[0] == 'python3 dev.py demo'


def test_demo_script_prints_the_httpbin_deployment_table():
    pyproject = (REPO / 'pyproject.toml').read_text()
    match = re.search(r'^demo = "(?P<command>[^"]*)"$', pyproject, re.M)
    assert match is not None, 'no demo script in [tool.hatch.envs.default.scripts]'
    check, _, command = match.group('command').rpartition(' && ')
    assert check == 'python dev.py --check-env'
    argv = shlex.split(command.replace('{args}', ''))
    assert argv == ['python', '-m', 'ops_testing', 'lifecycle', 'examples/httpbin-k8s']
    result = subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={'PATH': '/usr/bin:/bin', 'HOME': str(REPO), 'PYTHONDONTWRITEBYTECODE': '1'},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ''
    assert 'Deploying httpbin-k8s (HttpbinCharm) as httpbin-k8s/0' in result.stdout
    assert re.search(r'^pebble-ready:httpbin +\| active +\| .*\| httpbin ', result.stdout, re.M)
    assert 'opened ports: 8080/tcp' in result.stdout
