"""What the contract check reports: findings, the verdict of each rule on a
driver, and the whole report. Every output format renders these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ...contract.rules import BY_CODE

Status = Literal["passed", "breached", "skipped"]


@dataclass(frozen=True)
class Finding:
    """One breach (or a problem that kept a driver from being checked): which driver
    or module, which check, what was observed and what the contract expects."""

    subject: str  # registry key, class or module
    check: str  # rule name ("input-mutation") or "import-failure", "not-checked", ...
    code: str | None  # contract rule code; None for problems that are not a rule
    observed: str
    expected: str
    location: str | None = None  # "path:line" where known

    def describe(self) -> str:
        label = f"{self.code} {self.check}" if self.code else self.check
        return f"{label}: {self.observed} Expected: {self.expected}"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    categories: frozenset[str]  # the driver categories the rule applies to

    @classmethod
    def of(cls, code: str) -> Rule:
        """The contract's rule ``code``, named and scoped as contract/rules.py says."""
        identity = BY_CODE[code]
        return cls(code, identity.name, identity.categories)

    def finding(self, subject: str, observed: str, expected: str,
                location: str | None = None) -> Finding:
        return Finding(subject, self.name, self.code, observed, expected, location)


ALL_CATEGORIES = frozenset({"extractor", "writer", "transformer"})


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict on one driver."""

    rule: Rule
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str | None = None  # why it was skipped

    @classmethod
    def judged(cls, rule: Rule, findings: list[Finding]) -> RuleResult:
        return cls(rule, "breached" if findings else "passed", tuple(findings))

    @classmethod
    def skipped(cls, rule: Rule, reason: str) -> RuleResult:
        return cls(rule, "skipped", reason=reason)


@dataclass
class DriverReport:
    name: str  # registry key, or the class name when checked without one
    class_name: str
    location: str | None  # "path:line" of run()
    category: str | None
    results: list[RuleResult] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # what kept it from being checked
    notes: list[str] = field(default_factory=list)  # how it was checked (scratch storage, ...)

    @property
    def findings(self) -> list[Finding]:
        return self.problems + [f for r in self.results for f in r.findings]

    @property
    def status(self) -> str:
        if self.problems:
            return "not-checked" if not any(r.findings for r in self.results) else "breached"
        return "breached" if self.findings else "passed"


@dataclass
class CheckReport:
    drivers: list[DriverReport] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # import failures, OSD003/4/5, ...

    @property
    def findings(self) -> list[Finding]:
        return self.problems + [f for d in self.drivers for f in d.findings]

    @property
    def ok(self) -> bool:
        return not self.findings
