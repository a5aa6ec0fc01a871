"""Room for deep trees. LibCST's native parser, its code generation (positions) and
the rules' analyses of expressions recurse once per level of nesting: 500 ``+``
terms or ``elif`` branches overflow Python's default limit of 1,000 frames, and
10,000 chained ``and`` overflow the parser's C stack (a segfault). Linting runs on a
thread with a large stack and a high recursion limit instead: CPython itself refuses
files nested deeper than ~3,000 levels (source.py reports those without LibCST), and
a deeper chain LibCST accepts still fits."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

STACK_BYTES = 512 * 2**20  # reserved, not committed: pages are used only as deep as a file goes
RECURSION_LIMIT = 200_000
T = TypeVar("T")

_deep = threading.local()


def call(function: Callable[..., T], *args) -> T:
    """``function(*args)`` on a thread with room for deep trees (directly when already on one)."""
    if getattr(_deep, "active", False):
        return function(*args)
    outcome: list = []

    def run() -> None:
        _deep.active = True
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # noqa: BLE001 - handed back to the calling thread
            outcome.append((False, error))

    previous_stack = threading.stack_size(STACK_BYTES)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    try:
        thread = threading.Thread(target=run, name="osiris-lint", daemon=True)  # Ctrl-C ends the run
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value
