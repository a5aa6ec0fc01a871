"""Discovery imports every driver module under a path or package so that its
import-time registration runs; broken modules are reported, not fatal."""

import sys
import textwrap

import pytest
from osiris.core.driver import DriverRegistry
from osiris_driver_kit.runtime.discovery import load_drivers
from osiris_driver_kit.runtime.errors import OsirisError

DRIVER = """
from osiris.core.driver import DriverRegistry


class {cls}:
    def run(self, step_id, config, inputs, ctx):
        return {{}}


DriverRegistry.register("{key}", {cls}())
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def clean_sys_path():
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - saved_modules:
        del sys.modules[name]


pytestmark = pytest.mark.usefixtures("osiris_registry", "clean_sys_path")


def test_a_folder_of_plain_modules_registers_each_driver(tmp_path):
    write(tmp_path / "csv_writer_driver.py", DRIVER.format(cls="CsvWriterDriver", key="csv.writer"))
    write(tmp_path / "nested" / "duck_writer_driver.py",
          DRIVER.format(cls="DuckWriterDriver", key="duckdb.writer"))
    result = load_drivers(tmp_path)
    assert result.failures == []
    assert DriverRegistry.list_drivers() == ["csv.writer", "duckdb.writer"]


def test_a_package_whose_init_registers_imported_classes(tmp_path):
    package = tmp_path / "acme_drivers"
    write(package / "pg_extractor_driver.py", """
        class PgExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                return {"df": None}
    """)
    write(package / "__init__.py", """
        from osiris.core.driver import DriverRegistry
        from .pg_extractor_driver import PgExtractorDriver

        DriverRegistry.register("postgres.extractor", PgExtractorDriver())
    """)
    result = load_drivers(package)
    assert result.failures == []
    assert "acme_drivers.pg_extractor_driver" in result.modules
    assert DriverRegistry.list_drivers() == ["postgres.extractor"]


def test_a_dotted_package_name_is_loaded_from_sys_path(tmp_path):
    write(tmp_path / "dotted_pkg" / "__init__.py", "")
    write(tmp_path / "dotted_pkg" / "sub" / "__init__.py", "")
    write(tmp_path / "dotted_pkg" / "sub" / "csv_writer_driver.py",
          DRIVER.format(cls="CsvWriterDriver", key="csv.writer"))
    sys.path.insert(0, str(tmp_path))
    result = load_drivers("dotted_pkg")
    assert result.failures == []
    assert DriverRegistry.list_drivers() == ["csv.writer"]


def test_a_broken_module_is_reported_with_file_line_and_error_and_the_rest_load(tmp_path):
    write(tmp_path / "good_writer_driver.py", DRIVER.format(cls="GoodWriterDriver", key="good.writer"))
    broken = write(tmp_path / "bad_writer_driver.py", "import os\nimport not_installed_client\n")
    result = load_drivers(tmp_path)
    assert DriverRegistry.list_drivers() == ["good.writer"]
    [failure] = result.failures
    assert failure.describe() == (
        f"{broken}:2: cannot import bad_writer_driver: "
        "ModuleNotFoundError: No module named 'not_installed_client'"
    )


def test_a_syntax_error_points_at_its_line(tmp_path):
    broken = write(tmp_path / "typo_writer_driver.py", "class X:\n    def run(self\n")
    [failure] = load_drivers(tmp_path).failures
    assert failure.path == broken and failure.line == 2
    assert "SyntaxError" in failure.error


def test_a_module_that_exits_at_import_is_a_failure_not_the_end_of_discovery(tmp_path):
    write(tmp_path / "exits_driver.py", "raise SystemExit(3)\n")
    write(tmp_path / "good_writer_driver.py", DRIVER.format(cls="GoodWriterDriver", key="good.writer"))
    result = load_drivers(tmp_path)
    assert [f.module for f in result.failures] == ["exits_driver"]
    assert DriverRegistry.list_drivers() == ["good.writer"]


def test_test_files_caches_and_virtualenvs_are_not_imported(tmp_path):
    write(tmp_path / "test_csv_writer_driver.py", "raise AssertionError('imported a test')\n")
    write(tmp_path / "conftest.py", "raise AssertionError('imported conftest')\n")
    write(tmp_path / ".venv" / "pyvenv.cfg", "")
    write(tmp_path / ".venv" / "lib" / "x_driver.py", "raise AssertionError('imported venv')\n")
    write(tmp_path / "env" / "pyvenv.cfg", "")
    write(tmp_path / "env" / "y_driver.py", "raise AssertionError('imported venv')\n")
    assert load_drivers(tmp_path).failures == []


def test_loading_again_reruns_registrations_in_a_fresh_registry(tmp_path):
    write(tmp_path / "csv_writer_driver.py", DRIVER.format(cls="CsvWriterDriver", key="csv.writer"))
    load_drivers(tmp_path)
    with DriverRegistry.isolated():
        load_drivers(tmp_path)
        assert DriverRegistry.list_drivers() == ["csv.writer"]


def test_a_target_that_is_neither_path_nor_package_is_a_clear_error(tmp_path):
    with pytest.raises(OsirisError, match="neither an existing file or folder"):
        load_drivers(str(tmp_path / "missing" / "drivers"))
    with pytest.raises(OsirisError, match="Cannot find driver package 'no_such_pkg_xyz'"):
        load_drivers("no_such_pkg_xyz")
