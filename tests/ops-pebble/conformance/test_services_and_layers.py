"""Layers, the plan, and services started, stopped, restarted, replanned and signalled.

The services run ``sleep`` for a long time, so the real Pebble keeps them running (the test
server simulates services: it does not run their commands).
"""

from __future__ import annotations

import ops_pebble
import pytest

from .conftest import Backend, api_error

LAYER = {
    'summary': 'conformance',
    'services': {
        'web': {'override': 'replace', 'command': 'sleep 600', 'startup': 'enabled'},
        'idle': {'override': 'replace', 'command': 'sleep 600'},
    },
}


@pytest.fixture(scope='module')
def layered(pebble_server: Backend) -> Backend:
    pebble_server.client.add_layer('base', LAYER)
    return pebble_server


def test_services_before_any_layer(pebble: Backend) -> None:
    # Runs first in this module: the plan is still empty.
    assert pebble.client.get_services() == []
    assert pebble.client.get_plan().to_dict() == {}
    error = api_error(pebble.client.autostart_services)
    assert error.code == 400 and error.message == 'no default services'
    assert error.body['result']['kind'] == 'no-default-services'


def test_layers_are_checked_as_pebble_checks_them(layered: Backend) -> None:
    client = layered.client
    assert api_error(lambda: client.add_layer('base', LAYER)).message == (
        'layer "base" already exists'
    )
    assert (
        api_error(lambda: client.add_layer('l2', {'services': {'x': {'command': 'y'}}})).message
        == 'layer "l2" must define "override" for service "x"'
    )
    assert (
        api_error(
            lambda: client.add_layer(
                'l2', {'services': {'x': {'override': 'bogus', 'command': 'y'}}}
            )
        ).message
        == 'layer "l2" has invalid "override" value for service "x"'
    )
    assert (
        api_error(
            lambda: client.add_layer('l2', {'services': {'x': {'override': 'replace'}}})
        ).message
        == 'plan must define "command" for service "x"'
    )
    assert api_error(lambda: client.add_layer('pebble-x', {})).message == (
        'cannot parse layer YAML: cannot use reserved label prefix "pebble-"'
    )
    assert api_error(lambda: client.add_layer('l2', 'foo: {}\n')).message == (
        'cannot parse layer YAML: cannot parse layer "l2": unknown section "foo"'
    )
    assert api_error(lambda: client.add_layer('l2', 'services: [\n')).message.startswith(
        'cannot parse layer YAML: cannot parse layer "l2": yaml: '
    )
    assert api_error(lambda: client.add_layer('l2', 'services: [1]\n')).message.startswith(
        'cannot parse layer YAML: cannot parse layer "l2" section "services": '
    )
    assert (
        api_error(
            lambda: client.add_layer('l2', {'services': {'pebble': {'override': 'replace'}}})
        ).message
        == 'cannot parse layer YAML: cannot use reserved service name "pebble"'
    )
    # None of the refused layers was kept.
    assert sorted(client.get_plan().services) == ['idle', 'web']


def test_combining_keeps_each_items_override_and_merges_fields(layered: Backend) -> None:
    client = layered.client
    client.add_layer(
        'base',
        {'services': {'web': {'override': 'merge', 'environment': {'A': '1'}}}},
        combine=True,
    )
    client.add_layer('top', {'services': {'web': {'override': 'merge', 'after': ['idle']}}})
    web = client.get_plan().services['web']
    assert web.override == 'replace'
    assert web.command == 'sleep 600'
    assert web.environment == {'A': '1'}
    assert web.after == ['idle']
    assert web.startup == 'enabled'
    error = api_error(lambda: client._request('GET', '/v1/plan', {'format': 'json'}))
    assert error.code == 400 and error.message == 'invalid format "json"'


def test_unknown_services_are_refused_by_name(layered: Backend) -> None:
    client = layered.client
    for verb, call in (
        ('start', client.start_services),
        ('stop', client.stop_services),
        ('restart', client.restart_services),
    ):
        error = api_error(lambda call=call: call(['nope']))
        assert error.code == 400
        assert error.message == f'cannot {verb} services: service "nope" does not exist'
    error = api_error(lambda: client.start_services([]))
    assert error.message == 'must specify services for start action'


def test_service_lifecycle_and_its_changes(layered: Backend) -> None:
    client = layered.client
    infos = {s.name: s for s in client.get_services()}
    assert infos['web'].startup == ops_pebble.ServiceStartup.ENABLED
    assert infos['idle'].startup == ops_pebble.ServiceStartup.DISABLED
    assert infos['web'].current == ops_pebble.ServiceStatus.INACTIVE

    change = client.get_change(client.autostart_services())
    assert (change.kind, change.status, change.summary) == (
        'autostart',
        'Done',
        'Autostart service "web"',
    )
    assert [(t.kind, t.summary) for t in change.tasks] == [('start', 'Start service "web"')]
    assert client.get_services(['web'])[0].is_running()
    assert [s.name for s in client.get_services(['web', 'nope'])] == ['web']

    change = client.get_change(client.restart_services(['web']))
    assert (change.kind, change.status, change.summary) == (
        'restart',
        'Done',
        'Restart service "web"',
    )
    assert [(t.kind, t.summary) for t in change.tasks] == [
        ('stop', 'Stop service "web"'),
        ('start', 'Start service "web"'),
    ]
    change = client.get_change(client.replan_services())
    assert change.kind == 'replan' and change.status == 'Done'
    assert [t.kind for t in change.tasks] == ['start']

    client.send_signal('SIGCONT', ['web'])
    error = api_error(lambda: client.send_signal('SIGHUP', ['idle']))
    assert (error.code, error.message) == (
        500,
        'cannot send signal to "idle": service is not running',
    )
    error = api_error(lambda: client.send_signal('SIGNOPE', ['web']))
    assert (error.code, error.message) == (
        500,
        'cannot send signal to "web": invalid signal name "SIGNOPE"',
    )
    error = api_error(lambda: client.send_signal('SIGHUP', []))
    assert (error.code, error.message) == (400, 'must specify one or more services')

    change = client.get_change(client.stop_services(['web']))
    assert (change.kind, change.summary) == ('stop', 'Stop service "web"')
    assert [(t.kind, t.summary, t.status) for t in change.tasks] == [
        ('stop', 'Stop service "web"', 'Done')
    ]
    assert client.get_services(['web'])[0].current == ops_pebble.ServiceStatus.INACTIVE
    kinds = {c.kind for c in client.get_changes(ops_pebble.ChangeState.ALL, service='web')}
    assert {'autostart', 'restart', 'replan', 'stop'} <= kinds
