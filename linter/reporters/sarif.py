"""``sarif``: SARIF 2.1.0, as GitHub code scanning reads it: one rule entry per code
with its help text, one result per finding with its physical location."""

from __future__ import annotations

import json

from ..explain import page
from . import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report) -> str:
    codes = sorted(report.rules)
    index = {code: i for i, code in enumerate(codes)}
    rules = [_rule(report.rules[code]) for code in codes]
    results = [{
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": "error",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": f.line, "startColumn": f.column,
                       "endLine": f.end_line, "endColumn": f.end_column},
        }}],
    } for f in report.outcome.findings if f.code in index]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "osiris-lint", "version": report.version,
                                "semanticVersion": report.version, "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": report.cwd.resolve().as_uri() + "/"}},
            "results": results,
            "properties": {"target": report.target, "targetReason": report.target_reason},
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def _rule(rule) -> dict:
    explanation = page(rule).strip()
    return {
        "id": rule.code,
        "name": _pascal(rule.name),
        "shortDescription": {"text": f"{rule.code} {rule.name}"},
        "fullDescription": {"text": _first_paragraph(explanation)},
        "help": {"text": explanation, "markdown": explanation},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["osiris-driver-contract"]},
    }


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _first_paragraph(markdown: str) -> str:
    """The explanation's first paragraph of prose (headings dropped)."""
    prose = "\n".join(line for line in markdown.splitlines() if not line.startswith("#"))
    paragraphs = [p.strip() for p in prose.split("\n\n") if p.strip()]
    return " ".join(paragraphs[0].split()) if paragraphs else ""
