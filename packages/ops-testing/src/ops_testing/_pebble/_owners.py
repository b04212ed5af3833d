"""User and group arguments as the real Pebble resolves them (for file ownership and exec).

Names are looked up in this machine's user and group databases, as Pebble looks them up
in its container's; the rules and messages are Pebble's (``osutil.NormalizeUidGid``).
"""

from __future__ import annotations

import grp
import pwd


def normalize_uid_gid(
    uid: int | None, gid: int | None, user: str | None, group: str | None
) -> tuple[int | None, int | None]:
    """Resolve ``user``/``group`` names and fill in the user's primary group.

    Returns:
        ``(uid, gid)``, both ``None`` when nothing was given.

    Raises:
        ValueError: with Pebble's message: an unknown user, group or user id, a name
            whose id differs from the id given, or a group without a user.
    """
    if uid is None and gid is None and not user and not group:
        return None, None
    if user:
        try:
            found = pwd.getpwnam(user).pw_uid
        except KeyError:
            raise ValueError(f'user: unknown user {user}') from None
        if uid is not None and uid != found:
            raise ValueError(f'user "{user}" UID ({found}) does not match user-id ({uid})')
        uid = found
    if group:
        try:
            found = grp.getgrnam(group).gr_gid
        except KeyError:
            raise ValueError(f'group: unknown group {group}') from None
        if gid is not None and gid != found:
            raise ValueError(f'group "{group}" GID ({found}) does not match group-id ({gid})')
        gid = found
    if gid is None:
        if uid is None:
            raise ValueError('must specify user, not just group')
        try:
            gid = pwd.getpwuid(uid).pw_gid
        except KeyError:
            raise ValueError(f'user: unknown userid {uid}') from None
    if uid is None:
        raise ValueError('must specify user, not just group')
    return uid, gid


def user_home(uid: int) -> tuple[str, str] | None:
    """The home directory and name of user ``uid``, if the user is known."""
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return None
    return entry.pw_dir, entry.pw_name
