"""Checks (as configured, started and stopped), notices and identities.

How a check's status moves depends on the real check running (the test server simulates
checks), so only what follows from the plan and from start/stop is compared.
"""

from __future__ import annotations

import datetime
import os

import ops_pebble
import pytest

from .conftest import Backend, api_error

CHECKS = {
    'checks': {
        'alive': {
            'override': 'replace',
            'level': 'alive',
            'period': '10s',
            'exec': {'command': 'true'},
        },
        'ready': {
            'override': 'replace',
            'level': 'ready',
            'period': '10s',
            'threshold': 5,
            'exec': {'command': 'true'},
        },
        'off': {'override': 'replace', 'startup': 'disabled', 'exec': {'command': 'true'}},
    }
}


def test_checks_as_configured_and_started_or_stopped(pebble: Backend) -> None:
    client = pebble.client
    client.add_layer('checks', CHECKS)
    checks = {c.name: c for c in client.get_checks()}
    assert list(checks) == ['alive', 'off', 'ready']
    assert checks['alive'].level == ops_pebble.CheckLevel.ALIVE
    assert checks['off'].level == ops_pebble.CheckLevel.UNSET
    assert checks['ready'].threshold == 5 and checks['alive'].threshold == 3
    assert checks['alive'].startup == ops_pebble.CheckStartup.ENABLED
    assert checks['off'].startup == ops_pebble.CheckStartup.DISABLED
    assert checks['off'].status == ops_pebble.CheckStatus.INACTIVE
    assert checks['off'].change_id is None
    assert checks['alive'].change_id
    running = client.get_change(checks['alive'].change_id)  # type: ignore[arg-type]
    assert (running.kind, running.summary, running.ready) == (
        'perform-check',
        'Perform exec check "alive"',
        False,
    )
    assert [c.name for c in client.get_checks(level=ops_pebble.CheckLevel.READY)] == ['ready']
    assert [c.name for c in client.get_checks(names=['off', 'alive'])] == ['alive', 'off']

    assert client.start_checks(['off', 'alive']) == ['off']
    assert client.stop_checks(['off', 'alive']) == ['alive', 'off']
    assert client.stop_checks(['off']) == []
    stopped = {c.name: c for c in client.get_checks()}
    assert stopped['alive'].status == ops_pebble.CheckStatus.INACTIVE
    assert stopped['alive'].change_id is None
    assert client.get_change(checks['alive'].change_id).ready  # type: ignore[arg-type]

    error = api_error(lambda: client.start_checks(['nope']))
    assert (error.code, error.message) == (
        400,
        'cannot start checks: cannot find checks in plan: nope',
    )
    error = api_error(lambda: client.stop_checks(['nope']))
    assert (error.code, error.message) == (
        400,
        'cannot stop checks: cannot find checks in plan: nope',
    )


def test_notices_record_occurrences_and_the_latest_data(pebble: Backend) -> None:
    client = pebble.client
    key = 'example.com/' + os.urandom(4).hex()
    first = client.notify(ops_pebble.NoticeType.CUSTOM, key)
    assert client.notify(ops_pebble.NoticeType.CUSTOM, key, data={'k': 'v'}) == first
    notice = client.get_notice(first)
    assert (notice.key, notice.type, notice.occurrences) == (key, ops_pebble.NoticeType.CUSTOM, 2)
    assert notice.last_data == {'k': 'v'}
    assert notice.user_id == os.getuid()
    assert notice.expire_after == datetime.timedelta(days=7)
    assert notice.repeat_after is None
    assert notice.first_occurred < notice.last_occurred == notice.last_repeated
    # An occurrence without data leaves none behind.
    client.notify(ops_pebble.NoticeType.CUSTOM, key)
    notice = client.get_notice(first)
    assert (notice.occurrences, notice.last_data) == (3, {})

    repeat = datetime.timedelta(hours=1)
    other = 'example.com/' + os.urandom(4).hex()
    second = client.notify(ops_pebble.NoticeType.CUSTOM, other, repeat_after=repeat)
    client.notify(ops_pebble.NoticeType.CUSTOM, other, repeat_after=repeat)
    notice = client.get_notice(second)
    assert notice.occurrences == 2 and notice.repeat_after == repeat
    assert notice.last_repeated == notice.first_occurred < notice.last_occurred

    found = client.get_notices(types=[ops_pebble.NoticeType.CUSTOM], keys=[key, other])
    assert [n.id for n in found] == [first, second]  # oldest repeat first
    assert client.get_notices(keys=['example.com/none']) == []
    assert {n.id for n in client.get_notices(users=ops_pebble.NoticesUsers.ALL)} >= {first, second}
    assert {n.id for n in client.get_notices(user_id=os.getuid())} >= {first, second}


def test_notices_are_checked_as_pebble_checks_them(pebble: Backend) -> None:
    client = pebble.client
    cases = [
        (lambda: client.notify(ops_pebble.NoticeType.CUSTOM, 'nope'),
         'invalid key "nope" (must be in "example.com/path" format)'),
        (lambda: client.notify(ops_pebble.NoticeType.CHANGE_UPDATE, 'example.com/x'),
         'invalid type "change-update" (can only add "custom" notices)'),
        (lambda: client.notify(ops_pebble.NoticeType.CUSTOM, 'example.com/x', data={'k': 'v' * 5000}),
         'total size of data must be 4096 bytes or less'),
        (lambda: client.notify(ops_pebble.NoticeType.CUSTOM, 'example.com/' + 'x' * 300),
         'key must be 256 bytes or less'),
    ]  # fmt: skip
    for call, message in cases:
        error = api_error(call)
        assert (error.code, error.message) == (400, message)
    error = api_error(lambda: client.get_notice('9999'))
    assert error.code == 404
    assert error.body['result'] == {'message': 'cannot find notice with ID "9999"'}


def test_finished_changes_leave_change_update_notices(pebble: Backend) -> None:
    pebble.needs_processes()
    client = pebble.client
    process = client.exec(['true'])
    process.wait()
    notices = client.get_notices(
        types=[ops_pebble.NoticeType.CHANGE_UPDATE], keys=[process._change_id]
    )
    assert len(notices) == 1
    assert notices[0].last_data['kind'] == 'exec'


def test_identities_round_trip_with_secrets_hidden(pebble: Backend) -> None:
    client = pebble.client
    assert client.get_identities() == {}
    client.replace_identities(
        {
            'bob': {'access': 'read', 'local': {'user-id': 42}},
            'web': ops_pebble.Identity(access='metrics', basic=ops_pebble.BasicIdentity('$6$s$h')),
        }
    )
    identities = client.get_identities()
    assert identities['bob'].access == ops_pebble.IdentityAccess.READ
    assert identities['bob'].local == ops_pebble.LocalIdentity(42)
    assert identities['web'].basic == ops_pebble.BasicIdentity('*****')
    client.replace_identities({'bob': None})
    assert sorted(client.get_identities()) == ['web']
    client.remove_identities(['web'])
    assert client.get_identities() == {}


@pytest.mark.parametrize(
    ('identities', 'message'),
    [
        (
            {'x': {'access': 'root', 'local': {'user-id': 1}}},
            'invalid identity for "x": invalid access value "root", must be "admin", "read", '
            '"metrics", or "untrusted"',
        ),
        (
            {'x': {'access': 'read'}},
            'invalid identity for "x": identity must have at least one type ("local", "basic", '
            'or "cert")',
        ),
        (
            {'x': {'local': {'user-id': 1}}},
            'invalid identity for "x": access value must be specified ("admin", "read", '
            '"metrics", or "untrusted")',
        ),
        (
            {'x': {'access': 'read', 'local': {}}},
            'invalid identity for "x": local identity must specify user-id',
        ),
        (
            {'x': {'access': 'read', 'basic': {'password': ''}}},
            'invalid identity for "x": basic identity must specify password (hashed)',
        ),
        (
            {'x': {'access': 'read', 'cert': {'pem': 'not a certificate'}}},
            'invalid identity for "x": cert identity must include a PEM-encoded certificate',
        ),
        (
            {'9x': {'access': 'read', 'local': {'user-id': 1}}},
            'invalid identity for "9x": identity name "" invalid: must start with an alphabetic '
            'character and only contain alphanumeric characters, underscore, and hyphen',
        ),
        (
            {
                'a': {'access': 'read', 'local': {'user-id': 7}},
                'b': {'access': 'read', 'local': {'user-id': 7}},
            },
            'cannot have multiple identities with user ID 7 (a, b)',
        ),
        (
            {'a': 'x'},
            'cannot decode request body: json: cannot unmarshal string into Go struct field '
            '.identities of type daemon.apiIdentity',
        ),
    ],  # fmt: skip
)
def test_invalid_identities_are_refused_with_pebbles_message(
    pebble: Backend, identities: dict[str, object], message: str
) -> None:
    error = api_error(lambda: pebble.client.replace_identities(identities))  # type: ignore[arg-type]
    assert (error.code, error.message) == (400, message)
    assert pebble.client.get_identities() == {}


def test_identity_actions(pebble: Backend) -> None:
    client = pebble.client
    error = api_error(lambda: client.remove_identities(['nope', 'zzz']))
    assert error.message == 'identities do not exist: nope, zzz'
    body = {'a2': {'access': 'read', 'local': {'user-id': 8}}}
    client._request('POST', '/v1/identities', body={'action': 'add', 'identities': body})
    error = api_error(
        lambda: client._request(
            'POST', '/v1/identities', body={'action': 'add', 'identities': body}
        )
    )
    assert error.message == 'identities already exist: a2'
    error = api_error(
        lambda: client._request(
            'POST', '/v1/identities', body={'action': 'update', 'identities': {'zz': body['a2']}}
        )
    )
    assert error.message == 'identities do not exist: zz'
    error = api_error(
        lambda: client._request('POST', '/v1/identities', body={'action': 'zap', 'identities': {}})
    )
    assert error.message == 'invalid action "zap", must be "add", "update", "replace", or "remove"'
    client.remove_identities(['a2'])
