"""The speed tricks that reach into LibCST or the standard library, in one module.

Each is on only for the versions it was tested with (LibCST ``TESTED_LIBCST``, Python
``TESTED_PYTHON``) and falls back to the public API elsewhere, or when
``OSIRIS_LINT_NO_SPEEDUPS=1``: slower, same results (tests/lint/test_speedups.py lints
the corpus both ways and compares).

- ``kept_bytecode``: the bytecode of the methods ``dataclasses`` generates, kept
  between runs like ``.pyc`` (start-up: LibCST defines ~250 dataclasses).
- ``parser_output_unvalidated``: LibCST's node validation is off while its parser
  builds a tree (12% of the parse).
- ``code_ranges``: node positions from a lighter code generation pass that stops
  after the last node asked for, instead of ``PositionProvider`` (3x the parse).

Kept bytecode: every ``@dataclass`` compiles its ``__init__``, ``__repr__``, ``__eq__``... from source
text each time its module is imported: LibCST defines ~250 dataclasses, and compiling
their ~1,000 methods is ~0.1 s, a quarter of ``osiris-lint one_file.py``. Python keeps
a module's bytecode in ``__pycache__`` but not these, so this keeps them there too,
keyed by their source text: a run compiles only the methods it has not seen before.

``dataclasses`` compiles with ``exec(source, globals, namespace)`` (3.10 to 3.13);
while :func:`kept_bytecode` is active, that name resolves to a version that looks
the source up first. Executing the same code object in the same globals makes the
same function, so classes behave exactly as without it. Like Python's own bytecode
cache, nothing is written when ``sys.dont_write_bytecode`` is set, and a file that
cannot be read, is corrupt or was written by another Python is ignored.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import functools
import marshal
import os
import sys
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER
from pathlib import Path

TESTED_LIBCST = ((1, 1), (1, 10))  # [from, to): LibCST's private names used below
TESTED_PYTHON = ((3, 10), (3, 14))  # [from, to): dataclasses' exec, LibCST's internals


def _tested(running: tuple[int, int], tested: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    return tested[0] <= running < tested[1]


# Known at start-up, before LibCST is imported (kept_bytecode must act before that).
ACTIVE = (os.environ.get("OSIRIS_LINT_NO_SPEEDUPS") != "1"
          and _tested(sys.version_info[:2], TESTED_PYTHON))


@functools.cache
def libcst_tricks() -> bool:
    """ACTIVE, and the LibCST in use is one the tricks were tested with. Asked only
    once LibCST is imported: its version module then costs nothing (importlib.metadata
    would add ~35 ms to every start)."""
    try:
        from libcst._version import __version_tuple__
    except ImportError:
        return False
    return ACTIVE and _tested(tuple(__version_tuple__[:2]), TESTED_LIBCST)

DEFAULT_PATH = Path(__file__).parent / "__pycache__" / (
    f"dataclass-methods.{sys.implementation.cache_tag}.marshal")


@contextlib.contextmanager
def kept_bytecode(path: Path = DEFAULT_PATH) -> Iterator[None]:
    """Dataclasses defined inside this block reuse the bytecode kept at ``path``."""
    if not ACTIVE:
        yield
        return
    known = _load(path)
    compiled: dict[str, object] = {}

    def exec_kept(source, globals=None, locals=None, /):  # noqa: A002 - exec's own names
        if type(source) is str:
            code = known.get(source)
            if code is None:
                code = compiled[source] = compile(source, "<string>", "exec")
            source = code
        return builtins.exec(source, globals, locals)

    dataclasses.exec = exec_kept  # found before the builtin: a module global
    try:
        yield
    finally:
        del dataclasses.exec
        if compiled and not sys.dont_write_bytecode:
            _save(path, known | compiled)


def _load(path: Path) -> dict[str, object]:
    try:
        data = path.read_bytes()
        if data.startswith(MAGIC_NUMBER):
            codes = marshal.loads(data[len(MAGIC_NUMBER):])
            if type(codes) is dict:
                return codes
    except (OSError, ValueError, EOFError, TypeError):
        pass
    return {}


def _save(path: Path, codes: dict[str, object]) -> None:
    """Written whole and moved into place, so a concurrent run never reads half a file."""
    import tempfile  # only when something new was compiled: it costs start-up time

    try:
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    except OSError:
        return
    try:
        os.chmod(temporary, 0o644)  # as readable as the .pyc files beside it
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC_NUMBER + marshal.dumps(codes))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# -- LibCST's node validation, off while its parser builds a tree ---------------------

@contextlib.contextmanager
def parser_output_unvalidated() -> Iterator[None]:
    """LibCST validates every node as it is built (``CSTNode.__post_init__``). That
    protects trees built by hand, such as fixes, but on a parsed file only repeats what
    the parser has already checked, for 12% of the parse. Off while the parser builds
    a tree, in this process only, and on again for every node built after it."""
    if not libcst_tricks():
        yield
        return
    from libcst._nodes.base import CSTNode

    validate = CSTNode.__post_init__
    CSTNode.__post_init__ = _trusted
    try:
        yield
    finally:
        CSTNode.__post_init__ = validate


def _trusted(node: object) -> None:
    """``__post_init__`` of the nodes the parser builds."""


# -- positions: a code generation pass that stops early -------------------------------

def code_ranges(module, nodes) -> dict:
    """id(node) -> its syntactic ``CodeRange``, as LibCST's ``PositionProvider`` gives
    it. ``PositionProvider`` through ``MetadataWrapper`` costs ~17 ms a file, three
    times the parse, mostly in bookkeeping around a code generation pass that alone
    costs ~2 ms: with libcst_tricks() that pass runs with a lighter state that records each
    node's range as two character offsets, and stops once the last node asked for is
    passed (a class name near the top costs a few lines, not the file)."""
    import libcst as cst

    nodes = list(nodes)
    if not libcst_tricks():
        wrapper = cst.metadata.MetadataWrapper(module, unsafe_skip_copy=True)
        positions = wrapper.resolve(cst.metadata.PositionProvider)
        return {id(node): positions[node] for node in nodes}
    from .codegen_positions import fast_ranges

    return fast_ranges(module, nodes)
