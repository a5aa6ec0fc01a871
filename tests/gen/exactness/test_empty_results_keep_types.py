"""An empty result keeps its column types through a generated extractor and writer
(issue 12: an empty first result made a table's DECIMAL(10,2) and DATE columns
LONGTEXT). The extractor records the SQL kind of the columns it returns as objects in
the frame's attrs; the writer creates those types where no value tells it."""

from __future__ import annotations

import psycopg
import pymysql
import pytest


def mysql_types(settings: dict, table: str) -> dict[str, str]:
    conn = pymysql.connect(**settings)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT column_name, column_type FROM information_schema.columns "
                           "WHERE table_schema = DATABASE() AND table_name = %s", (table,))
            return {name.lower(): kind.lower() for name, kind in cursor.fetchall()}
    finally:
        conn.close()


def mysql_execute(settings: dict, statement: str) -> None:
    conn = pymysql.connect(**settings)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def empty_mysql_source(store_of, mysql_settings):
    source = store_of("mysql")
    mysql_execute(mysql_settings, f"CREATE TABLE `{source.table}` "
                                  "(amount DECIMAL(10,2), day DATE, note TEXT, n BIGINT)")
    return source


@pytest.fixture
def empty_postgres_source(store_of, postgres_settings):
    source = store_of("postgres")
    with psycopg.connect(**postgres_settings, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE "{source.table}" '
                     "(amount NUMERIC(10,2), day DATE, note TEXT, n BIGINT)")
    return source


@pytest.fixture
def empty_sqlite_source(store_of):
    import sqlite3
    from contextlib import closing

    source = store_of("sqlite")
    with closing(sqlite3.connect(source.target["resolved_connection"]["path"])) as conn:
        conn.execute("CREATE TABLE exact (amount DECIMAL(10,2), day DATE, note TEXT, n BIGINT)")
    return source


@pytest.fixture
def empty_duckdb_source(store_of):
    import duckdb

    source = store_of("duckdb")
    with duckdb.connect(source.target["resolved_connection"]["path"]) as conn:
        conn.execute("CREATE TABLE exact (amount DECIMAL(10,2), day DATE, note TEXT, n BIGINT)")
    return source


@pytest.mark.parametrize("source_name", ["empty_mysql_source", "empty_postgres_source",
                                         "empty_sqlite_source", "empty_duckdb_source"])
def test_an_empty_result_creates_its_types_in_mariadb(request, source_name, store_of,
                                                      mysql_settings):
    source = request.getfixturevalue(source_name)
    frame = source.read()
    assert len(frame) == 0
    target = store_of("mysql")
    target.write(frame)
    types = mysql_types(mysql_settings, target.table)
    expected_scale = ",30)" if source_name == "empty_sqlite_source" else ",2)"  # no shape
    assert types["amount"].startswith("decimal(") and types["amount"].endswith(expected_scale)
    assert types["day"] == "date"
    assert types["n"] == "bigint(20)" or types["n"] == "bigint"
    assert types["note"].startswith("longtext")


def test_an_empty_decimal_without_a_declared_shape_gets_room_on_both_sides(store_of,
                                                                           postgres_settings,
                                                                           mysql_settings):
    source = store_of("postgres")
    with psycopg.connect(**postgres_settings, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE "{source.table}" (amount NUMERIC)')
    target = store_of("mysql")
    target.write(source.read())
    assert mysql_types(mysql_settings, target.table)["amount"] == "decimal(65,30)"


def test_an_empty_csv_with_pinned_types_creates_them_in_mariadb(store_of, mysql_settings):
    """CSV has no types: `types` pins them, and a header-only file keeps them."""
    source = store_of("csv")
    with open(source.target["path"], "w", encoding="utf-8") as handle:
        handle.write("amount,day,note,n\n")
    frame = source.read(types={"amount": "decimal", "day": "date", "n": "integer"})
    assert len(frame) == 0
    target = store_of("mysql")
    target.write(frame)
    types = mysql_types(mysql_settings, target.table)
    assert types["amount"] == "decimal(65,30)"  # no shape to keep: room on both sides
    assert types["day"] == "date"
    assert types["n"] in ("bigint(20)", "bigint")
    assert types["note"].startswith("longtext")
