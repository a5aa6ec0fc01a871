"""SIGTERM as an exception, so that a terminated run still writes its record.

Python turns SIGINT into ``KeyboardInterrupt`` by itself; SIGTERM kills the process
without running any ``finally``. While a run executes, :func:`termination_as_exception`
makes SIGTERM raise :class:`RunTerminated` in the main thread instead, so the runner can
record the step that was running, write the summary, and exit 143 as a killed process
would. Outside the main thread (where Python allows no signal handler) it does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RunTerminated(BaseException):
    """SIGTERM arrived during a run (a BaseException, like KeyboardInterrupt: no
    ``except Exception`` of a driver swallows it)."""


def _raise_terminated(signum, frame):
    raise RunTerminated(f"terminated by signal {signal.Signals(signum).name}")


@contextmanager
def termination_as_exception() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
