"""The one simulated Pebble of the repository (DESIGN.md, second seam).

One state, one request handler, two ways to reach it:

* :class:`PebbleModel` -- the Pebble state of one container;
* :class:`PebbleAPI` -- the one request handler: Pebble's API over a model, requests and
  answers as plain data (``ops39_errors=True`` answers as ops 3.9's testing Pebble where it
  differed from the daemon, as ``Context`` and ``Harness`` want);
* :class:`InProcessTransport` -- an :class:`ops_pebble.Client` transport handing requests to
  a :class:`PebbleAPI` in-process: no JSON, no socket; ``exec`` runs the model's exec
  handlers (what ``Context`` and ``Harness`` give their containers' clients);
* :class:`PebbleServer` -- the same handler behind HTTP on a real unix socket (for
  end-to-end tests of :class:`ops_pebble.Client`), with multipart files, websocket exec of
  real processes and fault injection.

Creating a container model and getting a client::

    model = PebbleModel('/tmp/ctx/containers/app', name='app')   # files live under this root
    client = in_process_client(PebbleAPI(model))                 # an ops_pebble.Client

Layers and the plan (parsing and override rules are ``ops_pebble``'s)::

    model.add_layer('base', {'services': {'web': {'override': 'replace', 'command': 'web'}}})
    model.add_layer('base', more, combine=True)    # combine into the same label
    model.plan()                                   # ops_pebble.Plan, items sorted by name
    model.base_plan = {...}                        # a plan underneath every layer (rock)

Services::

    model.set_service_status('web', ops_pebble.ServiceStatus.ACTIVE)
    model.service_infos()                          # [ServiceInfo], startup from the plan
    model.service_change('replan', [])             # what start/stop/restart/replan do

Checks (created from the plan's checks when a layer is added)::

    model.set_check('ready', status='down', failures=3, threshold=3, level='ready')
    model.record_check_result('ready', ok=False)   # one failed run, with Pebble's changes
    model.check_infos()                            # API dicts; CheckInfo.from_dict them

Notices::

    notice_id, repeated = model.add_notice('custom', 'example.com/a', data={'k': 'v'})
    model.put_notice(ops_pebble.Notice(...))       # store a complete notice as given
    model.record_change_updates = True             # a change-update notice per finished change
                                                   # (off by default; PebbleServer turns it on)

Exec (longest prefix wins, the empty prefix matches everything)::

    model.add_exec_handler(['ls'], exit_code=0, stdout='a\\nb\\n')
    model.add_exec_handler(['git'], handler=lambda req: ExecOutcome(stdout=req.command[1]))
    model.unmatched_exec = lambda command: SomeError(...)   # what an unmatched command raises
    model.exec_history                             # [ExecRequest(command, environment, ...)]

In-process, ``exec`` runs handlers; the HTTP server runs real processes (with the
container root as working directory) and records them in the history too.

Identities, logs, connectivity::

    model.update_identities('replace', {'bob': {'access': 'read', 'local': {'user-id': 42}}})
    model.add_log('web', 'started')
    model.can_connect = False                      # every client call raises ConnectionError
    model.connect_error_message = '...'            # with this message

Files: ``model.fs`` (:class:`FileSystem`) maps container paths into the root; ``..`` never
escapes it. ``model.fs.host_path('/etc/x')`` gives the host path; ``model.fs.wipe()`` empties.
With ``PebbleModel(root, in_memory_files=True)`` (what the Harness uses) the files live in
memory until something asks for ``model.fs.root`` or a host path; then they are written out
under the root, and from then on the directory is the only copy.

Serving it over a socket::

    with PebbleServer(model, '/tmp/x/pebble.socket') as server:
        ops_pebble.Client(server.socket_path).get_services()
        server.inject_fault('malformed-json', path='/v1/services')
        server.restart()
"""

from typing import TYPE_CHECKING, Any

from ._api import PebbleAPI
from ._errors import api_error
from ._exec_sim import InMemoryExecProcess
from ._fs import FileSystem
from ._inprocess import InProcessTransport, in_process_client
from ._model import ExecHandler, ExecOutcome, ExecRequest, PebbleModel

if TYPE_CHECKING:
    from ._server import FAULTS, PebbleServer


def __getattr__(name: str) -> Any:
    # The HTTP server (http.server, and with it http.client, ssl, email, socketserver) is
    # for end-to-end client tests only: Context and Harness never need it.
    if name in ('FAULTS', 'PebbleServer'):
        from . import _server

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__all__ = [
    'FAULTS',
    'ExecHandler',
    'ExecOutcome',
    'ExecRequest',
    'FileSystem',
    'InMemoryExecProcess',
    'InProcessTransport',
    'PebbleAPI',
    'PebbleModel',
    'PebbleServer',
    'api_error',
    'in_process_client',
]
