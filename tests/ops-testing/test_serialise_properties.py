"""Property tests: any State built from valid parts survives a JSON round trip unchanged."""

from __future__ import annotations

import datetime
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from ops import pebble, testing

names = st.from_regex(r'[a-z][a-z0-9]{0,8}', fullmatch=True)
text = st.text(max_size=12)
bags = st.dictionaries(st.text(max_size=8), text, max_size=3)
unit_bags = st.dictionaries(st.integers(0, 20), bags, max_size=3)

relations = st.one_of(
    st.builds(
        testing.Relation,
        names,
        interface=st.none() | names,
        local_app_data=bags,
        remote_app_name=names,
        remote_app_data=bags,
        remote_units_data=unit_bags,
    ),
    st.builds(testing.PeerRelation, names, peers_data=unit_bags, local_unit_data=bags),
    st.builds(testing.SubordinateRelation, names, remote_unit_id=st.integers(0, 9)),
)
times = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
).map(lambda d: d.replace(tzinfo=datetime.timezone.utc))
notices = st.builds(
    testing.Notice,
    st.from_regex(r'[a-z]{1,5}\.com/[a-z]{1,5}', fullmatch=True),
    last_data=st.dictionaries(names, text, max_size=2),
    first_occurred=times,
    repeat_after=st.none()
    | st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=3)),
)
containers = st.builds(
    testing.Container,
    names,
    can_connect=st.booleans(),
    execs=st.lists(
        st.builds(
            testing.Exec, st.lists(names, max_size=3), return_code=st.integers(0, 3), stdout=text
        ),
        max_size=2,
    ),
    notices=st.lists(notices, max_size=2),
    service_statuses=st.dictionaries(
        names, st.sampled_from(list(pebble.ServiceStatus)), max_size=2
    ),
    check_infos=st.lists(
        st.builds(
            testing.CheckInfo,
            names,
            level=st.none() | st.sampled_from(list(pebble.CheckLevel)),
            status=st.sampled_from(list(pebble.CheckStatus)),
            failures=st.integers(0, 5),
        ),
        max_size=2,
    ),
)
stored_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
secrets = st.builds(
    testing.Secret,
    st.dictionaries(names, text, min_size=1, max_size=3),
    id=st.from_regex(r'secret:[a-z0-9]{20}', fullmatch=True),
    owner=st.sampled_from([None, 'unit', 'app']),
    label=st.none() | names,
    remote_grants=st.dictionaries(st.integers(0, 9), st.lists(names, max_size=2), max_size=2),
    expire=st.none() | times,
)
states = st.builds(
    testing.State,
    config=st.dictionaries(names, st.booleans() | st.integers() | text, max_size=3),
    relations=st.lists(relations, max_size=3),
    containers=st.lists(containers, max_size=2, unique_by=lambda c: c.name),
    secrets=st.lists(secrets, max_size=2),
    storages=st.lists(st.builds(testing.Storage, names, index=st.integers(0, 5)), max_size=2),
    opened_ports=st.lists(st.builds(testing.TCPPort, st.integers(1, 65535)), max_size=2),
    leader=st.booleans(),
    model=st.builds(
        testing.Model, names, uuid=st.uuids().map(str), type=st.sampled_from(['kubernetes', 'lxd'])
    ),
    stored_states=st.lists(
        st.builds(
            testing.StoredState,
            names,
            owner_path=st.none() | names,
            content=st.dictionaries(text, stored_values, max_size=3),
        ),
        max_size=2,
    ),
    unit_status=st.sampled_from(
        [testing.ActiveStatus('a'), testing.BlockedStatus('b'), testing.UnknownStatus()]
    ),
    workload_version=text,
)


@settings(max_examples=60, deadline=None)
@given(states)
def test_any_state_round_trips_through_json(state: testing.State) -> None:
    assert testing.State.from_dict(json.loads(json.dumps(state.to_dict()))) == state
