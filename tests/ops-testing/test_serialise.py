"""State components to plain data and back: JSON and YAML round trips compare equal."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from ops import pebble, testing


def _rich_state() -> testing.State:
    container = testing.Container(
        'workload',
        can_connect=True,
        layers={
            'base': pebble.Layer({'services': {'web': {'override': 'replace', 'command': 'x'}}})
        },
        service_statuses={'web': pebble.ServiceStatus.ACTIVE},
        mounts={'data': testing.Mount(location='/data', source='/tmp')},
        execs=[testing.Exec(['ls'], stdout='a')],
        notices=[testing.Notice('example.com/a', repeat_after=datetime.timedelta(minutes=5))],
        check_infos=[testing.CheckInfo('c', level='alive', status=pebble.CheckStatus.DOWN)],
    )
    return testing.State(
        config={'a': 'b', 'n': 3, 'f': 0.5, 'flag': True},
        relations=[
            testing.Relation('db', remote_units_data={1: {'x': 'y'}}, remote_model_uuid='u'),
            testing.PeerRelation('peers', peers_data={2: {}}),
            testing.SubordinateRelation('juju-host'),
        ],
        networks=[
            testing.Network(
                'db',
                [
                    testing.BindAddress(
                        [testing.Address('10.0.0.1', cidr='10.0.0.0/24')], interface_name='eth0'
                    )
                ],
            )
        ],
        containers=[container],
        storages=[testing.Storage('data', index=2)],
        opened_ports=[testing.TCPPort(80), testing.UDPPort(53), testing.ICMPPort()],
        leader=True,
        model=testing.Model(
            'm',
            type='lxd',
            cloud_spec=testing.CloudSpec(
                'lxd', credential=testing.CloudCredential(auth_type='x', attributes={'k': 'v'})
            ),
        ),
        secrets=[
            testing.Secret(
                {'a': 'b'},
                owner='app',
                label='l',
                remote_grants={1: ['remote/0']},
                expire=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
            )
        ],
        resources=[testing.Resource(name='r', path='/x')],
        planned_units=3,
        deferred=[testing.DeferredEvent('C/on/start[1]', 'C', '_on_start', {'k': 1})],
        stored_states=[
            testing.StoredState(owner_path='C', content={'a': [1, 2], 'b': {'c': None}})
        ],
        app_status=testing.ActiveStatus('ok'),
        unit_status=testing.BlockedStatus('no'),
        workload_version='1.2',
    )


def test_state_round_trips_through_json() -> None:
    state = _rich_state()
    text = json.dumps(state.to_dict())
    assert testing.State.from_dict(json.loads(text)) == state


def test_state_round_trips_through_yaml() -> None:
    state = _rich_state()
    text = yaml.safe_dump(state.to_dict())
    assert testing.State.from_dict(yaml.safe_load(text)) == state


@pytest.mark.parametrize(
    'component',
    [
        testing.Relation('db'),
        testing.Secret({'a': 'b'}),
        testing.Container('workload', execs=[testing.Exec(['x'])]),
        testing.Network('db'),
        testing.TCPPort(1),
        testing.StoredState(content={'x': 1}),
        testing.Model(),
    ],
)
def test_components_round_trip(component: object) -> None:
    data = component.to_dict()  # type: ignore[attr-defined]
    assert type(component).from_dict(json.loads(json.dumps(data))) == component  # type: ignore[attr-defined]


def test_from_dict_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match='not a Secret'):
        testing.Secret.from_dict(testing.Relation('db').to_dict())


def test_output_state_round_trips() -> None:
    from .conftest import ACTIONS, CONFIG, META, RecordingCharm

    ctx = testing.Context(RecordingCharm, meta=META, actions=ACTIONS, config=CONFIG)
    out = ctx.run(ctx.on.start(), testing.State(leader=True))
    assert testing.State.from_dict(json.loads(json.dumps(out.to_dict()))) == out
