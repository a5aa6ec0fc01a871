"""Property: the same files give the same report. Linted twice in one process, and (for a
sample) by two processes with different hash seeds and process counts."""

from __future__ import annotations

import pytest

from . import harness
from .sources import extreme_cases, mutated_cases

CLI_SAMPLE = 20  # cases linted by the command line, at most


def test_the_same_file_linted_twice_gives_the_same_report(fuzz_budget, tmp_path):
    differing = []
    for case in mutated_cases(fuzz_budget, start=50_000):
        first = harness.report(harness.lint(case, tmp_path / "a"), tmp_path / "a", "json")
        second = harness.report(harness.lint(case, tmp_path / "a"), tmp_path / "a", "json")
        if first != second:
            differing.append(f"{case.name}:\n{first}\n{second}")
    assert differing == [], "\n".join(differing[:3])


@pytest.mark.parametrize("case", extreme_cases(), ids=lambda case: case.name)
def test_an_extreme_file_linted_twice_gives_the_same_report(case, tmp_path):
    _, outputs, _ = harness.linted_once(case)
    again = harness.report(harness.lint(case, tmp_path), tmp_path, "json")
    assert again == outputs["json"]


def test_the_report_does_not_depend_on_the_hash_seed(fuzz_budget, tmp_path):
    cases = mutated_cases(min(fuzz_budget, CLI_SAMPLE), start=10_000)
    harness.write_project(tmp_path, cases)
    runs = [harness.run_cli(tmp_path, "--no-cache", "--output-format", "json", "--jobs", jobs,
                            seed=seed) for seed, jobs in (("0", "1"), ("1", "2"))]
    assert runs[0].returncode in (0, 1), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].returncode == runs[1].returncode
