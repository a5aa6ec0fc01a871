"""Connections in the public Osiris format, referenced as '@family.alias',
with ${VAR} taken from the environment."""

import pytest
from osiris_driver_kit.runtime.connections import Connections, find_connections
from osiris_driver_kit.runtime.errors import ConnectionsError

FILE = """
connections:
  postgres:
    main:
      host: db.internal
      user: app
      password: ${PG_PASSWORD}
      default: true
    replica:
      host: replica.internal
      password: plain
  sqlite:
    local:
      path: data/orders.db
"""


@pytest.fixture
def connections(tmp_path):
    path = tmp_path / "osiris_connections.yaml"
    path.write_text(FILE)
    return Connections.load(path)


def test_a_reference_resolves_with_variables_from_the_environment(connections):
    resolved = connections.resolve("@postgres.main", {"PG_PASSWORD": "s3cret"})
    assert resolved == {"host": "db.internal", "user": "app", "password": "s3cret"}


def test_a_family_reference_uses_the_default_or_the_only_alias(connections):
    assert connections.resolve("@postgres", {"PG_PASSWORD": "x"})["host"] == "db.internal"
    assert connections.resolve("@sqlite", {}) == {"path": "data/orders.db"}


def test_a_missing_variable_names_the_variable_and_the_connection(connections):
    with pytest.raises(ConnectionsError) as error:
        connections.resolve("@postgres.main", {})
    assert "PG_PASSWORD is not set" in str(error.value)
    assert "@postgres.main" in str(error.value)


@pytest.mark.parametrize("reference, message", [
    ("@mysql.main", "has no family 'mysql' (families: postgres, sqlite)"),
    ("@postgres.backup", "has no alias 'backup' (aliases: main, replica)"),
    ("postgres.main", "is not of the form '@family.alias'"),
])
def test_unresolvable_references_say_what_exists(connections, reference, message):
    with pytest.raises(ConnectionsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        connections.resolve(reference, {})


@pytest.mark.parametrize("text", ["connections: [1, 2]", "hosts: {}", "connections:\n  pg: 3\n"])
def test_a_malformed_file_explains_the_expected_shape(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConnectionsError, match="expected 'connections:' mapping"):
        Connections.load(path)


def test_the_file_is_found_in_the_current_directory_or_given_explicitly(tmp_path, connections):
    assert find_connections(None, tmp_path).source == connections.source
    assert find_connections(None, tmp_path / "elsewhere") is None
    with pytest.raises(ConnectionsError, match="does not exist"):
        find_connections(tmp_path / "nope.yaml", tmp_path)


def test_a_variable_with_a_default_takes_it_when_unset_or_empty(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("connections:\n  pg:\n    main: {host: '${PG_HOST:-localhost}', "
                    "port: '${PG_PORT:-5432}', password: '${PG_PASSWORD}'}\n")
    connections = Connections.load(path)
    assert connections.resolve("@pg.main", {"PG_PASSWORD": "pw", "PG_PORT": ""}) == {
        "host": "localhost", "port": "5432", "password": "pw"}
    assert connections.resolve("@pg.main", {"PG_PASSWORD": "pw", "PG_HOST": "db"})["host"] == "db"
