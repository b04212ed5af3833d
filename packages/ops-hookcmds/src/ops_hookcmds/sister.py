"""What ``ops_hookcmds`` offers its sister distributions (``ops-core``, ``ops-pebble``, ``ops-testing``): not for charms.

A charm never needs anything here; it uses the hook commands of :mod:`ops_hookcmds` (or
``ops.hookcmds``). The other distributions of the monorepo share a few helpers that live in
this, the lowest one (standard library only), and this module is the one place they get
them from, so that no distribution imports a private module of ``ops_hookcmds``
(import-linter holds that; see ``.importlinter``).

* Records: :func:`record` and :func:`field` define classes that are dataclasses for every
  caller and every type checker, but whose methods are generated only when first used, so
  that defining many of them does not import :mod:`dataclasses` (and :mod:`inspect`) into
  every hook process.
* Timestamps: :func:`parse_rfc3339` is the one RFC 3339 parser of the monorepo (Juju's hook
  tools, ``ops.model.SecretInfo.from_dict``, Pebble's changes, notices and files).
* Hook tools: :func:`run` runs one hook tool that has no typed function here
  (``pod-spec-set``, ``add-metric``), with the same timeout, error and secrecy rules as
  every command of :mod:`ops_hookcmds`.

Importing this module imports nothing else; each name's module is imported when the name is
first used. Names here keep their meaning across releases of the monorepo; anything else in
``ops_hookcmds`` that starts with an underscore may change at any time.
"""

from typing import TYPE_CHECKING

from . import _exports

if TYPE_CHECKING:
    from ._lazy_dataclass import field as field
    from ._lazy_dataclass import record as record
    from ._runner import run as run
    from ._timestamp import parse_rfc3339 as parse_rfc3339

_exports.install(globals())
