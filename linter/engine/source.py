"""Turning a file's bytes into a LibCST module, or into the finding that says why not."""

from __future__ import annotations

import codecs
import io
import re
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from ..speedups import parser_output_unvalidated
from .pythons import RUNNING, Version, refusal


@dataclass(frozen=True)
class Unparsable:
    """Why a file yields no tree: OSD900 (syntax) or OSD901 (undecodable)."""

    kind: str  # "syntax" (OSD900), or "decode" / "unsupported" (OSD901)
    line: int
    column: int
    message: str


MAX_FILE_BYTES = 10 * 2**20  # no Python source is this large; /dev/zero would never end
BOM = codecs.BOM_UTF8


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
    first two lines, else UTF-8; a byte order mark is skipped. UTF-8 for a cookie
    CPython refuses (``decode`` reports those)."""
    try:
        return _declared_encoding(data)
    except SyntaxError:
        return "utf-8-sig"


def _declared_encoding(data: bytes) -> str:
    """SyntaxError, as CPython's, for an unknown encoding or one contradicting the BOM."""
    if b"coding" not in data[:400]:  # no cookie: no need for the tokenizer's reader
        return "utf-8-sig"
    found, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return "utf-8-sig" if codecs.lookup(found).name == "utf-8" else found


def encode(text: str, like: bytes) -> bytes:
    """``text`` encoded as the file ``like`` was: its cookie's encoding, its byte order mark."""
    used = encoding(like)
    if used != "utf-8-sig":
        return text.encode(used)
    return (BOM if like.startswith(BOM) else b"") + text.encode("utf-8")


def decode(data: bytes) -> str | Unparsable:
    try:
        used = _declared_encoding(data)
    except SyntaxError as refused:  # CPython refuses the file before reading a line of it
        line = 1 if b"coding" in data.split(b"\n", 1)[0] else 2
        why = "a UTF-8 byte order mark, and a coding cookie naming another encoding" \
            if data.startswith(BOM) else str(refused)
        return Unparsable("syntax", line, 1, f"{why}; the file is not valid Python, so no rule "
                                             f"could check it")
    try:
        return data.decode(used)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if used == "utf-8-sig" else used
        return Unparsable("decode", 1, 1,
                          f"the file is not valid {name} (byte 0x{data[error.start]:02x} on line "
                          f"{line}); save it as UTF-8")


def parse(text: str, path: str, version: Version = RUNNING) -> cst.Module | Unparsable:
    """CPython's verdict first (for the target ``version``), then LibCST's tree. Asking
    CPython costs a tenth of LibCST's parse and spares LibCST what it would crash on or
    take minutes over (brackets nested deeper than CPython allows, null bytes)."""
    refused = cpython_verdict(text, path, version)
    if refused is not None:
        return refused
    try:
        with parser_output_unvalidated():
            return cst.parse_module(text)
    except cst.ParserSyntaxError as error:  # valid Python that LibCST cannot read
        return Unparsable(
            "unsupported", error.raw_line, error.raw_column + 1,
            f"CPython accepts this file but LibCST cannot parse it ({error.message}), so no "
            f"rule could check it; indenting with spaces only, or newer syntax LibCST does "
            f"not know yet, explain most cases")


def cpython_verdict(text: str, path: str, version: Version = RUNNING) -> Unparsable | None:
    """Why CPython of ``version`` refuses ``text`` (OSD900), or that nobody here can
    judge it (OSD901); None when it accepts it."""
    try:
        refused = refusal(text, path, version)
    except LookupError as unjudged:
        return Unparsable("unsupported", 1, 1, f"{unjudged}; no rule could check it")
    if refused is None:
        return None
    line, column, message = refused
    return Unparsable("syntax", line, column, f"{message}; the file is not valid Python "
                                              f"{version[0]}.{version[1]}, so no rule could "
                                              f"check it")
