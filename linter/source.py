"""Turning a file's bytes into a LibCST module, or into the finding that says why not."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.base import CSTNode


@dataclass(frozen=True)
class Unparsable:
    """Why a file yields no tree: OSD900 (syntax) or OSD901 (undecodable)."""

    kind: str  # "syntax" or "decode"
    line: int
    column: int
    message: str


def decode(data: bytes) -> str | Unparsable:
    try:
        return data.decode("utf-8-sig")  # a byte order mark is valid UTF-8 source
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Unparsable("decode", 1, 1,
                          f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x} on line "
                          f"{line}); save it as UTF-8")


def parse(text: str, path: str) -> cst.Module | Unparsable:
    try:
        with _parser_output_unvalidated():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _syntax_error(text, path, error)


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
    """Report where CPython would: users compare the position with their editor's."""
    try:
        compile(text, path, "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except SyntaxError as cpython:
        return Unparsable("syntax", cpython.lineno or 1, cpython.offset or 1,
                          f"{cpython.msg}; the file is not valid Python, so no rule could check it")
    except (ValueError, OverflowError) as other:  # null bytes, absurd literals
        return Unparsable("syntax", error.raw_line, error.raw_column + 1,
                          f"{other}; the file is not valid Python")
    return Unparsable("syntax", error.raw_line, error.raw_column + 1,
                      f"{error.message}; LibCST cannot parse this file")
