"""Harness behaviours that charm test suites written for ops 3.9 rely on."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import textwrap
from typing import Any, ClassVar

import ops
import pytest

SHOP_META = """
name: shop
requires:
  stock:
    interface: inventory
actions:
  restock:
"""


def _charm_in(directory: pathlib.Path, module: str) -> type[ops.CharmBase]:
    """A charm class whose source file lives in ``directory/src`` (so that is its charm dir)."""
    src = directory / 'src'
    src.mkdir()
    path = src / f'{module}.py'
    path.write_text('import ops\n\nclass Shop(ops.CharmBase):\n    pass\n')
    spec = importlib.util.spec_from_file_location(module, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[module] = mod
    spec.loader.exec_module(mod)
    return mod.Shop  # type: ignore[no-any-return]


# ---- reading the charm's own files ----------------------------------------------------------


def test_charmcraft_yaml_without_name_gives_config_and_actions(
    tmp_path: pathlib.Path, make: Any
) -> None:
    (tmp_path / 'charmcraft.yaml').write_text(
        textwrap.dedent("""
            type: charm
            config:
              options:
                shelves: {type: int, default: 12}
            actions:
              restock:
                description: fill the shelves
            """)
    )
    (tmp_path / 'metadata.yaml').write_text('name: corner-shop\n')
    harness = make(_charm_in(tmp_path, 'shop_nameless'))
    harness.begin()
    assert harness.model.app.name == 'corner-shop'
    assert harness.model.config['shelves'] == 12
    assert list(harness.framework.meta.actions) == ['restock']


def test_charmcraft_yaml_with_name_falls_back_to_actions_and_config_files(
    tmp_path: pathlib.Path, make: Any
) -> None:
    (tmp_path / 'charmcraft.yaml').write_text('name: bakery\ntype: charm\n')
    (tmp_path / 'actions.yaml').write_text('bake:\n  description: make bread\n')
    (tmp_path / 'config.yaml').write_text('options:\n  loaves: {type: int, default: 3}\n')
    harness = make(_charm_in(tmp_path, 'shop_named'))
    assert harness.model.app.name == 'bakery'
    assert list(harness.framework.meta.actions) == ['bake']
    assert harness.model.config['loaves'] == 3


# ---- the event context ------------------------------------------------------------------------


class _Clerk(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.init_error: Exception | None = None
        relation = self.model.get_relation('stock')
        if relation is not None:
            try:
                relation.data[relation.app]['count'] = '1'
            except ops.RelationDataError as e:
                self.init_error = e


def test_event_context_enforces_handler_rules_outside_events(make: Any) -> None:
    harness = make(_Clerk, meta=SHOP_META)
    harness.begin()
    relation_id = harness.add_relation('stock', 'warehouse')
    relation = harness.model.get_relation('stock', relation_id)
    # As the test itself, any bag may be written.
    relation.data[relation.app]['count'] = '5'
    with harness._event_context('stock_relation_changed'):
        assert harness._backend._hook_is_running == 'stock_relation_changed'
        with pytest.raises(ops.RelationDataAccessError, match='remote application warehouse'):
            relation.data[relation.app]['count'] = '6'
    assert not harness._backend._hook_is_running
    assert harness.get_relation_data(relation_id, 'warehouse') == {'count': '5'}


class _Porter(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.stock_relation_joined, self._on_joined)
        self.joined_hook: Any = None

    def _on_joined(self, event: ops.RelationJoinedEvent) -> None:
        self.joined_hook(event)


def test_empty_event_context_lifts_the_rules_inside_a_handler(make: Any) -> None:
    harness = make(_Porter, meta=SHOP_META)
    harness.begin()
    written: list[str] = []

    def on_joined(event: ops.RelationJoinedEvent) -> None:
        assert event.app is not None
        with pytest.raises(ops.RelationDataAccessError):
            event.relation.data[event.app]['note'] = 'no'
        with harness._event_context(''):
            event.relation.data[event.app]['note'] = 'yes'
            written.append('ok')

    harness.charm.joined_hook = on_joined
    relation_id = harness.add_relation('stock', 'warehouse')
    harness.add_relation_unit(relation_id, 'warehouse/0')
    assert written == ['ok']
    assert harness.get_relation_data(relation_id, 'warehouse') == {'note': 'yes'}


def test_charm_init_is_checked_like_a_handler(make: Any) -> None:
    harness = make(_Clerk, meta=SHOP_META)
    harness.add_relation('stock', 'warehouse', app_data={'count': '0'})
    harness.begin()
    assert isinstance(harness.charm.init_error, ops.RelationDataAccessError)


# ---- config validation at creation ----------------------------------------------------------


def test_config_argument_with_no_document_is_a_type_error(make: Any) -> None:
    with pytest.raises(TypeError, match='holds no YAML document'):
        make(ops.CharmBase, config='')


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        ('volume:\n    default: 3', 'option volume must declare a `type`'),
        ('volume:\n    type: integer', 'must be one of string, boolean, int, float, secret'),
        ('volume:\n    type: int\n    default: loud', 'volume is supposed to be of type int'),
        ('volume:\n    type: float\n    default: 2', 'not `int`'),
    ],
)
def test_config_options_are_checked_at_creation(make: Any, options: str, message: str) -> None:
    with pytest.raises(RuntimeError, match=message):
        make(ops.CharmBase, config=f'options:\n  {options}\n')


def test_config_from_an_open_file_is_read_once(make: Any, tmp_path: pathlib.Path) -> None:
    path = tmp_path / 'config.yaml'
    path.write_text('options:\n  volume: {type: int, default: 4}\n')
    with path.open() as f:
        harness = make(ops.CharmBase, config=f)
    assert harness.model.config['volume'] == 4


# ---- storage ids that are not attached ------------------------------------------------------

PANTRY_META = 'name: pantry\nstorage:\n  shelf:\n    type: filesystem\n'


def test_storage_locations_are_storages_name_index(make: Any) -> None:
    harness = make(
        ops.CharmBase,
        meta='name: pantry\nstorage:\n  shelf:\n    type: filesystem\n    multiple: {range: 1-4}\n',
    )
    harness.add_storage('shelf', count=2, attach=True)
    harness.begin()
    locations = [s.location for s in harness.model.storages['shelf']]
    assert [loc.parts[-3:] for loc in locations] == [
        ('storages', 'shelf', '0'),
        ('storages', 'shelf', '1'),
    ]


def test_detach_or_remove_of_storage_not_attached_is_quiet(make: Any) -> None:
    harness = make(ops.CharmBase, meta=PANTRY_META)
    harness.begin()
    (shelf,) = harness.add_storage('shelf', attach=True)
    harness.detach_storage(shelf)
    harness.detach_storage(shelf)
    harness.detach_storage('shelf/7')
    harness.remove_storage('shelf/7')
    assert harness.model.storages['shelf'] == []


def test_storage_ids_of_undeclared_storage_are_refused(make: Any) -> None:
    harness = make(ops.CharmBase, meta=PANTRY_META)
    harness.begin()
    message = "the key 'cellar' is not specified as a storage key in metadata"
    with pytest.raises(RuntimeError, match=message):
        harness.remove_storage('cellar/0')
    with pytest.raises(KeyError, match=message):
        harness.detach_storage('cellar/0')
    with pytest.raises(KeyError, match=message):
        harness.attach_storage('cellar/0')


def test_attaching_storage_never_added_is_a_model_error(make: Any) -> None:
    harness = make(ops.CharmBase, meta=PANTRY_META)
    with pytest.raises(ops.ModelError, match='"shelf/3" for option -s: storage not found'):
        harness.attach_storage('shelf/3')


# ---- Pebble layers without "override" ---------------------------------------------------------

KITCHEN_META = 'name: kitchen\ncontainers:\n  oven: {}\n'


def test_layers_without_override_are_accepted_with_a_warning(
    make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    harness = make(ops.CharmBase, meta=KITCHEN_META)
    harness.set_can_connect('oven', True)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    oven.add_layer('base', {'services': {'bake': {'command': 'bake --slow'}}})
    oven.add_layer('fast', {'services': {'bake': {'command': 'bake --fast'}}})
    assert oven.get_plan().services['bake'].command == 'bake --fast'
    assert "layer 'fast' of container 'oven' has no \"override\" for services 'bake'" in (
        caplog.text
    )
    assert 'real Pebble rejects the layer' in caplog.text
    with pytest.raises(ops.pebble.APIError, match='must define "override"'):
        oven.add_layer('fast', {'services': {'bake': {'command': 'x'}}}, combine=True)


# ---- the in-memory Pebble as ops 3.9's Harness showed it ------------------------------------------


def _oven(make: Any) -> Any:
    harness = make(ops.CharmBase, meta=KITCHEN_META)
    harness.set_can_connect('oven', True)
    return harness


def test_backend_get_pebble_gives_the_containers_client(make: Any) -> None:
    harness = _oven(make)
    client = harness._backend.get_pebble('/charm/containers/oven/pebble.socket')
    client.push('/tray/bread', 'crust', make_dirs=True)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    assert oven.pull('/tray/bread').read() == 'crust'
    with pytest.raises(ValueError, match="'/run/other.socket' is not a container's Pebble"):
        harness._backend.get_pebble('/run/other.socket')
    with pytest.raises(KeyError, match='fridge'):
        harness._backend.get_pebble('/charm/containers/fridge/pebble.socket')


@pytest.mark.parametrize('permissions', [0o1000, -1])
def test_out_of_range_permissions_are_pebbles_file_error(make: Any, permissions: int) -> None:
    client = _oven(make)._backend.get_pebble('/charm/containers/oven/pebble.socket')
    with pytest.raises(ops.pebble.PathError, match='permissions not within') as push_error:
        client.push('/tray', 'x', permissions=permissions)
    with pytest.raises(ops.pebble.PathError) as mkdir_error:
        client.make_dir('/rack', permissions=permissions)
    assert push_error.value.kind == mkdir_error.value.kind == 'generic-file-error'


@pytest.mark.parametrize('on_disk', [False, True])
def test_a_file_as_parent_directory_is_a_generic_error(make: Any, on_disk: bool) -> None:
    harness = _oven(make)
    if on_disk:
        harness.get_filesystem_root('oven')  # the files move to a real directory
    client = harness._backend.get_pebble('/charm/containers/oven/pebble.socket')
    client.push('/tray', 'flat')
    with pytest.raises(ops.pebble.PathError, match='not a directory') as push_error:
        client.push('/tray/bread', 'x')
    with pytest.raises(ops.pebble.PathError, match='not a directory') as mkdir_error:
        client.make_dir('/tray/rack')
    assert push_error.value.kind == mkdir_error.value.kind == 'generic-file-error'
    with pytest.raises(ops.pebble.PathError) as missing:
        client.push('/shelf/bread', 'x')
    assert missing.value.kind == 'not-found'


def test_send_signal_needs_a_service(make: Any) -> None:
    client = _oven(make)._backend.get_pebble('/charm/containers/oven/pebble.socket')
    with pytest.raises(TypeError, match='at least 1 service name'):
        client.send_signal('SIGHUP', ())


@pytest.mark.parametrize(('protocol', 'port'), [('tcp', None), ('udp', None), ('tcp', 0)])
def test_port_errors_are_model_errors(make: Any, protocol: str, port: int | None) -> None:
    unit = make(ops.CharmBase, meta='name: kiosk').model.unit
    with pytest.raises(ops.ModelError, match='needs a port from 1 to 65535'):
        unit.open_port(protocol, port)
    with pytest.raises(ops.ModelError, match='needs a port from 1 to 65535'):
        unit.close_port(protocol, port)


# ---- secrets the charm may read but not manage ---------------------------------------------


def _refusals(secret: ops.Secret, relation: ops.Relation) -> dict[str, type[Exception]]:
    """Which exception each managing call raises."""
    calls = {
        'get_info': secret.get_info,
        'grant': lambda: secret.grant(relation),
        'set_content': lambda: secret.set_content({'api-key': 'rotated'}),
        'set_info': lambda: secret.set_info(description='shop key'),
        'revoke': lambda: secret.revoke(relation),
        'remove_revision': lambda: secret.remove_revision(1),
        'remove_all_revisions': secret.remove_all_revisions,
    }
    raised: dict[str, type[Exception]] = {}
    for name, call in calls.items():
        with pytest.raises(Exception) as exc_info:
            call()
        assert 'You must own secret' in str(exc_info.value)
        raised[name] = type(exc_info.value)
    return raised


_OPS39_REFUSALS = {
    'get_info': ops.SecretNotFoundError,
    'grant': ops.SecretNotFoundError,
    'set_content': RuntimeError,
    'set_info': RuntimeError,
    'revoke': RuntimeError,
    'remove_revision': RuntimeError,
    'remove_all_revisions': RuntimeError,
}


@pytest.mark.parametrize('owner', ['user', 'non-leader'])
def test_secrets_the_charm_does_not_manage_refuse_changes(make: Any, owner: str) -> None:
    harness = make(ops.CharmBase, meta=SHOP_META)
    harness.begin()
    relation = harness.model.get_relation('stock', harness.add_relation('stock', 'warehouse'))
    if owner == 'user':
        secret_id = harness.add_user_secret({'api-key': 'k-1'})
        harness.grant_secret(secret_id, 'shop')
        harness.set_leader(True)  # even the leader only reads a user's secret
    else:
        harness.set_leader(True)
        secret_id = harness.charm.app.add_secret({'api-key': 'k-1'}).id
        harness.set_leader(False)
    secret = harness.model.get_secret(id=secret_id)
    assert secret.get_content() == {'api-key': 'k-1'}
    assert _refusals(secret, relation) == _OPS39_REFUSALS
    assert harness.get_secret_revisions(secret_id) == [1]


def test_secret_info_reports_the_tracked_revision(make: Any) -> None:
    harness = make(ops.CharmBase, meta=SHOP_META)
    harness.begin()
    harness.set_leader(True)
    secret = harness.charm.app.add_secret({'api-key': 'k-1'})
    secret.set_content({'api-key': 'k-2'})
    assert secret.get_info().revision == 1
    assert harness.model.get_secret(id=secret.id).get_content(refresh=True) == {'api-key': 'k-2'}
    assert secret.get_info().revision == 2


def test_removing_the_tracked_revision_hides_it_until_refreshed(make: Any) -> None:
    harness = make(ops.CharmBase, meta=SHOP_META)
    harness.begin()
    harness.set_leader(True)
    secret = harness.charm.app.add_secret({'api-key': 'k-1'})
    secret.set_content({'api-key': 'k-2'})
    secret.remove_revision(1)
    assert harness.get_secret_revisions(secret.id) == [2]
    for read in (lambda: harness.model.get_secret(id=secret.id), secret.get_info):
        with pytest.raises(ops.SecretNotFoundError, match='tracked revision was removed'):
            read()
    assert secret.peek_content() == {'api-key': 'k-2'}
    secret.set_content({'api-key': 'k-3'})  # its owner may still add revisions
    assert harness.get_secret_revisions(secret.id) == [2, 3]
    assert secret.get_content(refresh=True) == {'api-key': 'k-3'}
    assert secret.get_info().revision == 3
    assert harness.model.get_secret(id=secret.id).get_content() == {'api-key': 'k-3'}
    secret.remove_all_revisions()
    with pytest.raises(ops.SecretNotFoundError):
        harness.model.get_secret(id=secret.id)


def test_removing_the_only_revision_removes_the_secret(make: Any) -> None:
    harness = make(ops.CharmBase, meta=SHOP_META)
    harness.begin()
    secret = harness.charm.unit.add_secret({'api-key': 'k-1'})
    secret.remove_revision(1)
    with pytest.raises(ops.SecretNotFoundError):
        secret.get_info()
    with pytest.raises(RuntimeError, match='not found'):
        harness.get_secret_revisions(secret.id)


# ---- handle_exec results checked against how exec was called --------------------------------


def test_exec_text_result_needs_an_encoding(make: Any) -> None:
    harness = _oven(make)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    harness.handle_exec('oven', ['thermometer'], result='180C')
    assert oven.exec(['thermometer']).wait_output() == ('180C', '')
    with pytest.raises(ValueError, match='must return bytes'):
        oven.exec(['thermometer'], encoding=None)
    harness.handle_exec('oven', ['thermometer'], result=b'200C')
    assert oven.exec(['thermometer'], encoding=None).wait_output() == (b'200C', b'')
    assert oven.exec(['thermometer']).wait_output() == ('200C', '')
    harness.handle_exec('oven', ['timer'], handler=lambda args: None)
    assert oven.exec(['timer'], encoding=None).wait_output() == (b'', b'')


def test_exec_combined_stderr_is_empty_and_the_handler_must_not_fill_it(make: Any) -> None:
    harness = _oven(make)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    harness.handle_exec('oven', ['bake'], result=ops.testing.ExecResult(stdout='done'))
    assert oven.exec(['bake'], combine_stderr=True).wait_output() == ('done', '')
    process = oven.exec(['bake'], combine_stderr=True)
    assert process.stderr is not None and process.stderr.read() == ''
    harness.handle_exec('oven', ['bake'], result=ops.testing.ExecResult(exit_code=3, stdout='x'))
    with pytest.raises(ops.pebble.ExecError) as exc_info:
        oven.exec(['bake'], combine_stderr=True).wait_output()
    assert (exc_info.value.stdout, exc_info.value.stderr) == ('x', '')
    harness.handle_exec(
        'oven', ['bake'], result=ops.testing.ExecResult(stdout='a', stderr='burnt')
    )
    with pytest.raises(ValueError, match='non-empty stderr'):
        oven.exec(['bake'], combine_stderr=True)
    assert oven.exec(['bake']).wait_output() == ('a', 'burnt')


def test_exec_handler_must_return_an_exec_result(make: Any) -> None:
    harness = _oven(make)
    harness.begin()
    harness.handle_exec('oven', ['bake'], handler=lambda args: 'done')  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="unexpected type: <class 'str'>"):
        harness.charm.unit.get_container('oven').exec(['bake'])


# ---- action results Juju keeps for itself ---------------------------------------------------


class _Till(ops.CharmBase):
    """Reports whatever the test puts in ``receipt`` as the results of ``print-receipt``."""

    receipt: ClassVar[dict[str, Any]] = {}

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.print_receipt_action, self._on_print)

    def _on_print(self, event: ops.ActionEvent) -> None:
        event.log('printing')
        event.set_results(self.receipt)


@pytest.mark.parametrize('key', ['stdout', 'stdout-encoding', 'stderr', 'stderr-encoding'])
def test_reserved_action_result_keys_are_a_model_error(make: Any, key: str) -> None:
    harness = make(_Till, meta='name: till', actions='print-receipt: {}')
    harness.begin()
    _Till.receipt = {'total': '9.99', key: 'paper'}
    with pytest.raises(ops.ModelError, match=f'cannot set reserved action key "{key}"'):
        harness.run_action('print-receipt')
    _Till.receipt = {key: {'lines': 3}}  # a nested value under the key is refused too
    with pytest.raises(ops.ModelError):
        harness.run_action('print-receipt')
    _Till.receipt = {f'{key}x': 'ok', f'paper.{key}': 'ok'}
    assert harness.run_action('print-receipt').results == {f'{key}x': 'ok', f'paper.{key}': 'ok'}


# ---- checks ------------------------------------------------------------------------------


def test_check_startup_is_unset_unless_the_layer_sets_it(make: Any) -> None:
    harness = _oven(make)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    oven.add_layer(
        'probes',
        {
            'checks': {
                'hot': {'override': 'replace', 'exec': {'command': 'probe'}},
                'cold': {'override': 'replace', 'startup': 'disabled', 'tcp': {'port': 8}},
                'warm': {'override': 'replace', 'startup': 'enabled', 'tcp': {'port': 9}},
            }
        },
    )
    checks = oven.get_checks()
    assert checks['hot'].startup == ops.pebble.CheckStartup.UNSET
    assert checks['hot'].status == ops.pebble.CheckStatus.UP  # unset still starts
    assert checks['cold'].startup == ops.pebble.CheckStartup.DISABLED
    assert checks['cold'].status == ops.pebble.CheckStatus.INACTIVE
    assert checks['warm'].startup == ops.pebble.CheckStartup.ENABLED
    assert oven.stop_checks('hot', 'cold', 'warm') == ['hot', 'warm']
    assert oven.start_checks('hot', 'cold') == ['hot', 'cold']
    assert oven.get_check('hot').startup == ops.pebble.CheckStartup.UNSET


def test_change_update_notice_for_an_unknown_change_is_an_api_error(make: Any) -> None:
    harness = _oven(make)
    harness.begin()
    with pytest.raises(ops.pebble.APIError, match='cannot find change'):
        harness.pebble_notify(
            'oven',
            '999',
            type=ops.pebble.NoticeType.CHANGE_UPDATE,
            data={'kind': 'perform-check', 'check-name': 'hot'},
        )


# ---- file owners ---------------------------------------------------------------------------


def _unnamed_id(table: Any) -> int:
    """An id with no name in ``table`` (``pwd.getpwuid`` or ``grp.getgrgid``)."""
    ident = 54321
    while True:
        try:
            table(ident)
        except KeyError:
            return ident
        ident += 1


def test_files_owned_by_ids_without_names_have_no_owner_names(make: Any) -> None:
    import grp
    import pwd

    harness = _oven(make)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    uid, gid = _unnamed_id(pwd.getpwuid), _unnamed_id(grp.getgrgid)
    oven.push('/recipes/bread.txt', 'flour', make_dirs=True, user_id=uid, group_id=gid)
    [info] = oven.list_files('/recipes')
    assert (info.user_id, info.user, info.group_id, info.group) == (uid, None, gid, None)
    root = pwd.getpwuid(0).pw_name
    oven.push('/recipes/cake.txt', 'sugar', user_id=0, group_id=gid)
    cake = oven.list_files('/recipes/cake.txt')[0]
    assert (cake.user_id, cake.user, cake.group) == (0, root, None)
    oven.push('/recipes/pie.txt', 'apple', user=root, group_id=gid)
    assert oven.list_files('/recipes/pie.txt')[0].user_id == 0


def test_unknown_owner_names_stay_unnamed(make: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import grp
    import pwd

    def unknown(ident: int) -> Any:
        raise KeyError(ident)

    monkeypatch.setattr(pwd, 'getpwuid', unknown)
    monkeypatch.setattr(grp, 'getgrgid', unknown)
    harness = _oven(make)
    harness.begin()
    oven = harness.charm.unit.get_container('oven')
    oven.push('/menu.txt', 'soup')
    [info] = oven.list_files('/', pattern='menu*')
    assert info.user is None and info.group is None


def test_fetching_a_resource_not_added_says_juju_did_not_find_it(make: Any) -> None:
    harness = make(
        ops.CharmBase,
        meta='name: bakery\nresources:\n  recipes:\n    type: file\n    filename: r.txt\n',
    )
    harness.begin()
    with pytest.raises(ops.ModelError) as exc_info:
        harness.model.resources.fetch('recipes')
    message = str(exc_info.value)
    assert 'units/unit-bakery-0/resources/recipes: resource#bakery/recipes not found' in message
    assert 'Harness.add_resource()' in message
