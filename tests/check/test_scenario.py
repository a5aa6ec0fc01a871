"""check.yaml: scenarios per driver key, every problem reported at once."""

import textwrap

import pytest
from osiris_driver_kit.runtime.check import ScenarioError, load_scenarios


def write(tmp_path, text):
    path = tmp_path / "check.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_overrides_merge_over_config_and_tmp_is_the_drivers_folder(tmp_path):
    (tmp_path / "orders.csv").write_text("id,amount\n1,9.5\n2,20.0\n")
    scenarios = load_scenarios(write(tmp_path, """
        pg.writer:
          config: {table: orders, path: "{tmp}/out.db", resolved_connection: {host: db, password: pw1}}
          failing: {resolved_connection: {host: 127.0.0.1, port: 1}}
          input: orders.csv
          secrets: [extra]
    """))
    scenario = scenarios["pg.writer"].bound_to(tmp_path / "work")
    assert scenario.config["path"] == f"{tmp_path}/work/out.db"
    assert scenario.merged(scenario.failing)["resolved_connection"] == {"host": "127.0.0.1", "port": 1,
                                                                        "password": "pw1"}
    assert scenario.input["amount"].tolist() == [9.5, 20.0]
    assert scenario.secrets == {"pw1", "extra"}
    assert len(scenario.other_input()) == 1 and len(scenario.empty_input()) == 0


def test_every_problem_of_the_file_is_reported_together(tmp_path):
    with pytest.raises(ScenarioError) as error:
        load_scenarios(write(tmp_path, """
            a.writer: {input: 3}
            b.extractor: {config: {}, failing: nope, colour: red, secrets: [1]}
            c.writer: {config: {}, input: missing.csv}
        """))
    message = str(error.value)
    assert "a.writer: needs 'config:'" in message
    assert "b.extractor: unknown field(s) ['colour']" in message
    assert "b.extractor: 'failing' must be a mapping merged over 'config'" in message
    assert "b.extractor: 'secrets' must be a list of strings" in message
    assert "c.writer: input CSV" in message and "does not exist" in message


def test_a_file_that_is_not_a_mapping_says_what_one_looks_like(tmp_path):
    with pytest.raises(ScenarioError, match="expected a mapping of driver keys to scenarios"):
        load_scenarios(write(tmp_path, "- csv.writer\n"))


def test_variables_come_from_the_environment_with_their_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECK_PG_HOST", "db.internal")
    monkeypatch.delenv("CHECK_PG_USER", raising=False)
    scenario = load_scenarios(write(tmp_path, """
        pg.writer:
          scratch: true
          config:
            resolved_connection: {host: "${CHECK_PG_HOST:-127.0.0.1}", user: "${CHECK_PG_USER:-app}"}
    """))["pg.writer"]
    assert scenario.config["resolved_connection"] == {"host": "db.internal", "user": "app"}
    assert scenario.scratch is True
    assert scenario.variables == ("CHECK_PG_HOST", "CHECK_PG_USER")


def test_an_unset_variable_without_default_and_a_bad_scratch_are_reported(tmp_path, monkeypatch):
    monkeypatch.delenv("CHECK_NOT_SET", raising=False)
    with pytest.raises(ScenarioError) as error:
        load_scenarios(write(tmp_path, """
            a.writer: {config: {host: "${CHECK_NOT_SET}"}}
            b.writer: {config: {}, scratch: maybe}
        """))
    message = str(error.value)
    assert "a.writer: Environment variable CHECK_NOT_SET is not set" in message
    assert "${CHECK_NOT_SET:-value}" in message
    assert "b.writer: 'scratch' must be true or false" in message
