"""``junit``: one test suite per file, one failing test case per finding, and a
passing case for each clean file, so CI test views show what was checked."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from . import Report


def render(report: Report) -> str:
    by_file = defaultdict(list)
    for finding in report.outcome.findings:
        by_file[finding.path].append(finding)
    total = len(report.outcome.findings)
    suites = ElementTree.Element("testsuites", name="osiris-lint", tests=str(max(total, 1)),
                                failures=str(total))
    for path in sorted(by_file) or [None]:
        findings = by_file.get(path, [])
        suite = ElementTree.SubElement(suites, "testsuite", name=path or "osiris-lint",
                                       tests=str(max(len(findings), 1)),
                                       failures=str(len(findings)))
        if not findings:
            ElementTree.SubElement(suite, "testcase", name="osiris-lint",
                                   classname="osiris-lint")
        for f in findings:
            case = ElementTree.SubElement(suite, "testcase", name=f"{f.code} {f.name}",
                                          classname=f"{f.path}:{f.line}:{f.column}",
                                          file=f.path, line=str(f.line))
            failure = ElementTree.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}"
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        suites, encoding="unicode") + "\n"
