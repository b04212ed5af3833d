"""What ``ops_pebble`` offers its sister distributions (``ops-testing``): not for charms.

A charm or script uses :class:`ops_pebble.Client` and the public types of :mod:`ops_pebble`
(or ``ops.pebble``). The simulated Pebble of ``ops-testing`` must read and write exactly
what the client does (layers, durations, timestamps, multipart file bodies, signal names),
so it shares those helpers with the client instead of keeping copies; this module is the
one place it gets them from, so that no distribution imports a private module of
``ops_pebble`` (import-linter holds that; see ``.importlinter``).

* Layers: :func:`load_yaml_mapping`, :func:`validate_layer`, :func:`layer_to_dict`,
  :func:`combine_layers` and :func:`merge_layer_into` read, check, write and merge layers by
  Pebble's rules.
* Times: :func:`parse_timestamp` and :func:`format_timestamp` (RFC 3339, as Pebble sends
  them), :func:`parse_duration` and :func:`format_go_duration` (Go's duration strings).
* Files: :func:`multipart_boundary`, :func:`multipart_head`, :func:`multipart_tail`,
  :func:`iter_multipart`, :func:`parse_header_params` and :func:`quote_param` speak the
  multipart bodies of Pebble's file API.
* Exec: :func:`signal_name` gives the name Pebble uses for a signal.
* YAML: :func:`safe_dump` writes YAML as the client sends it.

Importing this module imports nothing else; each name's module is imported when the name is
first used. Names here keep their meaning across releases of the monorepo; anything else in
``ops_pebble`` that starts with an underscore may change at any time.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._exec import signal_name as signal_name
    from ._files import iter_multipart as iter_multipart
    from ._files import multipart_boundary as multipart_boundary
    from ._files import multipart_head as multipart_head
    from ._files import multipart_tail as multipart_tail
    from ._files import parse_header_params as parse_header_params
    from ._files import quote_param as quote_param
    from ._layer import combine_layers as combine_layers
    from ._layer import layer_to_dict as layer_to_dict
    from ._layer import load_yaml_mapping as load_yaml_mapping
    from ._layer import merge_layer_into as merge_layer_into
    from ._layer import validate_layer as validate_layer
    from ._timeconv import format_go_duration as format_go_duration
    from ._timeconv import format_timestamp as format_timestamp
    from ._timeconv import parse_duration as parse_duration
    from ._timeconv import parse_timestamp as parse_timestamp
    from ._yaml import safe_dump as safe_dump

_exports.install(globals())
