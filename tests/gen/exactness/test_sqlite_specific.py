"""What only SQLite needs: its tables keep any value in any column and its results
carry no types, so the generated writer constrains the tables it creates, checks what
it writes into other ones, and the extractor types columns from declared types."""

from __future__ import annotations

import decimal
import sqlite3

import pandas as pd
import pytest

from .frames import TEXT
from .test_sqlite_duckdb_exactness import every_type, sql


def test_a_created_table_refuses_a_wrong_type_from_any_writer(store_of):
    store = store_of("sqlite")
    store.write(every_type())
    for column, value in [("i64", "'abc'"), ("f", "'abc'"), ("b", "2"), ("dec", "x'01'"),
                          ("d", "20200101"), ("t", "x'00'")]:
        with pytest.raises(sqlite3.IntegrityError, match=f'CHECK.*"{column}"'):
            sql(store, f"INSERT INTO {store.table} (id, {column}) VALUES (9, {value})")
    assert len(store.read()) == 4


def test_decimals_are_stored_as_exact_text(store_of):
    store = store_of("sqlite")
    store.write(pd.DataFrame({"id": [1], "dec": [decimal.Decimal("12345678901234567890.12")]}))
    assert sql(store, f"SELECT typeof(dec), dec FROM {store.table}") == \
        [("text", "12345678901234567890.12")]


def test_writing_into_an_existing_untyped_or_lossy_column_is_refused(store_of):
    store = store_of("sqlite")
    sql(store, f"CREATE TABLE {store.table} (id INTEGER, price DECIMAL(10, 2), tag)")
    with pytest.raises(ValueError, match=r"'price'.*DECIMAL\(10, 2\).*REAL|'price'.*DECIMAL"):
        store.write(pd.DataFrame({"id": [1], "price": [decimal.Decimal("1.10")]}))
    with pytest.raises(ValueError, match="'tag'.*without a type"):
        store.write(pd.DataFrame({"id": [1], "tag": ["x"]}))
    with pytest.raises(ValueError, match="no column nope"):
        store.write(pd.DataFrame({"id": [1], "nope": ["x"]}))
    assert sql(store, f"SELECT count(*) FROM {store.table}") == [(0,)]


def test_a_text_column_holding_other_values_is_refused(store_of):
    store = store_of("sqlite")
    with pytest.raises(ValueError, match="'t'.*5.*int"):
        store.write(pd.DataFrame({"id": [1, 2], "t": pd.Series(["a", 5], dtype=object)}))


def test_timestamps_finer_than_a_microsecond_are_refused(store_of):
    store = store_of("sqlite")
    stamps = pd.Series(pd.to_datetime(["2020-01-01 00:00:00.000000001"])).astype(
        "datetime64[ns]")
    with pytest.raises(ValueError, match="'ts'.*microsecond"):
        store.write(pd.DataFrame({"id": [1], "ts": stamps}))


def test_a_value_the_declared_type_cannot_hold_is_an_error_naming_the_column(store_of):
    store = store_of("sqlite")
    sql(store, f"CREATE TABLE {store.table} (id INTEGER, n BIGINT, day DATE)")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 'abc', '2020-01-01')")
    with pytest.raises(ValueError, match="'n'.*integer.*'abc'"):
        store.read()
    sql(store, f"UPDATE {store.table} SET n = 1, day = 'soon'")
    with pytest.raises(ValueError, match="'day'.*date"):
        store.read()


def test_a_table_of_another_tool_reads_by_its_declared_types(store_of):
    store = store_of("sqlite")
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, name VARCHAR(20), amount DOUBLE "
               "PRECISION, price NUMERIC(10,2), at DATETIME, ok BOOL)")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 'a', 2, 1.5, '2020-01-02 03:04:05', 1),"
               " (2, NULL, NULL, 7, NULL, NULL)")
    back = store.read()
    assert back.dtypes.tolist() == ["Int64", TEXT, "float64", object, "datetime64[us]",
                                    "boolean"]
    assert back["price"].tolist() == [decimal.Decimal("1.5"), decimal.Decimal(7)]
    assert back["amount"].tolist()[0] == 2.0


def test_computed_columns_take_their_type_from_the_values(store_of):
    store = store_of("sqlite")
    store.write(every_type())
    back = store.read(query=f"SELECT id + 1 AS n, f * 2 AS g, t || '!' AS s, "
                            f"CAST(i8 AS TEXT) AS c FROM {store.table} WHERE id > 3")
    assert back.dtypes.tolist() == ["Int64", "float64", TEXT, TEXT]
    none = store.read(query=f"SELECT id + 1 AS n FROM {store.table} WHERE id > 100")
    assert none.dtypes.astype(str).tolist() == ["object"]


def test_a_limit_and_columns_keep_the_types(store_of):
    store = store_of("sqlite")
    store.write(every_type())
    back = store.read(columns=["ts", "id"], limit=1)
    assert back.dtypes.astype(str).tolist() == ["datetime64[us]", "Int64"]
