"""``concise``: one line per finding, ``path:line:col: CODE [name] message``."""

from __future__ import annotations

from . import Report
from .summary import summary


def render(report: Report) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}"
             for f in ([] if report.statistics else report.outcome.findings)]
    return "\n".join(lines + summary(report)) + "\n"
