"""Every consistency-checker rule: one case that trips it and one that passes."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import ops
import pytest
from ops import pebble, testing
from ops.testing import errors

from .conftest import ACTIONS, CONFIG, META, RecordingCharm


def _ctx(meta: dict[str, Any] | None = None, **kwargs: Any) -> testing.Context[RecordingCharm]:
    return testing.Context(
        RecordingCharm, meta=meta or META, actions=ACTIONS, config=CONFIG, **kwargs
    )


def _errors_of(ctx: testing.Context[Any], event: Any, state: testing.State) -> str:
    with pytest.raises(errors.InconsistentScenarioError) as info:
        ctx.run(event, state)
    message = str(info.value)
    assert message.startswith('Inconsistent scenario. The following errors were found: ')
    return message


def _warnings_of(
    ctx: testing.Context[Any], event: Any, state: testing.State, caplog: pytest.LogCaptureFixture
) -> str:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger='ops-scenario.runtime.consistency_checker'):
        ctx.run(event, state)
    return '\n'.join(
        r.getMessage()
        for r in caplog.records
        if r.name == 'ops-scenario.runtime.consistency_checker'
    )


# ---- workload events and containers (rules 1-9, 20-24) ---------------------------------------


def test_workload_event_container_not_in_metadata() -> None:
    ctx = _ctx()
    container = testing.Container('other', can_connect=True)
    message = _errors_of(
        ctx, ctx.on.pebble_ready(container), testing.State(containers=[container])
    )
    assert "concerns container 'other', but a container with that name is not declared" in message


def test_workload_event_container_not_in_state() -> None:
    ctx = _ctx()
    container = testing.Container('workload', can_connect=True)
    message = _errors_of(ctx, ctx.on.pebble_ready(container), testing.State())
    assert 'is not present in the state' in message


def test_workload_event_with_the_container_in_state_passes() -> None:
    ctx = _ctx()
    container = testing.Container('workload', can_connect=True)
    ctx.run(ctx.on.pebble_ready(container), testing.State(containers=[container]))


def test_workload_event_with_a_different_container_object_of_the_same_name() -> None:
    ctx = _ctx()
    in_state = testing.Container('workload', can_connect=True)
    other = testing.Container('workload', can_connect=False)
    message = _errors_of(ctx, ctx.on.pebble_ready(other), testing.State(containers=[in_state]))
    assert 'a container with the same name is not sufficient' in message


def test_notice_event_notice_not_in_any_container() -> None:
    ctx = _ctx()
    notice = testing.Notice('example.com/a')
    container = testing.Container('workload', can_connect=True)
    event = ctx.on.pebble_custom_notice(container, notice)
    message = _errors_of(ctx, event, testing.State(containers=[container]))
    assert 'concerns notice' in message and 'not in any of the containers' in message
    container = testing.Container('workload', can_connect=True, notices=[notice])
    ctx.run(ctx.on.pebble_custom_notice(container, notice), testing.State(containers=[container]))


def _checked_container(**check_kwargs: Any) -> tuple[testing.Container, testing.CheckInfo]:
    layer = pebble.Layer(
        {
            'checks': {
                'http': {
                    'override': 'replace',
                    'level': 'ready',
                    'threshold': 5,
                    'http': {'url': 'x'},
                }
            }
        }
    )
    info = testing.CheckInfo('http', **check_kwargs)
    container = testing.Container(
        'workload', can_connect=True, layers={'base': layer}, check_infos=[info]
    )
    return container, info


def test_check_event_check_not_in_container() -> None:
    ctx = _ctx()
    container, _ = _checked_container(level='ready', threshold=5)
    stranger = testing.CheckInfo('nope')
    message = _errors_of(
        ctx, ctx.on.pebble_check_failed(container, stranger), testing.State(containers=[container])
    )
    assert 'concerns check nope, but that check is not in the workload container' in message
    info = container.get_check_info('http')
    ctx.run(ctx.on.pebble_check_failed(container, info), testing.State(containers=[container]))


def test_state_container_not_in_metadata() -> None:
    ctx = _ctx()
    message = _errors_of(ctx, ctx.on.start(), testing.State(containers=[testing.Container('x')]))
    assert 'Missing from metadata: ' in message and "'x'" in message
    ctx.run(ctx.on.start(), testing.State(containers=[testing.Container('workload')]))


def test_check_info_not_in_plan() -> None:
    ctx = _ctx()
    container = testing.Container('workload', check_infos=[testing.CheckInfo('c')])
    message = _errors_of(ctx, ctx.on.start(), testing.State(containers=[container]))
    assert "container 'workload' has a check 'c' but the plan has no checks." in message
    container, _ = _checked_container(level='ready', threshold=5)
    container = dataclasses.replace(
        container, check_infos=[*container.check_infos, testing.CheckInfo('c')]
    )
    message = _errors_of(ctx, ctx.on.start(), testing.State(containers=[container]))
    assert "has a check 'c' but the plan has only checks: http" in message


@pytest.mark.parametrize(
    ('kwargs', 'fragment'),
    [
        ({'level': 'alive', 'threshold': 5}, "different 'level'"),
        (
            {'level': 'ready', 'threshold': 5, 'startup': pebble.CheckStartup.DISABLED},
            "different 'startup'",
        ),
        ({'level': 'ready', 'threshold': 2}, "different 'threshold'"),
    ],
)
def test_check_info_differs_from_plan(kwargs: dict[str, Any], fragment: str) -> None:
    ctx = _ctx()
    container, _ = _checked_container(**kwargs)
    assert fragment in _errors_of(ctx, ctx.on.start(), testing.State(containers=[container]))


def test_check_info_matching_plan_passes() -> None:
    ctx = _ctx()
    container, _ = _checked_container(level=pebble.CheckLevel.READY, threshold=5)
    ctx.run(ctx.on.start(), testing.State(containers=[container]))


def test_workload_event_without_container() -> None:
    ctx = _ctx()
    from ops_testing._events import Event

    message = _errors_of(ctx, Event('workload_pebble_ready'), testing.State())
    assert 'cannot construct a workload event without the container instance' in message


def test_workload_event_prefix_mismatch() -> None:
    ctx = _ctx()
    from ops_testing._events import Event

    container = testing.Container('workload', can_connect=True)
    event = Event('side_car_pebble_ready', container=container)
    message = _errors_of(ctx, event, testing.State(containers=[container]))
    assert (
        "workload event prefix 'side_car' does not match the container name 'workload'" in message
    )


def test_workload_event_on_unconnectable_container_warns(caplog: pytest.LogCaptureFixture) -> None:
    ctx = _ctx()
    container = testing.Container('workload', can_connect=False)
    text = _warnings_of(
        ctx, ctx.on.pebble_ready(container), testing.State(containers=[container]), caplog
    )
    assert 'you **can** fire workload_pebble_ready while the container cannot connect' in text
    container = testing.Container('workload', can_connect=True)
    text = _warnings_of(
        ctx, ctx.on.pebble_ready(container), testing.State(containers=[container]), caplog
    )
    assert 'cannot connect' not in text


def test_duplicate_exec_prefixes() -> None:
    ctx = _ctx()
    container = testing.Container(
        'workload',
        can_connect=True,
        execs=[testing.Exec(['ls']), testing.Exec(['ls'], stdout='x')],
    )
    message = _errors_of(
        ctx, ctx.on.pebble_ready(container), testing.State(containers=[container])
    )
    assert "container workload has duplicate command prefixes: [('ls',)]" in message
    container = testing.Container(
        'workload', can_connect=True, execs=[testing.Exec(['ls']), testing.Exec(['ls', '-l'])]
    )
    ctx.run(ctx.on.pebble_ready(container), testing.State(containers=[container]))


# ---- config (rules 10-14) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ('config', 'fragment'),
    [
        ({'nope': 'x'}, "config option 'nope' in state.config but not specified in config.yaml"),
        ({'port': 'eighty'}, "config invalid; option 'port' should be of type <class 'int'>"),
        ({'debug': 'yes'}, "option 'debug' should be of type <class 'bool'>"),
        (
            {'password': 'not-a-secret'},
            "config invalid: option 'password' value 'not-a-secret' is not valid.",
        ),
    ],
)
def test_bad_config_values(config: dict[str, Any], fragment: str) -> None:
    ctx = _ctx()
    assert fragment in _errors_of(ctx, ctx.on.config_changed(), testing.State(config=config))


def test_good_config_values() -> None:
    ctx = _ctx()
    config = {
        'name': 'x',
        'port': 1,
        'ratio': 0.5,
        'debug': True,
        'password': 'secret:' + 'a' * 20,
    }
    ctx.run(ctx.on.config_changed(), testing.State(config=config))


def test_config_option_without_type() -> None:
    ctx = testing.Context(RecordingCharm, meta={'name': 'x'}, config={'options': {'a': {}}})
    message = _errors_of(ctx, ctx.on.start(), testing.State(config={'a': 'b'}))
    assert "config.yaml invalid; option 'a' has no 'type'." in message


def test_config_option_unknown_type_and_secret_needs_juju_34() -> None:
    ctx = testing.Context(
        RecordingCharm, meta={'name': 'x'}, config={'options': {'a': {'type': 'blob'}}}
    )
    message = _errors_of(ctx, ctx.on.start(), testing.State(config={'a': 'b'}))
    assert "config invalid for option 'a': 'type' blob unknown" in message
    ctx = _ctx(juju_version='3.3.0')
    message = _errors_of(
        ctx, ctx.on.start(), testing.State(config={'password': 'secret:' + 'a' * 20})
    )
    assert "'type' secret unknown" in message


# ---- resources and storage (rules 15, 32-35, 38-39) -----------------------------------------


def test_resource_not_in_metadata() -> None:
    ctx = _ctx()
    state = testing.State(resources=[testing.Resource(name='other', path='/x')])
    assert (
        'any and all resources passed to State.resources need to have been defined'
        in _errors_of(ctx, ctx.on.start(), state)
    )
    ctx.run(ctx.on.start(), testing.State(resources=[testing.Resource(name='blob', path='/x')]))


def test_storage_event_rules() -> None:
    ctx = _ctx()
    from ops_testing._events import Event

    assert 'cannot construct a storage event without the Storage instance' in _errors_of(
        ctx, Event('data_storage_attached'), testing.State()
    )
    storage = testing.Storage('data')
    message = _errors_of(ctx, ctx.on.storage_attached(storage), testing.State())
    assert 'because storage data is not in the state' in message
    ctx.run(ctx.on.storage_attached(storage), testing.State(storages=[storage]))
    other = testing.Storage('cache')
    message = _errors_of(ctx, ctx.on.storage_attached(other), testing.State(storages=[other]))
    assert (
        "refers to storage cache which is not declared in the charm metadata (metadata.yaml) under 'storage'"
        in message
    )
    assert "some storages passed to State were not defined in metadata.yaml: {'cache'}" in message
    mismatched = Event('data_storage_detaching', storage=other)
    assert "storage event prefix 'data' does not match the storage name 'cache'" in _errors_of(
        ctx, mismatched, testing.State()
    )


def test_duplicate_storage() -> None:
    ctx = _ctx()
    state = testing.State(
        storages=[testing.Storage('data', index=1), testing.Storage('data', index=2)]
    )
    ctx.run(ctx.on.start(), state)
    # Storage compares by (name, index), so a State can only hold duplicates via replace().
    dupes = dataclasses.replace(state)
    object.__setattr__(
        dupes, 'storages', [testing.Storage('data', index=1), testing.Storage('data', index=1)]
    )
    assert (
        'duplicate storage in State: storage data with index 1 occurs multiple times'
        in _errors_of(ctx, ctx.on.start(), dupes)
    )


# ---- the custom event warning (16) ------------------------------------------------------------


class _LibEvents(ops.ObjectEvents):
    ready = ops.EventSource(ops.EventBase)


class _Lib(ops.Object):
    on = _LibEvents()  # type: ignore[reportAssignmentType]


class _CharmWithLib(RecordingCharm):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.lib = _Lib(self, 'lib')
        self.readies = 0
        framework.observe(self.lib.on.ready, self._on_ready)

    def _on_ready(self, event: ops.EventBase) -> None:
        self.readies += 1


def test_custom_event_warns(caplog: pytest.LogCaptureFixture) -> None:
    ctx = testing.Context(_CharmWithLib, meta=META, actions=ACTIONS, config=CONFIG)
    text = _warnings_of(ctx, ctx.on.custom(_Lib.on.ready), testing.State(), caplog)
    assert 'this is a custom event; if its name makes it look like a builtin one' in text
    assert 'this is a custom event' not in _warnings_of(
        ctx, ctx.on.start(), testing.State(), caplog
    )


# ---- relation events (17-19, 47-49) ---------------------------------------------------------


def test_relation_event_without_relation_and_prefix() -> None:
    ctx = _ctx()
    from ops_testing._events import Event

    assert 'cannot construct a relation event without the relation instance' in _errors_of(
        ctx, Event('db_relation_changed'), testing.State()
    )
    relation = testing.Relation('website')
    message = _errors_of(
        ctx, Event('db_relation_changed', relation=relation), testing.State(relations=[relation])
    )
    assert (
        "relation event prefix 'db' does not match the relation endpoint name 'website'" in message
    )


def test_relation_not_in_state() -> None:
    ctx = _ctx()
    relation = testing.Relation('db')
    message = _errors_of(ctx, ctx.on.relation_changed(relation, remote_unit=0), testing.State())
    assert f'because relation {relation.id} is not in the state' in message
    ctx.run(ctx.on.relation_changed(relation, remote_unit=0), testing.State(relations=[relation]))


def test_remote_unit_needed_or_implicit(caplog: pytest.LogCaptureFixture) -> None:
    ctx = _ctx()
    lonely = testing.Relation('db', remote_units_data={})
    assert "'db_relation_joined' must provide a remote unit. Pass in `remote_unit`." in _errors_of(
        ctx, ctx.on.relation_joined(lonely), testing.State(relations=[lonely])
    )
    one = testing.Relation('db')
    text = _warnings_of(ctx, ctx.on.relation_changed(one), testing.State(relations=[one]), caplog)
    assert "'db_relation_changed' is implicitly using 0 as the remote unit." in text
    many = testing.Relation('db', remote_units_data={1: {}, 2: {}})
    text = _warnings_of(
        ctx, ctx.on.relation_departed(many), testing.State(relations=[many]), caplog
    )
    assert 'is implicitly using one unit from (1, 2) as the remote unit' in text
    text = _warnings_of(
        ctx, ctx.on.relation_changed(many, remote_unit=2), testing.State(relations=[many]), caplog
    )
    assert 'implicitly' not in text


# ---- actions (25-31) ----------------------------------------------------------------------


def test_action_rules() -> None:
    ctx = _ctx()
    from ops_testing._events import Action, Event

    assert 'cannot construct an action event without the action instance' in _errors_of(
        ctx, Event('simple_action'), testing.State()
    )
    assert "action event prefix 'simple' does not match the action name 'do-thing'" in _errors_of(
        ctx, Event('simple_action', action=Action('do-thing')), testing.State()
    )
    assert (
        'refers to action nope which is not declared in the charm metadata (actions.yaml)'
        in _errors_of(ctx, ctx.on.action('nope'), testing.State())
    )
    assert (
        'param bogus is not a valid parameter for do-thing: missing from action specification'
        in _errors_of(ctx, ctx.on.action('do-thing', params={'bogus': 1}), testing.State())
    )
    assert "param count is of type <class 'str'>: expecting <class 'int'>" in _errors_of(
        ctx, ctx.on.action('do-thing', params={'count': '1'}), testing.State()
    )
    good = {'name': 'x', 'count': 2, 'force': True, 'ratio': 0.5, 'items': [1], 'opts': {'a': 1}}
    ctx.run(ctx.on.action('do-thing', params=good), testing.State())


def test_action_param_without_type_and_unknown_type(caplog: pytest.LogCaptureFixture) -> None:
    ctx = testing.Context(RecordingCharm, meta={'name': 'x'}, actions={'a': {'params': {'p': {}}}})
    assert 'action parameter p has no type. Charmcraft will be unhappy about this.' in _errors_of(
        ctx, ctx.on.action('a'), testing.State()
    )
    ctx = testing.Context(
        RecordingCharm, meta={'name': 'x'}, actions={'a': {'params': {'p': {'type': 'blob'}}}}
    )
    text = _warnings_of(ctx, ctx.on.action('a'), testing.State(), caplog)
    assert (
        'unknown data type declared for parameter p: type=blob. Cannot consistency-check.' in text
    )
    assert 'param p is not a valid parameter for a' in _errors_of(
        ctx, ctx.on.action('a', params={'p': 1}), testing.State()
    )


# ---- secrets (36-37) ---------------------------------------------------------------------


def test_secret_event_rules() -> None:
    ctx = _ctx()
    secret = testing.Secret({'a': 'b'})
    assert f'because secret {secret.id} is not in the state' in _errors_of(
        ctx, ctx.on.secret_changed(secret), testing.State()
    )
    ctx.run(ctx.on.secret_changed(secret), testing.State(secrets=[secret]))
    old = _ctx(juju_version='2.9.0')
    assert (
        'secrets are not supported in the specified juju version (2, 9, 0). Should be at least 3.0.'
        in _errors_of(old, old.on.secret_changed(secret), testing.State(secrets=[secret]))
    )


# ---- relations in the state (40-46) ----------------------------------------------------------


def test_relation_type_rules() -> None:
    ctx = _ctx()
    assert (
        'endpoint peers is a peer relation; expecting relation to be of type PeerRelation'
        in _errors_of(ctx, ctx.on.start(), testing.State(relations=[testing.Relation('peers')]))
    )
    assert 'relation endpoint nope is not declared in metadata.' in _errors_of(
        ctx, ctx.on.start(), testing.State(relations=[testing.Relation('nope')])
    )
    assert (
        'endpoint db is not a subordinate relation; expecting relation to be of type Relation'
        in _errors_of(
            ctx, ctx.on.start(), testing.State(relations=[testing.SubordinateRelation('db')])
        )
    )
    assert 'expecting relation to be of type SubordinateRelation' in _errors_of(
        ctx, ctx.on.start(), testing.State(relations=[testing.Relation('juju-host')])
    )
    ctx.run(
        ctx.on.start(),
        testing.State(
            relations=[
                testing.PeerRelation('peers'),
                testing.Relation('db'),
                testing.SubordinateRelation('juju-host'),
            ]
        ),
    )


def test_duplicate_relation_ids() -> None:
    ctx = _ctx()
    state = testing.State(
        relations=[testing.Relation('db', id=7), testing.Relation('website', id=7)]
    )
    assert 'duplicate relation ID: 7 is claimed by multiple Relation instances' in _errors_of(
        ctx, ctx.on.start(), state
    )


def test_duplicate_endpoint_names_in_metadata() -> None:
    meta = {
        'name': 'x',
        'requires': {'db': {'interface': 'a'}},
        'provides': {'db': {'interface': 'b'}},
    }
    ctx = testing.Context(RecordingCharm, meta=meta)
    assert 'duplicate endpoint name in metadata.' in _errors_of(
        ctx, ctx.on.start(), testing.State()
    )


def test_peers_data_must_not_hold_this_unit() -> None:
    ctx = _ctx(unit_id=2)
    state = testing.State(relations=[testing.PeerRelation('peers', peers_data={2: {}})])
    assert (
        '`peers_data` should only contain data for other units, not for the unit under test (unit 2)'
        in _errors_of(ctx, ctx.on.start(), state)
    )
    ctx.run(
        ctx.on.start(),
        testing.State(relations=[testing.PeerRelation('peers', peers_data={1: {}})]),
    )


# ---- networks (50-51) -----------------------------------------------------------------------


def test_network_bindings() -> None:
    ctx = _ctx()
    assert (
        "Some network bindings defined in State are not in the metadata: {'nope'}."
        in _errors_of(ctx, ctx.on.start(), testing.State(networks=[testing.Network('nope')]))
    )
    assert "{'juju-host'}" in _errors_of(
        ctx, ctx.on.start(), testing.State(networks=[testing.Network('juju-host')])
    )
    ctx.run(
        ctx.on.start(),
        testing.State(
            networks=[
                testing.Network('db'),
                testing.Network('metrics'),
                testing.Network('juju-info'),
            ]
        ),
    )
    meta = {'name': 'x', 'requires': {'db': {'interface': 'a'}}, 'extra-bindings': {'db': None}}
    ctx = testing.Context(RecordingCharm, meta=meta)
    assert (
        "Extra bindings and relation endpoints cannot share the same name: {'db'}."
        in _errors_of(ctx, ctx.on.start(), testing.State())
    )


# ---- cloud spec (52) and stored state (53-54) -------------------------------------------------


def test_cloud_spec_on_kubernetes_needs_juju_3_6_10() -> None:
    model = testing.Model(type='kubernetes', cloud_spec=testing.CloudSpec('k8s'))
    old = _ctx(juju_version='3.6.9')
    assert 'CloudSpec is not available for Kubernetes charms with Juju < 3.6.10' in _errors_of(
        old, old.on.start(), testing.State(model=model)
    )
    _ctx(juju_version='3.6.10').run(old.on.start(), testing.State(model=model))
    machine = testing.Model(type='lxd', cloud_spec=testing.CloudSpec('lxd'))
    old.run(old.on.start(), testing.State(model=machine))


def test_stored_state_rules() -> None:
    ctx = _ctx()
    state = testing.State(stored_states=[testing.StoredState(owner_path='X', content={'a': 1})])
    ctx.run(ctx.on.start(), state)
    dupes = dataclasses.replace(state)
    object.__setattr__(
        dupes,
        'stored_states',
        [testing.StoredState(owner_path='X'), testing.StoredState(owner_path='X')],
    )
    assert 'X has multiple StoredState objects with the same name.' in _errors_of(
        ctx, ctx.on.start(), dupes
    )
    bad = testing.State(
        stored_states=[testing.StoredState(owner_path='X', content={'a': object()})]
    )
    assert 'The StoredState object X._stored should contain only simple types.' in _errors_of(
        ctx, ctx.on.start(), bad
    )


def test_checks_can_be_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _ctx()
    relation = testing.Relation('db')
    monkeypatch.setenv('SCENARIO_SKIP_CONSISTENCY_CHECKS', '1')
    out = ctx.run(ctx.on.start(), testing.State(relations=[relation, testing.Relation('nope')]))
    assert len(out.relations) == 2
