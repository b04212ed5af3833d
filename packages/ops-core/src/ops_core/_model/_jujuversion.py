"""Parsing and comparing Juju version strings, and the feature checks built on them."""

from __future__ import annotations

import os
import re
import warnings
from functools import total_ordering

from .._exports import publish

# Pattern source only: ``re`` compiles (and caches) it on first use, not at import.
_VERSION_RE = r"""(?x)^
    (?P<major>\d{1,9})\.(?P<minor>\d{1,9})       # major and minor are always there
    ((?:\.|-(?P<tag>[a-z]+))(?P<patch>\d{1,9}))? # then '.patch' or '-tagN'
    (\.(?P<build>\d{1,9}))?$                     # and an optional '.build'
    """


@total_ordering
class JujuVersion:
    """A Juju version, such as ``3.6.14``, ``2.9-rc1`` or ``2.8.0.1``.

    Versions compare with each other and with version strings (``version >= '3.1'``).
    A tagged version (``2.7-beta1``) sorts before the release it precedes (``2.7.0``).

    Args:
        version: the version string to parse.

    Raises:
        RuntimeError: if ``version`` is not a valid Juju version string.
    """

    def __init__(self, version: str):
        parts = version.split('.') if isinstance(version, str) else []
        if 2 <= len(parts) <= 4 and all(p.isdecimal() and len(p) <= 9 for p in parts):
            # The common untagged form, read without compiling the pattern (a hook's one
            # version needs no regular expression); the pattern would give the same result.
            numbers = [int(p) for p in parts] + [0, 0]
            major, minor, tag, patch, build = numbers[0], numbers[1], '', numbers[2], numbers[3]
        else:
            match = re.match(_VERSION_RE, version) if isinstance(version, str) else None
            if match is None:
                raise RuntimeError(f'"{version}" is not a valid Juju version string')
            groups = match.groupdict()
            major, minor = int(groups['major']), int(groups['minor'])
            tag = groups['tag'] or ''
            patch, build = int(groups['patch'] or 0), int(groups['build'] or 0)
        self.major: int = major
        self.minor: int = minor
        self.tag: str = tag
        self.patch: int = patch
        self.build: int = build

    def __repr__(self) -> str:
        if self.tag:
            text = f'{self.major}.{self.minor}-{self.tag}{self.patch}'
        else:
            text = f'{self.major}.{self.minor}.{self.patch}'
        if self.build > 0:
            text += f'.{self.build}'
        return text

    __str__ = __repr__

    def _coerce(self, other: object) -> JujuVersion:
        if isinstance(other, JujuVersion):
            return other
        if isinstance(other, str):
            return JujuVersion(other)
        raise RuntimeError(f'cannot compare Juju version "{self}" with "{other}"')

    def _key(self) -> tuple[int, int, int, str, int, int]:
        # An untagged release sorts after any tagged pre-release of the same major.minor.
        return (self.major, self.minor, 0 if self.tag else 1, self.tag, self.patch, self.build)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return self._key() == self._coerce(other)._key()

    def __lt__(self, other: JujuVersion | str) -> bool:
        return self._key() < self._coerce(other)._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @classmethod
    def from_environ(cls) -> JujuVersion:
        """The version of the running Juju agent, from ``JUJU_VERSION`` (``0.0.0`` if unset).

        Deprecated: charms should use ``self.model.juju_version``.
        """
        warnings.warn(
            'JujuVersion.from_environ() is deprecated, use self.model.juju_version instead',
            DeprecationWarning,
            stacklevel=2,
        )
        return cls(os.environ.get('JUJU_VERSION') or '0.0.0')

    def _at_least(self, major: int, minor: int, patch: int) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    def has_app_data(self) -> bool:
        """Whether this Juju supports application-level relation data (2.7.0 and later)."""
        return self._at_least(2, 7, 0)

    def is_dispatch_aware(self) -> bool:
        """Whether this Juju runs the charm's ``dispatch`` script (2.8.0 and later)."""
        return self._at_least(2, 8, 0)

    def has_controller_storage(self) -> bool:
        """Whether this Juju can store charm state on the controller (2.8.0 and later)."""
        return self._at_least(2, 8, 0)

    @property
    def has_secrets(self) -> bool:
        """Whether this Juju supports secrets (3.0.3 and later)."""
        return self._at_least(3, 0, 3)

    @property
    def supports_open_port_on_k8s(self) -> bool:
        """Whether ``open-port``/``close-port`` work on Kubernetes (3.0.3 and later)."""
        return self._at_least(3, 0, 3)

    @property
    def supports_exec_service_context(self) -> bool:
        """Whether Pebble exec accepts a ``service_context`` (3.1.6 and later, except 3.2.0)."""
        if not self._at_least(3, 1, 6):
            return False
        return (self.major, self.minor, self.patch) != (3, 2, 0)

    @property
    def supports_pebble_log_forwarding(self) -> bool:
        """Whether this Juju's Pebble supports log forwarding (3.4.0 and later)."""
        return self._at_least(3, 4, 0)

    @property
    def supports_pebble_identities(self) -> bool:
        """Whether this Juju's Pebble supports identities (3.6.4 and later)."""
        return self._at_least(3, 6, 4)

    @property
    def supports_pebble_metrics(self) -> bool:
        """Whether this Juju's Pebble serves metrics (3.6.4 and later)."""
        return self._at_least(3, 6, 4)


publish(__name__)
