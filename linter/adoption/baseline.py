"""``--baseline FILE``: adopt osiris-lint on code that already has findings, as
phpstan's and detekt's baselines do. ``--write-baseline FILE`` records every current
finding; ``--baseline FILE`` then reports only findings not recorded there.

A finding is recorded by its file (relative to the project root), its code and the
text of its line, not by its line number, so code that moves keeps its findings
silenced; a second identical finding on an identical line is new. Entries that no
longer occur are counted, so the file can be written again once they are fixed."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..engine.files import relative_to
from ..engine.findings import Finding

FORMAT = "osiris-lint-baseline/1"


class BaselineError(Exception):
    """The baseline file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the project root, POSIX
    code: str
    source: str  # the finding's line, stripped


@dataclass(frozen=True)
class Filtered:
    findings: list[Finding]  # not in the baseline
    hidden: int  # findings the baseline covers
    stale: int  # baseline entries that no longer occur


class _Lines:
    """The stripped text of a line of each file, read once per file."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.files: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.files:
            try:
                text = (self.cwd / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.files[path] = text.splitlines()
        lines = self.files[path]
        return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def _entries(findings: list[Finding], root: Path, cwd: Path) -> list[Entry]:
    lines = _Lines(cwd)
    root = root.resolve()
    return [Entry(relative_to((cwd / f.path).resolve(), root), f.code,
                  lines.line(f.path, f.line)) for f in findings]


def write(path: Path, findings: list[Finding], root: Path, cwd: Path) -> int:
    """Record ``findings`` in ``path``; the number recorded."""
    counted = Counter(_entries(findings, root, cwd))
    document = {"format": FORMAT, "findings": [
        {"path": e.path, "code": e.code, "source": e.source, "count": n}
        for e, n in sorted(counted.items(), key=lambda item: (item[0].path, item[0].code,
                                                               item[0].source))]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"--write-baseline {path}: cannot write it "
                            f"({error.strerror or error})") from error
    return sum(counted.values())


def load(path: Path) -> Counter[Entry]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file; record the current findings "
                            f"first with --write-baseline {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"--baseline {path}: not a baseline osiris-lint wrote "
                            f"({error}); write it again with --write-baseline") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BaselineError(f"--baseline {path}: not in the format {FORMAT}; write it again "
                            "with --write-baseline")
    try:
        return Counter({Entry(item["path"], item["code"], item["source"]): int(item["count"])
                        for item in document["findings"]})
    except (KeyError, TypeError, ValueError) as error:
        raise BaselineError(f"--baseline {path}: a malformed entry ({error!r}); write it "
                            "again with --write-baseline") from None


def apply(findings: list[Finding], baseline: Counter[Entry], root: Path,
          cwd: Path) -> Filtered:
    """The findings beyond what the baseline records, in their order."""
    left = Counter(baseline)
    kept = []
    for finding, entry in zip(findings, _entries(findings, root, cwd), strict=True):
        if left[entry] > 0:
            left[entry] -= 1
        else:
            kept.append(finding)
    hidden = len(findings) - len(kept)
    return Filtered(kept, hidden, sum(left.values()))
