"""State-transition tests of every handler of the tinyproxy machine charm.

The charm runs real subprocesses, but ``apt-get``, ``systemctl`` and ``tinyproxy`` are fake
executables put first on ``PATH`` (see :class:`FakeSystem`): they record how they were
called and exit as each test tells them to. The configuration file is written under the
test's temporary directory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from charm import TinyproxyCharm
from ops import testing

FAKE_COMMAND = """#!/bin/sh
# A stand-in for a system command: records its arguments, then behaves as told by files
# next to it: <name>[-<first arg>].out (stdout), .err (stderr) and .rc (exit status).
here=$(dirname "$0")
name=$(basename "$0")
printf '%s' "$name" >> "$here/calls.log"
for arg in "$@"; do printf '\\t%s' "$arg" >> "$here/calls.log"; done
printf '\\n' >> "$here/calls.log"
for stem in "$name-$1" "$name"; do
    if [ -f "$here/$stem.rc" ] || [ -f "$here/$stem.out" ] || [ -f "$here/$stem.err" ]; then
        [ -f "$here/$stem.out" ] && cat "$here/$stem.out"
        [ -f "$here/$stem.err" ] && cat "$here/$stem.err" >&2
        [ -f "$here/$stem.rc" ] && exit "$(cat "$here/$stem.rc")"
        exit 0
    fi
done
exit 0
"""

COMMANDS = ('apt-get', 'systemctl', 'tinyproxy')


class FakeSystem:
    """Fake system commands on ``PATH`` and a temporary configuration file path."""

    def __init__(self, root: Path) -> None:
        self.bin = root / 'bin'
        self.bin.mkdir()
        self.config_file = root / 'etc' / 'tinyproxy' / 'tinyproxy.conf'
        for command in COMMANDS:
            path = self.bin / command
            path.write_text(FAKE_COMMAND)
            path.chmod(0o755)
        self.respond('tinyproxy', stdout='tinyproxy 1.11.1\n')

    def respond(
        self,
        command: str,
        subcommand: str | None = None,
        *,
        stdout: str = '',
        stderr: str = '',
        exit_status: int = 0,
    ) -> None:
        """Make ``command`` (only with ``subcommand`` as first argument, if given) behave so."""
        stem = f'{command}-{subcommand}' if subcommand else command
        (self.bin / f'{stem}.out').write_text(stdout)
        (self.bin / f'{stem}.err').write_text(stderr)
        (self.bin / f'{stem}.rc').write_text(str(exit_status))

    def calls(self) -> list[list[str]]:
        """Every fake command run so far, as argument lists, in order."""
        log = self.bin / 'calls.log'
        if not log.exists():
            return []
        return [line.split('\t') for line in log.read_text().splitlines()]


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSystem]:
    """Fake system commands first on ``PATH``, and a configuration file path under tmp_path."""
    fake = FakeSystem(tmp_path)
    monkeypatch.setenv('PATH', f'{fake.bin}{os.pathsep}{os.environ.get("PATH", "")}')
    yield fake


@pytest.fixture
def ctx(system: FakeSystem, monkeypatch: pytest.MonkeyPatch) -> testing.Context[TinyproxyCharm]:
    """A Context for the charm (metadata from charmcraft.yaml), writing its config under tmp."""
    monkeypatch.setattr(TinyproxyCharm, 'config_file', system.config_file)
    return testing.Context(TinyproxyCharm)


def machine_state(
    *,
    config: Mapping[str, str | int | float | bool] | None = None,
    opened_ports: Iterable[testing.Port] = (),
) -> testing.State:
    """A state on a machine (LXD) model."""
    return testing.State(
        model=testing.Model(type='lxd'),
        config=dict(config or {}),
        opened_ports=frozenset(opened_ports),
    )


EXPECTED_DEFAULT_CONFIG = """\
# Written by the tinyproxy charm; local changes will be overwritten.
User tinyproxy
Group tinyproxy
Port 8888
Timeout 600
MaxClients 100
LogFile "/var/log/tinyproxy/tinyproxy.log"
LogLevel Info
PidFile "/run/tinyproxy/tinyproxy.pid"
ViaProxyName "tinyproxy"
Allow 127.0.0.1/32
Allow ::1/128
"""


# -- install ----------------------------------------------------------------------------------


def test_install_installs_package_and_sets_workload_version(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    out = ctx.run(ctx.on.install(), machine_state())

    assert system.calls() == [
        ['apt-get', 'update', '--quiet'],
        ['apt-get', 'install', '--yes', '--quiet', 'tinyproxy'],
        ['tinyproxy', '-v'],
    ]
    assert out.workload_version == '1.11.1'
    assert ctx.unit_status_history[-1] == testing.MaintenanceStatus('installing tinyproxy')
    assert out.unit_status == testing.MaintenanceStatus('tinyproxy installed; waiting for start')


def test_install_failure_fails_the_hook(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    system.respond('apt-get', 'install', stderr='E: Unable to locate package', exit_status=100)

    with pytest.raises(testing.errors.UncaughtCharmError) as exc_info:
        ctx.run(ctx.on.install(), machine_state())

    cause = exc_info.value.__cause__
    assert isinstance(cause, subprocess.CalledProcessError)
    assert cause.returncode == 100
    assert cause.stderr == 'E: Unable to locate package'


# -- config-changed ---------------------------------------------------------------------------


def test_config_changed_writes_config_restarts_and_opens_port(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    out = ctx.run(ctx.on.config_changed(), machine_state())

    assert system.config_file.read_text() == EXPECTED_DEFAULT_CONFIG
    assert system.config_file.stat().st_mode & 0o777 == 0o644
    assert system.calls() == [
        ['systemctl', 'restart', 'tinyproxy'],
        ['systemctl', 'is-active', '--quiet', 'tinyproxy'],
    ]
    assert out.opened_ports == {testing.TCPPort(8888)}
    assert out.unit_status == testing.ActiveStatus()


def test_config_changed_applies_options_and_moves_port(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    state = machine_state(
        config={'port': 3128, 'allowed-networks': '10.0.0.0/8 192.168.1.7', 'max-clients': 50},
        opened_ports={testing.TCPPort(8888)},
    )

    out = ctx.run(ctx.on.config_changed(), state)

    lines = system.config_file.read_text().splitlines()
    assert 'Port 3128' in lines
    assert 'MaxClients 50' in lines
    assert [line for line in lines if line.startswith('Allow ')] == [
        'Allow 10.0.0.0/8',
        'Allow 192.168.1.7/32',
    ]
    assert out.opened_ports == {testing.TCPPort(3128)}


def test_config_changed_without_changes_does_not_restart(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    ctx.run(ctx.on.config_changed(), machine_state())
    restarts_before = system.calls().count(['systemctl', 'restart', 'tinyproxy'])

    out = ctx.run(ctx.on.config_changed(), machine_state())

    assert system.calls().count(['systemctl', 'restart', 'tinyproxy']) == restarts_before == 1
    assert out.unit_status == testing.ActiveStatus()


@pytest.mark.parametrize(
    ('config', 'message'),
    [
        ({'port': 80}, "'port' must be between 1024 and 65535, not 80"),
        ({'max-clients': 0}, "'max-clients' must be between 1 and 10000, not 0"),
        (
            {'allowed-networks': '10.0.0.0/8 intranet'},
            "'allowed-networks' entry 'intranet' is not an IP address or CIDR network",
        ),
        (
            {'allowed-networks': '  '},
            "'allowed-networks' must list at least one address or network",
        ),
    ],
)
def test_config_changed_with_invalid_config_blocks_and_changes_nothing(
    ctx: testing.Context[TinyproxyCharm],
    system: FakeSystem,
    config: dict[str, str | int],
    message: str,
) -> None:
    state = machine_state(config=config, opened_ports={testing.TCPPort(8888)})

    out = ctx.run(ctx.on.config_changed(), state)

    assert out.unit_status == testing.BlockedStatus(f'Invalid config: {message}')
    assert not system.config_file.exists()
    assert system.calls() == []
    assert out.opened_ports == {testing.TCPPort(8888)}


def test_config_changed_reports_service_that_fails_to_run(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    system.respond('systemctl', 'is-active', exit_status=3)

    out = ctx.run(ctx.on.config_changed(), machine_state())

    assert out.unit_status == testing.BlockedStatus(
        'tinyproxy is not running; see "journalctl -u tinyproxy"'
    )


# -- start, update-status, stop, remove -------------------------------------------------------


def test_start_enables_and_starts_service(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    out = ctx.run(ctx.on.start(), machine_state())

    assert system.calls() == [
        ['systemctl', 'enable', '--now', 'tinyproxy'],
        ['systemctl', 'is-active', '--quiet', 'tinyproxy'],
    ]
    assert out.unit_status == testing.ActiveStatus()


@pytest.mark.parametrize(
    ('exit_status', 'status'),
    [
        (0, testing.ActiveStatus()),
        (3, testing.BlockedStatus('tinyproxy is not running; see "journalctl -u tinyproxy"')),
    ],
)
def test_update_status_reports_whether_service_runs(
    ctx: testing.Context[TinyproxyCharm],
    system: FakeSystem,
    exit_status: int,
    status: testing.ActiveStatus | testing.BlockedStatus,
) -> None:
    system.respond('systemctl', 'is-active', exit_status=exit_status)

    out = ctx.run(ctx.on.update_status(), machine_state())

    assert out.unit_status == status
    assert system.calls() == [['systemctl', 'is-active', '--quiet', 'tinyproxy']]


def test_update_status_keeps_reporting_invalid_config(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    state = machine_state(config={'port': 22})

    out = ctx.run(ctx.on.update_status(), state)

    assert out.unit_status == testing.BlockedStatus(
        "Invalid config: 'port' must be between 1024 and 65535, not 22"
    )


def test_stop_stops_and_disables_service(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    ctx.run(ctx.on.stop(), machine_state())

    assert system.calls() == [['systemctl', 'disable', '--now', 'tinyproxy']]


def test_remove_uninstalls_package(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    ctx.run(ctx.on.remove(), machine_state())

    assert system.calls() == [['apt-get', 'remove', '--yes', '--quiet', 'tinyproxy']]


# -- the reload action ------------------------------------------------------------------------


def test_reload_action_reloads_service(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    ctx.run(ctx.on.action('reload'), machine_state())

    assert system.calls() == [['systemctl', 'reload', 'tinyproxy']]
    assert ctx.action_logs == ['Reloading tinyproxy']
    assert ctx.action_results == {
        'message': 'tinyproxy reloaded',
        'config-file': str(system.config_file),
    }


def test_reload_action_fails_when_systemctl_fails(
    ctx: testing.Context[TinyproxyCharm], system: FakeSystem
) -> None:
    system.respond(
        'systemctl', 'reload', stderr='Job for tinyproxy.service failed.\n', exit_status=1
    )

    with pytest.raises(testing.ActionFailed) as exc_info:
        ctx.run(ctx.on.action('reload'), machine_state())

    assert exc_info.value.message == (
        'systemctl reload failed (exit status 1): Job for tinyproxy.service failed.'
    )
