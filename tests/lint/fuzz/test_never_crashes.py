"""Property: osiris-lint never crashes, whatever a file holds: no rule error (OSD903), no
exception, no warning (Python prints those on stderr); from the command line, exit 0 or
1 (2 only for usage and configuration errors), nothing on stderr, one JSON document."""

from __future__ import annotations

import json

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from . import harness
from .sources import extreme_cases, mutated_cases, program_cases

# hypothesmith compiles what it generates: CPython's warnings about that code ("'int'
# object is not callable; perhaps you missed a comma?") are not the linter's.
HYPOTHESMITH_WARNINGS = "ignore:.*perhaps you missed a comma:SyntaxWarning"


def fuzz_settings(budget: int) -> settings:
    """Deterministic in CI: the same examples on every run, no example database."""
    return settings(max_examples=budget, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def problems_of(case, root) -> list[str]:
    """What is wrong with linting ``case`` (nothing, when the properties hold)."""
    try:
        outcome, warned = harness.lint_warning_nothing(case, root)
    except Exception as error:  # noqa: BLE001 - every failure is reported with its case
        return [f"{case.name}: {type(error).__name__}: {error}"[:2000]]
    return [f"{case.name}: {error}"[:2000] for error in harness.rule_errors(outcome) + warned]


@pytest.mark.parametrize("case", extreme_cases(), ids=lambda case: case.name)
def test_extreme_files(case):
    outcome, _, warned = harness.linted_once(case)
    assert harness.rule_errors(outcome) + warned == []


def test_mutated_corpus_files_and_rule_examples(fuzz_budget, tmp_path):
    problems = [p for case in mutated_cases(fuzz_budget) for p in problems_of(case, tmp_path / "case")]
    assert problems == [], "\n".join(problems[:10])


@pytest.mark.parametrize("strategy", ["from_grammar", "from_node"])
@pytest.mark.filterwarnings(HYPOTHESMITH_WARNINGS)
def test_hypothesmith_programs(strategy, fuzz_budget, tmp_path):
    """Programs from Python's grammar (``from_grammar``: valid syntax, odd whitespace and
    characters) and from LibCST's nodes (``from_node``: valid, varied statements), each
    as a module and as the body of a driver's ``run``."""

    @fuzz_settings(fuzz_budget)
    @given(getattr(hypothesmith, strategy)())
    def check(program):
        problems = [p for case in program_cases(program) for p in problems_of(case, tmp_path / "case")]
        assert problems == [], "\n".join(problems)

    check()


def test_the_command_line_on_mutated_files(fuzz_budget, tmp_path):
    """Every case in one project, linted by two processes."""
    folders = harness.write_project(tmp_path, mutated_cases(fuzz_budget))
    done = harness.run_cli(tmp_path, "--no-cache", "--jobs", "2", "--output-format", "json")
    crashed = [f"{harness.case_of(f['path'], folders)}: {f['message']}"
               for f in json.loads(done.stdout) if f["code"] == "OSD903"]
    assert crashed == [], "\n".join(crashed[:10])
    assert done.returncode in (0, 1) and done.stderr == b"", done.stderr.decode(errors="replace")


def test_the_command_line_on_the_extreme_files(tmp_path):
    folders = harness.write_project(tmp_path, extreme_cases())
    done = harness.run_cli(tmp_path, "--no-cache", "--jobs", "2", "--output-format", "json")
    findings = json.loads(done.stdout)
    crashed = [f"{harness.case_of(f['path'], folders)}: {f['message']}"
               for f in findings if f["code"] == "OSD903"]
    assert crashed == [], "\n".join(crashed)
    assert done.returncode == 1 and done.stderr == b"", done.stderr.decode(errors="replace")


@pytest.mark.parametrize("args", [("--output-format", "yaml"), ("--select", "OSD999"),
                                  ("--config", "missing.toml"), ("no/such/folder",)])
def test_the_command_line_exits_2_only_for_usage_and_configuration_errors(args, tmp_path):
    harness.write_project(tmp_path, extreme_cases()[:1])
    done = harness.run_cli(tmp_path, "--no-cache", *args)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.startswith(b"osiris-lint: error: ") and b"Traceback" not in done.stderr
