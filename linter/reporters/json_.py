"""``json``: an array of findings, for programs (the fields ruff's JSON has too, and the
target the finding was judged under)."""

from __future__ import annotations

import json

from . import Report


def render(report: Report) -> str:
    items = [{
        "code": f.code, "name": f.name, "path": f.path, "filename": f.path,
        "line": f.line, "column": f.column, "end_line": f.end_line, "end_column": f.end_column,
        "location": {"row": f.line, "column": f.column},
        "end_location": {"row": f.end_line, "column": f.end_column},
        "message": f.message, "fixable": f.fixable, "fix_title": f.fix_title,
        "target": report.target,
    } for f in report.outcome.findings]
    return json.dumps(items, indent=2) + "\n"
