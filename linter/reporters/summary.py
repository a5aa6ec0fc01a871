"""The closing lines of the human formats: counts, fixable findings, statistics."""

from __future__ import annotations

from collections import Counter

from . import Report
from .style import paint


def summary(report: Report) -> list[str]:
    outcome = report.outcome
    lines = []
    if report.statistics and outcome.findings:
        counts = Counter((f.code, f.name) for f in outcome.findings)
        fixable = Counter(f.code for f in outcome.findings if f.fixable)
        width = len(str(max(counts.values())))
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            mark = " [*]" if fixable[code] else ""
            lines.append(f"{count:>{width}}  {code}  {name}{mark}")
        lines.append("")
    if report.target_line:
        lines.append(report.target_line)
    files = f"{outcome.files} file{'s' if outcome.files != 1 else ''}"
    if outcome.fixes_applied:
        lines.append(f"Fixed {outcome.fixes_applied} finding{_s(outcome.fixes_applied)}.")
    if not outcome.findings:
        lines.append(paint(f"All checks passed ({files} checked).", "green", report.colour))
        return lines
    total = len(outcome.findings)
    line = f"Found {total} finding{_s(total)} in {files} checked."
    fixable = sum(f.fixable for f in outcome.findings)
    if fixable:
        line += f" {fixable} fixable with --fix (--diff to preview)."
    lines.append(paint(line, "bold", report.colour))
    return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"
