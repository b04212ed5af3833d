"""Error messages say what was wrong with a tool's output, never what it printed.

A hook tool's output can be secret content or relation data, and error messages end up in
logs. Every command that reads output is fed output of the wrong shape carrying a marker
in every value (and in keys that do not look like names); the marker must not appear in
the message (``str``) of the :class:`ops_hookcmds.Error` raised.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ops_hookcmds as hookcmds
import pytest

from tests.helpers.fakejuju import FakeJuju

MARK = 'S3CR3T value'  # has a space: not a name, so not even shown as a key


def _bad_shapes() -> list[Any]:
    entry = {'status': MARK, 'since': MARK, 'revision': MARK, 'rotation': MARK, 'expiry': MARK}
    return [
        MARK,
        [MARK],
        {MARK: MARK},
        {MARK: [MARK]},
        {MARK: {MARK: MARK}},
        {MARK: entry},
        {'units': {MARK: entry}, 'relations': {MARK: {MARK: entry}}},
        {'application-status': entry, 'units': {MARK: [MARK]}},
        {'bind-addresses': [{'addresses': [{'value': [MARK]}]}]},
        {'kind': [MARK], 'location': [MARK]},
        {'type': [MARK], 'credential': {'attrs': {MARK: [MARK]}}},
        {'uuid': [MARK]},
        [f'{MARK}/tcp', f'80/{MARK}'],
    ]


CALLS: dict[str, tuple[str, Callable[[], Any]]] = {
    'is-leader': ('is-leader', hookcmds.is_leader),
    'config-get': ('config-get', hookcmds.config_get),
    'opened-ports': ('opened-ports', hookcmds.opened_ports),
    'goal-state': ('goal-state', hookcmds.goal_state),
    'secret-get': ('secret-get', lambda: hookcmds.secret_get(id='secret:x')),
    'secret-info-get': ('secret-info-get', lambda: hookcmds.secret_info_get(id='secret:x')),
    'secret-ids': ('secret-ids', hookcmds.secret_ids),
    'relation-get': ('relation-get', lambda: hookcmds.relation_get(id=1, app=True)),
    'relation-get-key': ('relation-get', lambda: hookcmds.relation_get(1, key='k', app=True)),
    'relation-ids': ('relation-ids', lambda: hookcmds.relation_ids('db')),
    'relation-list': ('relation-list', lambda: hookcmds.relation_list(1)),
    'relation-model-get': ('relation-model-get', lambda: hookcmds.relation_model_get(1)),
    'status-get': ('status-get', lambda: hookcmds.status_get(app=True)),
    'status-get-unit': ('status-get', hookcmds.status_get),
    'network-get': ('network-get', lambda: hookcmds.network_get('db')),
    'storage-get': ('storage-get', lambda: hookcmds.storage_get('data/0')),
    'storage-list': ('storage-list', hookcmds.storage_list),
    'credential-get': ('credential-get', hookcmds.credential_get),
    'state-get': ('state-get', lambda: hookcmds.state_get(None)),
    'action-get': ('action-get', hookcmds.action_get),
}


@pytest.mark.parametrize('name', list(CALLS))
def test_no_error_message_repeats_the_output(fake_juju: FakeJuju, name: str) -> None:
    tool, call = CALLS[name]
    fake_juju.state.set_action('act')
    refused = 0
    for shape in [*_bad_shapes(), f'not json {MARK}']:
        text = (
            shape if isinstance(shape, str) and shape.startswith('not json') else json.dumps(shape)
        )
        fake_juju.state.garbage(tool, text + '\n')
        try:
            call()
        except hookcmds.Error as exc:
            refused += 1
            assert 'S3CR3T' not in str(exc), (shape, str(exc))
            assert 'S3CR3T' not in repr(exc), (shape, repr(exc))
    assert refused >= (1 if name == 'action-get' else 3), 'the bad shapes were not refused'


def test_name_like_keys_are_still_named(fake_juju: FakeJuju) -> None:
    fake_juju.state.garbage('goal-state', json.dumps({'units': {'app/0': {'status': 1}}}) + '\n')
    with pytest.raises(hookcmds.Error, match=r"units\['app/0'\]"):
        hookcmds.goal_state()
    fake_juju.state.garbage('is-leader', '"yes"\n')
    with pytest.raises(hookcmds.Error, match='expected true or false, got a JSON string'):
        hookcmds.is_leader()
