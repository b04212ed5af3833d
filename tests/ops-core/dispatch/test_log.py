"""ops.log: JujuLogHandler and setup_root_logging over the simulated Juju."""

from __future__ import annotations

import io
import logging
import sys
import warnings
from collections.abc import Iterator

import ops.log
import pytest
from ops_core._dispatch._log import _juju_log_levels, _setup_logging

from tests.helpers.fakejuju.world import World


@pytest.fixture
def juju() -> World:
    return World({'name': 'myapp'})


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hook, show = sys.excepthook, warnings.showwarning
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook, warnings.showwarning = hook, show


def test_handler_forwards_level_name_and_formatted_message(juju: World) -> None:
    handler = ops.log.JujuLogHandler(juju.backend)
    assert handler.level == logging.DEBUG
    logger = logging.getLogger('test.handler')
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug('x=%d', 5)
        logger.warning('careful')
    finally:
        logger.removeHandler(handler)
    assert juju.juju_logs() == [('DEBUG', 'x=5'), ('WARNING', 'careful')]


def test_setup_root_logging_sends_everything_warnings_and_crashes(juju: World) -> None:
    ops.log.setup_root_logging(juju.backend)
    logging.getLogger('some.lib').debug('chatter')
    warnings.warn('old thing', DeprecationWarning, stacklevel=1)
    try:
        raise KeyError('boom')
    except KeyError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    levels = [level for level, _ in juju.juju_logs()]
    messages = [m for _, m in juju.juju_logs()]
    assert ('DEBUG', 'chatter') in juju.juju_logs()
    assert any(
        level == 'WARNING' and 'DeprecationWarning: old thing' in m
        for level, m in juju.juju_logs()
    )
    crash = next(m for m in messages if m.startswith('Uncaught exception while in charm code:'))
    assert "KeyError: 'boom'" in crash and 'Traceback' in crash
    assert 'TRACE' in levels and any('sys_crash:KeyError' in m for m in messages)


def test_exc_stderr_prints_a_short_note(juju: World) -> None:
    out = io.StringIO()
    _setup_logging(juju.backend, debug=False, exc_stderr=True, level=logging.DEBUG, stderr=out)
    try:
        raise ValueError('nope')
    except ValueError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert out.getvalue() == (
        'Uncaught ValueError in charm code: nope\n'
        'Use `juju debug-log` to see the full traceback.\n'
    )


def test_records_below_the_threshold_cost_no_juju_log(juju: World) -> None:
    _setup_logging(juju.backend, debug=False, exc_stderr=False, level=logging.INFO)
    logging.getLogger('x').debug('invisible')
    logging.getLogger('x').info('visible')
    assert juju.juju_logs() == [('INFO', 'visible')]


def test_debug_adds_a_stderr_handler(juju: World) -> None:
    out = io.StringIO()
    _setup_logging(juju.backend, debug=True, exc_stderr=False, level=logging.DEBUG, stderr=out)
    logging.getLogger('x').info('hello')
    assert out.getvalue().rstrip().endswith('INFO     hello')


def test_framework_chatter_below_its_level_is_not_forwarded_but_the_charms_is(
    juju: World,
) -> None:
    ops_logger = logging.getLogger('ops')
    old_level = ops_logger.level
    try:
        _setup_logging(
            juju.backend,
            debug=False,
            exc_stderr=False,
            level=logging.DEBUG,
            framework_level=logging.INFO,
        )
        logging.getLogger('ops.framework').debug('chatter')
        logging.getLogger('ops.framework').info('news')
        logging.getLogger('__main__').debug('charm detail')
        logging.getLogger('operations').debug('not the ops logger')
    finally:
        ops_logger.setLevel(old_level)
    assert juju.juju_logs() == [
        ('INFO', 'news'),
        ('DEBUG', 'charm detail'),
        ('DEBUG', 'not the ops logger'),
    ]


def test_a_level_the_charm_gave_the_ops_logger_is_kept(juju: World) -> None:
    ops_logger = logging.getLogger('ops')
    old_level = ops_logger.level
    ops_logger.setLevel(logging.DEBUG)
    try:
        _setup_logging(
            juju.backend,
            debug=False,
            exc_stderr=False,
            level=logging.DEBUG,
            framework_level=logging.INFO,
        )
        logging.getLogger('ops.main').debug('wanted chatter')
    finally:
        ops_logger.setLevel(old_level)
    assert juju.juju_logs() == [('DEBUG', 'wanted chatter')]


@pytest.mark.parametrize(
    ('env', 'debug', 'expected'),
    [
        ({}, False, (logging.DEBUG, logging.INFO)),
        ({}, True, (logging.DEBUG, logging.DEBUG)),
        ({'OPS_JUJU_LOG_LEVEL': 'debug'}, False, (logging.DEBUG, logging.DEBUG)),
        ({'OPS_JUJU_LOG_LEVEL': 'WARNING'}, True, (logging.WARNING, logging.WARNING)),
        ({'OPS_JUJU_LOG_LEVEL': '5'}, False, (5, 5)),
        ({'OPS_JUJU_LOG_LEVEL': 'nonsense'}, False, (logging.DEBUG, logging.INFO)),
    ],
)
def test_juju_log_thresholds(env: dict[str, str], debug: bool, expected: tuple[int, int]) -> None:
    assert _juju_log_levels(env, debug) == expected


def test_logging_from_inside_the_backend_does_not_recurse() -> None:
    class Chatty:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def juju_log(self, level: str, message: str) -> None:
            self.lines.append(message)
            logging.getLogger('backend').warning('while logging')

    chatty = Chatty()
    ops.log.setup_root_logging(chatty)  # type: ignore[arg-type]
    logging.getLogger('x').info('one')
    assert chatty.lines == ['one']
