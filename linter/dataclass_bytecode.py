"""Bytecode for the methods ``dataclasses`` generates, kept between runs like ``.pyc``.

Every ``@dataclass`` compiles its ``__init__``, ``__repr__``, ``__eq__``... from source
text each time its module is imported: LibCST defines ~250 dataclasses, and compiling
their ~1,000 methods is ~0.1 s, a quarter of ``osiris-lint one_file.py``. Python keeps
a module's bytecode in ``__pycache__`` but not these, so this keeps them there too,
keyed by their source text: a run compiles only the methods it has not seen before.

``dataclasses`` compiles with ``exec(source, globals, namespace)`` (3.11 to 3.13);
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
import marshal
import os
import sys
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "__pycache__" / (
    f"dataclass-methods.{sys.implementation.cache_tag}.marshal")


@contextlib.contextmanager
def kept_bytecode(path: Path = DEFAULT_PATH) -> Iterator[None]:
    """Dataclasses defined inside this block reuse the bytecode kept at ``path``."""
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
