"""The target switch: configured in pyproject, overridden by --target, detected from
component specs; said in the output; part of the cache key; free for projects
without specs."""

import json
import subprocess
import sys

SPEC = """\
name: csv.writer
modes: [write]
x-runtime:
  driver: drivers.csv_writer_driver.CsvWriterDriver
"""

DRIVER = """\
class CsvWriterDriver:
    def run(self, *, step_id, config, inputs=None, ctx=None):
        ctx.log_event("writing", {"path": config["path"]})
        return {}
"""


def codes(done):
    return sorted({f["code"] for f in json.loads(done.stdout)})


def test_specs_with_a_driver_make_an_osiris_pipeline_project(project):
    project.write("drivers/csv_writer_driver.py", DRIVER)
    project.write("components/csv.writer/spec.yaml", SPEC)
    done = project.lint("--no-cache", "--select", "OSD003,OSD006", "--output-format", "concise")
    lines = done.stdout.splitlines()
    assert "OSD006" in lines[0] and "its ctx has only log_metric and output_dir" in lines[0]
    assert lines[-2] == ("Target: osiris-pipeline (detected: 1 component spec(s) with "
                         "x-runtime.driver in components/).")
    contract = project.lint("--no-cache", "--target", "contract", "--select", "OSD003,OSD006",
                            "--output-format", "json")
    assert codes(contract) == ["OSD003"]


def test_the_configured_target_applies_and_the_output_says_where_it_is_set(project):
    project.write("csv_writer_driver.py", DRIVER)
    project.write("pyproject.toml", '[tool.osiris-lint]\ntarget = "osiris-pipeline"\n')
    done = project.lint("--no-cache", "--select", "OSD006")
    assert f"Target: osiris-pipeline (set in {project.root / 'pyproject.toml'})." in done.stdout
    sarif = json.loads(project.lint("--no-cache", "--output-format", "sarif").stdout)
    assert sarif["runs"][0]["properties"]["target"] == "osiris-pipeline"


def test_an_unknown_target_is_a_configuration_error_naming_the_valid_ones(project):
    project.write("a.py", "x = 1\n")
    project.write("pyproject.toml", '[tool.osiris-lint]\ntarget = "osiris"\n')
    done = project.lint()
    assert done.returncode == 2
    assert "unknown target 'osiris': use one of 'contract', 'osiris-pipeline'" in done.stderr
    project.write("pyproject.toml", '[tool.osiris-lint]\ntarget = "contract"\n')
    done = project.lint("--target", "pipeline")
    assert done.returncode == 2 and "--target: unknown target 'pipeline'" in done.stderr


def test_the_default_target_adds_no_line_and_keeps_its_json(project):
    project.write("a.py", "x = 1\n")
    assert project.lint("--no-cache").stdout == "All checks passed (1 file checked).\n"


def test_the_target_is_part_of_the_cache_key(project):
    project.write("csv_writer_driver.py", DRIVER)
    first = project.lint("--select", "OSD006", "--output-format", "json")
    second = project.lint("--select", "OSD006", "--target", "osiris-pipeline",
                          "--output-format", "json")
    assert codes(first) == [] and codes(second) == ["OSD006"]


def test_detection_imports_no_yaml_where_there_are_no_specs(project):
    project.write("orders_extractor_driver.py", "x = 1\n")
    code = ("import sys\nfrom osiris_driver_kit.linter.cli import main\n"
            "sys.argv = ['osiris-lint', '--no-cache', '-q', '.']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('yaml' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=project.root, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip().endswith("False"), done.stdout + done.stderr
