"""``--output-format junit``: JUnit XML as CI systems read it. A test suite per
driver with a test case per rule (failed, passed or skipped), and one suite for
the problems found at import."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import CheckReport, Finding

SUITES_NAME = "osiris-run check"


def render(report: CheckReport) -> str:
    suites = ET.Element("testsuites", name=SUITES_NAME)
    for driver in report.drivers:
        suite = _suite(suites, driver.name)
        if driver.problems:
            _case(suite, driver.name, "checked", driver.location, driver.problems)
        for result in driver.results:
            case = _case(suite, driver.name, f"{result.rule.code} {result.rule.name}",
                         driver.location, list(result.findings))
            if result.status == "skipped":
                ET.SubElement(case, "skipped", message=result.reason or "")
    if report.problems:
        suite = _suite(suites, "import")
        for finding in report.problems:
            label = f"{finding.code} {finding.check}" if finding.code else finding.check
            _case(suite, finding.subject, label, finding.location, [finding])
    for element in (suites, *suites):
        cases = element.iter("testcase")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for case in cases:
            counts["tests"] += 1
            counts["failures"] += case.find("failure") is not None
            counts["skipped"] += case.find("skipped") is not None
        element.attrib.update({k: str(v) for k, v in counts.items()})
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name)


def _case(suite: ET.Element, classname: str, name: str, location: str | None,
          findings: list[Finding]) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name)
    if location:
        case.set("file", location.rsplit(":", 1)[0])
    if findings:
        failure = ET.SubElement(case, "failure", message=findings[0].observed)
        failure.text = "\n".join(f.describe() for f in findings)
    return case
