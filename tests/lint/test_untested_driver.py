"""OSD050 untested-driver from the command line, as a project meets it: tests found
under the project root whether linted or not (the pre-commit hook lints one file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CLEAN_EXTRACTOR, Project

OSIRIS_GEN = Path(sys.executable).with_name("osiris-gen")


def untested(project: Project, *args: str) -> list[str]:
    done = project.lint("--no-cache", "--output-format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return sorted(f["path"] for f in json.loads(done.stdout) if f["code"] == "OSD050")


@pytest.fixture
def drivers(tmp_path) -> Project:
    project = Project(tmp_path, untested_driver_rule=True)
    project.write("drivers/orders_extractor_driver.py", CLEAN_EXTRACTOR)
    return project


def test_a_driver_no_test_reaches_is_reported(drivers):
    assert untested(drivers) == ["drivers/orders_extractor_driver.py"]
    drivers.write("scripts/smoke.py", "from drivers.orders_extractor_driver import Orders\n")
    assert untested(drivers) == ["drivers/orders_extractor_driver.py"]  # not a test module


@pytest.mark.parametrize("test_file, text", [
    ("tests/test_orders.py", "from drivers.orders_extractor_driver import OrdersExtractorDriver\n"),
    ("tests/test_orders.py", "from drivers import (\n    orders_extractor_driver,\n)\n"),
    ("orders_test.py", "import drivers.orders_extractor_driver as under_test\n"),
    ("tests/helpers.py", "DRIVER = registry.get('orders.extractor')\n"),
    ("tests/test_load.py", 'module = importlib.import_module("drivers.orders_extractor_driver")\n'),
])
def test_a_test_that_imports_the_driver_or_names_its_key_reaches_it(drivers, test_file, text):
    drivers.write(test_file, text)
    assert untested(drivers) == []


def test_the_hook_linting_only_the_driver_still_finds_its_tests(drivers):
    drivers.write("tests/test_orders.py", "from drivers.orders_extractor_driver import X\n")
    assert untested(drivers, "drivers/orders_extractor_driver.py") == []


def test_ignored_and_excluded_test_folders_do_not_count(drivers):
    drivers.write("build/tests/test_orders.py", "from drivers import orders_extractor_driver\n")
    drivers.write("old/test_orders.py", "from drivers import orders_extractor_driver\n")
    drivers.write("pyproject.toml", '[tool.osiris-lint]\nexclude = ["old"]\n')
    assert untested(drivers) == ["drivers/orders_extractor_driver.py"]


def test_a_driver_generated_without_tests_is_reported_and_one_with_tests_is_not(tmp_path):
    def generate(*args):
        subprocess.run([str(OSIRIS_GEN), *args], cwd=tmp_path, check=True, capture_output=True)
    generate("extractor", "sqlite", "--no-tests")
    generate("writer", "sqlite")
    project = Project(tmp_path, untested_driver_rule=True)
    assert untested(project, "drivers") == ["drivers/sqlite_extractor_driver.py"]
