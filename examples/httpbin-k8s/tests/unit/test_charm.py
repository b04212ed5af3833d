"""State-transition tests of every handler of the httpbin-k8s charm.

Each test builds the Juju state the charm would see, runs one event through the charm with
:class:`ops.testing.Context`, and checks the output state: the Pebble plan, the files pushed
into the container, relation data, secrets, ports and the unit status.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from charm import PASSWORD_LABEL, HttpbinCharm
from ops import pebble, testing

PASSWORD = 'correct-horse-battery-staple'


@pytest.fixture
def ctx() -> Iterable[testing.Context[HttpbinCharm]]:
    """A Context for the charm; metadata, config and actions come from charmcraft.yaml."""
    with testing.Context(HttpbinCharm) as context:
        yield context


def password_secret(content: dict[str, str] | None = None) -> testing.Secret:
    """The application-owned secret that the leader creates."""
    return testing.Secret(content or {'password': PASSWORD}, owner='app', label=PASSWORD_LABEL)


def peer_relation(secret: testing.Secret | None = None) -> testing.PeerRelation:
    """The peer relation, carrying the password secret's ID when one is given."""
    app_data = {'password_secret_id': json.dumps(secret.id)} if secret else {}
    return testing.PeerRelation('httpbin-peers', local_app_data=app_data)


def running_layer(port: int = 8080) -> pebble.Layer:
    """A layer like the charm's, for states where the service is already set up."""
    return pebble.Layer(
        {
            'services': {
                'httpbin': {
                    'override': 'replace',
                    'command': f'gunicorn --bind 0.0.0.0:{port} httpbin:app',
                    'startup': 'enabled',
                }
            },
            'checks': {
                'httpbin-ready': {
                    'override': 'replace',
                    'level': 'ready',
                    'threshold': 3,
                    'http': {'url': f'http://localhost:{port}/status/200'},
                }
            },
        }
    )


def running_container(**kwargs: Any) -> testing.Container:
    """The workload container with httpbin planned and running."""
    return testing.Container(
        'httpbin',
        can_connect=True,
        layers={'httpbin': running_layer()},
        service_statuses={'httpbin': pebble.ServiceStatus.ACTIVE},
        **kwargs,
    )


def make_state(
    *,
    leader: bool = True,
    config: Mapping[str, str | int | float | bool] | None = None,
    container: testing.Container | None = None,
    with_password: bool = True,
    relations: Iterable[testing.RelationBase] = (),
) -> testing.State:
    """A typical state: a peer relation carrying the password secret, one fresh container."""
    secret = password_secret() if with_password else None
    return testing.State(
        leader=leader,
        config=dict(config or {}),
        containers={container or testing.Container('httpbin', can_connect=True)},
        relations={peer_relation(secret), *relations},
        secrets={secret} if secret else set(),
    )


def read_file(ctx: testing.Context[HttpbinCharm], container: testing.Container, path: str) -> str:
    """Read a file that the charm pushed into the simulated container."""
    return (container.get_filesystem(ctx) / path.lstrip('/')).read_text()


# -- pebble-ready and config-changed: the Pebble layer ---------------------------------------


def test_pebble_ready_plans_and_starts_httpbin(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state()
    container = state.get_container('httpbin')

    out = ctx.run(ctx.on.pebble_ready(container), state)

    out_container = out.get_container('httpbin')
    service = out_container.plan.services['httpbin']
    assert (
        service.command == 'gunicorn --bind 0.0.0.0:8080 --workers 2 --log-level info httpbin:app'
    )
    assert service.startup == 'enabled'
    assert out_container.plan.checks['httpbin-ready'].http == {
        'url': 'http://localhost:8080/status/200'
    }
    assert out_container.service_statuses['httpbin'] == pebble.ServiceStatus.ACTIVE
    assert out.opened_ports == {testing.TCPPort(8080)}
    assert out.unit_status == testing.ActiveStatus()


def test_pebble_ready_pushes_password_file_and_keeps_it_out_of_plan_and_logs(
    ctx: testing.Context[HttpbinCharm],
) -> None:
    state = make_state()

    out = ctx.run(ctx.on.pebble_ready(state.get_container('httpbin')), state)

    out_container = out.get_container('httpbin')
    assert read_file(ctx, out_container, '/etc/httpbin/admin-password') == PASSWORD
    path = out_container.get_filesystem(ctx) / 'etc/httpbin/admin-password'
    assert path.stat().st_mode & 0o777 == 0o600
    assert PASSWORD not in out_container.plan.to_yaml()
    assert not [line for line in ctx.juju_log if PASSWORD in line.message]


def test_config_changed_rebuilds_layer_and_replans(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state(
        config={'port': 9000, 'log-level': 'debug', 'workers': 4}, container=running_container()
    )

    out = ctx.run(ctx.on.config_changed(), state)

    out_container = out.get_container('httpbin')
    service = out_container.plan.services['httpbin']
    assert (
        service.command == 'gunicorn --bind 0.0.0.0:9000 --workers 4 --log-level debug httpbin:app'
    )
    assert out_container.plan.checks['httpbin-ready'].http == {
        'url': 'http://localhost:9000/status/200'
    }
    assert out_container.service_statuses['httpbin'] == pebble.ServiceStatus.ACTIVE
    assert out.opened_ports == {testing.TCPPort(9000)}
    assert out.unit_status == testing.ActiveStatus()


@pytest.mark.parametrize(
    ('config', 'message'),
    [
        ({'port': 0}, "invalid config: 'port' must be between 1 and 65535, not 0"),
        (
            {'log-level': 'loud'},
            "invalid config: 'log-level' must be one of debug, info, warning, error, "
            "critical, not 'loud'",
        ),
        ({'workers': 100}, "invalid config: 'workers' must be between 1 and 32, not 100"),
    ],
)
def test_config_changed_with_invalid_config_blocks_and_changes_nothing(
    ctx: testing.Context[HttpbinCharm], config: dict[str, str | int], message: str
) -> None:
    state = make_state(config=config)

    out = ctx.run(ctx.on.config_changed(), state)

    assert out.unit_status == testing.BlockedStatus(message)
    assert out.get_container('httpbin').layers == {}
    assert out.opened_ports == frozenset()


def test_config_changed_before_pebble_is_ready_waits(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state(container=testing.Container('httpbin', can_connect=False))

    out = ctx.run(ctx.on.config_changed(), state)

    assert out.get_container('httpbin').layers == {}
    assert out.unit_status == testing.WaitingStatus('waiting for Pebble in the httpbin container')


# -- the password secret and the peer relation -----------------------------------------------


def test_leader_elected_creates_password_secret_and_shares_its_id(
    ctx: testing.Context[HttpbinCharm],
) -> None:
    state = make_state(with_password=False)

    out = ctx.run(ctx.on.leader_elected(), state)

    (secret,) = out.secrets
    assert secret.owner == 'app'
    assert secret.label == PASSWORD_LABEL
    password = secret.latest_content['password']
    assert len(password) >= 24
    peers = out.get_relations('httpbin-peers')[0]
    assert json.loads(peers.local_app_data['password_secret_id']) == secret.id
    pushed = read_file(ctx, out.get_container('httpbin'), '/etc/httpbin/admin-password')
    assert pushed == password
    assert out.unit_status == testing.ActiveStatus()


def test_leader_elected_keeps_existing_password(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state()

    out = ctx.run(ctx.on.leader_elected(), state)

    assert out.secrets == state.secrets
    assert out.get_relations('httpbin-peers') == state.get_relations('httpbin-peers')


def test_non_leader_does_not_create_password_and_waits_for_it(
    ctx: testing.Context[HttpbinCharm],
) -> None:
    state = make_state(leader=False, with_password=False)

    out = ctx.run(ctx.on.config_changed(), state)

    assert out.secrets == frozenset()
    assert out.get_relations('httpbin-peers')[0].local_app_data == {}
    assert out.unit_status == testing.WaitingStatus(
        'waiting for the leader to create the password'
    )


def test_peer_relation_changed_picks_up_password_shared_by_leader(
    ctx: testing.Context[HttpbinCharm],
) -> None:
    secret = password_secret()
    peers = testing.PeerRelation(
        'httpbin-peers',
        local_app_data={'password_secret_id': json.dumps(secret.id)},
        peers_data={1: {}},
    )
    state = testing.State(
        leader=False,
        relations={peers},
        secrets={secret},
        containers={testing.Container('httpbin', can_connect=True)},
    )

    out = ctx.run(ctx.on.relation_changed(peers, remote_unit=1), state)

    pushed = read_file(ctx, out.get_container('httpbin'), '/etc/httpbin/admin-password')
    assert pushed == PASSWORD
    assert out.unit_status == testing.ActiveStatus()


# -- the ingress relation ---------------------------------------------------------------------


def test_ingress_joined_leader_publishes_request(ctx: testing.Context[HttpbinCharm]) -> None:
    ingress = testing.Relation('ingress', remote_app_name='traefik')
    state = make_state(config={'port': 9000}, relations=[ingress])

    out = ctx.run(ctx.on.relation_joined(ingress, remote_unit=0), state)

    data = out.get_relation(ingress.id).local_app_data
    assert {key: json.loads(value) for key, value in data.items()} == {
        'model': state.model.name,
        'name': 'httpbin-k8s',
        'port': 9000,
    }


def test_ingress_joined_non_leader_writes_nothing(ctx: testing.Context[HttpbinCharm]) -> None:
    ingress = testing.Relation('ingress', remote_app_name='traefik')
    state = make_state(leader=False, relations=[ingress])

    out = ctx.run(ctx.on.relation_joined(ingress, remote_unit=0), state)

    assert out.get_relation(ingress.id).local_app_data == {}


def test_ingress_changed_reports_url_from_provider(ctx: testing.Context[HttpbinCharm]) -> None:
    ingress = testing.Relation(
        'ingress',
        remote_app_name='traefik',
        remote_app_data={'url': json.dumps('https://example.com/httpbin')},
    )
    state = make_state(relations=[ingress], container=running_container())

    out = ctx.run(ctx.on.relation_changed(ingress, remote_unit=0), state)

    assert out.unit_status == testing.ActiveStatus('serving at https://example.com/httpbin')


def test_ingress_changed_ignores_invalid_provider_data(ctx: testing.Context[HttpbinCharm]) -> None:
    ingress = testing.Relation(
        'ingress', remote_app_name='traefik', remote_app_data={'url': 'not JSON'}
    )
    state = make_state(relations=[ingress], container=running_container())

    out = ctx.run(ctx.on.relation_changed(ingress, remote_unit=0), state)

    assert out.unit_status == testing.ActiveStatus()


# -- Pebble checks ----------------------------------------------------------------------------


def test_check_failed_sets_waiting_status(ctx: testing.Context[HttpbinCharm]) -> None:
    check = testing.CheckInfo(
        'httpbin-ready', level='ready', status=pebble.CheckStatus.DOWN, failures=3
    )
    container = running_container(check_infos={check})
    state = make_state(container=container)

    out = ctx.run(ctx.on.pebble_check_failed(container, check), state)

    assert out.unit_status == testing.WaitingStatus(
        "httpbin is not ready: check 'httpbin-ready' failing"
    )
    assert ctx.unit_status_history[-1] == testing.WaitingStatus(
        "httpbin is not ready: check 'httpbin-ready' failing"
    )


def test_check_recovered_clears_the_failure_status(ctx: testing.Context[HttpbinCharm]) -> None:
    check = testing.CheckInfo('httpbin-ready', level='ready', status=pebble.CheckStatus.UP)
    container = running_container(check_infos={check})
    state = dataclasses.replace(
        make_state(container=container),
        unit_status=testing.WaitingStatus("httpbin is not ready: check 'httpbin-ready' failing"),
    )

    out = ctx.run(ctx.on.pebble_check_recovered(container, check), state)

    assert out.unit_status == testing.ActiveStatus()
    assert any('has recovered' in line.message for line in ctx.juju_log)


# -- the get-version action -------------------------------------------------------------------


def test_get_version_action_returns_gunicorn_version(ctx: testing.Context[HttpbinCharm]) -> None:
    container = running_container(
        execs={testing.Exec(['gunicorn', '--version'], stdout='gunicorn (version 22.0.0)\n')}
    )
    state = make_state(container=container)

    out = ctx.run(ctx.on.action('get-version'), state)

    assert ctx.action_results == {'version': '22.0.0'}
    assert out.workload_version == '22.0.0'
    assert [args.command for args in ctx.exec_history['httpbin']] == [['gunicorn', '--version']]


def test_get_version_action_fails_when_command_fails(ctx: testing.Context[HttpbinCharm]) -> None:
    container = running_container(
        execs={testing.Exec(['gunicorn'], return_code=2, stderr='no such option')}
    )
    state = make_state(container=container)

    with pytest.raises(testing.ActionFailed) as exc_info:
        ctx.run(ctx.on.action('get-version'), state)

    assert exc_info.value.message == 'gunicorn --version exited with status 2'
    assert exc_info.value.state is not None
    assert exc_info.value.state.workload_version == ''


def test_get_version_action_fails_without_pebble(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state(container=testing.Container('httpbin', can_connect=False))

    with pytest.raises(testing.ActionFailed) as exc_info:
        ctx.run(ctx.on.action('get-version'), state)

    assert exc_info.value.message == 'the httpbin container is not ready yet; try again later'
    assert 'httpbin' not in ctx.exec_history


# -- collect-status ---------------------------------------------------------------------------


def test_collect_status_reports_service_not_running(ctx: testing.Context[HttpbinCharm]) -> None:
    container = testing.Container(
        'httpbin',
        can_connect=True,
        layers={'httpbin': running_layer()},
        service_statuses={'httpbin': pebble.ServiceStatus.INACTIVE},
    )
    state = make_state(container=container)

    out = ctx.run(ctx.on.update_status(), state)

    assert out.unit_status == testing.WaitingStatus('waiting for the httpbin service to start')


def test_collect_status_prefers_blocked_over_waiting(ctx: testing.Context[HttpbinCharm]) -> None:
    state = make_state(
        config={'port': 70000},
        container=testing.Container('httpbin', can_connect=False),
        with_password=False,
        leader=False,
    )

    out = ctx.run(ctx.on.update_status(), state)

    assert out.unit_status == testing.BlockedStatus(
        "invalid config: 'port' must be between 1 and 65535, not 70000"
    )
