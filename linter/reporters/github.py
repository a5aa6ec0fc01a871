"""``github``: workflow commands that GitHub Actions turns into annotations."""

from __future__ import annotations

from . import Report


def render(report: Report) -> str:
    return "".join(
        f"::error file={_property(f.path)},line={f.line},col={f.column},endLine={f.end_line},"
        f"endColumn={f.end_column},title={_property(f.code)} [{_property(f.name)}]::"
        f"{_data(f.message)}\n" for f in report.outcome.findings)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
