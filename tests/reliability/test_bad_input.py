"""Bad input is refused with the documented exception, naming the field; nothing half-done.

Property-based (hypothesis) plus targeted cases over: charm metadata YAML, config values,
action params, relation data keys and values, secret content (Juju's key rule), status
messages, ports and protocols, Pebble layers and container file paths with ``..`` (nothing
may escape the container's sandbox root, in ``Context`` and in ``Harness``). The charm
code runs inside ``Context.run``, which wraps a charm's exception in ``UncaughtCharmError``
and returns no output state, so a refused change can never be half-applied.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ops
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ops import testing
from ops.charm import CharmMeta
from ops.testing import errors

from tests.reliability.conftest import Charm

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
META = {
    'name': 'app',
    'requires': {'db': {'interface': 'pgsql'}},
    'containers': {'workload': {}},
}
CONFIG = {'options': {'port': {'type': 'int', 'default': 80}, 'name': {'type': 'string'}}}
ACTIONS = {'rotate': {'params': {'size': {'type': 'integer'}, 'label': {'type': 'string'}}}}

# Any JSON/YAML-like value.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
not_str = st.none() | st.booleans() | st.integers() | st.floats() | st.binary(max_size=4) | st.lists(st.text(max_size=3), max_size=2)  # fmt: skip


class Probe(ops.CharmBase):
    """Runs the test's function in ``update-status``; stores its result on the class."""

    fn: Callable[[Probe], Any] = staticmethod(lambda charm: None)  # type: ignore[assignment]

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.update_status, self._on_update_status)

    def _on_update_status(self, event: ops.EventBase) -> None:
        type(self).fn(self)


def _context(fn: Callable[[Probe], Any]) -> testing.Context[Probe]:
    charm = type('Probe', (Probe,), {'fn': staticmethod(fn)})
    return testing.Context(charm, meta=META, config=CONFIG, actions=ACTIONS)


def _state() -> testing.State:
    return testing.State(
        leader=True,
        relations=[testing.Relation('db', id=1)],
        containers=[testing.Container('workload', can_connect=True)],
    )


def _refused(fn: Callable[[Probe], Any]) -> BaseException:
    """Run ``fn`` in a charm; return the exception the charm raised (it must raise)."""
    ctx = _context(fn)
    with pytest.raises(errors.UncaughtCharmError) as info:
        ctx.run(ctx.on.update_status(), _state())
    cause = info.value.__cause__
    assert cause is not None
    return cause


# -- metadata -----------------------------------------------------------------------------------

TOP_LEVEL = ['requires', 'provides', 'peers', 'storage', 'containers', 'resources', 'assumes',
             'extra-bindings', 'devices', 'payloads', 'subordinate', 'min-juju-version']  # fmt: skip


@SETTINGS
@given(key=st.sampled_from(TOP_LEVEL), value=json_values)
def test_metadata_fields_of_any_shape_are_accepted_or_refused_naming_the_field(
    key: str, value: Any
) -> None:
    text = yaml.safe_dump({'name': 'app', key: value})
    try:
        CharmMeta.from_yaml(text)
    except ops.charm.MetadataError as e:  # type: ignore[attr-defined]
        assert isinstance(e, ValueError)
        assert key in str(e) or 'metadata' in str(e), str(e)


@SETTINGS
@given(
    endpoint=st.sampled_from(['requires', 'provides', 'peers']),
    field=st.sampled_from(['interface', 'limit', 'scope', 'optional']),
    value=json_values,
)
def test_relation_fields_of_any_shape_are_accepted_or_refused_naming_the_field(
    endpoint: str, field: str, value: Any
) -> None:
    text = yaml.safe_dump({'name': 'app', endpoint: {'ep': {'interface': 'x', field: value}}})
    try:
        CharmMeta.from_yaml(text)
    except ops.charm.MetadataError as e:  # type: ignore[attr-defined]
        assert f'{endpoint}.ep' in str(e), str(e)


@pytest.mark.parametrize(
    ('text', 'phrase'),
    [
        ('name: app\nrequires: [db]\n', 'requires: expected a mapping'),
        ('name: app\nrequires:\n  db: {interface: a, limit: many}\n', 'requires.db.limit'),
        ('name: app\nrequires:\n  db: {interface: a}\nprovides:\n  db: {interface: b}\n', "endpoint 'db' is declared twice"),
        ('name: app\npeers:\n  db: {interface: a}\nrequires:\n  db: {interface: b}\n', "endpoint 'db' is declared twice"),
        ('name: app\nrequires:\n  db: {interface: a}\n  db: {interface: b}\n', "duplicate key 'db'"),
        ('name: app\ncontainers: [workload]\n', 'containers: expected a mapping'),
        ('- a list\n', 'expected a mapping'),
        ('name: [unclosed\n', 'not valid YAML'),
    ],
)  # fmt: skip
def test_bad_metadata_targeted(text: str, phrase: str) -> None:
    with pytest.raises(ops.charm.MetadataError, match=re.escape(phrase)):  # type: ignore[attr-defined]
        CharmMeta.from_yaml(text)


def test_bad_metadata_yaml_fails_the_hook_before_any_state_is_written(charm_factory: Any) -> None:
    charm: Charm = charm_factory('tools_charm.py')
    (charm.path / 'metadata.yaml').write_text('name: relcharm\nrequires: [db]\n')
    result = charm.run()
    assert result.returncode != 0
    assert 'requires: expected a mapping, got list' in charm.juju_log_text()
    assert not charm.state_db.exists()


@pytest.mark.parametrize(
    ('op', 'tool', 'phrase'),
    [
        ('relation-set-bad', 'relation-set', "relation data values must be str, got int for key 'port'"),
        ('secret-add-bad', 'secret-add', "Invalid secret keys: ['x']"),
    ],
)  # fmt: skip
def test_bad_values_in_production_are_refused_before_any_hook_tool_writes(
    charm_factory: Any, op: str, tool: str, phrase: str
) -> None:
    charm: Charm = charm_factory('tools_charm.py')
    charm.juju.state.set_leader(True)
    charm.juju.state.add_relation('db', 'pg', units=['pg/0'])
    result = charm.run(REL_TOOL_OP=op)
    assert result.returncode != 0
    assert phrase in charm.juju_log_text()
    assert tool not in [call.tool for call in charm.juju.calls()]  # nothing half-written
    assert charm.juju.state.relation(0)['local_unit_data'] == {}
    assert charm.juju.state['secrets'] == []


@pytest.mark.parametrize(
    ('config', 'phrase'),
    [
        ('options:\n  a: {type: complex}\n', 'config.options.a.type'),
        ('options: [a]\n', 'options'),
        ('options:\n  a: [int]\n', 'options.a'),
    ],
)
def test_bad_config_yaml(config: str, phrase: str) -> None:
    with pytest.raises(ops.charm.MetadataError, match=re.escape(phrase)):  # type: ignore[attr-defined]
        CharmMeta.from_yaml('name: app\n', config=config)


def test_bad_actions_yaml() -> None:
    with pytest.raises(ops.charm.MetadataError, match=re.escape('actions.go.params')):  # type: ignore[attr-defined]
        CharmMeta.from_yaml('name: app\n', actions='go:\n  params: [a]\n')


# -- config values and action params ------------------------------------------------------------


@SETTINGS
@given(
    value=st.text(max_size=5) | st.floats(allow_nan=False) | st.lists(st.integers(), max_size=2)
)
def test_config_value_of_the_wrong_type_is_refused_naming_the_option(value: Any) -> None:
    ctx = _context(lambda charm: None)
    with pytest.raises(errors.InconsistentScenarioError, match="'port'"):
        ctx.run(ctx.on.update_status(), testing.State(config={'port': value}))


@SETTINGS
@given(value=st.integers() | st.floats(allow_nan=False) | st.lists(st.text(), max_size=2))
def test_action_param_of_the_wrong_type_is_refused_naming_the_param(value: Any) -> None:
    ctx = _context(lambda charm: None)
    with pytest.raises(errors.InconsistentScenarioError, match='label'):
        ctx.run(ctx.on.action('rotate', params={'label': value}), testing.State())


def test_unknown_config_option_and_action_param_are_refused() -> None:
    ctx = _context(lambda charm: None)
    with pytest.raises(errors.InconsistentScenarioError, match="'nope'"):
        ctx.run(ctx.on.update_status(), testing.State(config={'nope': 'x'}))
    with pytest.raises(errors.InconsistentScenarioError, match='zzz'):
        ctx.run(ctx.on.action('rotate', params={'zzz': 1}), testing.State())


# -- relation data, secrets, status, ports --------------------------------------------------------


@SETTINGS
@given(key=not_str)
def test_relation_data_key_that_is_not_str_is_refused(key: Any) -> None:
    def write(charm: Probe) -> None:
        charm.model.get_relation('db').data[charm.unit][key] = 'v'  # type: ignore[union-attr]

    error = _refused(write)
    assert isinstance(error, ops.RelationDataTypeError)
    assert 'relation data keys must be str' in str(error)


@SETTINGS
@given(value=not_str.filter(lambda v: v is not None))
def test_relation_data_value_that_is_not_str_is_refused_naming_the_key(value: Any) -> None:
    def write(charm: Probe) -> None:
        charm.model.get_relation('db').data[charm.unit]['port'] = value  # type: ignore[union-attr]

    error = _refused(write)
    assert isinstance(error, ops.RelationDataTypeError)
    assert "'port'" in str(error)


@SETTINGS
@given(key=st.text(max_size=8), value=st.text(max_size=20))
def test_relation_data_str_keys_and_values_round_trip(key: str, value: str) -> None:
    ctx = _context(
        lambda charm: charm.model.get_relation('db').data[charm.unit].update({key: value})
    )  # type: ignore[union-attr]
    out = ctx.run(ctx.on.update_status(), _state())
    data = out.get_relation(1).local_unit_data
    assert data.get(key) == (value or None)


SECRET_KEY = re.compile(r'^([a-z](?:-?[a-z0-9]){2,})$')  # Juju's rule


@SETTINGS
@given(key=st.text(alphabet=string.ascii_letters + string.digits + '-_ .é', max_size=10))
def test_secret_content_keys_follow_jujus_rule(key: str) -> None:
    def add(charm: Probe) -> None:
        secret = charm.app.add_secret({key: 'value'})
        assert secret.get_content() == {key: 'value'}

    if SECRET_KEY.match(key):
        ctx = _context(add)
        ctx.run(ctx.on.update_status(), _state())
    else:
        error = _refused(add)
        assert isinstance(error, ValueError), error
        assert repr(key) in str(error), str(error)


@SETTINGS
@given(value=not_str)
def test_secret_content_values_must_be_str(value: Any) -> None:
    error = _refused(lambda charm: charm.app.add_secret({'password': value}))
    assert isinstance(error, TypeError), error
    assert 'password' in str(error)
    assert repr(value) not in str(error) or value is None  # the value itself is not repeated


@SETTINGS
@given(message=not_str.filter(lambda v: v is not None))
def test_status_message_that_is_not_str_is_kept_under_context(message: Any) -> None:
    # As in ops 3.9's testing backends (charms' tests set mocks as messages); the hook-tool
    # backend refuses it before status-set runs (tests/ops-core/model/test_hookcmds_backend.py).
    ctx = _context(lambda charm: setattr(charm.unit, 'status', ops.ActiveStatus(message)))
    out = ctx.run(ctx.on.update_status(), _state())
    assert out.unit_status.name == 'active'


@SETTINGS
@given(message=st.text(max_size=50))
def test_any_str_status_message_round_trips(message: str) -> None:
    ctx = _context(lambda charm: setattr(charm.unit, 'status', ops.BlockedStatus(message)))
    out = ctx.run(ctx.on.update_status(), _state())
    assert out.unit_status == testing.BlockedStatus(message)


def test_status_that_is_not_a_status_object_is_refused() -> None:
    error = _refused(lambda charm: setattr(charm.unit, 'status', 'active'))
    assert isinstance(error, ops.InvalidStatusError)
    assert 'active' in str(error)


@SETTINGS
@given(
    protocol=st.sampled_from(['tcp', 'udp', 'icmp', 'TCP', 'sctp', '', 'tcp ']),
    port=st.none() | st.integers(min_value=-3, max_value=70_000),
)
def test_ports_and_protocols(protocol: str, port: int | None) -> None:
    valid = (protocol.lower() in ('tcp', 'udp') and port is not None and 1 <= port <= 65535) or (
        protocol.lower() == 'icmp' and port is None
    )
    if valid:
        ctx = _context(lambda charm: charm.unit.open_port(protocol, port))  # type: ignore[arg-type]
        out = ctx.run(ctx.on.update_status(), _state())
        assert [(p.protocol, p.port) for p in out.opened_ports] == [(protocol.lower(), port)]
    else:
        error = _refused(lambda charm: charm.unit.open_port(protocol, port))  # type: ignore[arg-type]
        assert isinstance(error, (ops.ModelError, errors.StateValidationError)), repr(error)
        assert str(port) in str(error) or protocol.lower() in str(error), str(error)


# -- Pebble layers ------------------------------------------------------------------------------

layer_like = st.fixed_dictionaries(
    {},
    optional={
        'summary': json_values,
        'services': st.dictionaries(st.text(max_size=4), json_values, max_size=2) | json_values,
        'checks': st.dictionaries(st.text(max_size=4), json_values, max_size=2) | json_values,
        'log-targets': st.dictionaries(st.text(max_size=4), json_values, max_size=2) | json_values,
    },
)


@SETTINGS
@given(raw=layer_like)
def test_layers_of_any_shape_are_accepted_or_refused_with_value_error(raw: dict[str, Any]) -> None:
    try:
        layer = ops.pebble.Layer(raw)  # type: ignore[arg-type]
    except ValueError as e:
        assert any(word in str(e) for word in ('layer', 'service', 'check', 'log target')), e
        return
    ops.pebble.Layer(layer.to_yaml())  # what was accepted also survives its own YAML


@pytest.mark.parametrize(
    ('raw', 'phrase'),
    [
        ({'services': ['web']}, "layer 'services' must be a mapping"),
        ({'services': {'web': 'run it'}}, 'layer services.web must be a mapping'),
        ({'services': {'web': {'after': 'db'}}}, "service 'web' after must be a list"),
        ({'services': {'web': {'environment': ['A=1']}}}, "service 'web' environment must be a mapping"),
        ({'checks': {'up': 5}}, 'layer checks.up must be a mapping'),
        ({'log-targets': {'loki': {'services': 'all'}}}, "log target 'loki' services must be a list"),
        ('services: [web]', "layer 'services' must be a mapping"),
        ('- a list', 'layer YAML must be a mapping'),
    ],
)  # fmt: skip
def test_bad_layers_targeted(raw: Any, phrase: str) -> None:
    with pytest.raises(ValueError, match=re.escape(phrase)):
        ops.pebble.Layer(raw)


def test_invalid_layer_is_refused_by_the_container_and_nothing_is_added() -> None:
    def add(charm: Probe) -> None:
        container = charm.unit.get_container('workload')
        container.add_layer('base', {'services': {'web': {'override': 'replace', 'command': 'x'}}})
        container.add_layer('bad', {'services': {'web': {'override': 'bogus', 'command': 'x'}}})

    error = _refused(add)
    assert isinstance(error, ops.pebble.APIError)
    assert 'override' in str(error)


# -- container paths never escape the sandbox ----------------------------------------------------

segments = st.lists(
    st.sampled_from(['..', '.', 'a', 'b', '', '...', '..a']), min_size=1, max_size=6
)


def _check_no_escape(root: Path, path: str, pushed: bool, marker: str) -> None:
    inside = root / os.path.normpath('/' + path).lstrip('/')
    naive = Path(os.path.normpath(f'{root}/{path}'))
    if pushed:
        assert inside.is_file() and inside.read_text() == marker
    if not naive.is_relative_to(root):
        assert not naive.is_file() or marker not in naive.read_text(errors='replace')


@SETTINGS
@given(parts=segments, name=st.sampled_from(['x.txt', '..', 'conf']))
def test_context_container_paths_with_dotdot_stay_inside_the_root(
    parts: list[str], name: str
) -> None:
    path = '/' + '/'.join([*parts, name])
    marker = f'escape-test {path}'
    outcome: dict[str, Any] = {}

    def touch(charm: Probe) -> None:
        container = charm.unit.get_container('workload')
        try:
            container.push(path, marker, make_dirs=True)
            outcome['pushed'] = True
        except ops.pebble.PathError:
            outcome['pushed'] = False
        for call in (
            lambda: container.pull(path).read(),
            lambda: container.list_files(path),
            lambda: container.exists(path),
            lambda: container.make_dir(path + '/d', make_parents=True),
        ):
            try:
                call()
            except (ops.pebble.PathError, ops.pebble.APIError, IsADirectoryError):
                pass

    ctx = _context(touch)
    container = testing.Container('workload', can_connect=True)
    state = testing.State(containers=[container])
    ctx.run(ctx.on.update_status(), state)
    root = container.get_filesystem(ctx).resolve()
    _check_no_escape(root, path, outcome['pushed'], marker)


@pytest.mark.filterwarnings('ignore::PendingDeprecationWarning')
def test_harness_container_paths_with_dotdot_stay_inside_the_root() -> None:
    harness = testing.Harness(ops.CharmBase, meta=yaml.safe_dump(META))
    try:
        harness.begin()
        harness.set_can_connect('workload', True)
        container = harness.model.unit.get_container('workload')
        root = harness.get_filesystem_root('workload').resolve()
        for path in ['/../../../x.txt', '/a/../../../../b/x.txt', '/./../..', '/../etc/conf']:
            marker = f'escape-test {path}'
            try:
                container.push(path, marker, make_dirs=True)
                pushed = True
            except ops.pebble.PathError:
                pushed = False
            _check_no_escape(root, path, pushed, marker)
    finally:
        harness.cleanup()
