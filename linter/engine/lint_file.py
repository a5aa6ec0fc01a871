"""Lint one file: decode, parse once, one walk feeding every enabled rule,
driver checks, then positions (only if something is reported) and suppressions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import libcst as cst

from ..analysis import categories
from ..analysis.drivers import (
    DriverClass,
    find_drivers,
    import_time_registrations,
    is_register_call,
    may_hold_driver,
    methods_of,
    registration,
    top_level_imports,
)
from ..analysis.walk import Walk, forget_file
from .facts import FileFacts, FileResult, class_facts, registration_facts
from .findings import Finding, Fix
from .positions import Positions
from .rule import FileContext, Report, Rule
from .settings import Settings
from .source import Unparsable, cpython_verdict, decode, parse
from .suppressions import Suppression, may_have_suppressions, parse_comment

SYNTAX_ERROR = ("OSD900", "syntax-error")
UNREADABLE = ("OSD901", "unreadable-file")
RULE_ERROR = ("OSD903", "rule-error")


@dataclass
class LintedFile:
    """A file's result, plus what ``--fix`` needs: the tree and the fixes found."""

    result: FileResult
    module: cst.Module | None = None
    fixes: list[tuple[Finding, Fix]] | None = None


class Engine:
    def __init__(self, rules: list[Rule], settings: Settings) -> None:
        self.rules = rules
        self.settings = settings

    def lint(self, path: str, data: bytes, enabled: frozenset[str],
             external_keys: dict[str, list[str]] | None = None) -> LintedFile:
        """Lint one file's bytes with the rules whose codes are ``enabled``."""
        text = decode(data)
        if not isinstance(text, Unparsable) and not may_hold_driver(data) \
                and not (self.settings.report_unused_suppressions and may_have_suppressions(text)):
            return self._lint_without_tree(path, text)
        module = text if isinstance(text, Unparsable) else parse(text, path, self.settings.python)
        if isinstance(module, Unparsable):
            code = SYNTAX_ERROR if module.kind == "syntax" else UNREADABLE
            return LintedFile(FileResult(path, [_unparsable(path, code, module)]))
        return self._lint_module(path, text, module, enabled, external_keys)

    def _lint_without_tree(self, path: str, text: str) -> LintedFile:
        """A file that can neither define nor register a driver: no rule applies to it,
        so only CPython's verdict is asked (a tenth of LibCST's parse), never LibCST."""
        refused = cpython_verdict(text, path, self.settings.python)
        if refused is not None:
            code = SYNTAX_ERROR if refused.kind == "syntax" else UNREADABLE
            return LintedFile(FileResult(path, [_unparsable(path, code, refused)]))
        return LintedFile(FileResult(path, facts=FileFacts(
            path, is_test=categories.is_test_file(path))))

    def _lint_module(self, path: str, text: str, module: cst.Module, enabled: frozenset[str],
                     external_keys: dict[str, list[str]] | None) -> LintedFile:
        rules = [r for r in self.rules if r.code in enabled]
        forget_file()
        imports = top_level_imports(module)
        import_time = import_time_registrations(module, imports)
        drivers = find_drivers(module, path, import_time, external_keys, self.settings.naming)
        is_test = categories.is_test_file(path)
        file = FileContext(path, module, imports, drivers, list(import_time), self.settings, is_test)
        crashes: dict[str, str] = {}
        comments: list[cst.Comment] = []
        want_comments = may_have_suppressions(text)
        walk = Walk(self._handlers(file, rules, crashes, comments, want_comments),
                    layout=want_comments)
        file.ancestors = walk.ancestors
        walk.run(module)
        for rule in rules:
            for driver in drivers:
                if _checks_driver(rule, driver):
                    _guarded(rule, crashes, rule.check_driver, driver, file)
            if type(rule).check_file is not Rule.check_file and (
                    not rule.whole_module or file.in_scope_of_whole_module_rules):
                _guarded(rule, crashes, rule.check_file, file)
        facts = _facts(path, module, file, is_test)
        # The driver classes OSD003 may point at, and the first one, which OSD050 points
        # at (near the top: cheap), so that the project pass never parses a file again.
        # A duplicate registration (OSD005) is rare, and registrations close a file: its
        # position is found when needed.
        anchored = [c.statement for c in facts.classes] \
            if file.reports or crashes or _registered_elsewhere(facts) \
            else _first_driver(facts) if "OSD050" in enabled and not is_test else []
        anchors = anchor_nodes(module, anchored)
        positions = Positions(module, [*(r.node for r in file.reports), *comments,
                                       *anchors.values()])
        reported = [(_finding(path, report, positions), report.fix) for report in file.reports]
        findings = [f for f, _ in reported] + [_crash(path, c, e) for c, e in crashes.items()]
        suppressions = [s for c in comments for s in _suppressions(c, positions)]
        if anchors:
            facts.anchors = anchors_of(anchors, positions)
        result = FileResult(path, sorted(findings, key=Finding.sort_key), suppressions, facts)
        return LintedFile(result, module, [(f, fix) for f, fix in reported if fix])

    def _handlers(self, file: FileContext, rules: list[Rule], crashes: dict[str, str],
                  comments: list[cst.Comment], want_comments: bool):
        handlers: dict[type, list[Callable[[Any, Walk], None]]] = {
            cst.Import: [lambda node, walk: file.imports.add(node)],
            cst.ImportFrom: [lambda node, walk: file.imports.add(node)],
            cst.Call: [lambda node, walk: _collect_registration(node, walk, file)],
        }
        if want_comments:
            handlers[cst.Comment] = [lambda node, walk: comments.append(node)]
        drivers_by_node = {d.node: d for d in file.drivers}
        for rule in rules:
            for node_type in rule.subscribes:
                handlers.setdefault(node_type, []).append(
                    _subscription(rule, file, drivers_by_node, crashes))
        return handlers


def _subscription(rule: Rule, file: FileContext, drivers_by_node: dict, crashes: dict[str, str]):
    def handle(node: Any, walk: Walk) -> None:
        if rule.code in crashes:
            return
        top = walk.ancestors[1] if len(walk.ancestors) > 1 else None
        driver = drivers_by_node.get(top)
        if rule.whole_module:
            if not file.in_scope_of_whole_module_rules:
                return
        elif driver is None or not _checks_driver(rule, driver):
            return
        _guarded(rule, crashes, rule.visit, node, file, driver)
    return handle


def _checks_driver(rule: Rule, driver: DriverClass) -> bool:
    return driver.category in rule.applies_to and not (driver.opaque_run
                                                       and rule.skips_opaque_run)


def _guarded(rule: Rule, crashes: dict[str, str], method, *args) -> None:
    """A crashing rule becomes an OSD903 finding; the other rules go on."""
    if rule.code in crashes:
        return
    try:
        method(*args)
    except Exception as error:  # noqa: BLE001 - any bug in a rule must not stop the run
        crashes[rule.code] = f"{type(error).__name__}: {error}"


def _collect_registration(node: cst.Call, walk: Walk, file: FileContext) -> None:
    if any(r.node is node for r in file.registrations) or not is_register_call(node, file.imports):
        return
    file.registrations.append(registration(node, at_import=False, statement=None))


def _finding(path: str, report: Report, positions: Positions) -> Finding:
    where = positions.of(report.node)
    return Finding(report.rule.code, report.rule.name, path, where.start.line,
                   where.start.column + 1, where.end.line, where.end.column + 1, report.message,
                   fixable=report.fix is not None,
                   fix_title=report.fix.title if report.fix else None)


def _unparsable(path: str, rule: tuple[str, str], problem: Unparsable) -> Finding:
    code, name = rule
    return Finding(code, name, path, problem.line, problem.column, problem.line, problem.column,
                   problem.message)


def _crash(path: str, code: str, error: str) -> Finding:
    return Finding(RULE_ERROR[0], RULE_ERROR[1], path, 1, 1, 1, 1,
                   f"rule {code} crashed on this file ({error}); its findings here are missing, "
                   f"please report this with the file")


def _suppressions(comment: cst.Comment, positions: Positions) -> list[Suppression]:
    start = positions.of(comment).start
    return parse_comment(comment.value, start.line, start.column + 1)


def _first_driver(facts: FileFacts) -> list[int]:
    return [next(c.statement for c in facts.classes if c.driver and not c.abstract)] \
        if any(c.driver and not c.abstract for c in facts.classes) else []


def _registered_elsewhere(facts: FileFacts) -> bool:
    """A driver class without a registration after it in its own module: the project
    pass will report it (OSD003) or find its registration in another module."""
    for cls in facts.classes:
        if cls.driver and not any(r.at_import and r.target_name == cls.name
                                  and (r.statement or 0) > cls.statement
                                  for r in facts.registrations):
            return True
    return False


def anchor_nodes(module: cst.Module, statements: Iterable[int]) -> dict[int, cst.CSTNode]:
    """The nodes project findings point at in these top-level statements (a driver
    class, a registration), by the statement's index."""
    return {index: anchor(module.body[index]) for index in sorted(set(statements))}


def anchors_of(nodes: dict[int, cst.CSTNode], positions: Positions) -> dict[str, list[int]]:
    """Positions of the anchor ``nodes``, kept with the file's facts so that the
    project pass never parses this file again."""
    anchors = {}
    for index, node in nodes.items():
        where = positions.of(node)
        anchors[str(index)] = [where.start.line, where.start.column + 1, where.end.line,
                               where.end.column + 1]
    return anchors


def anchor(statement: cst.CSTNode) -> cst.CSTNode:
    """Where a project finding about a top-level statement points: the name of a class,
    the call of a registration statement."""
    if type(statement) is cst.ClassDef:
        return statement.name
    if type(statement) is cst.SimpleStatementLine and type(statement.body[0]) is cst.Expr:
        return statement.body[0].value
    return statement


def _facts(path: str, module: cst.Module, file: FileContext, is_test: bool) -> FileFacts:
    drivers = {d.node: d for d in file.drivers}
    classes = [class_facts(drivers.get(s), s.name.value, i) for i, s in enumerate(module.body)
               if type(s) is cst.ClassDef and "run" in methods_of(s)]
    return FileFacts(path, is_test=is_test, imports=dict(file.imports.names), classes=classes,
                     registrations=[registration_facts(r) for r in file.registrations])

