"""Typed functions for every Juju hook command.

Each function builds the command line, runs the hook tool found on ``PATH``, decodes its
``--format=json`` output into typed results, and raises :class:`Error` if the tool cannot
be run, fails, times out, or answers with something unusable. Secret content and relation
or state data never go on the command line: they travel through private temporary files
(removed afterwards) or standard input.

Every tool call is bounded by ``ops_hookcmds._runner.timeout`` seconds (300 by default).

Only the standard library is used, and importing this package is nearly free: the
submodules that implement the commands are loaded the first time one of their names is
used.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._action import action_fail, action_get, action_log, action_set
    from ._cloud import CloudCredential, CloudSpec, credential_get
    from ._goal import Goal, GoalState, goal_state
    from ._network import Address, BindAddress, Network, network_get
    from ._port import Port, close_port, open_port, opened_ports
    from ._relation import (
        RelationModel,
        relation_get,
        relation_ids,
        relation_list,
        relation_model_get,
        relation_set,
    )
    from ._runner import Error
    from ._secret import (
        SecretInfo,
        secret_add,
        secret_get,
        secret_grant,
        secret_ids,
        secret_info_get,
        secret_remove,
        secret_revoke,
        secret_set,
    )
    from ._state import state_delete, state_get, state_set
    from ._status import AppStatus, UnitStatus, status_get, status_set
    from ._storage import Storage, storage_add, storage_get, storage_list
    from ._types import SecretRotate, SettableStatusName, StatusName
    from ._unit import (
        app_version_set,
        config_get,
        is_leader,
        juju_log,
        juju_reboot,
        resource_get,
    )

# Public name -> the private module defining it.
_WHERE = {
    'action_fail': '_action',
    'action_get': '_action',
    'action_log': '_action',
    'action_set': '_action',
    'CloudCredential': '_cloud',
    'CloudSpec': '_cloud',
    'credential_get': '_cloud',
    'Goal': '_goal',
    'GoalState': '_goal',
    'goal_state': '_goal',
    'Address': '_network',
    'BindAddress': '_network',
    'Network': '_network',
    'network_get': '_network',
    'Port': '_port',
    'close_port': '_port',
    'open_port': '_port',
    'opened_ports': '_port',
    'RelationModel': '_relation',
    'relation_get': '_relation',
    'relation_ids': '_relation',
    'relation_list': '_relation',
    'relation_model_get': '_relation',
    'relation_set': '_relation',
    'Error': '_runner',
    'SecretInfo': '_secret',
    'secret_add': '_secret',
    'secret_get': '_secret',
    'secret_grant': '_secret',
    'secret_ids': '_secret',
    'secret_info_get': '_secret',
    'secret_remove': '_secret',
    'secret_revoke': '_secret',
    'secret_set': '_secret',
    'state_delete': '_state',
    'state_get': '_state',
    'state_set': '_state',
    'AppStatus': '_status',
    'UnitStatus': '_status',
    'status_get': '_status',
    'status_set': '_status',
    'Storage': '_storage',
    'storage_add': '_storage',
    'storage_get': '_storage',
    'storage_list': '_storage',
    'SecretRotate': '_types',
    'SettableStatusName': '_types',
    'StatusName': '_types',
    'app_version_set': '_unit',
    'config_get': '_unit',
    'is_leader': '_unit',
    'juju_log': '_unit',
    'juju_reboot': '_unit',
    'resource_get': '_unit',
}

__all__ = [
    'Address',
    'AppStatus',
    'BindAddress',
    'CloudCredential',
    'CloudSpec',
    'Error',
    'Goal',
    'GoalState',
    'Network',
    'Port',
    'RelationModel',
    'SecretInfo',
    'SecretRotate',
    'SettableStatusName',
    'StatusName',
    'Storage',
    'UnitStatus',
    'action_fail',
    'action_get',
    'action_log',
    'action_set',
    'app_version_set',
    'close_port',
    'config_get',
    'credential_get',
    'goal_state',
    'is_leader',
    'juju_log',
    'juju_reboot',
    'network_get',
    'open_port',
    'opened_ports',
    'relation_get',
    'relation_ids',
    'relation_list',
    'relation_model_get',
    'relation_set',
    'resource_get',
    'secret_add',
    'secret_get',
    'secret_grant',
    'secret_ids',
    'secret_info_get',
    'secret_remove',
    'secret_revoke',
    'secret_set',
    'state_delete',
    'state_get',
    'state_set',
    'status_get',
    'status_set',
    'storage_add',
    'storage_get',
    'storage_list',
]


def __getattr__(name: str) -> object:
    """Load the submodule defining ``name`` on first use (keeps ``import`` nearly free)."""
    module_name = _WHERE.get(name)
    if module_name is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    import importlib

    value = getattr(importlib.import_module(f'{__name__}.{module_name}'), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
