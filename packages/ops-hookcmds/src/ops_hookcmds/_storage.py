"""Storage commands: ``storage-add``, ``storage-get``, ``storage-list``."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import expect_dict, expect_str, expect_str_list, require_key, run, run_json


@record(frozen=True, kw_only=True)
class Storage:
    """A storage instance attached to this unit (``storage-get``).

    Attributes:
        kind: ``filesystem`` or ``block``.
        location: where it is mounted (a directory) or its device path.
    """

    kind: str
    location: pathlib.Path


def storage_add(counts: Mapping[str, int]) -> None:
    """Ask Juju for more instances of storages declared in metadata (``storage-add``).

    Args:
        counts: how many instances to add, by storage name (``{'data': 2}``).

    Raises:
        TypeError: a count is not an int.
        Error: Juju rejected the request or the tool failed.
    """
    args: list[str] = []
    for name, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f'storage count must be an int, got {count!r} for {name!r}')
        args.append(f'{name}={count}')
    run('storage-add', *args)


def storage_get(id: str | None = None) -> Storage:
    """Details of a storage instance (``storage-get``).

    Args:
        id: the instance, such as ``data/0``; None means the one of the current storage hook.

    Raises:
        Error: the instance is unknown, the tool failed, or its output lacks ``kind`` or
            ``location``.
    """
    argv = ['storage-get', '--format=json']
    if id is not None:
        argv += ['-s', id]
    data = expect_dict(argv, run_json(*argv))
    kind = expect_str(argv, require_key(argv, data, 'kind'), "'kind'")
    location = expect_str(argv, require_key(argv, data, 'location'), "'location'")
    return Storage(kind=kind, location=pathlib.Path(location))


def storage_list(name: str | None = None) -> list[str]:
    """Ids of the storage instances attached to this unit (``storage-list``).

    Args:
        name: only instances of this storage name.

    Returns:
        Ids such as ``['data/0', 'data/1']``.

    Raises:
        Error: the tool failed or printed something that is not a list of str.
    """
    argv = ['storage-list', '--format=json']
    if name is not None:
        argv.append(name)
    return expect_str_list(argv, run_json(*argv))


publish(__name__)
