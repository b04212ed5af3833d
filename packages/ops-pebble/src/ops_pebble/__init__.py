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

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._changes import (
        Change as Change,
    )
    from ._changes import (
        ChangeID as ChangeID,
    )
    from ._changes import (
        ChangeKind as ChangeKind,
    )
    from ._changes import (
        ChangeState as ChangeState,
    )
    from ._changes import (
        ChangeStatus as ChangeStatus,
    )
    from ._changes import (
        SystemInfo as SystemInfo,
    )
    from ._changes import (
        Task as Task,
    )
    from ._changes import (
        TaskID as TaskID,
    )
    from ._changes import (
        TaskProgress as TaskProgress,
    )
    from ._changes import (
        Warning as Warning,
    )
    from ._changes import (
        WarningState as WarningState,
    )
    from ._checks import (
        CheckInfo as CheckInfo,
    )
    from ._checks import (
        CheckLevel as CheckLevel,
    )
    from ._checks import (
        CheckStartup as CheckStartup,
    )
    from ._checks import (
        CheckStatus as CheckStatus,
    )
    from ._client import Client as Client
    from ._errors import (
        APIError as APIError,
    )
    from ._errors import (
        ChangeError as ChangeError,
    )
    from ._errors import (
        ConnectionError as ConnectionError,
    )
    from ._errors import (
        Error as Error,
    )
    from ._errors import (
        ExecError as ExecError,
    )
    from ._errors import (
        PathError as PathError,
    )
    from ._errors import (
        ProtocolError as ProtocolError,
    )
    from ._errors import (
        TimeoutError as TimeoutError,
    )
    from ._exec import ExecProcess as ExecProcess
    from ._files import (
        FileInfo as FileInfo,
    )
    from ._files import (
        FileType as FileType,
    )
    from ._identities import (
        BasicIdentity as BasicIdentity,
    )
    from ._identities import (
        BasicIdentityDict as BasicIdentityDict,
    )
    from ._identities import (
        Identity as Identity,
    )
    from ._identities import (
        IdentityAccess as IdentityAccess,
    )
    from ._identities import (
        IdentityDict as IdentityDict,
    )
    from ._identities import (
        LocalIdentity as LocalIdentity,
    )
    from ._identities import (
        LocalIdentityDict as LocalIdentityDict,
    )
    from ._layer import (
        Check as Check,
    )
    from ._layer import (
        CheckDict as CheckDict,
    )
    from ._layer import (
        ExecDict as ExecDict,
    )
    from ._layer import (
        HttpDict as HttpDict,
    )
    from ._layer import (
        Layer as Layer,
    )
    from ._layer import (
        LayerDict as LayerDict,
    )
    from ._layer import (
        LogTarget as LogTarget,
    )
    from ._layer import (
        LogTargetDict as LogTargetDict,
    )
    from ._layer import (
        Plan as Plan,
    )
    from ._layer import (
        PlanDict as PlanDict,
    )
    from ._layer import (
        Service as Service,
    )
    from ._layer import (
        ServiceDict as ServiceDict,
    )
    from ._layer import (
        TcpDict as TcpDict,
    )
    from ._notices import (
        Notice as Notice,
    )
    from ._notices import (
        NoticesUsers as NoticesUsers,
    )
    from ._notices import (
        NoticeType as NoticeType,
    )
    from ._services import (
        ServiceInfo as ServiceInfo,
    )
    from ._services import (
        ServiceStartup as ServiceStartup,
    )
    from ._services import (
        ServiceStatus as ServiceStatus,
    )

_exports.install(globals())
