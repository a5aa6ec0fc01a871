"""``--explain CODE`` and ``--list-rules``: every rule's page, as ruff has them."""

from __future__ import annotations

import textwrap

from .analysis.categories import KNOWN
from .engine.rule import ProjectRule, Rule

OFF_BY_DEFAULT = {"OSD902": "with --report-unused-suppressions"}


def scope(rule: type[Rule]) -> str:
    if issubclass(rule, ProjectRule):
        return "project"
    if rule.reported_by_engine:
        return "every file"
    if rule.whole_module:
        return "whole driver modules (modules that define or register a driver; not tests)"
    if rule.applies_to == KNOWN:
        return "drivers of known category"
    if None in rule.applies_to:
        return "all drivers"
    return ", ".join(sorted(c for c in rule.applies_to if c)) + " drivers"


def explain(rule: type[Rule]) -> str:
    fix = "yes (--fix)" if rule.fixable else "no"
    header = [f"# {rule.code} {rule.name}", "",
              f"Applies to: {scope(rule)}. Fix available: {fix}."]
    if rule.code in OFF_BY_DEFAULT:
        header.append(f"Enabled only {OFF_BY_DEFAULT[rule.code]}.")
    return "\n".join(header) + "\n" + page(rule) + "\n"


def page(rule: type[Rule]) -> str:
    """The rule's explanation and what changes per target, as Markdown."""
    return (textwrap.dedent(rule.explanation).rstrip() + "\n\n## Targets\n"
            + textwrap.dedent(rule.targets).strip())


def list_rules(rules: list[type[Rule]]) -> str:
    rows = [("code", "name", "applies to", "fix")]
    rows += [(r.code, r.name, scope(r), "yes" if r.fixable else "") for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows) + "\n"
