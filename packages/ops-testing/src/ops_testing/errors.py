"""Exceptions raised by the state-transition testing API (``ops.testing.errors``).

Every class here is also importable as ``scenario.errors.<Name>``.
"""

from . import _exports


class ContextSetupError(RuntimeError):
    """A :class:`~ops.testing.Context` could not be set up.

    Raised, for example, when no metadata was passed and none could be found next to the
    charm's source. Pass ``meta=`` (and ``actions=``/``config=``) explicitly to fix it.
    """


class AlreadyEmittedError(RuntimeError):
    """:meth:`Manager.run` was called a second time; a manager runs its event only once."""


class ScenarioRuntimeError(RuntimeError):
    """Base class of the errors raised while a :class:`~ops.testing.Context` runs an event."""


class UncaughtCharmError(ScenarioRuntimeError):
    """The charm raised an exception while handling the event.

    The original exception is available as ``__cause__``. Set the environment variable
    ``SCENARIO_BARE_CHARM_ERRORS=true`` to get the original exception raised unwrapped.
    """


class InconsistentScenarioError(ScenarioRuntimeError):
    """The consistency checker found the event, state and metadata to be incompatible.

    The message lists every problem found. Fix the state or the metadata; as a last resort
    set ``SCENARIO_SKIP_CONSISTENCY_CHECKS=1`` to skip the checks.
    """


class StateValidationError(RuntimeError):
    """A state object was constructed with invalid data (a bad name, a bad databag, ...)."""


class MetadataNotFoundError(RuntimeError):
    """No charm metadata was found while autoloading it from the charm's root directory."""


class ActionMissingFromContextError(Exception):
    """An ``action-*`` hook tool was used while the event being run is not an action."""


class NoObserverError(RuntimeError):
    """The event to run is not defined on the charm's ``on`` attribute."""


class BadOwnerPath(RuntimeError):
    """A custom event's owner path does not lead to an ``ObjectEvents`` instance."""


_exports.install(globals())
