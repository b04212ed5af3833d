"""Relation commands: ``relation-get/-set/-ids/-list/-model-get``."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import (
    expect_dict,
    expect_str,
    expect_str_dict,
    expect_str_list,
    relation_flag,
    require_key,
    run,
    run_json,
)


@record(frozen=True, kw_only=True)
class RelationModel:
    """The model on the other side of a relation (``relation-model-get``).

    Attributes:
        uuid: the remote model's UUID (this model's own UUID for a same-model relation).
    """

    uuid: str


def relation_get(
    id: int | None = None,
    *,
    endpoint: str | None = None,
    key: str | None = None,
    unit: str | None = None,
    app: bool = False,
) -> dict[str, str] | str:
    """Read a relation databag (``relation-get``).

    Args:
        id: the relation id; None means the relation of the current relation hook.
        endpoint: the relation's endpoint name; when given with ``id``, Juju also checks
            that the id belongs to that endpoint.
        key: one key to read; None reads the whole databag.
        unit: whose databag: a unit name, or with ``app=True`` an application name. None
            means the remote unit (or application) of the current relation hook.
        app: read the application databag instead of a unit's.

    Returns:
        The whole databag as a dict of str, or the value of ``key`` (``''`` if unset).

    Raises:
        ValueError: ``key`` is ``'-'`` (pass None to read every key).
        TypeError: ``endpoint`` without ``id``.
        Error: the relation or unit is unknown (Juju exits 2 with ``relation not found``),
            the unit may not read that databag, or the tool failed.
    """
    if key == '-':
        raise ValueError("relation_get(key='-') is not supported; pass key=None to read every key")
    argv = ['relation-get', '--format=json', *relation_flag(id, endpoint)]
    if app:
        argv.append('--app')
    if key is not None and unit is not None:
        argv += [key, unit]
    elif unit is not None:
        argv += ['-', unit]
    elif key is not None:
        argv.append(key)
    result = run_json(*argv)
    if key is None:
        return expect_str_dict(argv, result, 'the relation data')
    if result is None:
        return ''
    return expect_str(argv, result, f'the value of {key!r}')


def relation_set(
    data: Mapping[str, str],
    id: int | None = None,
    *,
    endpoint: str | None = None,
    app: bool = False,
) -> None:
    """Update a databag of this unit or, as leader, of this application (``relation-set``).

    Only the given keys change; a value of ``''`` deletes the key. The data is sent as JSON
    on the tool's standard input, never on the command line, so it is not size-limited by
    the OS and never appears in errors.

    Args:
        data: keys and string values to set.
        id: the relation id; None means the relation of the current relation hook.
        endpoint: the relation's endpoint name (checked by Juju against ``id``).
        app: write the application databag (only the leader may).

    Raises:
        TypeError: a key or value is not a str, or ``endpoint`` without ``id``.
        Error: the relation is unknown, the unit may not write (``cannot write relation
            settings``), or the tool failed.
    """
    for k, v in data.items():
        if not isinstance(k, str):
            raise TypeError(f'relation data keys must be str, got {type(k).__name__}: {k!r}')
        if not isinstance(v, str):
            raise TypeError(
                f'relation data values must be str, got {type(v).__name__} for key {k!r}'
            )
    argv = ['relation-set', *relation_flag(id, endpoint)]
    if app:
        argv.append('--app')
    argv += ['--file', '-']
    run(*argv, input=json.dumps(dict(data)))


def relation_ids(name: str) -> list[str]:
    """The ids of the relations established on an endpoint (``relation-ids``).

    Args:
        name: the endpoint name, such as ``db``.

    Returns:
        Relation references like ``['db:3', 'db:7']`` (empty if none).

    Raises:
        Error: the tool failed or printed something that is not a list of str.
    """
    argv = ['relation-ids', name, '--format=json']
    return expect_str_list(argv, run_json(*argv))


def relation_list(
    id: int | None = None, *, endpoint: str | None = None, app: bool = False
) -> str | list[str]:
    """The remote units of a relation, or its remote application (``relation-list``).

    Args:
        id: the relation id; None means the relation of the current relation hook.
        endpoint: the relation's endpoint name (checked by Juju against ``id``).
        app: return the remote application's name instead of the unit names.

    Returns:
        The remote unit names (excluding a departing unit), or with ``app=True`` the remote
        application name.

    Raises:
        Error: the relation is unknown, or the tool failed or answered unexpectedly.
    """
    argv = ['relation-list', '--format=json']
    if app:
        argv.append('--app')
    argv += relation_flag(id, endpoint)
    result = run_json(*argv)
    if app:
        return expect_str(argv, result, 'the remote application name')
    return expect_str_list(argv, result, 'the unit list')


def relation_model_get(id: int | None = None, *, endpoint: str | None = None) -> RelationModel:
    """Which model the other side of a relation is in (``relation-model-get``, Juju 3.6.2+).

    Raises:
        Error: the relation is unknown, the tool is missing (older Juju) or failed, or its
            output has no ``uuid``.
    """
    argv = ['relation-model-get', '--format=json', *relation_flag(id, endpoint)]
    data = expect_dict(argv, run_json(*argv))
    return RelationModel(uuid=expect_str(argv, require_key(argv, data, 'uuid'), "'uuid'"))


publish(__name__)
