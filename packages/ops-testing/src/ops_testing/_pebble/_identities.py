"""Identities as the real Pebble stores and checks them (``POST /v1/identities``).

The rules and messages are Pebble's: each identity is decoded and validated first (name,
access, at least one of ``local``, ``basic``, ``cert``), then the action is applied to a
copy of the stored set, which must not give one user ID to two identities.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._errors import api_error

_NAME = re.compile(r'[a-zA-Z][a-zA-Z0-9_\-]*')
_ACCESS = ('admin', 'read', 'metrics', 'untrusted')
_ACTIONS = '"add", "update", "replace", or "remove"'
_PEM = re.compile(
    r'-----BEGIN ([A-Z0-9 ]+)-----\r?\n(?P<body>.*?)\r?\n?-----END \1-----[ \t]*(\r?\n)?', re.S
)
_JSON_TYPES = {str: 'string', int: 'number', float: 'number', bool: 'bool', list: 'array'}


def _decoded(name: str, value: Any) -> dict[str, Any] | None:
    """One identity of the request as Pebble stores it (unknown keys dropped)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        kind = _JSON_TYPES.get(type(value), 'value')
        raise api_error(
            400,
            f'cannot decode request body: json: cannot unmarshal {kind} into Go struct field '
            '.identities of type daemon.apiIdentity',
        )
    identity: dict[str, Any] = {'access': value.get('access') or ''}
    problem = _problem(name, value, identity)
    if problem:
        raise api_error(400, f'invalid identity for "{name}": {problem}')
    return identity


def _problem(name: str, value: Mapping[str, Any], identity: dict[str, Any]) -> str | None:
    local, basic, cert = value.get('local'), value.get('basic'), value.get('cert')
    if isinstance(local, Mapping):
        if local.get('user-id') is None:
            return 'local identity must specify user-id'
        identity['local'] = {'user-id': local['user-id']}
    if isinstance(basic, Mapping):
        identity['basic'] = {'password': basic.get('password') or ''}
    if isinstance(cert, Mapping):
        pem = str(cert.get('pem') or '')
        match = _PEM.search(pem)
        if match is None:
            return 'cert identity must include a PEM-encoded certificate'
        if pem[match.end() :].strip():
            return 'cert identity cannot have extra data after the PEM block'
        import base64
        import binascii

        try:
            der = base64.b64decode(''.join(match.group('body').split()), validate=True)
        except (binascii.Error, ValueError):
            return 'cert identity must include a PEM-encoded certificate'
        if match.group(1) != 'CERTIFICATE' or not der.startswith(b'\x30'):
            return 'cannot parse certificate from cert identity: x509: malformed certificate'
        identity['cert'] = {'pem': pem}
    if not _NAME.fullmatch(name):
        # Pebble names the identity's (not yet set) Name field here, which is empty.
        return (
            'identity name "" invalid: must start with an alphabetic character and '
            'only contain alphanumeric characters, underscore, and hyphen'
        )
    access = identity['access']
    if not access:
        return 'access value must be specified ("admin", "read", "metrics", or "untrusted")'
    if access not in _ACCESS:
        return (
            f'invalid access value "{access}", must be "admin", "read", "metrics", or "untrusted"'
        )
    if 'basic' in identity and not identity['basic']['password']:
        return 'basic identity must specify password (hashed)'
    if not any(k in identity for k in ('local', 'basic', 'cert')):
        return 'identity must have at least one type ("local", "basic", or "cert")'
    return None


def apply_identities(
    stored: dict[str, dict[str, Any]], action: str, identities: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The identities after ``action``; ``stored`` is left as it was.

    Raises:
        APIError: 400 with Pebble's message for anything Pebble refuses.
    """
    decoded = {name: _decoded(name, value) for name, value in identities.items()}
    new = dict(stored)
    if action in ('add', 'update'):
        for name, identity in decoded.items():
            if identity is None:
                raise api_error(
                    400, f'identity value for "{name}" must not be null for {action} operation'
                )
        if action == 'add':
            clash = sorted(n for n in decoded if n in stored)
            if clash:
                raise api_error(400, f'identities already exist: {", ".join(clash)}')
        else:
            missing = sorted(n for n in decoded if n not in stored)
            if missing:
                raise api_error(400, f'identities do not exist: {", ".join(missing)}')
        new.update({n: i for n, i in decoded.items() if i is not None})
    elif action == 'replace':
        for name, identity in decoded.items():
            if identity is None:
                new.pop(name, None)
            else:
                new[name] = identity
    elif action == 'remove':
        for name, identity in decoded.items():
            if identity is not None:
                raise api_error(
                    400, f'identity value for "{name}" must be null for remove operation'
                )
        missing = sorted(n for n in decoded if n not in stored)
        if missing:
            raise api_error(400, f'identities do not exist: {", ".join(missing)}')
        for name in decoded:
            new.pop(name, None)
        return new
    else:
        raise api_error(400, f'invalid action "{action}", must be {_ACTIONS}')
    _check_unique_user_ids(new)
    return new


def _check_unique_user_ids(identities: Mapping[str, Mapping[str, Any]]) -> None:
    by_uid: dict[Any, list[str]] = {}
    for name, identity in identities.items():
        local = identity.get('local')
        if local is not None:
            by_uid.setdefault(local.get('user-id'), []).append(name)
    for uid, names in by_uid.items():
        if len(names) > 1:
            raise api_error(
                400,
                f'cannot have multiple identities with user ID {uid} ({", ".join(sorted(names))})',
            )


def public_identity(identity: Mapping[str, Any]) -> dict[str, Any]:
    """An identity as ``GET /v1/identities`` shows it (secrets as ``*****``)."""
    shown = dict(identity)
    if 'basic' in shown:
        shown['basic'] = {'password': '*****'}
    if 'cert' in shown:
        shown['cert'] = {'pem': '*****'}
    return shown
