"""osiris-gen writes the scenario `osiris-run check` needs for the drivers it has no
default fixture for (servers, the sql transformer) into the check.yaml the check reads:
appended, every byte of the user's file kept, an existing entry never changed, and
`osiris-gen update` adding it to projects recorded before it existed."""

import json
import textwrap

import pytest
import yaml
from osiris_driver_kit.generator.cli import app
from osiris_driver_kit.generator.record import RECORD_NAME
from osiris_driver_kit.runtime.check import load_scenarios
from typer.testing import CliRunner

MINE = textwrap.dedent("""\
    # my scenarios: keep this comment
    csv.writer:
      config: {path: "{tmp}/mine.csv"}   # and this one
    postgres.writer:
      config: {table: mine}
""")


@pytest.fixture
def gen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        return CliRunner().invoke(app, list(args))
    return run


def test_a_server_driver_gets_a_scratch_scenario_from_the_environment(gen, tmp_path, monkeypatch):
    assert gen("extractor", "postgres").exit_code == 0
    made = gen("writer", "mariadb")
    assert made.exit_code == 0 and "extend  drivers/check.yaml" in made.output
    text = (tmp_path / "drivers" / "check.yaml").read_text()
    assert text.startswith("# Scenarios for `osiris-run check`")
    raw = yaml.safe_load(text)
    assert raw["postgres.extractor"]["scratch"] is True
    assert raw["postgres.extractor"]["config"]["resolved_connection"]["host"] == \
        "${OSIRIS_CHECK_POSTGRES_HOST:-127.0.0.1}"
    assert raw["mysql.writer"]["config"]["table"] == "osiris_check_written"
    monkeypatch.setenv("OSIRIS_CHECK_MYSQL_HOST", "db.example")
    scenarios = load_scenarios(tmp_path / "drivers" / "check.yaml")
    mysql = scenarios["mysql.writer"]
    assert mysql.config["resolved_connection"] == {
        "host": "db.example", "port": "3306", "user": "root", "password": "", "database": "test"}
    assert mysql.scratch is True and "OSIRIS_CHECK_MYSQL_PASSWORD" in mysql.variables
    assert mysql.merged(mysql.failing)["resolved_connection"]["port"] == 1


def test_drivers_with_default_fixtures_get_no_scenario(gen, tmp_path):
    for category, backend in (("extractor", "csv"), ("writer", "sqlite"), ("writer", "duckdb")):
        assert gen(category, backend).exit_code == 0
    assert not (tmp_path / "drivers" / "check.yaml").exists()
    assert gen("transformer", "sql").exit_code == 0  # its query is not a default's
    assert list(yaml.safe_load((tmp_path / "drivers" / "check.yaml").read_text())) == [
        "sql.transformer"]


def test_the_users_entries_and_comments_are_kept_byte_for_byte(gen, tmp_path):
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "check.yaml").write_text(MINE)
    for category in ("writer", "extractor"):
        made = gen(category, "postgres", "--force")
        assert made.exit_code == 0, made.output
    text = (tmp_path / "drivers" / "check.yaml").read_text()
    assert text.startswith(MINE)  # postgres.writer is the user's: kept even with --force
    assert list(yaml.safe_load(text)) == ["csv.writer", "postgres.writer", "postgres.extractor"]
    assert "keep  drivers/check.yaml" in gen("writer", "postgres").output


def test_the_check_file_of_the_current_folder_is_used_when_the_drivers_have_none(gen, tmp_path):
    (tmp_path / "check.yaml").write_text(MINE)
    assert gen("extractor", "mysql").exit_code == 0
    assert not (tmp_path / "drivers" / "check.yaml").exists()
    assert list(yaml.safe_load((tmp_path / "check.yaml").read_text())) == [
        "csv.writer", "postgres.writer", "mysql.extractor"]


def test_a_file_an_entry_cannot_be_appended_to_blocks_the_run(gen, tmp_path):
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "check.yaml").write_text("{csv.writer: {config: {path: x.csv}}}\n")
    made = gen("extractor", "postgres")
    assert made.exit_code == 1
    assert "drivers/check.yaml cannot take the new entry: its entries cannot be extended" \
        in made.output
    assert "postgres.extractor:\n  scratch: true" in made.output  # the entry to add by hand
    assert not (tmp_path / "drivers" / "postgres_extractor_driver.py").exists()


def test_dry_run_shows_the_entry_and_writes_nothing(gen, tmp_path):
    preview = gen("writer", "postgres", "--dry-run")
    assert "would create  drivers/check.yaml" in preview.output
    assert "+postgres.writer:\n+  scratch: true\n" in preview.output
    assert not (tmp_path / "drivers").exists()


def test_update_adds_the_scenario_to_a_project_recorded_before_it_once(gen, tmp_path):
    assert gen("writer", "postgres").exit_code == 0
    record = json.loads((tmp_path / RECORD_NAME).read_text())
    assert record["generations"][0]["scenario"] == "drivers/check.yaml"
    # The project as an older kit left it: no check.yaml, a record without 'scenario'.
    (tmp_path / "drivers" / "check.yaml").unlink()
    del record["generations"][0]["scenario"]
    (tmp_path / RECORD_NAME).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    updated = gen("update")
    assert updated.exit_code == 0, updated.output
    assert "create  drivers/check.yaml" in updated.output
    assert "postgres.writer" in yaml.safe_load((tmp_path / "drivers" / "check.yaml").read_text())
    # Now recorded: an entry the user deletes stays deleted.
    (tmp_path / "drivers" / "check.yaml").write_text(MINE.replace("postgres.writer", "other.writer"))
    again = gen("update")
    assert again.exit_code == 0 and "check.yaml" not in again.output
    assert "postgres.writer" not in (tmp_path / "drivers" / "check.yaml").read_text()
