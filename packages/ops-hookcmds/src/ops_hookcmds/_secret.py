"""Secret commands: ``secret-add/-get/-set/-info-get/-ids/-grant/-revoke/-remove``."""

from __future__ import annotations

import datetime
from typing import Literal

from ._exports import publish
from ._lazy_dataclass import record
from ._runner import (
    Error,
    bad_output,
    check_no_nul,
    expect_dict,
    expect_str,
    expect_str_dict,
    expect_str_list,
    json_kind,
    output_key,
    require_key,
    run,
    run_json,
    secret_files,
)
from ._timestamp import parse_rfc3339

SecretRotate = Literal['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly']
"""How often Juju asks the owner to rotate a secret."""


def _format_expire(expire: datetime.datetime | str) -> str:
    """The ``--expire`` argument: strings verbatim, datetimes in ISO 8601 (UTC as ``Z``)."""
    if isinstance(expire, datetime.datetime):
        text = expire.isoformat()
        if expire.tzinfo == datetime.timezone.utc and text.endswith('+00:00'):
            text = text[: -len('+00:00')] + 'Z'
        return text
    if isinstance(expire, str):
        return expire
    raise TypeError(f'expire must be a datetime or str, not {type(expire).__name__}')


@record(frozen=True, kw_only=True)
class SecretInfo:
    """Metadata of a secret this charm owns (``secret-info-get``).

    Attributes:
        revision: the latest revision number.
        id: the secret's id as Juju keys it (the bare id, without ``secret:``).
        label: the owner's label (``''`` if none).
        description: the description (``''`` if none).
        expiry: when the current revision expires, if it does.
        rotation: the rotation policy, if any.
        rotates: when the next rotation is due, if scheduled.
    """

    revision: int
    id: str = ''
    label: str = ''
    description: str = ''
    expiry: datetime.datetime | None = None
    rotation: SecretRotate | None = None
    rotates: datetime.datetime | None = None


def _metadata_args(
    tool: str,
    label: str | None,
    description: str | None,
    expire: datetime.datetime | str | None,
    rotate: SecretRotate | None,
    owner: str,
) -> list[str]:
    check_no_nul(tool, 'the secret label', label)
    check_no_nul(tool, 'the secret description', description)
    args: list[str] = []
    if label is not None:
        args += ['--label', label]
    if description is not None:
        args += ['--description', description]
    if expire is not None:
        args += ['--expire', _format_expire(expire)]
    if rotate is not None:
        args += ['--rotate', rotate]
    if owner not in ('application', 'unit'):
        raise ValueError(f"secret owner must be 'application' or 'unit', not {owner!r}")
    args += ['--owner', owner]
    return args


def secret_add(
    content: dict[str, str],
    *,
    label: str | None = None,
    description: str | None = None,
    expire: datetime.datetime | str | None = None,
    rotate: SecretRotate | None = None,
    owner: Literal['application', 'unit'] = 'application',
) -> str:
    """Create a secret (``secret-add``) and return its URI.

    The content is written to private temporary files (mode 0600) that Juju reads and that
    are removed afterwards, whatever happens; it never appears on the command line.

    Args:
        content: the secret's keys and values (keys: 3+ lowercase letters, digits and single
            hyphens, starting with a letter).
        label: a label to find the secret by later.
        description: a description.
        expire: when the first revision expires: a datetime, or a string Juju understands
            (RFC 3339, or a duration such as ``24h``).
        rotate: how often Juju should ask for rotation.
        owner: ``application`` (only the leader may add) or ``unit``.

    Returns:
        The new secret's URI, such as ``secret:cjv9bnbp8lhs7cfv1p3g``.

    Raises:
        ValueError: a content key is invalid, or ``owner`` is not application/unit.
        TypeError: a content value is not a str.
        Error: Juju refused (e.g. ``this unit is not the leader``) or the tool failed.
    """
    args = _metadata_args('secret-add', label, description, expire, rotate, owner)
    with secret_files(content) as files:
        out = run('secret-add', *args, *files)
    uri = out.strip()
    if not uri:
        bad_output(['secret-add', *args], 'it printed no secret URI')
    return uri


def secret_get(
    *,
    id: str | None = None,
    label: str | None = None,
    refresh: bool = False,
    peek: bool = False,
) -> dict[str, str]:
    """Get a secret's content (``secret-get``).

    Args:
        id: the secret URI. With ``label`` as well, Juju looks the secret up by id and
            (re)sets this label on it.
        label: the label to look the secret up by.
        refresh: fetch the latest revision and start tracking it.
        peek: fetch the latest revision just this once.

    Raises:
        TypeError: neither ``id`` nor ``label`` given, or both ``refresh`` and ``peek``.
        Error: the secret is not found, permission is denied, or the tool failed. The
            error never includes the content.
    """
    if id is None and label is None:
        raise TypeError('secret_get() needs id or label (or both)')
    if refresh and peek:
        raise TypeError('secret_get() accepts refresh=True or peek=True, not both')
    check_no_nul('secret-get', 'the secret id', id)
    check_no_nul('secret-get', 'the secret label', label)
    argv = ['secret-get', '--format=json']
    if id is not None:
        argv.append(id)
    if label is not None:
        argv += ['--label', label]
    if refresh:
        argv.append('--refresh')
    if peek:
        argv.append('--peek')
    try:
        return expect_str_dict(argv, run_json(*argv), 'the secret content')
    except Error as e:
        e.stdout = ''  # the output is secret content: never keep it on the error
        raise


def secret_set(
    id: str,
    *,
    content: dict[str, str] | None = None,
    label: str | None = None,
    description: str | None = None,
    expire: datetime.datetime | str | None = None,
    rotate: SecretRotate | None = None,
    owner: Literal['application', 'unit'] = 'application',
) -> None:
    """Update a secret this charm owns (``secret-set``): new content and/or metadata.

    New content creates a new revision; it goes through temporary files as in
    :func:`secret_add`. ``--owner`` is always sent (``application`` by default).

    Raises:
        ValueError: a content key is invalid, or ``owner`` is not application/unit.
        TypeError: a content value is not a str.
        Error: the secret is not found, this unit may not update it, or the tool failed.
    """
    args = _metadata_args('secret-set', label, description, expire, rotate, owner)
    with secret_files(content or {}) as files:
        run('secret-set', *args, id, *files)


def secret_remove(id: str, *, revision: int | None = None) -> None:
    """Remove a secret, or one revision of it (``secret-remove``).

    Raises:
        Error: the secret is not found, this unit may not remove it, or the tool failed.
    """
    argv = ['secret-remove', id]
    if revision is not None:
        argv += ['--revision', str(revision)]
    run(*argv)


def secret_grant(id: str, relation_id: int, *, unit: str | None = None) -> None:
    """Let the application (or one unit) at the other end of a relation read a secret.

    Raises:
        Error: the secret or relation is not found, this unit may not grant, or the tool
            failed.
    """
    argv = ['secret-grant', '--relation', str(relation_id)]
    if unit is not None:
        argv += ['--unit', unit]
    argv.append(id)
    run(*argv)


def secret_revoke(
    id: str,
    *,
    relation_id: int | None,
    app: str | None = None,
    unit: str | None = None,
) -> None:
    """Withdraw access to a secret granted through a relation, an application or a unit.

    Raises:
        Error: the secret is not found, nothing to revoke from was given (Juju exits 2),
            this unit may not revoke, or the tool failed.
    """
    argv = ['secret-revoke']
    if relation_id is not None:
        argv += ['--relation', str(relation_id)]
    if app is not None:
        argv += ['--app', app]
    if unit is not None:
        argv += ['--unit', unit]
    argv.append(id)
    run(*argv)


def secret_ids() -> list[str]:
    """The URIs of the secrets this unit (or its application) owns (``secret-ids``).

    Raises:
        Error: the tool failed or printed something that is not a list of str.
    """
    argv = ['secret-ids', '--format=json']
    return expect_str_list(argv, run_json(*argv))


_ROTATIONS = ('never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly')


def _optional_time(argv: list[str], info: dict[str, object], key: str) -> datetime.datetime | None:
    value = info.get(key)
    if not value:
        return None
    text = expect_str(argv, value, repr(key))
    try:
        return parse_rfc3339(text)
    except ValueError:
        bad_output(argv, f'{key!r} is not an RFC 3339 timestamp')


def secret_info_get(*, id: str | None = None, label: str | None = None) -> SecretInfo:
    """Metadata of a secret this charm owns (``secret-info-get``), by id or by label.

    Timestamps may carry 0 to 9 fractional digits (Juju 4 prints nanoseconds); they are
    rounded to microseconds.

    Raises:
        TypeError: neither or both of ``id`` and ``label`` given (Juju accepts exactly one).
        Error: the secret is not found or not owned by this charm, the tool failed, or its
            output is not a single-entry object with a ``revision``.
    """
    if (id is None) == (label is None):
        raise TypeError('secret_info_get() needs exactly one of id or label')
    check_no_nul('secret-info-get', 'the secret id', id)
    check_no_nul('secret-info-get', 'the secret label', label)
    argv = ['secret-info-get', '--format=json']
    argv += [id] if id is not None else ['--label', str(label)]
    data = expect_dict(argv, run_json(*argv))
    if len(data) != 1:
        bad_output(argv, f'expected one secret, got {len(data)}')
    key, raw = next(iter(data.items()))
    info = expect_dict(argv, raw, f'the entry for {output_key(key)}')
    revision = require_key(argv, info, 'revision', f'the entry for {output_key(key)}')
    if not isinstance(revision, int) or isinstance(revision, bool):
        bad_output(argv, f"'revision' must be an integer, got {json_kind(revision)}")
    rotation = info.get('rotation') or None
    if rotation is not None and rotation not in _ROTATIONS:
        bad_output(argv, "'rotation' is not a rotation policy Juju knows")
    return SecretInfo(
        id=key,
        revision=revision,
        label=str(info.get('label') or ''),
        description=str(info.get('description') or ''),
        expiry=_optional_time(argv, info, 'expiry'),
        rotation=rotation,
        rotates=_optional_time(argv, info, 'rotates'),
    )


publish(__name__)
