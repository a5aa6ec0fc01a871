"""Property: ``--fix`` only ever removes findings. After a fix no file has a finding of a
code it did not have before, no two drivers share a registration key that did not before
(OSD005), and a second ``--fix`` changes nothing."""

from __future__ import annotations

import json

import hypothesmith
import pytest
from hypothesis import given

from . import harness
from .sources import Case, in_run, mutated_cases
from .test_never_crashes import HYPOTHESMITH_WARNINGS, fuzz_settings


def fix_problems(case: Case, root) -> tuple[list[str], int]:
    """What is wrong with fixing ``case``, and how many fixes were applied."""
    before = harness.lint(case, root / "before")
    fixed = harness.lint(case, root / "fixed", fix="fix")
    problems = [f"{case.name}: rule error while fixing: {e}" for e in harness.rule_errors(fixed)]
    fixed_files = harness.read_back(case, root / "fixed")
    after = harness.lint(Case(case.name, fixed_files, case.target), root / "after")
    old, new = harness.codes_by_file(before), harness.codes_by_file(after)
    for path in sorted(new):
        created = new[path] - old.get(path, set())
        if created:
            problems.append(f"{case.name}: the fix created {sorted(created)} in {path}")
    if harness.count(after, "OSD005") > harness.count(before, "OSD005"):
        problems.append(f"{case.name}: the fix registered a key twice (OSD005)")
    again = harness.lint(Case(case.name, fixed_files, case.target), root / "again", fix="fix")
    changed = [path for path, data in harness.read_back(case, root / "again").items()
               if data != fixed_files[path]]
    if changed or again.fixes_applied:
        problems.append(f"{case.name}: a second --fix changed {changed}")
    return problems, fixed.fixes_applied


def test_fixes_of_mutated_files(fuzz_budget, tmp_path):
    problems, fixed_cases = [], 0
    for case in mutated_cases(fuzz_budget, start=20_000):
        found, applied = fix_problems(case, tmp_path)
        problems += found
        fixed_cases += applied > 0
    assert problems == [], "\n".join(problems[:10])
    # The property must have been put to the test: the mutations make fixable findings.
    assert fixed_cases >= fuzz_budget // 10, fixed_cases


@pytest.mark.filterwarnings(HYPOTHESMITH_WARNINGS)
def test_fixes_of_hypothesmith_programs_in_a_printing_run(fuzz_budget, tmp_path):
    """A generated program as the body of ``run``, with prints around it to fix."""

    @fuzz_settings(fuzz_budget)
    @given(hypothesmith.from_node())
    def check(program):
        source = in_run("print('start')\n" + program + "\nprint(config)\n")
        case = Case("hypothesmith run body", {"fuzz_extractor_driver.py": source.encode()})
        problems, _ = fix_problems(case, tmp_path)
        assert problems == [], "\n".join(problems)

    check()


def test_the_command_line_fixes_once(fuzz_budget, tmp_path):
    """``osiris-lint --fix`` over many cases at once (project fixes across folders, a
    process pool), then again: the second run changes no byte."""
    folders = harness.write_project(tmp_path, mutated_cases(min(fuzz_budget, 30), start=30_000))

    def codes() -> dict[str, set[str]]:
        done = harness.run_cli(tmp_path, "--no-cache", "--output-format", "json", "--jobs", "2")
        assert done.returncode in (0, 1), done.stderr
        found: dict[str, set[str]] = {}
        for finding in json.loads(done.stdout):
            found.setdefault(finding["path"], set()).add(finding["code"])
        return found

    before = codes()
    first = harness.run_cli(tmp_path, "--fix", "--output-format", "json", "--jobs", "2")
    assert first.returncode in (0, 1), first.stderr
    fixed = harness.snapshot(tmp_path)
    after = codes()
    created = {harness.case_of(path, folders) + f" ({path})": sorted(found - before.get(path, set()))
               for path, found in after.items() if found - before.get(path, set())}
    assert created == {}
    second = harness.run_cli(tmp_path, "--fix", "--output-format", "json", "--jobs", "2")
    assert second.returncode == first.returncode
    assert harness.snapshot(tmp_path) == fixed
