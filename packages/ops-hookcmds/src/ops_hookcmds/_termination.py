"""Leave no secret file and no hook-tool process behind when the hook is terminated.

Python's default action for SIGTERM and SIGHUP ends the process at once: no ``finally``
block runs, so the private files holding secret content for ``secret-add``/``secret-set``
would stay on disk and the running tool would be orphaned. While such files exist,
:func:`cleanup_on_termination` catches those two signals, stops the running hook tools,
removes the files, and then lets the signal take its course: the previous handler is
called, or (the default) the process dies of the signal exactly as it would have.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

__all__ = ['cleanup_on_termination', 'track_child']

SIGNALS = (signal.SIGTERM, signal.SIGHUP)

_children: set[subprocess.Popen[Any]] = set()
_children_lock = threading.Lock()


@contextmanager
def track_child(proc: subprocess.Popen[Any]) -> Iterator[None]:
    """Remember ``proc`` as a running hook tool while the block runs."""
    with _children_lock:
        _children.add(proc)
    try:
        yield
    finally:
        with _children_lock:
            _children.discard(proc)


def _stop_children() -> None:
    with _children_lock:
        running = list(_children)
    for proc in running:
        try:
            proc.terminate()
            proc.wait(timeout=1)
        except Exception:
            try:
                proc.kill()
                proc.wait(timeout=1)
            except Exception:
                pass  # nothing more can be done for it


@contextmanager
def cleanup_on_termination(cleanup: Callable[[], None]) -> Iterator[None]:
    """Run ``cleanup`` (after stopping running hook tools) if SIGTERM or SIGHUP arrives.

    Outside the main thread (where Python cannot install handlers) and for a signal that
    is ignored, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    handling = False

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal handling
        if handling:
            return
        handling = True
        try:
            _stop_children()
            cleanup()
        finally:
            restore()
        before = previous[signum]
        if callable(before):
            before(signum, frame)
        else:  # the default action: die of this signal, as without this handler
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    for signum in SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN or current is None:
            continue  # ignored, or installed outside Python (cannot be restored)
        previous[signum] = current
        signal.signal(signum, on_signal)
    try:
        yield
    finally:
        if not handling:
            restore()
