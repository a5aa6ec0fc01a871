"""``--output-format json``: the whole report as one JSON document; ``findings``
is the flat list a CI step reads, ``drivers`` the per-rule detail."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..model import CheckReport, DriverReport, RuleResult


def render(report: CheckReport) -> str:
    document = {
        "ok": report.ok,
        "summary": {"drivers": len(report.drivers), "findings": len(report.findings),
                    **{status: sum(d.status == status for d in report.drivers)
                       for status in ("passed", "breached", "not-checked")}},
        "findings": [asdict(f) for f in report.findings],
        "drivers": [_driver(d) for d in report.drivers],
    }
    return json.dumps(document, indent=2) + "\n"


def _driver(driver: DriverReport) -> dict:
    return {"name": driver.name, "class": driver.class_name, "category": driver.category,
            "location": driver.location, "status": driver.status,
            "problems": [asdict(f) for f in driver.problems], "notes": driver.notes,
            "rules": [_rule(r) for r in driver.results]}


def _rule(result: RuleResult) -> dict:
    return {"code": result.rule.code, "name": result.rule.name, "status": result.status,
            "reason": result.reason, "findings": [asdict(f) for f in result.findings]}
