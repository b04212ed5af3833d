"""Measurement-only conftest for ops 3.9's own tests: stand-ins for names private to ops 3.9.

Copied as ``conftest.py`` next to the unpacked ``test/`` directory by ``run.py``. Upstream's
test modules import a few private names at module level (from its private modules
``ops._private`` and ``ops._main``, and ``_ModelBackend``, ``_get_juju_log_and_app_id``,
``_BREAKPOINT_WELCOME_MESSAGE``); without these stand-ins not one test in those modules
would run. Nothing public is stood in for (``ops.tracing`` included). A test that *uses*
one of the stand-ins still fails, and is counted as testing ops 3.9's internals.
"""

import dataclasses
import functools
import os
import sys
import types
from typing import Any

import ops
import ops.framework
import ops.log
import ops.model
import yaml
from ops.jujucontext import JujuContext
from ops_core._dispatch._hookcmds_backend import HookCommandsBackend
from ops_core._framework._abort import _Abort

private = types.ModuleType('ops._private')
sys.modules.setdefault('ops._private', private)

harness = types.ModuleType('ops._private.harness')
# Harness's containers get an ops_pebble.Client over the in-process transport.
harness._TestingPebbleClient = ops.pebble.Client
private.harness = harness
sys.modules.setdefault('ops._private.harness', harness)

private_yaml = types.ModuleType('ops._private.yaml')
private_yaml.safe_load = yaml.safe_load
private_yaml.safe_dump = yaml.safe_dump
private.yaml = private_yaml
sys.modules.setdefault('ops._private.yaml', private_yaml)

main = types.ModuleType('ops._main')
main._Abort = _Abort
main._should_use_controller_storage = lambda *args, **kwargs: False
sys.modules.setdefault('ops._main', main)
ops._main = main

if not hasattr(ops.log, '_get_juju_log_and_app_id'):

    @functools.lru_cache
    def _get_juju_log_and_app_id() -> None:
        return None

    ops.log._get_juju_log_and_app_id = _get_juju_log_and_app_id

if not hasattr(ops.model, '_ModelBackend'):

    class _ModelBackend(HookCommandsBackend):
        """Stand-in for ops 3.9's hook-tool backend: ours, with its constructor.

        Tests build ``Model(meta, _ModelBackend('myapp/0'))`` with fake hook tools on PATH;
        with our production backend behind it they exercise our public Model for real.
        Tests that call the backend's own methods (ops 3.9's private signatures) fail.
        """

        def __init__(
            self,
            unit_name: str | None = None,
            model_name: str | None = None,
            model_uuid: str | None = None,
            juju_context: JujuContext | None = None,
        ) -> None:
            context = juju_context or JujuContext._from_dict(os.environ)
            context = dataclasses.replace(
                context,
                unit_name=unit_name or context.unit_name,
                model_name=model_name or context.model_name,
                model_uuid=model_uuid or context.model_uuid,
            )
            super().__init__(context)

        @staticmethod
        def log_split(message: str, max_len: int = ops.model.MAX_LOG_LINE_LEN) -> Any:
            """Stand-in for ops 3.9's helper that test_log.py's fake backend calls."""
            if len(message) > max_len:
                yield f'Log string greater than {max_len}. Splitting into multiple chunks: '
            yield from (message[i : i + max_len] for i in range(0, len(message), max_len))

    ops.model._ModelBackend = _ModelBackend

if not hasattr(ops.framework, '_BREAKPOINT_WELCOME_MESSAGE'):
    ops.framework._BREAKPOINT_WELCOME_MESSAGE = ''
    ops.framework._event_regex = r'^(|.*/)on/[a-zA-Z_]+\[\d+\]$'
