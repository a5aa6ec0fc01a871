"""Suppression comments, as the catalogue defines them:

- ``# osiris-lint: disable=OSD020,OSD010`` on a finding's line or the line above;
- ``# osiris-lint: disable-file=OSD020`` anywhere: the code is off in the file;
- ``# noqa: OSD020`` on the finding's line, and a bare ``# noqa`` for every code
  on its line, as in ruff. Text after the codes is ignored.

Codes that are not this linter's (``# noqa: E501``) are left to their tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .findings import Finding

_DIRECTIVE = re.compile(r"osiris-lint:\s*(disable|disable-file)\s*=\s*([A-Z0-9]+(?:\s*,\s*[A-Z0-9]+)*)")
_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
OWN_PREFIX = "OSD"


def may_have_suppressions(source: str) -> bool:
    """Cheap test before collecting comments."""
    return "osiris-lint" in source or "noqa" in source.lower()


@dataclass
class Suppression:
    line: int
    column: int
    kind: str  # "disable", "disable-file" or "noqa"
    codes: frozenset[str] | None  # None: a bare noqa, every code
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if self.codes is not None and finding.code not in self.codes:
            return False
        if self.kind == "disable-file":
            return True
        if self.kind == "disable":
            return finding.line in (self.line, self.line + 1)
        return finding.line == self.line

    def to_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "kind": self.kind,
                "codes": sorted(self.codes) if self.codes is not None else None}

    @classmethod
    def from_dict(cls, data: dict) -> Suppression:
        codes = data["codes"]
        return cls(data["line"], data["column"], data["kind"],
                   frozenset(codes) if codes is not None else None)


def parse_comment(text: str, line: int, column: int) -> list[Suppression]:
    found = []
    for match in _DIRECTIVE.finditer(text):
        codes = frozenset(c.strip() for c in match.group(2).split(","))
        found.append(Suppression(line, column, match.group(1), codes))
    noqa = _NOQA.search(text)
    if noqa and not found:
        if noqa.group(1) is None:
            found.append(Suppression(line, column, "noqa", None))
        else:
            codes = frozenset(c for c in re.split(r"[\s,]+", noqa.group(1).upper()) if c)
            own = frozenset(c for c in codes if c.startswith(OWN_PREFIX))
            if own:
                found.append(Suppression(line, column, "noqa", own))
    return found


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings no suppression covers; marks on each suppression what it used."""
    kept = []
    for finding in findings:
        covering = [s for s in suppressions if s.covers(finding)]
        for suppression in covering:
            suppression.used.add(finding.code)
        if not covering:
            kept.append(finding)
    return kept


def unused(suppressions: list[Suppression]) -> list[tuple[Suppression, str]]:
    """(suppression, code) for every listed code that silenced nothing. A bare
    ``# noqa`` may serve another tool, so it is never reported."""
    return [(s, code) for s in suppressions if s.codes is not None
            for code in sorted(s.codes - s.used)]
