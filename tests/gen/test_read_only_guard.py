"""The generated drivers' read-only guard, on the modules osiris-gen writes: it runs
the classifier osiris-lint's OSD031 uses (contract/sql.py, copied as read_only_sql.py),
so the two judge every query alike."""

import importlib
import sys
import uuid
from pathlib import Path

import pytest
from osiris_driver_kit.contract import sql
from osiris_driver_kit.generator.rendering import COPIED_CONTRACT, contract_copy, render_template

from ..lint.test_sql import CHANGING, READ_ONLY


@pytest.fixture(scope="module")
def safety(tmp_path_factory):
    root = tmp_path_factory.mktemp("support")
    package = root / f"generated_{uuid.uuid4().hex[:8]}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, module in COPIED_CONTRACT.items():
        (package / f"{name}.py").write_text(contract_copy(module), encoding="utf-8")
    (package / "driver_safety.py").write_text(
        render_template("support/driver_safety.py.j2", {}), encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(f"{package.name}.driver_safety")
    finally:
        sys.path.remove(str(root))


def test_the_copied_classifier_is_the_contracts_own_code():
    copied = contract_copy(COPIED_CONTRACT["read_only_sql"])
    assert copied.endswith(Path(sql.__file__).read_text(encoding="utf-8"))
    assert copied.startswith("# Copied by osiris-gen from osiris_driver_kit.contract.sql")


@pytest.mark.parametrize("query", [
    *(query for query in READ_ONLY if query.strip()),  # an empty string is no query
    *(query for query, _ in CHANGING),
    "SET search_path = s", "BEGIN", "USE db", "LOAD 'httpfs'",
])
def test_the_guard_and_osd031_give_the_same_verdict(safety, query):
    change = sql.changes(query)
    if change is None:
        safety.validate_read_only(query)
    else:
        with pytest.raises(safety.ReadOnlyQueryError):
            safety.validate_read_only(query)


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
    "SET search_path = reporting",  # sets up the reading session (as OSD031 judges it)
])
def test_reading_statements_pass(safety, query):
    safety.validate_read_only(query)


@pytest.mark.parametrize("query, kind", [
    ("SELECT 1; DROP TABLE t", "DROP"),
    ("DELETE FROM t", "DELETE"),
    ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "DELETE in a sub-statement"),
    ("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", "INSERT"),
    ("SELECT * INTO copy FROM t", "SELECT ... INTO"),
    ("SELECT * FROM t INTO OUTFILE '/tmp/t'", "INTO OUTFILE"),
    ("REPLACE INTO t VALUES (1)", "REPLACE"),
    ("LOAD DATA INFILE 'x' INTO TABLE t", "LOAD DATA"),
    ("EXPLAIN ANALYZE DELETE FROM t", "DELETE"),
    ("PRAGMA query_only = OFF", "PRAGMA query_only off"),
    ("PRAGMA query_only(0)", "PRAGMA query_only off"),
    ("ATTACH 'x.db' AS x", "ATTACH"),
    ("COPY t TO '/tmp/t'", "COPY"),
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
