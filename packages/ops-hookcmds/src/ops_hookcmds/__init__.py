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

from . import _exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._action import (
        action_fail as action_fail,
    )
    from ._action import (
        action_get as action_get,
    )
    from ._action import (
        action_log as action_log,
    )
    from ._action import (
        action_set as action_set,
    )
    from ._app_version import (
        app_version_set as app_version_set,
    )
    from ._cloud import (
        CloudCredential as CloudCredential,
    )
    from ._cloud import (
        CloudSpec as CloudSpec,
    )
    from ._cloud import (
        credential_get as credential_get,
    )
    from ._config import (
        config_get as config_get,
    )
    from ._goal import (
        Goal as Goal,
    )
    from ._goal import (
        GoalState as GoalState,
    )
    from ._goal import (
        goal_state as goal_state,
    )
    from ._leadership import (
        is_leader as is_leader,
    )
    from ._log import (
        juju_log as juju_log,
    )
    from ._network import (
        Address as Address,
    )
    from ._network import (
        BindAddress as BindAddress,
    )
    from ._network import (
        Network as Network,
    )
    from ._network import (
        network_get as network_get,
    )
    from ._port import (
        Port as Port,
    )
    from ._port import (
        close_port as close_port,
    )
    from ._port import (
        open_port as open_port,
    )
    from ._port import (
        opened_ports as opened_ports,
    )
    from ._reboot import (
        juju_reboot as juju_reboot,
    )
    from ._relation import (
        RelationModel as RelationModel,
    )
    from ._relation import (
        relation_get as relation_get,
    )
    from ._relation import (
        relation_ids as relation_ids,
    )
    from ._relation import (
        relation_list as relation_list,
    )
    from ._relation import (
        relation_model_get as relation_model_get,
    )
    from ._relation import (
        relation_set as relation_set,
    )
    from ._resource import (
        resource_get as resource_get,
    )
    from ._runner import (
        Error as Error,
    )
    from ._secret import (
        SecretInfo as SecretInfo,
    )
    from ._secret import (
        SecretRotate as SecretRotate,
    )
    from ._secret import (
        secret_add as secret_add,
    )
    from ._secret import (
        secret_get as secret_get,
    )
    from ._secret import (
        secret_grant as secret_grant,
    )
    from ._secret import (
        secret_ids as secret_ids,
    )
    from ._secret import (
        secret_info_get as secret_info_get,
    )
    from ._secret import (
        secret_remove as secret_remove,
    )
    from ._secret import (
        secret_revoke as secret_revoke,
    )
    from ._secret import (
        secret_set as secret_set,
    )
    from ._state import (
        state_delete as state_delete,
    )
    from ._state import (
        state_get as state_get,
    )
    from ._state import (
        state_set as state_set,
    )
    from ._status import (
        AppStatus as AppStatus,
    )
    from ._status import (
        SettableStatusName as SettableStatusName,
    )
    from ._status import (
        StatusName as StatusName,
    )
    from ._status import (
        UnitStatus as UnitStatus,
    )
    from ._status import (
        status_get as status_get,
    )
    from ._status import (
        status_set as status_set,
    )
    from ._storage import (
        Storage as Storage,
    )
    from ._storage import (
        storage_add as storage_add,
    )
    from ._storage import (
        storage_get as storage_get,
    )
    from ._storage import (
        storage_list as storage_list,
    )

_exports.install(globals())
