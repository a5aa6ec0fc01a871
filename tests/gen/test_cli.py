"""osiris-gen as a user runs it: generate, re-run, refuse, force, preview, list."""

import pytest
from osiris_driver_kit.generator.cli import app
from typer.testing import CliRunner


@pytest.fixture
def gen(tmp_path):
    """Run osiris-gen with every output folder inside tmp_path."""
    def run(*args: str):
        folders = ["--out", str(tmp_path / "drivers"), "--tests-out", str(tmp_path / "tests"),
                   "--components-out", str(tmp_path / "components")]
        command = [*args, *folders] if args[0] in ("extractor", "writer", "transformer") else args
        return CliRunner().invoke(app, command)
    return run


def test_a_known_backend_renders_driver_helper_tests_and_spec(gen, tmp_path):
    result = gen("extractor", "postgresql")
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        ".osiris-gen.json",  # the record osiris-gen update merges from
        "components/postgres.extractor/spec.yaml",
        "drivers/__init__.py",
        "drivers/check.yaml",  # its scenario for osiris-run check
        "drivers/driver_safety.py",
        "drivers/postgres_extractor_driver.py",
        "drivers/read_only_sql.py",  # contract modules the drivers run (contract/)
        "drivers/secret_names.py",
        "tests/test_postgres_extractor_driver.py",
    ]
    assert "pip install 'osiris-driver-kit[postgres]'" in result.output


def test_running_twice_changes_nothing_and_registers_once(gen, tmp_path):
    gen("writer", "mariadb")
    again = gen("writer", "mariadb")
    assert again.exit_code == 0, again.output
    assert again.output.count("unchanged") == 6
    source = (tmp_path / "drivers" / "mysql_writer_driver.py").read_text()
    assert source.count("DriverRegistry.register(") == 1


def test_an_edited_file_blocks_the_run_until_forced(gen, tmp_path):
    gen("writer", "csv")
    driver = tmp_path / "drivers" / "csv_writer_driver.py"
    driver.write_text(driver.read_text() + "# my change\n")
    blocked = gen("writer", "csv")
    assert blocked.exit_code == 1
    assert str(driver) in blocked.output and "--force" in blocked.output
    assert driver.read_text().endswith("# my change\n")
    forced = gen("writer", "csv", "--force")
    assert forced.exit_code == 0, forced.output
    assert "# my change" not in driver.read_text()


def test_dry_run_shows_a_diff_and_writes_nothing(gen, tmp_path):
    result = gen("transformer", "sql", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create" in result.output
    assert "+DriverRegistry.register(\"sql.transformer\", SqlTransformerDriver())" in result.output
    assert "nothing was written" in result.output
    assert not tmp_path.joinpath("drivers").exists()


def test_no_tests_no_spec_and_family(gen, tmp_path):
    result = gen("extractor", "postgres", "--family", "warehouse", "--no-tests", "--no-spec")
    assert result.exit_code == 0, result.output
    driver = tmp_path / "drivers" / "warehouse_extractor_driver.py"
    assert 'DriverRegistry.register("warehouse.extractor", WarehouseExtractorDriver())' in (
        driver.read_text())
    assert not (tmp_path / "tests").exists() and not (tmp_path / "components").exists()


def test_a_key_registered_by_another_module_is_not_registered_again(gen, tmp_path):
    drivers = tmp_path / "drivers"
    drivers.mkdir()
    (drivers / "pg_driver.py").write_text(
        'DriverRegistry.register("postgres.extractor", PgExtractorDriver())\n')
    result = gen("extractor", "postgres")
    assert result.exit_code == 1
    assert "pg_driver.py already registers 'postgres.extractor'" in result.output
    assert "--family" in result.output
    assert not (drivers / "postgres_extractor_driver.py").exists()


def test_an_unknown_backend_renders_a_skeleton_and_says_so(gen, tmp_path):
    result = gen("writer", "snowflake")
    assert result.exit_code == 0, result.output
    assert "skeleton" in result.output and "TODO(osiris-gen)" in result.output
    assert "TODO(osiris-gen)" in (tmp_path / "drivers" / "snowflake_writer_driver.py").read_text()


@pytest.mark.parametrize("args, expected", [
    (("loader", "postgres"), "choose one of: extractor, writer, transformer, list, quickstart"),
    (("extractor", "Bad-Name"), "'bad_name'). Complete backends: postgres, mysql"),
    (("writer", "csv", "--family", "Sales"), "Invalid family 'Sales'"),
])
def test_usage_errors_exit_2_with_the_valid_choices(gen, args, expected):
    result = gen(*args)
    assert result.exit_code == 2
    assert expected in result.output


def test_list_names_each_backend_its_categories_extra_and_strategies(gen):
    result = gen("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    postgres = lines.index(next(line for line in lines if line.startswith("postgres ")))
    assert "extractor, writer" in lines[postgres] and "[postgres]" in lines[postgres]
    assert "aliases: postgresql, supabase" in lines[postgres + 1]
    assert any("upsert: staging table + one INSERT ... ON CONFLICT" in line for line in lines)
    assert any(line.startswith("sql ") and "transformer" in line for line in lines)


def test_the_osiris_pipeline_target_writes_a_processor_its_spec_registers(gen, tmp_path):
    result = gen("transformer", "sql", "--target", "osiris-pipeline")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("target: osiris-pipeline\n")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        ".osiris-gen.json",  # the record osiris-gen update merges from
        "components/sql.processor/spec.yaml",
        "drivers/__init__.py",
        "drivers/check.yaml",
        "drivers/driver_safety.py",
        "drivers/read_only_sql.py",
        "drivers/secret_names.py",
        "drivers/sql_processor_driver.py",
        "tests/test_sql_processor_driver.py",
    ]
    assert "DriverRegistry" not in (tmp_path / "drivers" / "sql_processor_driver.py").read_text()
    spec = (tmp_path / "components" / "sql.processor" / "spec.yaml").read_text()
    assert "  driver: drivers.sql_processor_driver.SqlProcessorDriver\n" in spec


def test_without_target_the_project_decides_and_says_why(gen):
    gen("extractor", "csv", "--target", "osiris-pipeline")
    detected = gen("writer", "csv")
    assert detected.exit_code == 0, detected.output
    assert detected.output.startswith("target: osiris-pipeline (detected: 1 component spec(s)")


def test_a_package_that_registers_at_import_stays_contract(gen):
    first = gen("extractor", "sqlite")
    assert first.output.startswith("target: contract (default)\n")
    second = gen("writer", "csv")  # its spec names a driver too, as every generated spec does
    assert second.exit_code == 0, second.output
    assert second.output.startswith("target: contract (detected: ")
    assert "the drivers the component specs in components/ name register themselves at " \
           "import" in second.output


def test_an_unknown_target_exits_2_naming_the_valid_ones(gen, tmp_path):
    result = gen("writer", "csv", "--target", "airflow")
    assert result.exit_code == 2
    assert "unknown target 'airflow': use one of 'contract', 'osiris-pipeline'" in result.output
    assert not (tmp_path / "drivers").exists()


def test_no_spec_under_osiris_pipeline_warns_that_nothing_registers_the_driver(gen):
    result = gen("writer", "mysql", "--target", "osiris-pipeline", "--no-spec")
    assert result.exit_code == 0, result.output
    assert "note: --no-spec: nothing registers mysql.writer" in result.output
