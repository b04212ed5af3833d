"""A stand-alone client for the Pebble service manager's HTTP API.

:class:`Client` talks to Pebble over its unix socket; :class:`Layer`, :class:`Plan` and the
info types model what Pebble returns. No charm or framework is needed to use it::

    import ops_pebble

    client = ops_pebble.Client('/charm/containers/app/pebble.socket')
    client.add_layer('app', {'services': {'app': {'override': 'replace', 'command': 'app'}}})
    client.replan_services()
    print(client.pull('/etc/app.conf').read())

Run ``python -m ops_pebble --help`` for the command-line client.
"""

from ._changes import (
    Change,
    ChangeID,
    ChangeKind,
    ChangeState,
    ChangeStatus,
    SystemInfo,
    Task,
    TaskID,
    TaskProgress,
    Warning,
    WarningState,
)
from ._checks import CheckInfo, CheckLevel, CheckStartup, CheckStatus
from ._client import Client
from ._errors import (
    APIError,
    ChangeError,
    ConnectionError,
    Error,
    ExecError,
    PathError,
    ProtocolError,
    TimeoutError,
)
from ._exec import ExecProcess
from ._files import FileInfo, FileType
from ._identities import (
    BasicIdentity,
    BasicIdentityDict,
    Identity,
    IdentityAccess,
    IdentityDict,
    LocalIdentity,
    LocalIdentityDict,
)
from ._layer import (
    Check,
    CheckDict,
    ExecDict,
    HttpDict,
    Layer,
    LayerDict,
    LogTarget,
    LogTargetDict,
    Plan,
    PlanDict,
    Service,
    ServiceDict,
    TcpDict,
)
from ._notices import Notice, NoticesUsers, NoticeType
from ._services import ServiceInfo, ServiceStartup, ServiceStatus

__all__ = [
    'APIError',
    'BasicIdentity',
    'BasicIdentityDict',
    'Change',
    'ChangeError',
    'ChangeID',
    'ChangeKind',
    'ChangeState',
    'ChangeStatus',
    'Check',
    'CheckDict',
    'CheckInfo',
    'CheckLevel',
    'CheckStartup',
    'CheckStatus',
    'Client',
    'ConnectionError',
    'Error',
    'ExecDict',
    'ExecError',
    'ExecProcess',
    'FileInfo',
    'FileType',
    'HttpDict',
    'Identity',
    'IdentityAccess',
    'IdentityDict',
    'Layer',
    'LayerDict',
    'LocalIdentity',
    'LocalIdentityDict',
    'LogTarget',
    'LogTargetDict',
    'Notice',
    'NoticeType',
    'NoticesUsers',
    'PathError',
    'Plan',
    'PlanDict',
    'ProtocolError',
    'Service',
    'ServiceDict',
    'ServiceInfo',
    'ServiceStartup',
    'ServiceStatus',
    'SystemInfo',
    'Task',
    'TaskID',
    'TaskProgress',
    'TcpDict',
    'TimeoutError',
    'Warning',
    'WarningState',
]
