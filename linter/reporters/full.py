"""``full``: each finding with its source line and a caret, then a summary."""

from __future__ import annotations

from ..engine.source import encoding, lines_of, read
from . import Report, printable
from .style import paint
from .summary import summary


def render(report: Report) -> str:
    lines: list[str] = []
    sources: dict[str, list[str]] = {}
    colour = report.colour
    for finding in [] if report.statistics else report.outcome.findings:
        location = paint(f"{finding.path}:{finding.line}:{finding.column}:", "bold", colour)
        code = paint(finding.code, "red", colour)
        fix = paint(" [*]", "cyan", colour) if finding.fixable else ""
        lines.append(f"{location} {code}{fix} [{finding.name}] {finding.message}")
        text = _source_line(sources, report, finding.path, finding.line)
        if text is not None:
            gutter = " " * len(str(finding.line))
            width = max(1, min(finding.end_column - finding.column, len(text) - finding.column + 1)
                        if finding.end_line == finding.line else 1)
            lines += [f"{gutter} |", f"{finding.line} | {text}",
                      f"{gutter} | {' ' * (finding.column - 1)}{paint('^' * width, 'red', colour)}",
                      ""]
    return "\n".join(lines + summary(report)) + "\n"


def _source_line(cache: dict[str, list[str]], report: Report, path: str, line: int) -> str | None:
    if path not in cache:
        try:
            data = read(report.cwd / path)
            cache[path] = lines_of(data.decode(encoding(data), errors="replace"))
        except OSError:
            cache[path] = []
    lines = cache[path]
    return printable(lines[line - 1].rstrip()) if 0 < line <= len(lines) else None
