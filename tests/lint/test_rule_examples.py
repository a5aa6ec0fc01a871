"""Every rule's own examples, as Fixit runs them: a VALID example yields no finding
of that rule, an INVALID one exactly the findings its `# expect: CODE` markers name."""

import pytest
from osiris_driver_kit.contract.targets import Target
from osiris_driver_kit.linter.engine.rule import Rule
from osiris_driver_kit.linter.explain import explain
from osiris_driver_kit.linter.rules import rule_classes

from .support import all_codes, lint_files

RULES = [rule for rule in rule_classes() if rule.code != "OSD903"]


def examples(kind):
    return [pytest.param(rule, index, id=f"{rule.code}-{kind}-{index}")
            for rule in RULES for index, _ in enumerate(getattr(rule, kind))]


def findings_of(rule, example):
    outcome = lint_files(example.files(), all_codes(), report_unused=True, target=example.target)
    return sorted((f.path, f.line) for f in outcome.findings if f.code == rule.code), outcome


@pytest.mark.parametrize("rule, index", examples("VALID"))
def test_valid_examples_yield_no_finding_of_their_rule(rule, index):
    found, outcome = findings_of(rule, rule.VALID[index])
    assert found == [], [f for f in outcome.findings if f.code == rule.code]


@pytest.mark.parametrize("rule, index", examples("INVALID"))
def test_invalid_examples_yield_exactly_the_marked_findings(rule, index):
    example = rule.INVALID[index]
    found, outcome = findings_of(rule, example)
    assert found == example.expected(rule.code), [f for f in outcome.findings
                                                  if f.code == rule.code]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_has_three_examples_of_each_kind_and_an_explanation(rule):
    assert len(rule.VALID) >= 3 and len(rule.INVALID) >= 3
    for heading in ("## What it", "## Why", "## Fix"):
        assert heading in rule.explanation, f"{rule.code} explanation lacks {heading!r}"
    assert "\n## Targets\n" in explain(rule), f"{rule.code} --explain lacks its targets"


@pytest.mark.parametrize("rule", [r for r in RULES if r.targets != Rule.targets],
                         ids=lambda rule: rule.code)
def test_a_rule_that_changes_per_target_has_examples_under_each(rule):
    for kind in ("VALID", "INVALID"):
        targets = {example.target for example in getattr(rule, kind)}
        assert targets == {t.value for t in Target}, f"{rule.code} {kind}: {targets}"
