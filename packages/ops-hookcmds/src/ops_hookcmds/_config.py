"""The charm's configuration: ``config-get``."""

from __future__ import annotations

from ._exports import publish
from ._runner import expect_dict, run_json

ConfigValue = bool | int | float | str


def config_get(key: str | None = None) -> dict[str, ConfigValue] | ConfigValue:
    """The charm's configuration (``config-get``).

    Args:
        key: one option to read; None reads every option that is set or has a default.

    Returns:
        All options as a dict, or the value of ``key`` (None if unknown or unset).

    Raises:
        Error: the tool failed or printed something that is not JSON.
    """
    argv = ['config-get', '--format=json']
    if key is not None:
        argv.append(key)
        value: ConfigValue = run_json(*argv)
        return value
    return expect_dict(argv, run_json(*argv), 'the config')


publish(__name__)
