"""Drivers in the style of the public Osiris project (keyword-only run, guarded
metrics, no step_failed event, registration in the package) execute under the
check; this is what it finds on them."""

from pathlib import Path

from osiris_driver_kit.runtime.check import check_drivers, load_scenarios

PUBLIC_STYLE = Path(__file__).parent / "public_style"


def test_public_style_drivers_run_and_their_breaches_are_the_known_ones(tmp_path):
    report = check_drivers(PUBLIC_STYLE, load_scenarios(PUBLIC_STYLE / "check.yaml"), tmp_path)
    assert report.problems == []
    found = {d.name: sorted({f.code for f in d.findings}) for d in report.drivers}
    assert found == {
        # no try/except: a failure raises without a step_failed event
        "filesystem.csv_extractor": ["OSD024"],
        "filesystem.csv_writer": ["OSD024"],
        # emits rows_read/rows_written instead of rows_processed, runs its query on
        # missing inputs, converts errors to RuntimeError without step_failed
        "duckdb.processor": ["OSD010", "OSD012", "OSD024"],
    }
    verdicts = {(d.name, r.rule.code): r.status for d in report.drivers for r in d.results}
    assert verdicts["filesystem.csv_extractor", "OSD010"] == "passed"  # the guarded metric counts
    assert verdicts["duckdb.processor", "OSD021"] == "passed"
