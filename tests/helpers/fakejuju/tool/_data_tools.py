"""Fake relation and secret tools."""

from __future__ import annotations

import os

from ._common import (
    ToolError,
    app_name,
    emit,
    find_relation,
    find_secret,
    is_owner,
    is_peer,
    juju_major,
    load_mapping,
    new_secret_id,
    one_positional,
    read_content_args,
    read_stdin,
    require_leader,
    require_secret_manage,
    secret_not_found,
    unit_name,
    usage_error,
)
from ._jsonlite import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def t_relation_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    if len(pos) > 2:
        raise usage_error(f'unrecognized args: {json.dumps(pos[2:])}')
    key = pos[0] if pos else '-'
    app = bool(flags.get('app'))
    if len(pos) > 1:
        member = pos[1]
    elif app:
        member = os.environ.get('JUJU_REMOTE_APP') or rel.get('remote_app', '')
    else:
        member = os.environ.get('JUJU_REMOTE_UNIT') or ''
        if not member:
            raise usage_error('no unit id specified')
    me = unit_name(state)
    if app:
        if member == app_name(state):
            if not state.get('leader') and not is_peer(state, rel):
                raise ToolError('permission denied')
            data = rel.setdefault('local_app_data', {})
        elif member == rel.get('remote_app'):
            data = rel.setdefault('remote_app_data', {})
        else:
            raise ToolError(f'cannot read application settings: application "{member}" not found')
    elif member == me:
        data = rel.setdefault('local_unit_data', {})
    else:
        units = rel.setdefault('remote_units_data', {})
        if member not in units and member not in rel.get('remote_units', []):
            raise ToolError(
                f'cannot read settings for unit "{member}" in relation "{rel["endpoint"]}:{rel["id"]}": unit "{member}" not found'
            )
        data = units.setdefault(member, {})
    if key == '-':
        return emit(flags, data)
    return emit(flags, data.get(key))


def t_relation_ids(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    name = one_positional(pos, 'endpoint', required=False) or os.environ.get('JUJU_RELATION')
    if not name:
        raise usage_error('no endpoint name specified')
    ids = [
        f'{r["endpoint"]}:{r["id"]}'
        for r in state.get('relations', [])
        if r['endpoint'] == name and not r.get('broken')
    ]
    return emit(flags, ids)


def t_relation_list(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    if pos:
        raise usage_error(f'unrecognized args: {json.dumps(pos)}')
    if flags.get('app'):
        return emit(flags, rel.get('remote_app', ''))
    departing = os.environ.get('JUJU_DEPARTING_UNIT')
    return emit(flags, [u for u in rel.get('remote_units', []) if u != departing])


def t_relation_model_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    uuid = (
        rel.get('remote_model_uuid')
        or state.get('model_uuid')
        or os.environ.get('JUJU_MODEL_UUID', '')
    )
    return emit(flags, {'uuid': uuid})


def t_relation_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    rel = find_relation(state, flags.get('relation'))
    updates: dict[str, Any] = {}
    if 'file' in flags:
        src = flags['file']
        text = read_stdin() if src == '-' else open(src, encoding='utf-8').read()
        updates.update(load_mapping(text))
    for arg in pos:
        if '=' not in arg:
            raise usage_error(f'expected "key=value", got "{arg}"')
        k, v = arg.split('=', 1)
        updates[k] = v
    if flags.get('app'):
        if not state.get('leader'):
            raise ToolError('cannot write relation settings')
        data = rel.setdefault('local_app_data', {})
    else:
        data = rel.setdefault('local_unit_data', {})
    for k, v in updates.items():
        v = '' if v is None else str(v)
        if v == '':
            data.pop(k, None)
        else:
            data[str(k)] = v
    return ''


def t_secret_add(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    owner = flags.get('owner', 'application')
    if owner not in ('application', 'unit'):
        raise usage_error(f'owner must be "application" or "unit", got "{owner}"')
    if owner == 'application':
        require_leader(state)
    content = read_content_args(pos, flags.get('file'))
    if not content:
        raise usage_error('missing secret value')
    label = flags.get('label')
    if label is not None and find_secret(state, None, label) is not None:
        raise ToolError(f'secret with label "{label}" already exists')
    rotate = flags.get('rotate')
    if rotate is not None and rotate not in (
        'never',
        'hourly',
        'daily',
        'weekly',
        'monthly',
        'quarterly',
        'yearly',
    ):
        raise usage_error(f'invalid rotate policy "{rotate}"')
    sid = new_secret_id(state)
    state.setdefault('secrets', []).append(
        {
            'id': sid,
            'owner': owner,
            'label': label or '',
            'description': flags.get('description', ''),
            'expire': flags.get('expire'),
            'rotate': rotate,
            'revisions': [{'revision': 1, 'content': content}],
            'grants': [],
        }
    )
    return f'secret:{sid}\n'


def _latest(sec: dict[str, Any]) -> dict[str, Any]:
    revisions: list[dict[str, Any]] = sec.get('revisions') or []
    if not revisions:
        raise ToolError(f'secret "{sec["id"]}" not found')
    return max(revisions, key=lambda r: int(r['revision']))


def t_secret_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI', required=False)
    label = flags.get('label')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    if flags.get('peek') and flags.get('refresh'):
        raise usage_error('specify one of --peek or --refresh but not both')
    sec = find_secret(state, ref, label)
    if sec is None:
        raise secret_not_found(ref, label)
    if is_owner(state, sec):
        if ref is not None and label is not None:
            sec['label'] = label
        return emit(flags, _latest(sec)['content'])
    if not sec.get('granted', True):
        raise ToolError('permission denied')
    if ref is not None and label is not None:
        sec['consumer_label'] = label
    latest = _latest(sec)
    if flags.get('peek'):
        return emit(flags, latest['content'])
    if flags.get('refresh') or sec.get('tracked') is None:
        sec['tracked'] = latest['revision']
    for rev in sec['revisions']:
        if rev['revision'] == sec['tracked']:
            return emit(flags, rev['content'])
    raise secret_not_found(ref, label)


def _relation_id_arg(state: dict[str, Any], flags: dict[str, Any], required: bool) -> int | None:
    ref = flags.get('relation')
    if ref is None:
        if required:
            raise usage_error('missing relation or application')
        return None
    return int(find_relation(state, ref, '--relation')['id'])


def t_secret_grant(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    rel_id = _relation_id_arg(state, flags, True)
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    sec.setdefault('grants', []).append({'relation': rel_id, 'unit': flags.get('unit')})
    return ''


def t_secret_revoke(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    rel_id = _relation_id_arg(state, flags, False)
    if rel_id is None and 'app' not in flags and 'unit' not in flags:
        raise usage_error('missing relation or application')
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    unit = flags.get('unit')
    sec['grants'] = [
        g
        for g in sec.get('grants', [])
        if not (
            (rel_id is None or g['relation'] == rel_id) and (unit is None or g.get('unit') == unit)
        )
    ]
    sec.setdefault('revocations', []).append(
        {'relation': rel_id, 'app': flags.get('app'), 'unit': unit}
    )
    return ''


def t_secret_ids(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    return emit(
        flags, [f'secret:{s["id"]}' for s in state.get('secrets', []) if is_owner(state, s)]
    )


def _timestamp(value: str | None, major: int) -> str | None:
    if not value:
        return None
    if major >= 4 and value.endswith('Z') and '.' not in value:
        return value[:-1] + '.123456789Z'
    return value


def t_secret_info_get(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI', required=False)
    label = flags.get('label')
    if ref is not None and label is not None:
        raise usage_error('specify either a secret URI or label but not both')
    if ref is None and label is None:
        raise usage_error('require either a secret URI or label')
    sec = find_secret(state, ref, label)
    if sec is None or not is_owner(state, sec):
        raise secret_not_found(ref, label)
    major = juju_major(state)
    info: dict[str, Any] = {
        'revision': _latest(sec)['revision'],
        'label': sec.get('label') or '',
        'owner': sec['owner'],
    }
    if sec.get('description'):
        info['description'] = sec['description']
    if sec.get('rotate'):
        info['rotation'] = sec['rotate']
    for src, dst in (('expire', 'expiry'), ('rotates', 'rotates')):
        stamp = _timestamp(sec.get(src), major)
        if stamp:
            info[dst] = stamp
    return emit(flags, {sec['id']: info})


def t_secret_remove(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    ref = one_positional(pos, 'secret URI')
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    if 'revision' in flags:
        try:
            revision = int(flags['revision'])
        except ValueError:
            raise usage_error(f'invalid value "{flags["revision"]}" for flag --revision') from None
        kept = [r for r in sec['revisions'] if r['revision'] != revision]
        if len(kept) == len(sec['revisions']):
            raise ToolError(f'secret revision {revision} for "{sec["id"]}" not found')
        sec['revisions'] = kept
        sec.setdefault('removed_revisions', []).append(revision)
        if kept:
            return ''
    state['secrets'] = [s for s in state['secrets'] if s is not sec]
    return ''


def t_secret_set(state: dict[str, Any], flags: dict[str, Any], pos: list[str]) -> str:
    if not pos:
        raise usage_error('missing secret URI')
    ref = pos[0]
    sec = find_secret(state, ref, None)
    if sec is None:
        raise secret_not_found(ref, None)
    require_secret_manage(state, sec)
    content = read_content_args(pos[1:], flags.get('file'))
    for flag, key in (
        ('label', 'label'),
        ('description', 'description'),
        ('expire', 'expire'),
        ('rotate', 'rotate'),
    ):
        if flag in flags:
            sec[key] = flags[flag]
    if content and content != _latest(sec)['content']:
        sec['revisions'].append({'revision': _latest(sec)['revision'] + 1, 'content': content})
    return ''
