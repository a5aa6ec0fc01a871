"""The generated drivers' read-only guard, on the module osiris-gen writes."""

import importlib.util

import pytest
from osiris_driver_kit.generator.rendering import render_template


@pytest.fixture(scope="module")
def safety(tmp_path_factory):
    path = tmp_path_factory.mktemp("support") / "driver_safety.py"
    path.write_text(render_template("support/driver_safety.py.j2", {}), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generated_driver_safety", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("query", [
    "SELECT updated_at, created_by, REPLACE(name, 'a', 'b') FROM t -- drop later",
    "select max(load) from t",
    "WITH x AS (SELECT 1) SELECT * FROM x",
    "SELECT 'a; DROP TABLE t'",
    "SELECT 'it''s'",
    "SELECT \"drop\", `delete` FROM t",
    "/* drop */ SELECT 1;",
    "(SELECT 1) UNION (SELECT 2)",
    "EXPLAIN SELECT 1",
    "PRAGMA table_info(t)",
    "SHOW TABLES",
    "SELECT * FROM t FOR UPDATE",
])
def test_reading_statements_pass(safety, query):
    safety.validate_read_only(query)


@pytest.mark.parametrize("query, kind", [
    ("SELECT 1; DROP TABLE t", "DROP"),
    ("DELETE FROM t", "DELETE"),
    ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "DELETE"),
    ("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", "INSERT"),
    ("SELECT * INTO copy FROM t", "SELECT ... INTO"),
    ("SELECT * FROM t INTO OUTFILE '/tmp/t'", "SELECT ... INTO"),
    ("REPLACE INTO t VALUES (1)", "REPLACE INTO"),
    ("LOAD DATA INFILE 'x' INTO TABLE t", "LOAD DATA"),
    ("EXPLAIN ANALYZE DELETE FROM t", "DELETE"),
    ("PRAGMA query_only = OFF", "PRAGMA assignment"),
    ("PRAGMA query_only(0)", "PRAGMA assignment"),
    ("ATTACH 'x.db' AS x", "ATTACH"),
    ("COPY t TO '/tmp/t'", "COPY"),
    ("SET search_path = evil", "SET"),
    ("CALL refresh()", "CALL"),
    # hidden from one dialect's lexing, visible to the other's
    ("SELECT 'a\\'; DROP TABLE t; --'", "DROP"),
    ("SELECT $a$ ; DROP TABLE t; $a$", "DROP"),
    ("/*!50000 DROP TABLE t */ SELECT 1", "DROP"),
])
def test_statements_that_change_anything_are_refused_by_kind(safety, query, kind):
    with pytest.raises(safety.ReadOnlyQueryError, match=f"^{kind.replace('.', '[.]')} is not"):
        safety.validate_read_only(query)
    assert issubclass(safety.ReadOnlyQueryError, ValueError)


@pytest.mark.parametrize("query", ["", "   ", "SELECT 'unterminated", "SELECT /* open"])
def test_empty_or_unlexable_queries_are_refused(safety, query):
    with pytest.raises(safety.ReadOnlyQueryError):
        safety.validate_read_only(query)


def test_secrets_are_masked_in_text_and_urls(safety):
    settings = {"user": "ada", "password": "p@ss word", "nested": {"api_key": "k-123"}}
    text = "auth failed for ada with p@ss word, p%40ss+word, k-123 at pg://ada:other@db/x"
    assert safety.mask_secrets(text, settings) == (
        "auth failed for ada with ***, ***, *** at pg://ada:***@db/x"
    )
