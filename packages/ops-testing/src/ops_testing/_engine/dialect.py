"""Where the front-ends' simulated Juju answers differently, and why.

ops 3.9 had two fake Jujus: the ``Harness``'s testing backend and ops-scenario's mocked
backend. They disagree in a few places, and real charms' tests rely on each answer in its
own front-end (a Harness test matches the Harness's error text; a Context test expects the
``NotImplementedError`` ops-scenario raised). This repository has one simulated Juju; a
:class:`Dialect` lists every such disagreement in one place, as data, and each front-end
passes its own (:data:`CONTEXT`, :data:`HARNESS`). A third front-end, the hook tools that
this repository's tests put on ``PATH`` for a charm dispatched in a real subprocess, answers
as Juju itself does (:data:`JUJU`): it also makes the refusals that the charm's model makes
before a deployed charm ever reaches Juju. Everything not listed here is one rule for all.
"""

from __future__ import annotations

from typing import Literal

from ops_hookcmds.sister import record

__all__ = ['CONTEXT', 'HARNESS', 'JUJU', 'Dialect']


@record(frozen=True)
class Dialect:
    """The answers of one front-end's ops 3.9 counterpart, where the two disagreed.

    Attributes:
        front_end: ``'Context'``, ``'Harness'`` or ``'hook tools'``, for messages that say
            how to fix a test.
        reserved_action_keys: refuse the result keys Juju keeps for itself (``stdout``,
            ...) as Juju does (Harness); ops-scenario accepted them.
        juju_port_errors: a TCP/UDP port outside 1-65535 is Juju's ``ModelError``
            (Harness); otherwise the State's own port validation error (ops-scenario).
        default_network: a binding without a network gets a default one (ops-scenario);
            otherwise ``network-get`` fails until the test adds one (Harness).
        strict_bindings: ``network-get`` refuses container-scoped endpoints and unknown
            relation ids (ops-scenario); the Harness looked networks up by name alone.
        missing_resource: a resource the metadata declares but the test did not provide
            is ``'inconsistent'`` (a ``RuntimeError`` naming the State, ops-scenario) or
            ``'juju'`` (Juju's download error, with how to add it, Harness).
        pod_spec_and_reboot: ``pod-spec-set`` and ``juju-reboot`` are recorded (Harness);
            otherwise they fail as ops-scenario's did (``NotImplementedError``, and the
            missing ``juju-reboot`` tool).
        secret_owner_errors: what managing a secret this unit does not own raises:
            ``'scenario'`` (``SecretNotFoundError``, or ``ModelError`` for an app secret
            as a non-leader), ``'harness'`` (``SecretNotFoundError`` to read its info or
            grant it, ``RuntimeError`` to change, revoke or remove it) or ``'juju'``
            (Juju's ``permission denied`` and ``this unit is not the leader``).
        info_revision: the revision ``secret-info-get`` reports: the ``'latest'``
            (ops-scenario) or the one this unit ``'tracked'`` (Harness).
        keep_revisions: the simulated Juju keeps each secret's revisions, so removing one
            forgets it and a secret whose revisions are all removed is gone (Harness);
            otherwise removals are only recorded and removing the tracked or latest
            revision is refused (ops-scenario).
        juju_refusals: Juju's own refusals, which the charm's model makes first in the
            other front-ends (and which a Harness test acting as Juju must not meet): a
            non-leader reading its application's bag on a non-peer relation, writing
            application data, reading or setting the application status, adding or
            managing an application secret, setting a pod spec; a label already in use;
            a reboot requested in an action.
        metrics: ``add-metric`` is recorded (hook tools); otherwise it fails as it did in
            both ops 3.9 fakes (``NotImplementedError``).
    """

    front_end: Literal['Context', 'Harness', 'hook tools']
    reserved_action_keys: bool
    juju_port_errors: bool
    default_network: bool
    strict_bindings: bool
    missing_resource: Literal['inconsistent', 'juju']
    pod_spec_and_reboot: bool
    secret_owner_errors: Literal['scenario', 'harness', 'juju']
    info_revision: Literal['latest', 'tracked']
    keep_revisions: bool
    juju_refusals: bool = False
    metrics: bool = False


CONTEXT = Dialect(
    front_end='Context',
    reserved_action_keys=False,
    juju_port_errors=False,
    default_network=True,
    strict_bindings=True,
    missing_resource='inconsistent',
    pod_spec_and_reboot=False,
    secret_owner_errors='scenario',
    info_revision='latest',
    keep_revisions=False,
)
"""What ``Context`` answers (ops-scenario 8.9's mocked backend)."""

HARNESS = Dialect(
    front_end='Harness',
    reserved_action_keys=True,
    juju_port_errors=True,
    default_network=False,
    strict_bindings=False,
    missing_resource='juju',
    pod_spec_and_reboot=True,
    secret_owner_errors='harness',
    info_revision='tracked',
    keep_revisions=True,
)
"""What ``Harness`` answers (ops 3.9's testing backend)."""

JUJU = Dialect(
    front_end='hook tools',
    reserved_action_keys=True,
    juju_port_errors=True,
    default_network=False,
    strict_bindings=True,
    missing_resource='juju',
    pod_spec_and_reboot=True,
    secret_owner_errors='juju',
    info_revision='latest',
    keep_revisions=True,
    juju_refusals=True,
    metrics=True,
)
"""What the tests' hook tools answer: Juju's own rules, refusals included."""
