"""No rule crashes (OSD903) on any rule's examples: the examples test looks only at
each rule's own findings, so a crash in a VALID example would otherwise go unseen."""

import pytest
from osiris_driver_kit.linter.rules import rule_classes

from .support import lint_files

EXAMPLES = [pytest.param(example, id=f"{rule.code}-{kind}-{index}")
            for rule in rule_classes()
            for kind in ("VALID", "INVALID")
            for index, example in enumerate(getattr(rule, kind))]


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_rule_crashes_on_an_example(example):
    crashes = [f for f in lint_files(example.files()).findings if f.code == "OSD903"]
    assert crashes == []
