"""Turning a file's bytes into a LibCST module, or into the finding that says why not."""

from __future__ import annotations

import codecs
import io
import re
import stat
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import libcst as cst
from libcst._nodes.base import CSTNode


@dataclass(frozen=True)
class Unparsable:
    """Why a file yields no tree: OSD900 (syntax) or OSD901 (undecodable)."""

    kind: str  # "syntax" (OSD900), or "decode" / "unsupported" (OSD901)
    line: int
    column: int
    message: str


MAX_FILE_BYTES = 10 * 2**20  # no Python source is this large; /dev/zero would never end
MAX_NESTING = 200  # CPython's tokenizer refuses deeper brackets ("too many nested parentheses")
_NOT_BRACKETS = re.compile(r"[^()\[\]{}]+")
BOM = codecs.BOM_UTF8
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ends a line for Python; not \x0c, \x85, U+2028


def read(path: Path) -> bytes:
    """A regular file's bytes (through symlinks), or OSError: opening a FIFO would block
    for ever, reading a device might never end."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "not a regular file (a FIFO, socket or device); skipped")
    with open(path, "rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(0, f"larger than {MAX_FILE_BYTES // 2**20} MB; skipped")
    return data


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` as Python counts them (``str.splitlines`` counts more breaks)."""
    return LINE_BREAK.split(text)


def encoding(data: bytes) -> str:
    """The file's encoding as CPython reads it (PEP 263): a coding cookie on one of the
    first two lines, else UTF-8; a byte order mark is skipped."""
    if b"coding" not in data[:400]:  # no cookie: no need for the tokenizer's reader
        return "utf-8-sig"
    try:
        found, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:  # an unknown encoding or one that contradicts the BOM: decoded below
        return "utf-8-sig"
    return "utf-8-sig" if codecs.lookup(found).name == "utf-8" else found


def encode(text: str, like: bytes) -> bytes:
    """``text`` encoded as the file ``like`` was: its cookie's encoding, its byte order mark."""
    used = encoding(like)
    if used != "utf-8-sig":
        return text.encode(used)
    return (BOM if like.startswith(BOM) else b"") + text.encode("utf-8")


def decode(data: bytes) -> str | Unparsable:
    used = encoding(data)
    try:
        return data.decode(used)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if used == "utf-8-sig" else used
        return Unparsable("decode", 1, 1,
                          f"the file is not valid {name} (byte 0x{data[error.start]:02x} on line "
                          f"{line}); save it as UTF-8")


def parse(text: str, path: str) -> cst.Module | Unparsable:
    if _beyond_libcst(text):  # CPython's verdict first: LibCST would crash or take minutes
        refused = _cpython_verdict(text, path)
        if refused is not None:
            return refused
    try:
        with _parser_output_unvalidated():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _syntax_error(text, path, error)


def _beyond_libcst(text: str) -> bool:
    """Null bytes (LibCST takes them), or brackets nested deeper than CPython allows:
    LibCST's parser needs minutes and gigabytes for 800 nested calls. Brackets in
    strings and comments count too: a false alarm only costs CPython's verdict."""
    if "\0" in text:
        return True
    brackets = _NOT_BRACKETS.sub("", text)
    return len(brackets) >= MAX_NESTING and max(accumulate(map(_DEPTH.get, brackets))) >= MAX_NESTING


def _cpython_verdict(text: str, path: str) -> Unparsable | None:
    """Why CPython refuses ``text``, at its position, or None when it accepts it."""
    try:
        compile(text, path, "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError) as cpython:  # ValueError: null bytes, before 3.11.4
        line, column = _null_byte(text) if "null bytes" in str(cpython) \
            else (cpython.lineno or 1, cpython.offset or 1)
        return Unparsable("syntax", line, column, f"{getattr(cpython, 'msg', cpython)}; the "
                                                  f"file is not valid Python, so no rule could check it")
    except (RecursionError, MemoryError):
        return Unparsable("syntax", 1, 1, "the file is nested too deeply for CPython's parser; "
                                          "the file is not valid Python, so no rule could check it")
    return None


def _null_byte(text: str) -> tuple[int, int]:
    """Where the first null byte is: CPython does not say."""
    before = text[: text.find("\0")]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


@contextmanager
def _parser_output_unvalidated() -> Iterator[None]:
    """LibCST validates every node as it is built (``CSTNode.__post_init__``). That
    protects trees built by hand, such as fixes, but on a parsed file only repeats what
    the parser has already checked, for 12% of the parse. Off while the parser builds
    a tree, in this process only, and on again for every node built after it."""
    validate = CSTNode.__post_init__
    CSTNode.__post_init__ = _trusted
    try:
        yield
    finally:
        CSTNode.__post_init__ = validate


def _trusted(node: CSTNode) -> None:
    """``__post_init__`` of the nodes the parser builds."""


def _syntax_error(text: str, path: str, error: cst.ParserSyntaxError) -> Unparsable:
    """Report where CPython would: users compare the position with their editor's. Valid
    Python that LibCST cannot parse (tabs or form feeds in some indentation) is not a
    syntax error: it is reported as a file no rule could read."""
    return _cpython_verdict(text, path) or Unparsable(
        "unsupported", error.raw_line, error.raw_column + 1,
        f"CPython accepts this file but LibCST cannot parse it ({error.message}), so no rule "
        f"could check it; indenting with spaces only avoids this")
