"""[tool.osiris-lint] in the nearest pyproject.toml, or --config; unknown keys
and codes are errors that name them."""

import json

import pytest

from .conftest import CLEAN_EXTRACTOR, PRINTING_WRITER


def codes(project, *args):
    done = project.lint("--output-format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return sorted((f["path"], f["code"]) for f in json.loads(done.stdout))


@pytest.fixture
def drivers(project):
    project.write("pkg/drivers/csv_writer_driver.py", PRINTING_WRITER)
    project.write("pkg/drivers/orders_extractor_driver.py", CLEAN_EXTRACTOR)
    return project


def test_the_nearest_pyproject_above_the_linted_paths_applies(drivers):
    drivers.write("pyproject.toml", '[tool.osiris-lint]\nignore = ["OSD020"]\n')
    drivers.write("pkg/pyproject.toml", '[project]\nname = "no-lint-table-here"\n')
    assert codes(drivers, "pkg/drivers") == []


def test_per_file_ignores_take_globs(drivers):
    drivers.write("pyproject.toml", '[tool.osiris-lint.per-file-ignores]\n'
                                    '"pkg/drivers/csv_*" = ["OSD020"]\n')
    assert codes(drivers) == []


def test_exclude_skips_folders_and_explicit_files(drivers):
    drivers.write("pyproject.toml", '[tool.osiris-lint]\nexclude = ["pkg/drivers/csv_writer_driver.py"]\n')
    assert codes(drivers) == []
    assert codes(drivers, "pkg/drivers/csv_writer_driver.py") == []


def test_metric_names_rename_the_required_metrics(project):
    project.write("pyproject.toml", '[tool.osiris-lint.metric-names]\nextractor = "records_read"\n')
    project.write("orders_extractor_driver.py", CLEAN_EXTRACTOR)
    assert codes(project) == [("orders_extractor_driver.py", "OSD010")]


def test_an_explicit_config_file_wins(drivers):
    drivers.write("lint.toml", '[tool.osiris-lint]\nselect = ["OSD010"]\n')
    assert codes(drivers, "--config", "lint.toml") == []


def test_command_line_select_overrides_the_configured_one(drivers):
    drivers.write("pyproject.toml", '[tool.osiris-lint]\nselect = ["OSD010"]\n')
    assert codes(drivers, "--select", "OSD020") == [("pkg/drivers/csv_writer_driver.py", "OSD020")]


@pytest.mark.parametrize("table, message", [
    ('[tool.osiris-lint]\nselet = ["OSD0"]\n', "unknown key 'selet' in [tool.osiris-lint] "
                                               "(did you mean 'select'?)"),
    ('[tool.osiris-lint]\nignore = ["OSD021x"]\n', "ignore: unknown rule code, prefix or name 'OSD021x'"),
    ('[tool.osiris-lint]\nselect = "OSD0"\n', "select must be a list of strings"),
    ('[tool.osiris-lint.metric-names]\nloader = "rows"\n', "unknown category 'loader'"),
    ('[tool.osiris-lint.per-file-ignores]\n"tests/*" = ["XYZ1"]\n',
     "per-file-ignores 'tests/*': unknown rule code, prefix or name 'XYZ1'"),
    ("[tool.osiris-lint\n", "cannot read it as TOML"),
    ('[tool.osiris-lint]\ntarget-version = "3.11"\n', "target-version: unknown Python version "
                                                     "'3.11'; write it as ruff does"),
])
def test_configuration_errors_exit_2_naming_the_problem(drivers, table, message):
    drivers.write("pyproject.toml", table)
    done = drivers.lint()
    assert done.returncode == 2
    assert message in done.stderr and "pyproject.toml" in done.stderr


def test_a_missing_config_file_is_an_error(drivers):
    done = drivers.lint("--config", "missing.toml")
    assert done.returncode == 2 and "missing.toml: no such configuration file" in done.stderr


def test_rule_names_work_wherever_codes_do(drivers):
    assert ("pkg/drivers/csv_writer_driver.py", "OSD020") in codes(drivers, "--select", "no-print")
    assert codes(drivers, "--select", "no-print", "--ignore", "NO-PRINT") == []
    drivers.write("pyproject.toml", '[tool.osiris-lint]\nignore = ["no-print"]\n'
                                    '[tool.osiris-lint.per-file-ignores]\n"x/*" = ["missing-metric"]\n')
    assert codes(drivers) == []
    explained = drivers.lint("--explain", "no-print")
    assert explained.returncode == 0 and explained.stdout.startswith("# OSD020 no-print")
