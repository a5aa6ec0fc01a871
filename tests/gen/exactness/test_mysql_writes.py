"""MySQL/MariaDB writer (issue 12): nothing changes silently on the way in, and what
cannot be written exactly or undone is refused before anything is written."""

from __future__ import annotations

import decimal

import pandas as pd
import pytest

from .frames import assert_same_frame
from .test_mysql_types import run_sql

D = decimal.Decimal


@pytest.fixture
def store(store_of):
    return store_of("mysql")


def rows(settings: dict, table: str) -> list[tuple]:
    return run_sql(settings, f"SELECT * FROM `{table}` ORDER BY 1")


@pytest.mark.parametrize("mode", ["append", "overwrite", "upsert"])
def test_a_decimal_the_column_would_round_fails_and_leaves_the_table(
        store, mysql_settings, mode):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int PRIMARY KEY, d decimal(38, 10))",
            f"INSERT INTO `{store.table}` VALUES (1, 1.5), (2, NULL)")
    before = rows(mysql_settings, store.table)
    df = pd.DataFrame({"id": [3, 4], "d": pd.Series([D("2"), D("0.123456789012345")],
                                                    dtype=object)})
    with pytest.raises(ValueError, match="column 'd'.*nothing was written"):
        store.write(df, mode, primary_key="id")
    assert rows(mysql_settings, store.table) == before


def test_rounding_in_a_later_statement_of_a_batch_is_caught(store, mysql_settings):
    """executemany splits a batch into several INSERTs; the last one is clean."""
    run_sql(mysql_settings, f"CREATE TABLE `{store.table}` (id int, d decimal(38, 10), "
            "pad longtext)")
    values = [D("1")] * 3000
    values[10] = D("0.123456789012345")
    df = pd.DataFrame({"id": range(3000), "d": pd.Series(values, dtype=object),
                       "pad": pd.Series(["x" * 1000] * 3000, dtype=object)})
    with pytest.raises(ValueError, match="column 'd'"):
        store.write(df)
    assert rows(mysql_settings, store.table) == []


@pytest.mark.parametrize("column_type, value", [
    ("varchar(3)", "abcd"), ("tinyint", 300), ("date", "2024-02-30"),
])
def test_values_the_column_cannot_hold_fail_naming_it(
        store, mysql_settings, column_type, value):
    run_sql(mysql_settings, f"CREATE TABLE `{store.table}` (id int, v {column_type})")
    df = pd.DataFrame({"id": [1], "v": pd.Series([value], dtype=object)})
    with pytest.raises(Exception, match="[`']v[`'] at row 1"):
        store.write(df)
    assert rows(mysql_settings, store.table) == []


@pytest.mark.parametrize("engine", ["Aria", "MyISAM"])
@pytest.mark.parametrize("mode", ["append", "overwrite"])
def test_a_table_without_transactions_is_refused_before_writing(
        store, mysql_settings, engine, mode):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, v int) ENGINE={engine}",
            f"INSERT INTO `{store.table}` VALUES (1, 1)")
    with pytest.raises(ValueError, match=f"{engine}.*ENGINE=InnoDB"):
        store.write(pd.DataFrame({"id": [2], "v": [2]}), mode)
    assert rows(mysql_settings, store.table) == [(1, 1)]


@pytest.mark.parametrize("index", ["", ", KEY (id)", ", UNIQUE (id, v)"])
def test_upsert_without_a_unique_index_on_the_key_is_refused(store, mysql_settings, index):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (id int, v int{index})",
            f"INSERT INTO `{store.table}` VALUES (1, 1), (2, 2)")
    with pytest.raises(ValueError, match="unique index.*id.*ADD UNIQUE"):
        store.write(pd.DataFrame({"id": [2, 3], "v": [20, 30]}), "upsert", primary_key="id")
    assert rows(mysql_settings, store.table) == [(1, 1), (2, 2)]


def test_upsert_into_a_table_with_a_unique_key_updates_it(store, mysql_settings):
    run_sql(mysql_settings,
            f"CREATE TABLE `{store.table}` (n int AUTO_INCREMENT PRIMARY KEY, "
            "code varchar(10), v int, UNIQUE (code))",
            f"INSERT INTO `{store.table}` (code, v) VALUES ('a', 1), ('b', 2)")
    store.write(pd.DataFrame({"code": ["b", "c"], "v": [20, 30]}), "upsert",
                primary_key="code")
    assert [row[1:] for row in rows(mysql_settings, store.table)] == [
        ("a", 1), ("b", 20), ("c", 30)]


def test_a_created_upsert_table_has_the_primary_key(store, mysql_settings):
    df = pd.DataFrame({"a": [1, 2], "b": pd.Series(["x", "y"], dtype=object), "v": [1.0, 2.0]})
    store.write(df, "upsert", primary_key=["a", "b"])
    store.write(df.assign(v=[3.0, 4.0]), "upsert", primary_key=["a", "b"])
    assert_same_frame(store.read(), df.assign(v=[3.0, 4.0]), order_by="a")
    keys = run_sql(mysql_settings, f"SHOW KEYS FROM `{store.table}` WHERE Key_name = 'PRIMARY'")
    assert [key[4] for key in keys] == ["a", "b"]


@pytest.mark.parametrize("mode", ["overwrite", "replace"])
def test_an_empty_frame_never_empties_the_table(store, mysql_settings, mode):
    store.write(pd.DataFrame({"id": [1]}))
    with pytest.raises(ValueError, match="empty DataFrame"):
        store.write(pd.DataFrame({"id": pd.Series([], dtype="int64")}), mode)
    with pytest.raises(ValueError, match="no columns"):
        store.write(pd.DataFrame(index=range(3)), mode)
    assert rows(mysql_settings, store.table) == [(1,)]


def test_a_key_repeated_in_the_frame_fails_before_writing(store, mysql_settings):
    store.write(pd.DataFrame({"id": [1], "v": [1]}), "upsert", primary_key="id")
    with pytest.raises(ValueError, match="share a primary_key"):
        store.write(pd.DataFrame({"id": [2, 2], "v": [1, 2]}), "upsert", primary_key="id")
    assert rows(mysql_settings, store.table) == [(1, 1)]


@pytest.mark.parametrize("values", [[1.0, 1.5], [D("2"), D("2.5")]])
@pytest.mark.parametrize("column_type", ["int", "bigint", "tinyint"])
def test_a_fraction_into_an_integer_column_is_refused(
        store, mysql_settings, column_type, values):
    """The server rounds 1.5 into an INT column to 2 without even a Note."""
    run_sql(mysql_settings, f"CREATE TABLE `{store.table}` (id int, n {column_type})")
    df = pd.DataFrame({"id": [1, 2], "n": pd.Series(values, dtype=object
                                                     if isinstance(values[0], D) else float)})
    with pytest.raises(ValueError, match="column 'n'.*integer"):
        store.write(df)
    assert rows(mysql_settings, store.table) == []
    store.write(df.iloc[:1])  # whole numbers land as they are
    assert rows(mysql_settings, store.table) == [(1, int(values[0]))]
