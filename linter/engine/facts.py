"""What the project pass needs to know of each file, in a form that crosses
process boundaries and the cache: plain data, no LibCST nodes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..analysis.drivers import DriverClass, RegistrationCall, built_without_arguments
from .findings import Finding
from .suppressions import Suppression


@dataclass
class ClassFacts:
    name: str
    statement: int  # index in module.body
    driver: bool
    category: str | None
    category_source: str | None
    abstract: bool
    bare: bool = True  # can be built without arguments (Class())


@dataclass
class RegistrationFacts:
    key: str | None
    target_name: str | None
    form: str
    at_import: bool
    statement: int | None


@dataclass
class FileFacts:
    path: str
    module: str = ""  # dotted import name, set by the caller (it depends on __init__.py files)
    is_test: bool = False
    imports: dict[str, str] = field(default_factory=dict)
    classes: list[ClassFacts] = field(default_factory=list)  # top-level classes with run()
    registrations: list[RegistrationFacts] = field(default_factory=list)
    # Positions of top-level statements that project findings point at, computed the
    # first time one is needed and kept in the cache: [line, column, end_line, end_column].
    anchors: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileFacts:
        return cls(**{**data,
                      "classes": [ClassFacts(**c) for c in data["classes"]],
                      "registrations": [RegistrationFacts(**r) for r in data["registrations"]]})


def registration_facts(reg: RegistrationCall) -> RegistrationFacts:
    return RegistrationFacts(reg.key, reg.target_name, reg.form, reg.at_import, reg.statement)


def class_facts(driver: DriverClass | None, name: str, statement: int) -> ClassFacts:
    if driver is None:
        return ClassFacts(name, statement, False, None, None, False)
    return ClassFacts(name, statement, True, driver.category, driver.category_source,
                      driver.abstract, built_without_arguments(driver.node))


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    facts: FileFacts | None = None  # None when the file did not parse

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "findings": [f.to_dict() for f in self.findings],
                "suppressions": [s.to_dict() for s in self.suppressions],
                "facts": asdict(self.facts) if self.facts else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileResult:
        return cls(data["path"], [Finding.from_dict(f) for f in data["findings"]],
                   [Suppression.from_dict(s) for s in data["suppressions"]],
                   FileFacts.from_dict(data["facts"]) if data["facts"] else None)
