"""The corpus under tests/corpus is the linter's independent oracle: with every rule
enabled, osiris-lint reports exactly the findings listed in expected_findings.txt."""

from pathlib import Path

from osiris_driver_kit.linter.engine.lint_run import Linter
from osiris_driver_kit.linter.engine.settings import Settings
from osiris_driver_kit.linter.rules import rule_classes

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def expected() -> list[str]:
    lines = (CORPUS / "expected_findings.txt").read_text().splitlines()
    return sorted(line for line in lines if line.strip() and not line.startswith("#"))


def test_the_linter_reports_exactly_the_expected_findings():
    settings = Settings(CORPUS, frozenset(r.code for r in rule_classes()))
    files = sorted(p for p in CORPUS.rglob("*.py") if p.name != "conftest.py")
    outcome = Linter(rule_classes(), settings, jobs=1, cwd=CORPUS).run(files)
    found = sorted(f"{f.path}:{f.line}: {f.code}" for f in outcome.findings)
    missing = sorted(set(expected()) - set(found))
    extra = sorted(set(found) - set(expected()))
    assert (missing, extra) == ([], []), "\n".join(
        ["missing:", *missing, "extra:", *extra,
         *[f"  {f.path}:{f.line}: {f.code} {f.message}" for f in outcome.findings
           if f"{f.path}:{f.line}: {f.code}" in extra]])
    assert found == expected()  # and each as many times as listed
