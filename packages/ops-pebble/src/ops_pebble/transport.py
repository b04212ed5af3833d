"""How a :class:`~ops_pebble.Client` reaches Pebble: the injectable transport.

A client sends every call through one transport. By default that is
:class:`SocketTransport`: HTTP/1.1 over Pebble's unix socket, JSON bodies, multipart file
transfers and websocket exec. Give the client another transport to put something else
behind the same methods (as httpx's ``MockTransport`` or the Go client's ``Requester``
do), for example a simulated Pebble answering in-process::

    client = ops_pebble.Client('', transport=my_transport)

A transport passes plain data: a request is a method, a path, query parameters and a body
as Python values; the answer is Pebble's response envelope as a dict. Encoding (JSON,
multipart, websockets) is the transport's business, so an in-process transport does none.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._transport import SocketTransport as SocketTransport
    from ._transport_api import ExecOptions as ExecOptions
    from ._transport_api import Transport as Transport

_exports.install(globals())
