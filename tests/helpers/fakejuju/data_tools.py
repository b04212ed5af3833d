"""The fake hook tools for relations and secrets.

Each tool resolves its arguments the way Juju's does (``-r db:3``, the hook's relation and
remote unit from the environment, a secret by URI or label), acts through the one backend
the charm's model uses too, and prints what Juju prints.
"""

from __future__ import annotations

import json
from typing import Any

from ops_core.model import RelationNotFoundError, SecretNotFoundError, SecretRotate
from ops_testing._state._secrets import Secret

from .argv import ToolError, emit, usage_error
from .call import (
    ToolCall,
    format_time,
    juju_errors,
    one_positional,
    parse_time,
    read_content_args,
    read_settings,
)

__all__ = ['DATA_TOOLS']

# ---- relations ---------------------------------------------------------------------------


def relation_get(call: ToolCall) -> str:
    relation = call.relation(call.flags.get('relation'))
    juju = call.juju
    args = call.args
    if len(args) > 2:
        raise usage_error(f'unrecognized args: {json.dumps(args[2:])}')
    key = args[0] if args else '-'
    is_app = bool(call.flags.get('app'))
    if len(args) > 1:
        member = args[1]
    elif is_app:
        member = call.env.get('JUJU_REMOTE_APP') or juju.relations.remote_app(relation)
    else:
        member = call.env.get('JUJU_REMOTE_UNIT') or ''
        if not member:
            raise usage_error('no unit id specified')
    try:
        with juju_errors():
            data = call.backend.relation_get(relation.endpoint, relation.id, member, is_app)
    except RelationNotFoundError:
        if is_app:
            raise ToolError(
                f'cannot read application settings: application "{member}" not found'
            ) from None
        raise ToolError(
            f'cannot read settings for unit "{member}" in relation '
            f'"{relation.endpoint}:{relation.id}": unit "{member}" not found'
        ) from None
    if key == '-':
        return emit(call.flags, data)
    return emit(call.flags, data.get(key))


def relation_ids(call: ToolCall) -> str:
    name = one_positional(call.args, 'endpoint', required=False) or call.env.get('JUJU_RELATION')
    if not name:
        raise usage_error('no endpoint name specified')
    return emit(call.flags, [f'{name}:{i}' for i in call.backend.relation_ids(name)])


def relation_list(call: ToolCall) -> str:
    relation = call.relation(call.flags.get('relation'))
    if call.args:
        raise usage_error(f'unrecognized args: {json.dumps(call.args)}')
    if call.flags.get('app'):
        return emit(call.flags, call.juju.relations.remote_app(relation))
    departing = call.env.get('JUJU_DEPARTING_UNIT')
    units = call.backend.relation_list(relation.endpoint, relation.id)
    return emit(call.flags, [u for u in units if u != departing])


def relation_model_get(call: ToolCall) -> str:
    relation = call.relation(call.flags.get('relation'))
    with juju_errors():
        uuid = call.backend.relation_model_get(relation.endpoint, relation.id)
    return emit(call.flags, {'uuid': uuid})


def relation_set(call: ToolCall) -> str:
    relation = call.relation(call.flags.get('relation'))
    updates = read_settings(call)
    data = {str(k): '' if v is None else str(v) for k, v in updates.items()}
    if data:
        with juju_errors():
            call.backend.relation_set(
                relation.endpoint, relation.id, data, bool(call.flags.get('app'))
            )
    return ''


# ---- secrets -----------------------------------------------------------------------------

_ROTATE_POLICIES = tuple(policy.value for policy in SecretRotate)


def _bare(secret_id: str) -> str:
    return secret_id.rstrip('/').rsplit('/', 1)[-1].rsplit(':', 1)[-1]


def _secret(call: ToolCall, ref: str | None, label: str | None) -> Secret:
    secrets = call.juju.secrets
    secret = secrets.by_id(ref) if ref is not None else None
    if ref is None and label is not None:
        secret = secrets.by_label(label)
    if secret is None:
        raise ToolError(f'secret "{ref if ref is not None else label}" not found')
    return secret


def _rotate(call: ToolCall) -> SecretRotate | None:
    rotate = call.flags.get('rotate')
    if rotate is None:
        return None
    if rotate not in _ROTATE_POLICIES:
        raise usage_error(f'invalid rotate policy "{rotate}"')
    return SecretRotate(rotate)


def _stdin(call: ToolCall) -> str:
    return call.stdin or ''


def secret_add(call: ToolCall) -> str:
    owner = call.flags.get('owner', 'application')
    if owner not in ('application', 'unit'):
        raise usage_error(f'owner must be "application" or "unit", got "{owner}"')
    content = read_content_args(call.args, call.flags.get('file'), lambda: _stdin(call))
    if not content:
        raise usage_error('missing secret value')
    expire = call.flags.get('expire')
    with juju_errors():
        secret_id = call.backend.secret_add(
            content,
            label=call.flags.get('label'),
            description=call.flags.get('description'),
            expire=parse_time(expire, '--expire') if expire is not None else None,
            rotate=_rotate(call),
            owner=owner,
        )
    return f'secret:{_bare(secret_id)}\n'


def secret_get(call: ToolCall) -> str:
    ref = one_positional(call.args, 'secret URI', required=False)
    label = call.flags.get('label')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    peek, refresh = bool(call.flags.get('peek')), bool(call.flags.get('refresh'))
    if peek and refresh:
        raise usage_error('specify one of --peek or --refresh but not both')
    secret = _secret(call, ref, label)
    try:
        content = call.backend.secret_get(
            id=secret.id if ref is not None else None, label=label, refresh=refresh, peek=peek
        )
    except SecretNotFoundError:
        raise ToolError('permission denied') from None
    return emit(call.flags, content)


def _relation_id(call: ToolCall, required: bool) -> int | None:
    ref = call.flags.get('relation')
    if ref is None:
        if required:
            raise usage_error('missing relation or application')
        return None
    return call.relation(ref, '--relation').id


def secret_grant(call: ToolCall) -> str:
    ref = one_positional(call.args, 'secret URI')
    relation_id = _relation_id(call, True)
    assert relation_id is not None
    secret = _secret(call, ref, None)
    with juju_errors():
        call.backend.secret_grant(secret.id, relation_id, unit=call.flags.get('unit'))
    return ''


def secret_revoke(call: ToolCall) -> str:
    ref = one_positional(call.args, 'secret URI')
    relation_id = _relation_id(call, False)
    app, unit = call.flags.get('app'), call.flags.get('unit')
    if relation_id is None and app is None and unit is None:
        raise usage_error('missing relation or application')
    secret = _secret(call, ref, None)
    relations = call.juju.relations
    if relation_id is not None:
        targets = [relation_id]
    else:  # every relation with the application (of the unit)
        remote = app or str(unit).split('/')[0]
        targets = [r.id for r in relations if relations.remote_app(r) == remote]
    with juju_errors():
        for target in targets:
            call.backend.secret_revoke(secret.id, target, unit=unit)
    return ''


def secret_ids(call: ToolCall) -> str:
    return emit(call.flags, [f'secret:{_bare(i)}' for i in call.backend.secret_ids()])


def secret_info_get(call: ToolCall) -> str:
    ref = one_positional(call.args, 'secret URI', required=False)
    label = call.flags.get('label')
    if ref is not None and label is not None:
        raise usage_error('specify either a secret URI or label but not both')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    secret = _secret(call, ref, label)
    try:
        info = call.backend.secret_info_get(id=secret.id, label=None)
    except Exception:  # not ours, or not ours to manage: Juju says it is not found
        raise ToolError(f'secret "{ref if ref is not None else label}" not found') from None
    major = call.juju.feature_version[0] if call.juju.feature_version else 3
    out: dict[str, Any] = {
        'revision': info.revision,
        'label': info.label or '',
        'owner': 'application' if secret.owner == 'app' else 'unit',
    }
    if info.description:
        out['description'] = info.description
    if info.rotation is not None:
        out['rotation'] = info.rotation.value
    if info.expires is not None:
        out['expiry'] = format_time(info.expires, major)
    if info.rotates is not None:
        out['rotates'] = format_time(info.rotates, major)
    return emit(call.flags, {_bare(secret.id): out})


def secret_remove(call: ToolCall) -> str:
    ref = one_positional(call.args, 'secret URI')
    secret = _secret(call, ref, None)
    revision = None
    if 'revision' in call.flags:
        try:
            revision = int(call.flags['revision'])
        except ValueError:
            raise usage_error(
                f'invalid value "{call.flags["revision"]}" for flag --revision'
            ) from None
        record = call.juju.secrets.record_for(secret)
        if revision not in record.revisions:
            raise ToolError(f'secret revision {revision} for "{_bare(secret.id)}" not found')
    with juju_errors():
        call.backend.secret_remove(secret.id, revision=revision)
    return ''


def secret_set(call: ToolCall) -> str:
    if not call.args:
        raise usage_error('missing secret URI')
    secret = _secret(call, call.args[0], None)
    content = read_content_args(call.args[1:], call.flags.get('file'), lambda: _stdin(call))
    expire = call.flags.get('expire')
    with juju_errors():
        call.backend.secret_set(
            secret.id,
            content=content or None,
            label=call.flags.get('label'),
            description=call.flags.get('description'),
            expire=parse_time(expire, '--expire') if expire is not None else None,
            rotate=_rotate(call),
        )
    return ''


DATA_TOOLS = {
    'relation-get': relation_get,
    'relation-ids': relation_ids,
    'relation-list': relation_list,
    'relation-model-get': relation_model_get,
    'relation-set': relation_set,
    'secret-add': secret_add,
    'secret-get': secret_get,
    'secret-grant': secret_grant,
    'secret-ids': secret_ids,
    'secret-info-get': secret_info_get,
    'secret-remove': secret_remove,
    'secret-revoke': secret_revoke,
    'secret-set': secret_set,
}
"""Tool name -> the function that answers it."""
