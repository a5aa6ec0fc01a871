"""The pre-check that spares LibCST the files that can neither define nor register a
driver (drivers.may_hold_driver) changes no result: over the corpus, the check's
drivers, osiris-pipeline's public drivers and the kit's own code, every file gets the
same findings and the same facts with it as without it."""

from pathlib import Path

import pytest
from osiris_driver_kit.linter.engine import lint_file as engine_module
from osiris_driver_kit.linter.engine.files import discover
from osiris_driver_kit.linter.engine.lint_file import Engine
from osiris_driver_kit.linter.engine.settings import Settings
from osiris_driver_kit.linter.rules import rule_classes

TESTS = Path(__file__).resolve().parents[1]
KIT = TESTS.parent
ROOTS = [TESTS / "corpus", TESTS / "check", TESTS / "osiris_pipeline" / "public",
         KIT / "runtime", KIT / "generator"]
RULES = rule_classes()


def outcome(engine: Engine, path: Path):
    result = engine.lint(path.as_posix(), path.read_bytes(),
                         frozenset(rule.code for rule in RULES)).result
    facts = result.facts
    return (result.findings, facts and (facts.classes, facts.registrations, facts.is_test))


@pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.name)
def test_the_pre_check_changes_no_finding_and_no_fact(root, monkeypatch):
    settings = Settings(root, frozenset(rule.code for rule in RULES))
    engine = Engine([rule() for rule in RULES if not rule.reported_by_engine], settings)
    files = discover([root], root, ())
    skipped = 0
    for path in files:
        fast = outcome(engine, path)
        with monkeypatch.context() as patched:
            patched.setattr(engine_module, "may_hold_driver", lambda data: True)
            full = outcome(engine, path)
        assert fast == full, path
        skipped += not engine_module.may_hold_driver(path.read_bytes())
    assert files and (skipped > 0 or root.name != "runtime")


def test_a_file_without_a_driver_still_gets_cpythons_syntax_verdict(tmp_path):
    settings = Settings(tmp_path, frozenset({"OSD900"}))
    engine = Engine([], settings)
    result = engine.lint("helpers.py", b"def helper(:\n    pass\n", frozenset({"OSD900"})).result
    assert [f.code for f in result.findings] == ["OSD900"]
