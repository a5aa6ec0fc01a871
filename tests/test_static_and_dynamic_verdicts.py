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
from osiris_driver_kit.linter.linting import Linter
from osiris_driver_kit.linter.rules import rule_classes
from osiris_driver_kit.linter.settings import Settings

CHECK = Path(__file__).parent / "check"
RUNTIME_CODES = {"OSD003", "OSD004", "OSD005", "OSD010", "OSD011", "OSD012", "OSD020",
                 "OSD021", "OSD022", "OSD023", "OSD024", "OSD030", "OSD031"}

# What `osiris-run check` observes on each driver (tests/check/test_corpus.py and
# tests/check/test_public_style.py hold the check to these).
OBSERVED = {f"broken/{name}": set(entry["codes"]) for name, entry in
            yaml.safe_load((CHECK / "broken" / "expected.yaml").read_text()).items()}
OBSERVED |= {"public_style/filesystem_csv_extractor_driver.py": {"OSD024"},
             "public_style/filesystem_csv_writer_driver.py": {"OSD024"},
             "public_style/duckdb_processor_driver.py": {"OSD010", "OSD012", "OSD024"}}

FIRST_STATEMENT = (
    "OSD023 asks that validating config be run's first statement; these drivers check "
    "inputs, or collect the missing keys, first. At run time a missing key still fails "
    "with a clear error before any connection opens, so the order shows only in the source.")
STATIC_ONLY = {
    ("broken/alias_sort_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/branch_metric_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/connect_event_sqlite_writer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/duplicate_key/first_copy_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/duplicate_key/second_copy_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/history_default_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/logged_dsn_sqlite_writer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/memo_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/prefix_check_duckdb_extractor_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/readonly_uri_sqlite_extractor_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/revealing_error_sqlite_writer_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/unchecked_sql_sqlite_extractor_driver.py", "OSD023"): FIRST_STATEMENT,
    ("broken/uppercase_transformer_driver.py", "OSD023"): FIRST_STATEMENT,
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
