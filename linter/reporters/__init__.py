"""Output formats. Each module renders a finished run as text for one consumer:
a person (full, concise), a program (json), code scanning (sarif), GitHub Actions
annotations (github), CI test views (junit)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..engine.lint_run import Outcome
from ..engine.rule import Rule


@dataclass
class Report:
    outcome: Outcome
    rules: dict[str, type[Rule]]  # by code
    version: str
    cwd: Path
    colour: bool = False
    statistics: bool = False
    target: str = "contract"
    target_reason: str = "default"  # why the target applies; "default" is not worth a line

    @property
    def target_line(self) -> str | None:
        """The human formats' word on a target that was configured or detected."""
        if self.target_reason == "default":
            return None
        return f"Target: {self.target} ({self.target_reason})."


# Control characters but the tab (C0, DEL, C1), line and paragraph separators, and the
# lone surrogates of undecodable file names: shown escaped, never sent to a terminal
# (ANSI escapes), an XML document (JUnit allows none of them) or a line-based format.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every control character written as its Python escape (``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(name: str, report: Report) -> str:
    from . import concise, full, github, json_, junit, sarif

    renderers = {"full": full.render, "concise": concise.render, "json": json_.render,
                 "sarif": sarif.render, "github": github.render, "junit": junit.render}
    findings = [replace(f, path=printable(f.path), message=printable(f.message))
                for f in report.outcome.findings]
    return renderers[name](replace(report, outcome=replace(report.outcome, findings=findings)))


FORMATS = ("full", "concise", "json", "sarif", "github", "junit")
