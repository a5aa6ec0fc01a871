"""Output formats. Each module renders a finished run as text for one consumer:
a person (full, concise), a program (json), code scanning (sarif), GitHub Actions
annotations (github), CI test views (junit)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..linting import Outcome
from ..rule import Rule


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


def render(name: str, report: Report) -> str:
    from . import concise, full, github, json_, junit, sarif

    renderers = {"full": full.render, "concise": concise.render, "json": json_.render,
                 "sarif": sarif.render, "github": github.render, "junit": junit.render}
    return renderers[name](report)


FORMATS = ("full", "concise", "json", "sarif", "github", "junit")
