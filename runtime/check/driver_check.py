"""Check one driver: observe its runs under the scenario (on scratch storage of its
server when the scenario asks for it, see ``server_fixtures.py``), let every rule judge
them, and mask the secrets out of what is reported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..masking import SecretMasker
from .fixtures import NoDefaultScenario, default_scenario, input_frame
from .model import DriverReport, Finding, RuleResult
from .rules import judge
from .scenario import Scenario
from .server_fixtures import (
    ScratchOutcome,
    ServerUnavailable,
    scratch_scenario,
    server_backend,
    wants_scratch,
)
from .session import observe_driver
from .subject import DriverUnderCheck


def check_driver(subject: DriverUnderCheck, scenario: Scenario | None, folder: Path) -> DriverReport:
    """``scenario`` None means the default fixture for the driver's category."""
    report = DriverReport(subject.name, subject.cls.__qualname__, subject.location, subject.category)
    if subject.category is None:
        report.problems.append(_not_checked(
            subject, f"its category cannot be told from the file name, the key or the class name "
                     f"{subject.cls.__name__}",
            "a key type, class name or file name saying extractor, writer or transformer "
            "(e.g. 'csv.writer', CsvWriterDriver, csv_writer_driver.py)."))
        return report
    try:
        scenario = (scenario or default_scenario(subject.name, subject.category, folder / "fixture"))
    except NoDefaultScenario as reason:
        report.problems.append(_not_checked(subject, f"there is no scenario for it: {reason}.",
                                            "a scenario for the driver in check.yaml."))
        return report
    if subject.category == "extractor" and scenario.input is not None:
        report.problems.append(_not_checked(
            subject, f"{scenario.origin} gives an input, but extractors receive inputs=None.",
            "no 'input' in the scenario of an extractor."))
        return report
    if subject.category != "extractor" and scenario.input is None:
        scenario = replace(scenario, input=input_frame())
    backend = server_backend(subject) if subject.category != "transformer" else None
    if subject.category != "transformer" and wants_scratch(scenario, subject, backend):
        return _checked_on_scratch(subject, scenario, backend, folder, report)
    return _checked(subject, scenario, folder, report)


def _checked_on_scratch(subject: DriverUnderCheck, scenario: Scenario, backend: str | None,
                        folder: Path, report: DriverReport) -> DriverReport:
    """The runs on the check's own schema or database, dropped afterwards: even when a
    run fails or the check is interrupted. A server that cannot be used leaves the
    driver not checked, saying which server and which variables point elsewhere."""
    outcome = ScratchOutcome()
    masker = SecretMasker(scenario.secrets)
    try:
        with scratch_scenario(scenario, subject, backend, outcome) as on_scratch:
            report = _checked(subject, on_scratch, folder, report)
    except ServerUnavailable as reason:
        report.problems.append(_not_checked(
            subject, f"{reason}.", "a reachable server for the scenario's scratch storage."))
        report = _masked(report, masker)
    else:
        report.notes.append(masker.text(f"ran on {outcome.describe()}"))
    if outcome.left_behind:
        report.problems.append(Finding(
            subject.name, "scratch-cleanup", None, masker.text(
                f"The check could not drop {outcome.describe()}: {outcome.left_behind}."),
            "the scratch storage dropped after the runs.", subject.location))
    elif report.notes:
        report.notes[-1] += ", dropped afterwards"
    return report


def _checked(subject: DriverUnderCheck, scenario: Scenario, folder: Path,
             report: DriverReport) -> DriverReport:
    observations = observe_driver(subject, scenario.bound_to(folder), folder)
    report.results = judge(observations)
    run = observations.scenario_run
    if not run.ok and not any(r.findings for r in report.results if r.rule.code == "OSD012"):
        report.problems.append(_not_checked(
            subject, f"the scenario run ({scenario.origin}) raised {run.describe_error()}.",
            f"a scenario under which run succeeds: add or fix the entry for {subject.name} in "
            f"check.yaml."))
    return _masked(report, SecretMasker(scenario.secrets))


def _not_checked(subject: DriverUnderCheck, observed: str, expected: str) -> Finding:
    return Finding(subject.name, "not-checked", None, f"Not checked: {observed}", expected,
                   subject.location)


def _masked(report: DriverReport, masker: SecretMasker) -> DriverReport:
    def mask(finding: Finding) -> Finding:
        return replace(finding, observed=masker.text(finding.observed))

    report.problems = [mask(f) for f in report.problems]
    report.results = [RuleResult(r.rule, r.status, tuple(mask(f) for f in r.findings),
                                 r.reason and masker.text(r.reason)) for r in report.results]
    return report
