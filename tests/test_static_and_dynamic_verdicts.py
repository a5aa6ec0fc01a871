"""The linter infers, the contract check proves: over the check's corpus of
broken, compliant and public-Osiris-style drivers, every finding of a rule that has
a run-time counterpart is a breach the check observes too, unless the case is
listed below with the reason it is visible only in the source.

The other direction is allowed to differ: the check sees what no static rule
claims (a libc printf, a wrong metric value, a read-only check that only looks at
the first word), and that is what it is for."""

from pathlib import Path

import pytest
import yaml
from osiris_driver_kit.linter.engine.lint_run import Linter
from osiris_driver_kit.linter.engine.settings import Settings
from osiris_driver_kit.linter.rules import rule_classes
from osiris_driver_kit.runtime.check.rules import RULES as CHECK_RULES

CHECK = Path(__file__).parent / "check"
# The rules osiris-run check judges at run time (the registrations' and its rules').
RUNTIME_CODES = {"OSD003", "OSD004", "OSD005", *(rule.code for rule in CHECK_RULES)}

# What `osiris-run check` observes on each driver (tests/check/test_corpus.py and
# tests/check/test_public_style.py hold the check to these).
OBSERVED = {f"broken/{name}": set(entry["codes"]) for name, entry in
            yaml.safe_load((CHECK / "broken" / "expected.yaml").read_text()).items()}
OBSERVED |= {"public_style/filesystem_csv_extractor_driver.py": {"OSD024"},
             "public_style/filesystem_csv_writer_driver.py": {"OSD024"},
             "public_style/duckdb_processor_driver.py": {"OSD010", "OSD012", "OSD024"}}

STATIC_ONLY = {
    ("broken/memo_transformer_driver.py", "OSD023"): (
        "run uses config (as a cache key) before any check of it; it requires no key, so "
        "no run without one fails, and the order shows only in the source"),
    ("broken/swallowing_csv_writer_driver.py", "OSD010"): (
        "the path without the metric is the one where an OSError is swallowed; the check "
        "takes it only in the failing run, where it reports the swallowed error (OSD024)"),
}

# Each target is linted as its own project, as `osiris-run check` loads it.
TARGETS = sorted([p for p in (CHECK / "broken").iterdir()
                  if p.name.endswith("_driver.py") or p.name == "duplicate_key"]
                 + [CHECK / "compliant", CHECK / "public_style"])


def static_codes(target: Path) -> set[tuple[str, str]]:
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    settings = Settings(CHECK, frozenset(rule.code for rule in rule_classes()))
    outcome = Linter(rule_classes(), settings, cwd=CHECK).run(files)
    return {(f.path, f.code) for f in outcome.findings if f.code in RUNTIME_CODES}


@pytest.mark.parametrize("target", TARGETS, ids=lambda p: p.name)
def test_what_the_linter_flags_the_check_observes_or_the_reason_is_documented(target):
    unexplained = []
    for path, code in sorted(static_codes(target)):
        observed = OBSERVED.get(path) or OBSERVED.get(str(Path(path).parent), set())
        if code not in observed and (path, code) not in STATIC_ONLY:
            unexplained.append(f"{path}: {code} is flagged statically but not observed at run "
                               f"time, and no reason is documented")
    assert unexplained == []


def test_every_documented_static_only_case_is_still_flagged():
    flagged = set().union(*(static_codes(t) for t in TARGETS))
    assert set(STATIC_ONLY) <= flagged, sorted(set(STATIC_ONLY) - flagged)
