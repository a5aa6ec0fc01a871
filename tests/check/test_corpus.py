"""Every deliberately broken driver is caught with exactly the codes it breaches,
and the compliant drivers pass with no finding and no rule left unverified that
their scenario allows."""

from pathlib import Path

import pytest
import yaml
from osiris_driver_kit.runtime.check import check_drivers

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text())


def codes(report):
    return sorted({f.code or f.check for f in report.findings})


def test_every_broken_driver_is_listed_in_expected_yaml():
    present = {p.name for p in BROKEN.iterdir() if p.name.endswith("_driver.py") or p.is_dir()}
    assert present - {"__pycache__"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_driver_is_caught_with_its_codes(name, tmp_path):
    report = check_drivers(BROKEN / name, {}, tmp_path)
    assert codes(report) == sorted(EXPECTED[name]["codes"]), [f.describe() for f in report.findings]


def test_a_duplicated_key_is_reported_at_both_registrations(tmp_path):
    report = check_drivers(BROKEN / "duplicate_key", {}, tmp_path)
    places = sorted(f.location.rsplit("/", 1)[1] for f in report.findings)
    assert places == ["first_copy_transformer_driver.py:20", "second_copy_transformer_driver.py:20"]


def test_every_breach_names_driver_check_observation_and_expectation(tmp_path):
    report = check_drivers(BROKEN / "alias_sort_transformer_driver.py", {}, tmp_path)
    [finding] = report.findings[:1]
    assert finding.subject == "alias_sort.transformer"
    assert (finding.code, finding.check) == ("OSD021", "input-mutation")
    assert "inputs['df']: its index changed from [0, 1, 2] to [2, 0, 1]" in finding.observed
    assert "unchanged" in finding.expected
    assert finding.location.endswith("alias_sort_transformer_driver.py:7")


def test_the_compliant_drivers_pass_every_rule_their_category_has(tmp_path):
    report = check_drivers(HERE / "compliant", {}, tmp_path)
    assert report.findings == []
    statuses = {(d.name, r.rule.code): r.status for d in report.drivers for r in d.results}
    assert len(report.drivers) == 9
    for extractor in ("sqlite.extractor", "duckdb.extractor"):
        assert statuses[extractor, "OSD031"] == "passed"
        assert statuses[extractor, "OSD030"] == "passed"
    for writer in ("sqlite.writer", "duckdb.writer", "csv.writer", "layered_csv.writer"):
        assert statuses[writer, "OSD021"] == statuses[writer, "OSD024"] == "passed"
    assert statuses["dedupe.transformer", "OSD022"] == "passed"
