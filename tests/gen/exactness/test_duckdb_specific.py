"""What only DuckDB needs: its casts round silently (a DECIMAL narrower than the
values, a FLOAT column), its DataFrames give floats for DECIMAL and HUGEINT, and it
has infinite dates pandas cannot hold."""

from __future__ import annotations

import decimal

import pandas as pd
import pytest

from .test_sqlite_duckdb_exactness import sql

D = decimal.Decimal


def test_a_narrower_decimal_column_is_an_error_naming_it_not_a_rounding(store_of):
    store = store_of("duckdb")
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, amount DECIMAL(38, 10))")
    with pytest.raises(ValueError, match=r"'amount'.*DECIMAL\(38,10\).*DECIMAL\(16, 15\)"):
        store.write(pd.DataFrame({"id": [1], "amount": [D("0.123456789012345")]}))
    store.write(pd.DataFrame({"id": [2], "amount": [D("12345678901234567890.1234567891")]}))
    assert store.read()["amount"].tolist() == [D("12345678901234567890.1234567891")]


def test_a_created_decimal_column_is_as_wide_as_the_values(store_of):
    store = store_of("duckdb")
    values = [D("0.123456789012345"), D("-12345678901234567890.5"), None]
    store.write(pd.DataFrame({"id": [1, 2, 3], "amount": pd.Series(values, dtype=object)}))
    assert store.read()["amount"].tolist() == values


@pytest.mark.parametrize(("sql_type", "values"), [
    ("FLOAT", [0.1]), ("BIGINT", [1.5]), ("TIMESTAMPTZ", pd.to_datetime(["2020-01-01"])),
    ("TIMESTAMP_MS", pd.to_datetime(["2020-01-01 00:00:00.000001"])), ("VARCHAR", [1]),
])
def test_a_column_that_would_change_the_values_is_refused(store_of, sql_type, values):
    store = store_of("duckdb")
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, x {sql_type})")
    named = sql_type.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
    with pytest.raises(ValueError, match=f"'x'.*{named}"):
        store.write(pd.DataFrame({"id": [1], "x": values}))


def test_values_pandas_cannot_hold_are_errors_naming_the_column(store_of):
    store = store_of("duckdb")
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, day DATE, big HUGEINT)")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 'infinity', 1)")
    with pytest.raises(ValueError, match="'?day'?.*infinity"):
        store.read()
    sql(store, f"UPDATE {store.table} SET day = '2020-01-01', big = 2::HUGEINT ** 70")
    with pytest.raises(ValueError, match="'big'.*int64"):
        store.read()
    sql(store, f"UPDATE {store.table} SET big = 9223372036854775807")
    assert store.read()["big"].tolist() == [2**63 - 1]


def test_upsert_staging_leaves_nothing_behind(store_of):
    store = store_of("duckdb")
    store.write(pd.DataFrame({"id": [1], "v": ["a"]}), "upsert", primary_key="id")
    store.write(pd.DataFrame({"id": [1, 2], "v": ["b", "c"]}), "upsert", primary_key="id")
    assert sql(store, "SELECT table_name FROM information_schema.tables") == [(store.table,)]
    assert sql(store, "SELECT view_name FROM duckdb_views() WHERE NOT internal") == []
