"""``--add-noqa``: silence every current finding in place, as ruff's ``--add-noqa``
does, so a team can turn the linter on today and fix the findings over time.

Each line with findings gets ``# noqa: OSD0xx`` (codes merged into a ``# noqa:`` the
line already has). A line whose end lies inside a string or after a backslash
continuation cannot carry a comment: it gets ``# osiris-lint: disable=OSD0xx`` on a
line of its own above it instead, or, where that too would land inside a string, is
reported as not silenced. Files keep their encoding and line endings."""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.findings import Finding
from ..engine.suppressions import OWN_PREFIX

_NOQA_CODES = re.compile(r"(#\s*noqa:\s*)([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.IGNORECASE)


@dataclass
class Added:
    directives: int = 0  # lines that got or extended a noqa comment
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # "path:line: why"
    unwritable: list[str] = field(default_factory=list)


def add_noqa(findings: list[Finding], cwd: Path) -> Added:
    """Write the comments for ``findings`` (paths relative to ``cwd``)."""
    added = Added()
    by_file: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in findings:
        if finding.code.startswith(OWN_PREFIX) and not finding.code.startswith("OSD9"):
            by_file[finding.path][finding.line].add(finding.code)
    for path, lines in sorted(by_file.items()):
        _add_to_file(cwd / path, path, lines, added)
    return added


def _add_to_file(file: Path, shown: str, codes_by_line: dict[int, set[str]],
                 added: Added) -> None:
    try:
        raw = file.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
        blocked = _lines_without_room(text)
    except (OSError, SyntaxError, UnicodeDecodeError, tokenize.TokenError) as error:
        added.skipped.append(f"{shown}: cannot read it as Python ({error})")
        return
    lines = text.splitlines(keepends=True)
    changed = 0
    # Bottom up: a line inserted above a finding moves none still to be handled.
    for number, codes in sorted(codes_by_line.items(), reverse=True):
        if not 0 < number <= len(lines):
            continue
        line = lines[number - 1]
        if number not in blocked:
            new = _with_noqa(line, codes)
            if new != line:
                lines[number - 1] = new
                changed += 1
        elif number - 1 not in blocked:
            indent = line[:len(line) - len(line.lstrip())]
            ending = line[len(line.rstrip("\r\n")):] or "\n"
            lines.insert(number - 1, f"{indent}# osiris-lint: disable={','.join(sorted(codes))}"
                                     f"{ending}")
            changed += 1
        else:
            added.skipped.append(f"{shown}:{number}: the line and the one above it end "
                                 "inside a string or a continuation")
    if not changed:
        return
    try:
        file.write_bytes("".join(lines).encode(encoding))
    except OSError as error:
        added.unwritable.append(f"{shown}: cannot write it ({error.strerror or error})")
        return
    added.directives += changed
    added.files += 1


def _with_noqa(line: str, codes: set[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    if _BARE_NOQA.search(body):
        return line
    existing = _NOQA_CODES.search(body)
    if existing:
        have = [c for c in re.split(r"[\s,]+", existing.group(2)) if c]
        merged = have + sorted(codes - {c.upper() for c in have})
        start, end = existing.span(2)
        return body[:start] + ", ".join(merged) + body[end:] + ending
    return f"{body}  # noqa: {', '.join(sorted(codes))}{ending}"


def _lines_without_room(text: str) -> set[int]:
    """Lines whose end is inside a multi-line token (a string) or continued by a
    backslash: a comment there would change the code."""
    blocked = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        start, end = token.start[0], token.end[0]
        if end > start and token.type != tokenize.NL:
            blocked.update(range(start, end))
    for number, line in enumerate(text.splitlines(), start=1):
        if line.rstrip().endswith("\\"):
            blocked.add(number)
    return blocked
