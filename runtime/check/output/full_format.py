"""``--output-format full``: a block per driver (each breach with what was
observed and what the contract expects, the rules skipped and why), the
problems found at import, and a summary line."""

from __future__ import annotations

from collections.abc import Callable

from ..model import CheckReport, DriverReport, Finding

Paint = Callable[[str, str], str]


def render(report: CheckReport, paint: Paint = lambda text, _style: text) -> str:
    lines: list[str] = []
    for driver in report.drivers:
        lines += _driver_block(driver, paint)
    if report.problems:
        lines.append(paint("Found while importing the drivers:", "bold"))
        lines += [_finding_line(f, paint) for f in report.problems]
        lines.append("")
    lines.append(_summary(report, paint))
    return "\n".join(lines) + "\n"


def _driver_block(driver: DriverReport, paint: Paint) -> list[str]:
    status = {"passed": paint("passed", "green"), "breached": paint("BREACHED", "red"),
              "not-checked": paint("NOT CHECKED", "red")}[driver.status]
    lines = [f"{paint(driver.name, 'bold')} ({driver.class_name}, {driver.category or 'no category'}"
             f"{', ' + driver.location if driver.location else ''}): {status}"]
    lines += [_finding_line(f, paint) for f in driver.findings]
    lines += [paint(f"  note: {note}", "dim") for note in driver.notes]
    passed = [r.rule.code for r in driver.results if r.status == "passed"]
    if passed:
        lines.append(paint(f"  passed: {' '.join(passed)}", "dim"))
    lines += [paint(f"  note {r.rule.code} {r.rule.name}: {r.reason}", "dim")
              for r in driver.results if r.status != "skipped" and r.reason]
    lines += [paint(f"  skipped {r.rule.code} {r.rule.name}: {r.reason}", "dim")
              for r in driver.results if r.status == "skipped"]
    return [*lines, ""]


def _finding_line(finding: Finding, paint: Paint) -> str:
    where = f"{finding.location}: " if finding.location else ""
    label = f"{finding.code} {finding.check}" if finding.code else finding.check
    return (f"  {where}{finding.subject}: {paint(label, 'red')}: {finding.observed}\n"
            f"      expected: {finding.expected}")


def _summary(report: CheckReport, paint: Paint) -> str:
    counts = {status: sum(d.status == status for d in report.drivers)
              for status in ("passed", "breached", "not-checked")}
    text = (f"{len(report.drivers)} driver(s) checked: {counts['passed']} passed, "
            f"{counts['breached']} breached, {counts['not-checked']} not checked; "
            f"{len(report.findings)} finding(s).")
    return paint(text, "green" if report.ok else "red")
