"""The rule interface. One class per rule, in its own module under ``rules/``,
with its VALID and INVALID examples beside it (run by tests/lint/test_rule_examples.py).

A rule may use three hooks, all fed by the engine's single pass over a file:
- ``visit(node, file)`` for every node of a type in ``subscribes`` (inside driver
  classes only, or anywhere in driver modules (not tests) when ``whole_module``);
- ``check_driver(driver, file)`` once per driver class whose category it applies to;
- ``check_file(file)`` once per file, after the above.
Cross-file rules subclass ``ProjectRule`` and work on every file's facts.
"""

from __future__ import annotations

import re
import textwrap
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ...contract.rules import BY_CODE, CATEGORIES, ContractRule
from ..analysis.categories import ALL

if TYPE_CHECKING:
    import libcst as cst

    from ..analysis.bindings import SemanticModel
    from ..analysis.drivers import DriverClass, RegistrationCall
    from ..analysis.names import ImportMap
    from .findings import Fix
    from .settings import Settings

EXPECT_MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


class Example:
    """A source file for a rule's examples. In INVALID examples, every line where a
    finding is expected ends with ``# expect: CODE`` (repeat the code for two); that
    holds for the other files too (a component spec's YAML comment). ``target`` is the
    target the example is linted under."""

    def __init__(self, source: str | bytes, path: str = "orders_extractor_driver.py",
                 others: dict[str, str] | None = None, target: str = "contract") -> None:
        self.source = source if isinstance(source, bytes) else textwrap.dedent(source).lstrip("\n")
        self.path = path
        self.others = {p: textwrap.dedent(s).lstrip("\n") for p, s in (others or {}).items()}
        self.target = target

    def files(self) -> dict[str, bytes]:
        """Each file's bytes (a ``str`` source is encoded as UTF-8)."""
        return {path: source if isinstance(source, bytes) else source.encode("utf-8")
                for path, source in {self.path: self.source, **self.others}.items()}

    def expected(self, code: str) -> list[tuple[str, int]]:
        """(path, line) of each expected finding of ``code``."""
        found = []
        for path, data in self.files().items():
            for number, line in enumerate(data.decode("latin-1").splitlines(), start=1):
                for match in EXPECT_MARKER.finditer(line):
                    codes = [c.strip() for c in match.group(1).split(",")]
                    found += [(path, number)] * codes.count(code)
        return sorted(found)


@dataclass
class Report:
    """A finding before it has a position."""

    rule: Rule
    node: Any  # libcst node
    message: str
    fix: Fix | None = None


@dataclass
class FileContext:
    """What rules see of the file being linted."""

    path: str
    module: cst.Module
    imports: ImportMap
    drivers: list[DriverClass]
    registrations: list[RegistrationCall]
    settings: Settings
    is_test: bool
    reports: list[Report] = field(default_factory=list)
    # During ``visit``: the nodes from the module down to the visited node's parent.
    ancestors: list[Any] = field(default_factory=list)

    @cached_property
    def bindings(self) -> SemanticModel:
        """The file's scopes and bindings (analysis/bindings.py): built when a rule
        first asks, then shared by every rule; a file no rule asks about pays nothing."""
        from ..analysis.bindings import SemanticModel
        return SemanticModel(self.module)

    def report(self, rule: Rule, node: Any, fix: Fix | None = None, **details: Any) -> None:
        self.reports.append(Report(rule, node, rule.message.format(**details), fix))

    @property
    def in_scope_of_whole_module_rules(self) -> bool:
        """A driver module (it defines a driver or registers one at import) that is not a
        test: the contract is about drivers, so a script or CLI module gets no finding."""
        return not self.is_test and (bool(self.drivers)
                                     or any(r.at_import for r in self.registrations))

    def metric_for(self, category: str | None) -> str | None:
        return self.settings.metric_names.get(category) if category else None


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]  # one sentence: what is wrong and what the contract wants
    explanation: ClassVar[str]  # the --explain page, Markdown
    # What changes under the osiris-pipeline target: the page's "## Targets" section.
    targets: ClassVar[str] = "The same under both targets, `contract` and `osiris-pipeline`."
    applies_to: ClassVar[frozenset[str | None]] = ALL  # driver categories (None: unknown)
    whole_module: ClassVar[bool] = False  # visit nodes anywhere in driver modules
    subscribes: ClassVar[tuple[type, ...]] = ()
    fixable: ClassVar[bool] = False
    # A run that only raises NotImplementedError (or is ``...``), or only returns what a
    # module function returns, has no body of its own to check (DriverClass.opaque_run).
    skips_opaque_run: ClassVar[bool] = True
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []
    reported_by_engine: ClassVar[bool] = False  # OSD900-903: no hooks, the engine reports them

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A rule of the contract takes its name and categories from contract/rules.py,
        as osiris-run check's rules do."""
        super().__init_subclass__(**kwargs)
        identity = BY_CODE.get(cls.__dict__.get("code", ""))
        if identity is not None:
            cls.name = identity.name
            cls.applies_to = _applies_to(identity)

    def visit(self, node: Any, file: FileContext, driver: DriverClass | None) -> None:
        """Called for each subscribed node; ``driver`` is the enclosing driver class, if any."""

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        """Called once per driver class whose category is in ``applies_to``."""

    def check_file(self, file: FileContext) -> None:
        """Called once per file after the walk and the driver checks."""


def _applies_to(identity: ContractRule) -> frozenset[str | None]:
    """The categories, and None (a class whose category is unknown) for a rule of every
    driver that does not need the category."""
    every = identity.categories == frozenset(CATEGORIES) and not identity.needs_category
    return identity.categories | {None} if every else identity.categories


class ProjectRule(Rule, ABC):
    """A rule over every linted file's facts (cross-file registrations)."""

    @abstractmethod
    def check_project(self, project: Any) -> list[Any]:
        """The findings over the whole project, as ``project.ProjectReport`` items."""

    def fix(self, module: cst.Module, report: Any) -> Fix | None:
        """The fix for one of this rule's reports in ``module``, if one is safe."""
        return None
