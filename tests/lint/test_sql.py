"""The SQL classifier behind OSD031 (and, later, the generated drivers' runtime guard):
read-only is judged on tokens and statement kinds, never on substrings."""

import pytest
from osiris_driver_kit.contract.sql import MYSQL, changes, is_read_only, looks_like_statement, tokens

READ_ONLY = [
    "SELECT updated_at, created_by, REPLACE(name, 'a', 'b') FROM t -- drop later",
    "select id from orders where note = 'DELETE FROM t; DROP TABLE x'",
    'SELECT "insert", "update" FROM "drop"',
    "SELECT `delete` FROM `create`",
    "SELECT 1 /* DROP TABLE t; */",
    "SELECT * FROM t FOR UPDATE",
    "WITH recent AS (SELECT * FROM orders WHERE ts > now() - interval '1 day') SELECT * FROM recent",
    "WITH comment AS (SELECT 1), refresh(n) AS (SELECT 2) SELECT * FROM comment, refresh",
    "(SELECT 1) UNION ALL (SELECT 2);",
    "SET TRANSACTION READ ONLY",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "START TRANSACTION READ ONLY; SELECT * FROM t; COMMIT",
    "BEGIN READ ONLY",
    "SET default_transaction_read_only = on",
    "SET statement_timeout = 5000",
    "PRAGMA query_only = ON",
    "PRAGMA query_only(1)",
    "PRAGMA table_info(orders)",
    "PRAGMA journal_mode",
    "EXPLAIN DELETE FROM t",
    "EXPLAIN QUERY PLAN SELECT * FROM t",
    "SHOW TABLES",
    "DESCRIBE orders",
    "SELECT a INTO @total FROM t",
    "FROM read_parquet('s3://bucket/x.parquet') SELECT count(*)",
    "SELECT 'it''s; DROP TABLE t'",
    "SELECT 1;;",
    "",
]

CHANGING = [
    ("SELECT 1; DROP TABLE t", "DROP"),
    # Dollar quotes are PostgreSQL's: MySQL reads $a$ as a name, then runs the DROP.
    ("SELECT $$; DROP TABLE t$$", "DROP"),
    ("SELECT $body$ ; TRUNCATE t $body$ AS x", "TRUNCATE"),
    ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "DELETE in a sub-statement"),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "INSERT"),
    ("insert into t values (1)", "INSERT"),
    ("UPDATE t SET a = 1", "UPDATE"),
    ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE"),
    ("REPLACE INTO t VALUES (1)", "REPLACE"),
    ("CREATE TEMP TABLE x AS SELECT 1", "CREATE"),
    ("ALTER SYSTEM SET work_mem = '1GB'", "ALTER"),
    ("TRUNCATE orders", "TRUNCATE"),
    ("GRANT SELECT ON t TO bob", "GRANT"),
    ("REVOKE ALL ON t FROM bob", "REVOKE"),
    ("COPY t TO '/tmp/t.csv'", "COPY"),
    ("CALL refresh_all()", "CALL"),
    ("EXEC sp_cleanup", "EXEC"),
    ("DO $$ BEGIN DELETE FROM t; END $$", "DO"),
    ("ATTACH DATABASE 'x.db' AS x", "ATTACH"),
    ("DETACH x", "DETACH"),
    ("VACUUM", "VACUUM"),
    ("LOAD DATA INFILE '/tmp/x' INTO TABLE t", "LOAD DATA"),
    ("SELECT * INTO backup FROM t", "SELECT ... INTO"),
    ("SELECT * FROM t INTO OUTFILE '/tmp/t.csv'", "INTO OUTFILE"),
    ("PRAGMA journal_mode = WAL", "PRAGMA journal_mode = ..."),
    ("PRAGMA user_version(3)", "PRAGMA user_version(...)"),
    ("PRAGMA query_only = OFF", "PRAGMA query_only off"),
    ("EXPLAIN ANALYZE DELETE FROM t", "DELETE"),
    ("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "UPDATE"),
    ("SET GLOBAL max_connections = 10", "SET GLOBAL"),
    ("SET SESSION TRANSACTION READ WRITE", "SET ... READ WRITE"),
    ("SET default_transaction_read_only = off", "SET ... READ WRITE"),
    ("PREPARE wipe AS DELETE FROM t", "DELETE"),
    ("SELECT 1; -- harmless\n  drop table t", "DROP"),
    ("'x'; SELECT 1", "a statement that starts with \"'\", not a keyword"),
    ("FROBNICATE t", "FROBNICATE (not a known read-only statement)"),
    ("SELECT 'unterminated", "unterminated string or comment"),
]


@pytest.mark.parametrize("text", READ_ONLY)
def test_read_only_sql(text):
    assert changes(text) is None
    assert is_read_only(text)


@pytest.mark.parametrize("text, reason", CHANGING)
def test_sql_that_changes_something_and_why(text, reason):
    assert changes(text) == reason
    assert not is_read_only(text)


def test_keywords_are_whole_words_and_strings_and_comments_leave_one_value_token():
    assert tokens("select created_at, 'DROP' /* x */ from t -- y") == [
        "SELECT", "CREATED_AT", ",", "'", "FROM", "T"]


@pytest.mark.parametrize("text", [
    "SELECT 'a\\'; DROP TABLE t; --'",   # MySQL reads \\' as an escaped quote: DROP runs
    "SELECT 1 #; DROP TABLE t",          # standard SQL: # is an operator, DROP runs
    "SELECT 1 /*!50000 ; DROP TABLE t */",  # MySQL executes /*! ... */ comments
])
def test_a_statement_hidden_by_one_dialects_lexing_is_still_found(text):
    assert changes(text) == "DROP"


def test_mysql_lexing_of_backslash_escapes():
    assert tokens("SELECT 'a\\'b' FROM t", MYSQL) == ["SELECT", "'", "FROM", "T"]


def test_a_string_only_one_dialect_can_lex_is_judged_by_that_dialect():
    assert changes("SELECT 'C:\\' FROM t") is None  # unterminated for MySQL, fine for PostgreSQL


@pytest.mark.parametrize("text, expected", [
    ("SELECT * FROM x WHERE id = 1", True),
    ("select a from x", True),
    ("INSERT INTO x (a) VALUES (1)", True),
    ("UPDATE x SET a = 1", True),
    ("CREATE TABLE IF NOT EXISTS x (a int)", True),
    ("TRUNCATE x", True),
    ("  (SELECT a FROM x)", True),
    ("Select the rows from x", False),   # a sentence, not SQL
    ("SELECT x", False),                  # no FROM: not enough to call it SQL
    ("Deleting rows from x", False),
    ("rows read from x", False),
    ("", False),
])
def test_what_looks_like_a_sql_statement(text, expected):
    assert looks_like_statement(text) is expected
